package corpus

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/nianbao/nianbao/internal/template"
)

// Finding is one finding the record must carry, as the expected file lists it.
type Finding struct {
	Rule   string `json:"rule"`
	Table  string `json:"table"`
	Row    string `json:"row"`
	Column string `json:"column"`
}

// Rules of ../../shared/spec/report-v1.md that the corpus exercises.
const (
	ruleBalance        = "applications.balance"
	ruleProcessedTotal = "applications.processed_total"
	ruleRowTotal       = "applications.row_total"
	ruleReviewsTotal   = "reviews_litigation.total"
	ruleInvalid        = "value.invalid"
	ruleMissing        = "value.missing"
	ruleBlank          = "value.blank"
	ruleTableMissing   = "table.missing"
	ruleYearMismatch   = "meta.year_mismatch"
	ruleDeviation      = "template.deviation"
)

// warningRules are the rules of severity warning: they leave the status be.
var warningRules = map[string]bool{ruleYearMismatch: true, ruleDeviation: true, ruleProseMismatch: true, ruleBlank: true}

// An injection puts one deliberate error into a report's values and returns
// what it did and the findings it implies. Each declares its findings from
// what it changed, reasoning about the checks by hand, rather than running a
// checker: the corpus is there to test the checker.
type injection func(r *Report, rng *rand.Rand) (string, []Finding)

// scenarios are the error sets given to reports, one or two injections each.
// Two in one report never share a table where one would mask the other's
// checks (a null operand skips the checks it takes part in).
var scenarios = [][]injection{
	{bumpProcessedTotal},
	{bumpOutcome},
	{bumpReceivedTotal},
	{shiftCarriedForward, bumpReviewTotal},
	{bumpReviewTotal},
	{negativeCount},
	{fractionalCount, nullActive},
	{nullReview, bumpOutcome},
	{nullApplication},
	{dropReviews},
	{nullApplication, nullActive},
}

func finding(rule, tbl, row, col string) Finding {
	return Finding{Rule: rule, Table: tbl, Row: row, Column: col}
}

func appFinding(rule, row, col string) Finding {
	return finding(rule, template.Applications, row, col)
}

// pickCell picks a value of the rows in a column accepted by ok that no other
// injection touched, marks it touched and returns it with its position.
func pickCell(rng *rand.Rand, rows []*row, ok func(c template.Column) bool) (*row, template.Column, *value) {
	type cell struct {
		r *row
		i int
	}
	var cells []cell
	for _, r := range rows {
		for i, c := range r.cols {
			if ok(c) && !r.vals[i].injected {
				cells = append(cells, cell{r, i})
			}
		}
	}
	c := pick(rng, cells)
	v := &c.r.vals[c.i]
	v.injected = true
	return c.r, c.r.cols[c.i], v
}

func applicant(c template.Column) bool { return c.Key != template.ColumnTotal }
func anyColumn(template.Column) bool   { return true }
func count(c template.Column) bool     { return c.Kind == template.Count }

// bumpProcessedTotal raises one applicant cell of （七）总计: its column no
// longer balances nor adds up, and the row no longer sums to its total.
func bumpProcessedTotal(r *Report, rng *rand.Rand) (string, []Finding) {
	t := r.table(template.Applications)
	_, c, v := pickCell(rng, []*row{t.row(template.RowProcessedTotal)}, applicant)
	v.num += 2
	return fmt.Sprintf("applications.processed_total.%s +2", c.Key), []Finding{
		appFinding(ruleBalance, template.RowProcessedTotal, c.Key),
		appFinding(ruleProcessedTotal, template.RowProcessedTotal, c.Key),
		appFinding(ruleRowTotal, template.RowProcessedTotal, template.ColumnTotal),
	}
}

// bumpOutcome raises one outcome cell without fixing the totals: its row no
// longer sums, and its column's outcomes no longer add up to 总计.
func bumpOutcome(r *Report, rng *rand.Rand) (string, []Finding) {
	t := r.table(template.Applications)
	row, c, v := pickCell(rng, t.outcomeRows(), applicant)
	v.num++
	return fmt.Sprintf("applications.%s.%s +1", row.def.Key, c.Key), []Finding{
		appFinding(ruleProcessedTotal, template.RowProcessedTotal, c.Key),
		appFinding(ruleRowTotal, row.def.Key, template.ColumnTotal),
	}
}

// bumpReceivedTotal misprints the total of 本年新收: the row no longer sums
// and the total column no longer balances.
func bumpReceivedTotal(r *Report, rng *rand.Rand) (string, []Finding) {
	v := r.table(template.Applications).row(template.RowNewReceived).col(template.ColumnTotal)
	k := between(rng, 1, 9)
	v.num += float64(k)
	v.injected = true
	return fmt.Sprintf("applications.new_received.total +%d", k), []Finding{
		appFinding(ruleBalance, template.RowProcessedTotal, template.ColumnTotal),
		appFinding(ruleRowTotal, template.RowNewReceived, template.ColumnTotal),
	}
}

// shiftCarriedForward raises one cell of 结转下年度 and its total alike: the
// row still sums, but both columns no longer balance.
func shiftCarriedForward(r *Report, rng *rand.Rand) (string, []Finding) {
	forward := r.table(template.Applications).row(template.RowCarriedForward)
	_, c, v := pickCell(rng, []*row{forward}, applicant)
	v.num++
	total := forward.col(template.ColumnTotal)
	total.num++
	total.injected = true
	return fmt.Sprintf("applications.carried_forward.%s and .total +1", c.Key), []Finding{
		appFinding(ruleBalance, template.RowProcessedTotal, c.Key),
		appFinding(ruleBalance, template.RowProcessedTotal, template.ColumnTotal),
	}
}

