// Package validate checks a record against what its template states and what
// arithmetic implies, and sets its status. It reports; it never changes a
// printed value.
package validate

import (
	"fmt"
	"math"
	"strings"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
)

// Rules, as in the spec.
const (
	RuleBalance        = "applications.balance"
	RuleProcessedTotal = "applications.processed_total"
	RuleRowTotal       = "applications.row_total"
	RuleReviewTotal    = "reviews_litigation.total"
	RuleValueInvalid   = "value.invalid"
	RuleValueMissing   = "value.missing"
	// RuleValueBlank is raised by the parser, which alone sees which cells
	// were printed blank.
	RuleValueBlank   = "value.blank"
	RuleTableMissing = "table.missing"
	RuleMetaMissing  = "meta.missing"
	RuleYearMismatch = "meta.year_mismatch"
	RuleDeviation    = "template.deviation"
	// RuleLowConfidence is raised by the parser, which alone sees the OCR
	// confidence of each cell.
	RuleLowConfidence = "ocr.low_confidence"
	// RuleMetaLowConfidence is raised by the parser when the places an
	// OCR'd report names its agency disagree, or its converter doubts the
	// script its title was read in (layout.Document.Doubts).
	RuleMetaLowConfidence = "meta.low_confidence"
	// RuleCorrected is raised by package correct, which takes an OCR'd
	// value from a re-reading when it alone makes the arithmetic hold.
	RuleCorrected = "ocr.corrected"
)

// rowTotalRule names the rule that checks a table's 总计 column.
var rowTotalRule = map[string]string{
	template.Applications:      RuleRowTotal,
	template.ReviewsLitigation: RuleReviewTotal,
}

// incompleteRules are the errors that say something is missing rather than
// wrong.
var incompleteRules = map[string]bool{RuleValueMissing: true, RuleTableMissing: true}

// Check runs every rule on rec, appends a finding for each failure and sets
// rec.Status.
func Check(rec *record.Record) {
	c := checker{rec: rec, explained: explainedCells(rec.Findings)}
	c.meta()
	tp := template.Lookup(rec.Template)
	if tp == nil {
		c.add(record.Finding{Rule: RuleTableMissing, Severity: record.Error,
			Message: fmt.Sprintf("unknown template %q: no table can be checked", rec.Template)})
	} else {
		for i := range tp.Tables {
			c.table(&tp.Tables[i], rec.TableOf(tp.Tables[i].Key))
		}
		c.prose()
	}
	rec.Status = Status(rec.Findings)
}

// Status returns the record status the findings give: invalid for an error
// in a value or the arithmetic, else incomplete for something missing, else
// valid. Warnings do not count.
func Status(findings []record.Finding) string {
	status := record.Valid
	for _, f := range findings {
		if f.Severity != record.Error {
			continue
		}
		if !incompleteRules[f.Rule] {
			return record.Invalid
		}
		status = record.Incomplete
	}
	return status
}

type checker struct {
	rec *record.Record
	// explained are the cells the reader already reported value.missing
	// for, with its reason (a blank that cannot be 0): not reported again.
	explained map[cellKey]bool
}

type cellKey struct{ table, row, column string }

// explainedCells returns the cells findings already report value.missing for.
func explainedCells(findings []record.Finding) map[cellKey]bool {
	var cells map[cellKey]bool
	for _, f := range findings {
		if f.Rule == RuleValueMissing && f.Column != "" {
			if cells == nil {
				cells = map[cellKey]bool{}
			}
			cells[cellKey{f.Table, f.Row, f.Column}] = true
		}
	}
	return cells
}

func (c *checker) add(f record.Finding) {
	c.rec.Findings = append(c.rec.Findings, f)
}

