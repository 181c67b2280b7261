// Package template holds everything nianbao knows about the State Council's
// report templates (国办公开办函〔2019〕60号 and 〔2021〕30号): the six sections,
// the three tables, their row and column keys, official labels, the phrases that
// name them in the wild, and the order of values. It is data only: the parser,
// validator, exports and test generator all read it from here.
//
// Match phrases are written in the folded form of package textnorm: simplified
// script, half-width punctuation, no whitespace.
package template

import "slices"

// Template versions, as the record's "template" value.
const (
	V2019 = "2019"
	V2021 = "2021"
)

// Kind tells how a value is printed and checked.
type Kind int

const (
	// Count is a whole number of items, never negative.
	Count Kind = iota
	// Signed is a whole number that may be negative (本年增/减).
	Signed
	// Amount is a decimal amount of money.
	Amount
)

// Column is one value column of a row.
type Column struct {
	Key   string
	Label string // official header label
	Kind  Kind
}

// Row is one row of a table.
type Row struct {
	Key string
	// Label is the row's own official label; Groups are the labels of the merged
	// cells to its left, outermost first.
	Label  string
	Groups []string
	// Match lists phrases any of which, found in a row label, names this row.
	// Exact lists labels that name it only when a label cell, without its list
	// number, reads exactly so (for short words such as 其他 that occur in
	// other labels too).
	Match []string
	Exact []string
	// Columns are the row's value columns, in printed order; nil means the
	// table's Columns.
	Columns []Column
	// Replaces names the rows of this template that a report leaves out when it
	// prints this row instead; such a row is not in the template, and printing
	// it is a template.deviation.
	Replaces []string
}

// Table is one of the three standard tables.
type Table struct {
	Key     string
	Section string // key of the section that holds it
	Columns []Column
	Rows    []Row
	// Flat tables print all their values as one row, row after row, under
	// headers only (表四 行政复议/行政诉讼): rows are found by position.
	Flat bool
}

// Section is one of the six numbered sections.
type Section struct {
	Key     string
	Heading string // official heading, with its number
	// Match lists phrases any of which, in a short numbered line, marks the
	// section's heading.
	Match []string
}

// Template is one version of the report layout.
type Template struct {
	ID string
	// Markers are header and row phrases printed only by this version.
	Markers []string
	Tables  []Table
}

// ColumnsOf returns the row's value columns.
func (t *Table) ColumnsOf(r *Row) []Column {
	if r.Columns != nil {
		return r.Columns
	}
	return t.Columns
}

// Row returns the row with the key, or nil.
func (t *Table) Row(key string) *Row {
	for i := range t.Rows {
		if t.Rows[i].Key == key {
			return &t.Rows[i]
		}
	}
	return nil
}

// Table returns the table with the key, or nil.
func (tp *Template) Table(key string) *Table {
	for i := range tp.Tables {
		if tp.Tables[i].Key == key {
			return &tp.Tables[i]
		}
	}
	return nil
}

