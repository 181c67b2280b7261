package corpus

import (
	"fmt"

	"github.com/nianbao/nianbao/internal/template"
)

// Real reports print blanks for zeros (spec, value.blank). These turn a
// generated report into such a report, declaring what its record must then
// hold by reasoning about the rule by hand, as injections do. They are for
// reports without errors, since a blank in a sum that does not hold need not
// read as 0; apply ZeroRow and PrintBlank before PrintZerosBlank.

// ZeroRow sets a row of table 2 or 3 to 0 in every column, keeping the
// table's sums: what an outcome row of table 2 held moves to
// 结转下年度继续办理, so that （七）总计 and the 勾稽关系 still hold.
func (r *Report) ZeroRow(tbl, key string) error {
	if r.Status() != "valid" {
		return fmt.Errorf("corpus: report %s has errors: a blank in it need not read as 0", r.Name())
	}
	if r.StatesTotals() {
		return fmt.Errorf("corpus: report %s states totals in its prose, which a row set to 0 would contradict", r.Name())
	}
	t := r.table(tbl)
	if t == nil || t.row(key) == nil {
		return fmt.Errorf("corpus: report %s prints no row %s.%s", r.Name(), tbl, key)
	}
	zeroed := t.row(key)
	if tbl == template.Applications {
		outcome := false
		for _, o := range t.outcomeRows() {
			outcome = outcome || o == zeroed
		}
		if !outcome {
			return fmt.Errorf("corpus: %s is not an outcome row of table 2", key)
		}
		total, forward := t.row(template.RowProcessedTotal), t.row(template.RowCarriedForward)
		for i := range zeroed.vals {
			total.vals[i].num -= zeroed.vals[i].num
			forward.vals[i].num += zeroed.vals[i].num
		}
	}
	for i := range zeroed.vals {
		zeroed.vals[i].num, zeroed.vals[i].note = 0, ""
	}
	r.vary("%s.%s all 0", tbl, key)
	return nil
}

// PrintBlank prints blank a count that is not 0: a row's total, whose parts
// then add up to it, or a part of a row whose total is printed. Its record
// has it null with value.missing, and so every count of 0 its row prints
// blank, if it is a part: the row's total disagrees with them too.
func (r *Report) PrintBlank(tbl, key, col string) error {
	t := r.table(tbl)
	var row *row
	if t != nil {
		row = t.row(key)
	}
	if row == nil || row.col(col) == nil {
		return fmt.Errorf("corpus: report %s prints no value %s.%s.%s", r.Name(), tbl, key, col)
	}
	v := row.col(col)
	if v.num == 0 || v.kind == template.Amount || v.null || v.blank {
		return fmt.Errorf("corpus: %s.%s.%s is 0, an amount, or blank already", tbl, key, col)
	}
	if total := row.col(template.ColumnTotal); total == nil || total.null || total.blank {
		return fmt.Errorf("corpus: row %s.%s has no printed total to tell its blank from 0", tbl, key)
	}
	v.null = true
	r.Findings = append(r.Findings, finding(ruleMissing, tbl, key, col))
	r.vary("%s.%s.%s printed blank, not 0", tbl, key, col)
	r.sortFindings()
	return nil
}

// BlankMarks are the ways the spec lists of printing a count blank.
var BlankMarks = []string{"", "/", "—", "-", "无"}

// PrintZerosBlank prints every count of 0 blank, as mark (one of
// BlankMarks; "" prints "/" in the styles where an empty cell would shift
// its row), as it prints a null value; they read as 0, with one value.blank
// warning per table, but in a row a PrintBlank part leaves with a total
// that disagrees.
func (r *Report) PrintZerosBlank(mark string) {
	r.look.nullMark = mark
	for _, t := range r.tables {
		if t == nil {
			continue
		}
		blanks := 0
		for _, row := range t.rows {
			brokenTotal := false
			for i, c := range row.cols {
				brokenTotal = brokenTotal || row.vals[i].null && c.Key != template.ColumnTotal
			}
			for i, c := range row.cols {
				v := &row.vals[i]
				if v.num != 0 || v.null || c.Kind == template.Amount {
					continue
				}
				if brokenTotal {
					v.null = true
					r.Findings = append(r.Findings, finding(ruleMissing, t.def.Key, row.def.Key, c.Key))
					continue
				}
				v.blank = true
				blanks++
			}
		}
		if blanks > 0 {
			r.Findings = append(r.Findings, finding(ruleBlank, t.def.Key, "", ""))
		}
	}
	r.vary("counts of 0 printed blank (%q)", r.look.nullMark)
	r.sortFindings()
}
