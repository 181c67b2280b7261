package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
)

// Rules of the archive checks, which compare an agency's reports of
// consecutive years.
const (
	// RuleCarriedOver: this year's 上年结转 equals last year's 结转下年度, per
	// applicant column.
	RuleCarriedOver = "archive.carried_over"
	// RuleInForce: this year's 现行有效件数 equals last year's plus 本年制发
	// minus 本年废止, for the rows of table 1 that print the three.
	RuleInForce = "archive.in_force"
)

// Labels of the table 1 columns the in-force rule reads. They are looked up
// in the template by label, which the notice fixes, so the rule follows
// whatever keys the template gives them.
const (
	labelIssued   = "本年制发件数"
	labelRepealed = "本年废止件数"
	labelInForce  = "现行有效件数"
)

// Check compares the reports of each agency in consecutive years and returns
// what does not carry over. Where an agency has several records for one
// year, the first valid one (else the first) in path order stands for it.
func Check(docs []Doc) []Finding {
	byAgency := map[string]map[int]*Doc{}
	for i := range docs {
		d := &docs[i]
		rec := d.Record
		if rec == nil || rec.Agency == "" || rec.Year == nil {
			continue
		}
		years := byAgency[rec.Agency]
		if years == nil {
			years = map[int]*Doc{}
			byAgency[rec.Agency] = years
		}
		if cur, ok := years[*rec.Year]; !ok || (cur.Record.Status != record.Valid && rec.Status == record.Valid) {
			years[*rec.Year] = d
		}
	}
	agencies := make([]string, 0, len(byAgency))
	for a := range byAgency {
		agencies = append(agencies, a)
	}
	slices.Sort(agencies)
	var out []Finding
	for _, a := range agencies {
		years := byAgency[a]
		ys := make([]int, 0, len(years))
		for y := range years {
			ys = append(ys, y)
		}
		slices.Sort(ys)
		for _, y := range ys {
			prev, ok := years[y-1]
			if !ok {
				continue
			}
			cur := years[y]
			for _, f := range append(carriedOver(prev.Record, cur.Record, prev.File), inForce(prev.Record, cur.Record, prev.File)...) {
				out = append(out, Finding{File: cur.File, Agency: a, Year: cur.Record.Year, Finding: f})
			}
		}
	}
	return out
}

// carriedOver checks applications.carried_over this year against
// applications.carried_forward last year.
func carriedOver(prev, cur *record.Record, prevFile string) []record.Finding {
	tp := template.Lookup(cur.Template)
	if tp == nil {
		return nil
	}
	t := tp.Table(template.Applications)
	row := t.Row(template.RowCarriedOver)
	if row == nil {
		return nil
	}
	var out []record.Finding
	for _, c := range t.ColumnsOf(row) {
		got, ok1 := value(cur.Applications, template.RowCarriedOver, c.Key)
		want, ok2 := value(prev.Applications, template.RowCarriedForward, c.Key)
		if !ok1 || !ok2 || got.Num == want.Num {
			continue
		}
		out = append(out, record.Finding{
			Rule: RuleCarriedOver, Severity: record.Error,
			Table: template.Applications, Row: template.RowCarriedOver, Column: c.Key,
			Expected: &want, Actual: &got,
			Message: fmt.Sprintf("上年结转 (%s) is %s, but last year's report %s printed 结转下年度 %s",
				c.Label, got, prevFile, want),
		})
	}
	return out
}

// inForce checks 现行有效件数 = last year's + 本年制发 − 本年废止 for each row of
// table 1 that prints the three columns in both years' templates.
func inForce(prev, cur *record.Record, prevFile string) []record.Finding {
	tp, pp := template.Lookup(cur.Template), template.Lookup(prev.Template)
	if tp == nil || pp == nil {
		return nil
	}
	t, pt := tp.Table(template.ActiveDisclosure), pp.Table(template.ActiveDisclosure)
	var out []record.Finding
	for ri := range t.Rows {
		r := &t.Rows[ri]
		issued, repealed, inForceKey := columnByLabel(t, r, labelIssued), columnByLabel(t, r, labelRepealed), columnByLabel(t, r, labelInForce)
		pr := pt.Row(r.Key)
		if issued == "" || repealed == "" || inForceKey == "" || pr == nil || columnByLabel(pt, pr, labelInForce) != inForceKey {
			continue
		}
		last, ok1 := value(prev.ActiveDisclosure, r.Key, inForceKey)
		add, ok2 := value(cur.ActiveDisclosure, r.Key, issued)
		sub, ok3 := value(cur.ActiveDisclosure, r.Key, repealed)
		got, ok4 := value(cur.ActiveDisclosure, r.Key, inForceKey)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			continue
		}
		want := record.Num(last.Num + add.Num - sub.Num)
		if got.Num == want.Num {
			continue
		}
		out = append(out, record.Finding{
			Rule: RuleInForce, Severity: record.Error,
			Table: template.ActiveDisclosure, Row: r.Key, Column: inForceKey,
			Expected: &want, Actual: &got,
			Message: fmt.Sprintf("%s 现行有效件数 is %s, but last year's %s (%s) + 本年制发 %s − 本年废止 %s = %s",
				r.Label, got, last, prevFile, add, sub, want),
		})
	}
	return out
}

func columnByLabel(t *template.Table, r *template.Row, label string) string {
	for _, c := range t.ColumnsOf(r) {
		if strings.HasPrefix(c.Label, label) {
			return c.Key
		}
	}
	return ""
}

// value returns a non-null value of a table.
func value(t *record.Table, row, col string) (record.Value, bool) {
	r, ok := t.Get(row)
	if !ok || r == nil {
		return record.Value{}, false
	}
	v, ok := r.Get(col)
	return v, ok && v.Valid
}