func (c *checker) meta() {
	for _, m := range []struct {
		name    string
		missing bool
	}{
		{"title", c.rec.Title == ""},
		{"agency", c.rec.Agency == ""},
		{"year", c.rec.Year == nil},
	} {
		if m.missing {
			c.add(record.Finding{Rule: RuleMetaMissing, Severity: record.Warning,
				Message: fmt.Sprintf("the report's %s was not found; check that the title (…年政府信息公开工作年度报告) is printed at the top", m.name)})
		}
	}
	if c.rec.Year != nil && c.rec.PeriodYear != nil && *c.rec.Year != *c.rec.PeriodYear {
		c.add(record.Finding{Rule: RuleYearMismatch, Severity: record.Warning,
			Expected: val(float64(*c.rec.Year)), Actual: val(float64(*c.rec.PeriodYear)),
			Message: fmt.Sprintf("the title says %d but the text gives the statistics period as %d; one of them is wrong",
				*c.rec.Year, *c.rec.PeriodYear)})
	}
}

func val(f float64) *record.Value {
	v := record.Num(f)
	return &v
}

func (c *checker) table(t *template.Table, tbl *record.Table) {
	if tbl == nil {
		c.add(record.Finding{Rule: RuleTableMissing, Severity: record.Error, Table: t.Key,
			Message: fmt.Sprintf("table %s (section %s) was not found in the document", t.Key, sectionHeading(t.Section))})
		return
	}
	c.missingRows(t, tbl)
	for _, rowKey := range tbl.Keys() {
		r := t.Row(rowKey)
		if r == nil {
			continue
		}
		if len(r.Replaces) > 0 {
			c.add(record.Finding{Rule: RuleDeviation, Severity: record.Warning, Table: t.Key, Row: r.Key,
				Message: fmt.Sprintf("the report prints the row %s in place of the template's rows %s; its values are kept under %q",
					r.Label, strings.Join(r.Replaces, ", "), r.Key)})
		}
		row, _ := tbl.Get(rowKey)
		for _, col := range t.ColumnsOf(r) {
			v, _ := row.Get(col.Key)
			c.value(t, r, col, v)
		}
	}
	if rule, ok := rowTotalRule[t.Key]; ok {
		c.rowTotals(t, tbl, rule)
	}
	if t.Key == template.Applications {
		c.processedTotal(t, tbl)
		c.balance(t, tbl)
	}
}

func sectionHeading(key string) string {
	for _, s := range template.Sections() {
		if s.Key == key {
			return s.Heading
		}
	}
	return key
}

func (c *checker) value(t *template.Table, r *template.Row, col template.Column, v record.Value) {
	if !v.Valid {
		if c.explained[cellKey{t.Key, r.Key, col.Key}] {
			return
		}
		c.add(record.Finding{Rule: RuleValueMissing, Severity: record.Error, Table: t.Key, Row: r.Key, Column: col.Key,
			Message: fmt.Sprintf("%s / %s: the value is blank or could not be read; fill it in (0 if none)", r.Label, col.Label)})
		return
	}
	whole := v.Num == math.Trunc(v.Num)
	var problem string
	switch col.Kind {
	case template.Count:
		switch {
		case v.Num < 0:
			problem = "a count cannot be negative"
		case !whole:
			problem = "a count must be a whole number"
		}
	case template.Signed:
		if !whole {
			problem = "a change in the number of items must be a whole number"
		}
	}
	if problem != "" {
		actual := v
		c.add(record.Finding{Rule: RuleValueInvalid, Severity: record.Error, Table: t.Key, Row: r.Key, Column: col.Key,
			Actual: &actual, Message: fmt.Sprintf("%s / %s reads %s: %s", r.Label, col.Label, v, problem)})
	}
}

// sum adds the values of the keys; ok is false when one is missing or null,
// since arithmetic on an unread value proves nothing.
func sum(get func(string) (record.Value, bool), keys []string) (total float64, ok bool) {
	for _, k := range keys {
		v, found := get(k)
		if !found || !v.Valid {
			return 0, false
		}
		total += v.Num
	}
	return total, true
}

func differ(a, b float64) bool { return math.Abs(a-b) > 1e-6 }

// missingRows reports each row of the template the table lacks, but for rows
// a deviant row was printed in place of, and deviant rows not printed.
func (c *checker) missingRows(t *template.Table, tbl *record.Table) {
	replaced := t.Replaced(func(k string) bool {
		_, ok := tbl.Get(k)
		return ok
	})
	for _, r := range t.Rows {
		if _, ok := tbl.Get(r.Key); ok || replaced[r.Key] || len(r.Replaces) > 0 {
			continue
		}
		for _, col := range t.ColumnsOf(&r) {
			c.add(record.Finding{Rule: RuleValueMissing, Severity: record.Error, Table: t.Key, Row: r.Key, Column: col.Key,
				Message: fmt.Sprintf("%s / %s: the row is missing from the table; add it (0 if none)", r.Label, col.Label)})
		}
	}
}