// bumpReviewTotal misprints one total of table 3.
func bumpReviewTotal(r *Report, rng *rand.Rand) (string, []Finding) {
	t := r.table(template.ReviewsLitigation)
	row, _, v := pickCell(rng, t.rows, func(c template.Column) bool { return c.Key == template.ColumnTotal })
	d := 1
	if v.num > 0 && chance(rng, 1, 2) {
		d = -1
	}
	v.num += float64(d)
	return fmt.Sprintf("reviews_litigation.%s.total %+d", row.def.Key, d), []Finding{
		finding(ruleReviewsTotal, template.ReviewsLitigation, row.def.Key, template.ColumnTotal),
	}
}

// negativeCount prints a negative count in table 1, where no sum uses it.
func negativeCount(r *Report, rng *rand.Rand) (string, []Finding) {
	t := r.table(template.ActiveDisclosure)
	row, c, v := pickCell(rng, t.rows, count)
	v.num = -float64(between(rng, 1, 9))
	return fmt.Sprintf("active_disclosure.%s.%s = %v", row.def.Key, c.Key, v.num), []Finding{
		finding(ruleInvalid, template.ActiveDisclosure, row.def.Key, c.Key),
	}
}

// fractionalCount prints a count with a fraction in table 1.
func fractionalCount(r *Report, rng *rand.Rand) (string, []Finding) {
	t := r.table(template.ActiveDisclosure)
	row, c, v := pickCell(rng, t.rows, count)
	v.num = float64(between(rng, 1, 40)) + 0.5
	return fmt.Sprintf("active_disclosure.%s.%s = %v", row.def.Key, c.Key, v.num), []Finding{
		finding(ruleInvalid, template.ActiveDisclosure, row.def.Key, c.Key),
	}
}

// nullCell prints one value of rows blank. A count printed blank reads as 0
// where the arithmetic allows it (spec, value.blank): in table 1, which has
// none, and where the value is 0; the value is then 0, with value.blank.
// Else (an amount; a part of a row whose printed total it breaks; a total
// whose parts are not 0) it is null: every check it takes part in is
// skipped, so it implies value.missing alone.
func nullCell(r *Report, rng *rand.Rand, tbl string) (string, []Finding) {
	row, c, v := pickCell(rng, r.nullable(tbl), anyColumn)
	if c.Kind != template.Amount && (tbl == template.ActiveDisclosure || v.num == 0) {
		v.num, v.blank = 0, true
		return fmt.Sprintf("%s.%s.%s printed blank (%q), read as 0", tbl, row.def.Key, c.Key, r.look.nullMark), []Finding{
			finding(ruleBlank, tbl, "", ""),
		}
	}
	v.null = true
	return fmt.Sprintf("%s.%s.%s null, printed %q", tbl, row.def.Key, c.Key, r.look.nullMark), []Finding{
		finding(ruleMissing, tbl, row.def.Key, c.Key),
	}
}

// nullable returns the rows of a table an injection may blank a value of:
// in table 2, the outcome rows.
func (r *Report) nullable(tbl string) []*row {
	t := r.table(tbl)
	if tbl == template.Applications {
		return t.outcomeRows()
	}
	return t.rows
}

func nullActive(r *Report, rng *rand.Rand) (string, []Finding) {
	return nullCell(r, rng, template.ActiveDisclosure)
}

func nullApplication(r *Report, rng *rand.Rand) (string, []Finding) {
	return nullCell(r, rng, template.Applications)
}

func nullReview(r *Report, rng *rand.Rand) (string, []Finding) {
	return nullCell(r, rng, template.ReviewsLitigation)
}

// dropReviews leaves table 3 out; its section says there were no cases.
func dropReviews(r *Report, _ *rand.Rand) (string, []Finding) {
	for i, t := range r.tables {
		if t != nil && t.def.Key == template.ReviewsLitigation {
			r.tables[i] = nil
		}
	}
	return "table 3 left out", []Finding{finding(ruleTableMissing, template.ReviewsLitigation, "", "")}
}

// sortFindings orders findings by rule, then table, row and column in
// template order, as the seeds' expected files do.
func (r *Report) sortFindings() {
	tableIndex := func(key string) int {
		return slices.IndexFunc(r.tmpl.Tables, func(t template.Table) bool { return t.Key == key })
	}
	position := func(f Finding) (int, int, int) {
		ti := tableIndex(f.Table)
		if ti < 0 {
			return -1, -1, -1
		}
		def := &r.tmpl.Tables[ti]
		ri := slices.IndexFunc(def.Rows, func(x template.Row) bool { return x.Key == f.Row })
		if ri < 0 {
			return ti, -1, -1
		}
		cols := def.ColumnsOf(&def.Rows[ri])
		return ti, ri, slices.IndexFunc(cols, func(c template.Column) bool { return c.Key == f.Column })
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		if c := cmp.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		at, ar, ac := position(a)
		bt, br, bc := position(b)
		return cmp.Or(cmp.Compare(at, bt), cmp.Compare(ar, br), cmp.Compare(ac, bc))
	})
}
