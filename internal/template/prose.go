package template

// A Statement is a total that reports state in words in their prose
// (全年共收到政府信息公开申请91件, 上年结转5件, 行政复议2件), and the table cells whose
// sum it states. The validator compares the two (prose.mismatch).
type Statement struct {
	Table string
	Cells []Cell
	// Keys are alternative phrase sequences, folded: a clause states this
	// total when every phrase of one sequence occurs in it, in order, and the
	// number follows the last one within StatementGap characters.
	Keys [][]string
	// Not lists phrases that, in the same clause, show it speaks of a part
	// rather than the total (其中, 维持): such a clause is not read.
	Not []string
}

// StatementUnits are the measure words a stated count ends with.
const StatementUnits = "件起宗个份"

// StatementUnitsPrinted are StatementUnits as either script prints them, to
// pass over before folding the sentences that state no count.
const StatementUnitsPrinted = StatementUnits + "個"

// StatementGap is how many characters may stand between a statement's last
// phrase and its number (政府信息公开申请 in 收到政府信息公开申请91件).
const StatementGap = 12

// StatementBreaks end a clause: a number is read only with the phrases of its
// own clause.
const StatementBreaks = "，。；;,!?！？：:()（）\n"

// Statements returns the totals reports state in words. Read only.
func Statements() []Statement { return statements }

func totalOf(rows ...string) []Cell {
	cells := make([]Cell, len(rows))
	for i, r := range rows {
		cells[i] = Cell{Row: r, Column: ColumnTotal}
	}
	return cells
}

// Phrases naming a part of a total.
var (
	applicationParts = []string{"其中", "自然人", "法人", "企业", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理"}
	reviewParts      = []string{"其中", "维持", "纠正", "其他结果", "审结"}
)

var statements = []Statement{
	{Table: Applications, Cells: totalOf(RowNewReceived), Keys: [][]string{
		{"收到", "申请"}, {"新收", "申请"}, {"受理", "申请"}}, Not: applicationParts},
	{Table: Applications, Cells: totalOf(RowCarriedOver), Keys: [][]string{{"上年结转"}, {"上一年度结转"}}, Not: applicationParts},
	{Table: Applications, Cells: totalOf(RowProcessedTotal), Keys: [][]string{{"办结"}, {"办理完结"}}, Not: applicationParts},
	{Table: Applications, Cells: totalOf(RowCarriedForward), Keys: [][]string{
		{"结转下年度"}, {"结转下一年度"}, {"结转至下年度"}}, Not: applicationParts},
	{Table: ReviewsLitigation, Cells: totalOf("reconsideration"), Keys: [][]string{{"行政复议"}}, Not: reviewParts},
	{Table: ReviewsLitigation, Cells: totalOf("litigation_direct", "litigation_after"), Keys: [][]string{{"行政诉讼"}}, Not: reviewParts},
}