// rowTotals checks that each row's 总计 is the sum of its other columns.
func (c *checker) rowTotals(t *template.Table, tbl *record.Table, rule string) {
	for i := range t.Rows {
		r := &t.Rows[i]
		row, printed := tbl.Get(r.Key)
		if !printed {
			continue
		}
		total, ok := row.Get(template.ColumnTotal)
		if !ok || !total.Valid {
			continue
		}
		want, sumOK := 0.0, true
		for _, col := range t.ColumnsOf(r) {
			if col.Key == template.ColumnTotal {
				continue
			}
			v, found := row.Get(col.Key)
			if !found || !v.Valid {
				sumOK = false
				break
			}
			want += v.Num
		}
		if !sumOK || !differ(want, total.Num) {
			continue
		}
		c.add(record.Finding{Rule: rule, Severity: record.Error, Table: t.Key, Row: r.Key, Column: template.ColumnTotal,
			Expected: val(want), Actual: val(total.Num),
			Message: fmt.Sprintf("%s: 总计 reads %s but its columns add up to %s; correct the total or the column that is wrong",
				r.Label, total, record.Num(want))})
	}
}

// column returns a getter of one column's values by row.
func column(tbl *record.Table, col string) func(string) (record.Value, bool) {
	return func(rowKey string) (record.Value, bool) {
		row, ok := tbl.Get(rowKey)
		if !ok {
			return record.Value{}, false
		}
		return row.Get(col)
	}
}

// processedTotal checks that （七）总计 is the sum of the outcome rows the
// report prints, column by column.
func (c *checker) processedTotal(t *template.Table, tbl *record.Table) {
	totals, ok := tbl.Get(template.RowProcessedTotal)
	if !ok {
		return
	}
	// Sum the printed outcome rows column by column, reading each row once.
	want := make([]float64, len(t.Columns))
	readable := make([]bool, len(t.Columns))
	for i := range readable {
		readable[i] = true
	}
	for _, k := range t.Outcomes() {
		row, printed := tbl.Get(k)
		if !printed {
			continue
		}
		for i, col := range t.Columns {
			v, found := row.Get(col.Key)
			if !found || !v.Valid {
				readable[i] = false
			}
			want[i] += v.Num
		}
	}
	for i, col := range t.Columns {
		total, ok := totals.Get(col.Key)
		if !ok || !total.Valid || !readable[i] || !differ(want[i], total.Num) {
			continue
		}
		c.add(record.Finding{Rule: RuleProcessedTotal, Severity: record.Error, Table: t.Key,
			Row: template.RowProcessedTotal, Column: col.Key, Expected: val(want[i]), Actual: val(total.Num),
			Message: fmt.Sprintf("%s: （七）总计 reads %s but the outcome rows (一)–(六) above it add up to %s",
				col.Label, total, record.Num(want[i]))})
	}
}

// balance checks the table's stated 勾稽关系: 第一项加第二项之和，等于第三项加第四项之和.
func (c *checker) balance(t *template.Table, tbl *record.Table) {
	in, out := template.Balance()
	for _, col := range t.Columns {
		get := column(tbl, col.Key)
		received, okIn := sum(get, in)
		handled, okOut := sum(get, out)
		if !okIn || !okOut || !differ(received, handled) {
			continue
		}
		c.add(record.Finding{Rule: RuleBalance, Severity: record.Error, Table: t.Key,
			Row: template.RowProcessedTotal, Column: col.Key, Expected: val(received), Actual: val(handled),
			Message: fmt.Sprintf("%s: new plus carried-over applications (一+二) are %s, but processed plus carried forward ((七)总计+四) are %s; the table's 勾稽关系 does not hold",
				col.Label, record.Num(received), record.Num(handled))})
	}
}