// Lookup returns the template with the id, or nil.
func Lookup(id string) *Template {
	for _, t := range All() {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// All returns the templates, newest first. The values are shared: read only.
func All() []*Template { return []*Template{&v2021, &v2019} }

// CellLabels lists the labels the templates print in table cells: the
// closed vocabulary an OCR matches what it reads in a cell to.
func CellLabels() []string {
	v := []string{HeaderInfo, HeaderCheckNote, HeaderApplicants, HeaderOrganisations}
	for _, tp := range All() {
		for _, t := range tp.Tables {
			for i := range t.Rows {
				r := &t.Rows[i]
				v = append(v, r.Label)
				v = append(v, r.Groups...)
				for _, c := range t.ColumnsOf(r) {
					v = append(v, c.Label)
				}
			}
		}
	}
	return v
}

// Sections returns the six sections in printed order. Read only.
func Sections() []Section { return sections }

// Table and section keys.
const (
	SectionOverview          = "overview"
	ActiveDisclosure         = "active_disclosure"
	Applications             = "applications"
	ReviewsLitigation        = "reviews_litigation"
	SectionProblems          = "problems"
	SectionOther             = "other"
	applicationsOtherOverdue = "other_overdue"
	applicationsOtherUnpaid  = "other_unpaid"
	applicationsOtherOther   = "other_other"
)

var sections = []Section{
	{Key: SectionOverview, Heading: "一、总体情况", Match: []string{"总体情况"}},
	{Key: ActiveDisclosure, Heading: "二、主动公开政府信息情况", Match: []string{"主动公开政府信息"}},
	{Key: Applications, Heading: "三、收到和处理政府信息公开申请情况", Match: []string{"收到和处理政府信息", "收到和处理"}},
	{Key: ReviewsLitigation, Heading: "四、政府信息公开行政复议、行政诉讼情况", Match: []string{"行政复议"}},
	{Key: SectionProblems, Heading: "五、存在的主要问题及改进情况", Match: []string{"存在的主要问题", "主要问题"}},
	{Key: SectionOther, Heading: "六、其他需要报告的事项", Match: []string{"其他需要报告", "其他需报告"}},
}

// Columns of table 1.
var (
	cols2021Documents = []Column{
		{Key: "issued", Label: "本年制发件数"},
		{Key: "repealed", Label: "本年废止件数"},
		{Key: "in_force", Label: "现行有效件数"},
	}
	cols2021Decisions = []Column{{Key: "decisions", Label: "本年处理决定数量"}}
	cols2021Fees      = []Column{{Key: "amount", Label: "本年收费金额（单位：万元）", Kind: Amount}}

	cols2019Documents = []Column{
		{Key: "made", Label: "本年新制作数量"},
		{Key: "published", Label: "本年新公开数量"},
		{Key: "total_published", Label: "对外公开总数量"},
	}
	cols2019Items = []Column{
		{Key: "previous_items", Label: "上一年项目数量"},
		{Key: "change", Label: "本年增/减", Kind: Signed},
		{Key: "decisions", Label: "处理决定数量"},
	}
	cols2019Fees = []Column{
		{Key: "previous_items", Label: "上一年项目数量"},
		{Key: "change", Label: "本年增/减", Kind: Signed},
	}
	cols2019Procurement = []Column{
		{Key: "items", Label: "采购项目数量"},
		{Key: "amount", Label: "采购总金额", Kind: Amount},
	}
)

// Article groups of table 1: the 第二十条 item each block of rows reports.
const (
	article1 = "第二十条第（一）项"
	article5 = "第二十条第（五）项"
	article6 = "第二十条第（六）项"
	article8 = "第二十条第（八）项"
	article9 = "第二十条第（九）项"
)

var (
	rowRegulations = Row{Key: "regulations", Label: "规章", Groups: []string{article1},
		Match: []string{"规章"}}
	rowNormative = Row{Key: "normative_documents", Label: "行政规范性文件", Groups: []string{article1},
		Match: []string{"规范性文件"}}
	rowLicensing = Row{Key: "licensing", Label: "行政许可", Groups: []string{article5},
		Match: []string{"行政许可"}}
	rowPunishment = Row{Key: "punishment", Label: "行政处罚", Groups: []string{article6},
		Match: []string{"行政处罚"}}
	rowCoercion = Row{Key: "coercion", Label: "行政强制", Groups: []string{article6},
		Match: []string{"行政强制"}}
	rowFees = Row{Key: "fees", Label: "行政事业性收费", Groups: []string{article8},
		Match: []string{"事业性收费"}}
)

func with(r Row, label string, cols []Column) Row {
	if label != "" {
		r.Label = label
	}
	r.Columns = cols
	return r
}

// Columns of table 2: 申请人情况.
var applicantColumns = []Column{
	{Key: "natural_person", Label: "自然人"},
	{Key: "commercial", Label: "商业企业"},
	{Key: "research", Label: "科研机构"},
	{Key: "social_welfare", Label: "社会公益组织"},
	{Key: "legal_services", Label: "法律服务机构"},
	{Key: "other_org", Label: "其他"},
	{Key: "total", Label: "总计"},
}

// Group labels of table 2.
const (
	groupResults     = "三、本年度办理结果"
	groupWithheld    = "（三）不予公开"
	groupUnavailable = "（四）无法提供"
	groupUnprocessed = "（五）不予处理"
	groupOther       = "（六）其他处理"
)

var (
	results     = []string{groupResults}
	withheld    = []string{groupResults, groupWithheld}
	unavailable = []string{groupResults, groupUnavailable}
	unprocessed = []string{groupResults, groupUnprocessed}
	otherGroup  = []string{groupResults, groupOther}
)

// applicationRows returns table 2's rows; otherRows are the rows of its
// （六）其他处理 block, which differ between the versions.
func applicationRows(otherRows ...Row) []Row {
	rows := []Row{
		{Key: RowNewReceived, Label: "一、本年新收政府信息公开申请数量", Match: []string{"本年新收"}},
		{Key: RowCarriedOver, Label: "二、上年结转政府信息公开申请数量", Match: []string{"上年结转"}},
		{Key: "disclosed", Label: "（一）予以公开", Groups: results, Match: []string{"予以公开"}},
		{Key: "partially_disclosed", Label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", Groups: results,
			Match: []string{"部分公开"}},
		{Key: "withheld_state_secret", Label: "1.属于国家秘密", Groups: withheld, Match: []string{"国家秘密"}},
		{Key: "withheld_prohibited", Label: "2.其他法律行政法规禁止公开", Groups: withheld,
			Match: []string{"其他法律行政", "行政法规禁止", "法规禁止公开"}},
		{Key: "withheld_security", Label: "3.危及“三安全一稳定”", Groups: withheld,
			Match: []string{"三安全一稳定", "危及"}},
		{Key: "withheld_third_party", Label: "4.保护第三方合法权益", Groups: withheld,
			Match: []string{"第三方合法权益", "保护第三方"}},
		{Key: "withheld_internal", Label: "5.属于三类内部事务信息", Groups: withheld,
			Match: []string{"内部事务"}},
		{Key: "withheld_process", Label: "6.属于四类过程性信息", Groups: withheld,
			Match: []string{"过程性信息", "四类过程"}},
		{Key: "withheld_enforcement", Label: "7.属于行政执法案卷", Groups: withheld,
			Match: []string{"执法案卷"}},
		{Key: "withheld_inquiry", Label: "8.属于行政查询事项", Groups: withheld,
			Match: []string{"行政查询"}},
		{Key: "unavailable_not_held", Label: "1.本机关不掌握相关政府信息", Groups: unavailable,
			Match: []string{"不掌握"}},
		{Key: "unavailable_to_create", Label: "2.没有现成信息需要另行制作", Groups: unavailable,
			Match: []string{"没有现成信息", "另行制作"}},
		{Key: "unavailable_unclear", Label: "3.补正后申请内容仍不明确", Groups: unavailable,
			Match: []string{"仍不明确", "补正后申请"}},
		{Key: "unprocessed_petition", Label: "1.信访举报投诉类申请", Groups: unprocessed,
			Match: []string{"信访举报", "举报投诉"}},
		{Key: "unprocessed_duplicate", Label: "2.重复申请", Groups: unprocessed, Match: []string{"重复申请"}},
		{Key: "unprocessed_publication", Label: "3.要求提供公开出版物", Groups: unprocessed,
			Match: []string{"公开出版物"}},
		{Key: "unprocessed_excessive", Label: "4.无正当理由大量反复申请", Groups: unprocessed,
			Match: []string{"大量反复", "反复申请"}},
		{Key: "unprocessed_confirmation", Label: "5.要求行政机关确认或重新出具已获取信息", Groups: unprocessed,
			Match: []string{"重新出具", "确认或重新"}},
	}
	rows = append(rows, otherRows...)
	return append(rows,
		Row{Key: RowProcessedTotal, Label: "（七）总计", Groups: results, Exact: []string{"总计", "合计"}},
		Row{Key: RowCarriedForward, Label: "四、结转下年度继续办理", Match: []string{"结转下年度", "结转下一年度"}},
	)
}

var (
	rowOtherSingle = Row{Key: RowOther, Label: groupOther, Groups: results, Match: []string{"其他处理"}}
	rowsOther2021  = []Row{
		{Key: applicationsOtherOverdue, Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
			Groups: otherGroup, Match: []string{"逾期不补正"}},
		{Key: applicationsOtherUnpaid, Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
			Groups: otherGroup, Match: []string{"收费通知", "缴纳费用"}},
		{Key: applicationsOtherOther, Label: "3.其他", Groups: otherGroup, Exact: []string{"其他"}},
	}
	replacedBySingle = []string{applicationsOtherOverdue, applicationsOtherUnpaid, applicationsOtherOther}
)

func deviant(r Row, replaces []string) Row {
	r.Replaces = replaces
	return r
}

// Columns and rows of table 3, printed as one row of 15 values.
var (
	reviewColumns = []Column{
		{Key: "upheld", Label: "结果维持"},
		{Key: "corrected", Label: "结果纠正"},
		{Key: "other", Label: "其他结果"},
		{Key: "pending", Label: "尚未审结"},
		{Key: "total", Label: "总计"},
	}
	reviewTable = Table{
		Key: ReviewsLitigation, Section: ReviewsLitigation, Columns: reviewColumns, Flat: true,
		Rows: []Row{
			{Key: "reconsideration", Label: "行政复议"},
			{Key: "litigation_direct", Label: "未经复议直接起诉", Groups: []string{"行政诉讼"}},
			{Key: "litigation_after", Label: "复议后起诉", Groups: []string{"行政诉讼"}},
		},
	}
)

var v2021 = Template{
	ID: V2021,
	Markers: []string{"本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额",
		"逾期不补正", "收费通知"},
	Tables: []Table{
		{Key: ActiveDisclosure, Section: ActiveDisclosure, Rows: []Row{
			with(rowRegulations, "", cols2021Documents),
			with(rowNormative, "", cols2021Documents),
			with(rowLicensing, "", cols2021Decisions),
			with(rowPunishment, "", cols2021Decisions),
			with(rowCoercion, "", cols2021Decisions),
			with(rowFees, "", cols2021Fees),
		}},
		{Key: Applications, Section: Applications, Columns: applicantColumns,
			Rows: applicationRows(append(rowsOther2021, deviant(rowOtherSingle, replacedBySingle))...)},
		reviewTable,
	},
}

var v2019 = Template{
	ID: V2019,
	Markers: []string{"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量",
		"其他对外管理服务", "政府集中采购", "采购总金额"},
	Tables: []Table{
		{Key: ActiveDisclosure, Section: ActiveDisclosure, Rows: []Row{
			with(rowRegulations, "", cols2019Documents),
			with(rowNormative, "规范性文件", cols2019Documents),
			with(rowLicensing, "", cols2019Items),
			{Key: "other_services", Label: "其他对外管理服务事项", Groups: []string{article5},
				Match: []string{"其他对外管理服务", "对外管理服务"}, Columns: cols2019Items},
			with(rowPunishment, "", cols2019Items),
			with(rowCoercion, "", cols2019Items),
			with(rowFees, "", cols2019Fees),
			{Key: "procurement", Label: "政府集中采购", Groups: []string{article9},
				Match: []string{"集中采购"}, Columns: cols2019Procurement},
		}},
		{Key: Applications, Section: Applications, Columns: applicantColumns,
			Rows: applicationRows(
				rowOtherSingle,
				deviant(rowsOther2021[0], []string{RowOther}),
				deviant(rowsOther2021[1], []string{RowOther}),
				deviant(rowsOther2021[2], []string{RowOther}),
			)},
		reviewTable,
	},
}

// Keys the arithmetic of the tables refers to.
const (
	// ColumnTotal is the column that sums a row's other columns (总计).
	ColumnTotal = "total"
	// RowProcessedTotal is table 2's （七）总计, the sum of its outcome rows.
	RowProcessedTotal = "processed_total"
	RowNewReceived    = "new_received"
	RowCarriedOver    = "carried_over"
	RowCarriedForward = "carried_forward"
	// RowOther is the single （六）其他处理 row.
	RowOther = "other"
)

// Balance returns the two sides of table 2's 勾稽关系, which every column must
// satisfy: the sum of the rows in equals the sum of the rows out.
func Balance() (in, out []string) {
	return []string{RowNewReceived, RowCarriedOver}, []string{RowProcessedTotal, RowCarriedForward}
}

// Phrases of the title and of the statistics period, folded.
const (
	// TitleMark is in every report's title: 政府信息公开工作年度报告.
	TitleMark = "年度报告"
	// TitleSubject starts the title after the agency and year.
	TitleSubject = "政府信息公开"
)

// PlaceSuffixes end the names of administrative places (省, 市, 区, 县 and
// the rest, in both scripts): an agency's name is a place's name, then its
// office's. The place alone is named again in a report's prose (…区人民政府
// 门户网站), so its characters can be checked there too.
const PlaceSuffixes = "省市区區县縣州盟旗镇鎮乡鄉"

// PeriodMarks open the statement of the statistics period
// (本报告所列数据统计期限为…), in both scripts: it is looked for in prose that
// is not folded.
var PeriodMarks = []string{"统计期限", "統計期限"}

// Header labels the official tables print above their values.
const (
	// HeaderInfo heads the row labels of table 1.
	HeaderInfo = "信息内容"
	// HeaderCheckNote is table 2's top left cell, stating its 勾稽关系.
	HeaderCheckNote = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
	// HeaderApplicants heads table 2's value columns.
	HeaderApplicants = "申请人情况"
	// HeaderOrganisations heads table 2's columns between 自然人 and 总计.
	HeaderOrganisations = "法人或其他组织"
	// LabelColumns is the number of grid columns table 2's row labels take:
	// 三、本年度办理结果, then （三）不予公开, then the row's own label.
	LabelColumns = 3
)

// Replaced returns the keys of the rows that printed deviant rows stand in
// for (see Row.Replaces); printed tells whether a row is printed.
func (t *Table) Replaced(printed func(key string) bool) map[string]bool {
	replaced := map[string]bool{}
	for _, r := range t.Rows {
		if len(r.Replaces) > 0 && printed(r.Key) {
			for _, k := range r.Replaces {
				replaced[k] = true
			}
		}
	}
	return replaced
}

// Outcomes returns the keys of the rows that RowProcessedTotal sums: every row
// under 三、本年度办理结果 but the total itself.
func (t *Table) Outcomes() []string {
	var keys []string
	for _, r := range t.Rows {
		if len(r.Groups) > 0 && r.Groups[0] == groupResults && r.Key != RowProcessedTotal {
			keys = append(keys, r.Key)
		}
	}
	return keys
}

// Cell names one value of a table: a row key and a column key.
type Cell struct{ Row, Column string }

// Sum is one equation a table's values satisfy: the values of Left add up
// to those of Right. With Total set, Left is one total cell and Right its
// parts.
type Sum struct {
	Left, Right []Cell
	Total       bool
}

// Summed reports whether a sum of Sums holds the cell: its value is checked
// when the table is.
func (t *Table) Summed(c Cell) bool {
	for _, s := range t.Sums() {
		if slices.Contains(s.Left, c) || slices.Contains(s.Right, c) {
			return true
		}
	}
	return false
}

// Sums returns the equations the table's values satisfy: each row's 总计 is
// the sum of its other columns; in table 2, each column's （七）总计 is the
// sum of its outcome rows, and its 勾稽关系 holds (Balance). Rows a report
// may leave out are named all the same: a reader skips what is not printed.
func (t *Table) Sums() []Sum {
	var sums []Sum
	for i := range t.Rows {
		r := &t.Rows[i]
		cols := t.ColumnsOf(r)
		s := Sum{Total: true}
		for _, c := range cols {
			if c.Key == ColumnTotal {
				s.Left = []Cell{{r.Key, c.Key}}
			} else {
				s.Right = append(s.Right, Cell{r.Key, c.Key})
			}
		}
		if s.Left != nil {
			sums = append(sums, s)
		}
	}
	if t.Key != Applications {
		return sums
	}
	in, out := Balance()
	outcomes := t.Outcomes()
	for _, c := range t.Columns {
		s := Sum{Left: []Cell{{RowProcessedTotal, c.Key}}, Total: true}
		for _, k := range outcomes {
			s.Right = append(s.Right, Cell{k, c.Key})
		}
		b := Sum{}
		for _, k := range in {
			b.Left = append(b.Left, Cell{k, c.Key})
		}
		for _, k := range out {
			b.Right = append(b.Right, Cell{k, c.Key})
		}
		sums = append(sums, s, b)
	}
	return sums
}
