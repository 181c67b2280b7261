package corpus

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nianbao/nianbao/internal/template"
)

// value is one table cell as the report prints it.
type value struct {
	num  float64
	null bool
	// blank prints the value blank, as null is; it reads as num, which is 0.
	blank bool
	kind  template.Kind
	// note is text printed beside the number, e.g. （其中修订1件）.
	note string
	// fullWidth prints this one value in full-width digits.
	fullWidth bool
	// injected marks a value an injection changed, so no other touches it.
	injected bool
}

// row is one printed row of a table.
type row struct {
	def  *template.Row
	cols []template.Column
	vals []value
}

func (r *row) col(key string) *value {
	for i, c := range r.cols {
		if c.Key == key {
			return &r.vals[i]
		}
	}
	return nil
}

// table is one printed table: the rows the report prints, in template order.
type table struct {
	def  *template.Table
	rows []*row
}

func (t *table) row(key string) *row {
	for _, r := range t.rows {
		if r.def.Key == key {
			return r
		}
	}
	return nil
}

// newTable lays out the rows a report prints: the template's own rows, or with
// single set, table 2 with the single （六）其他处理 row in place of the rows it
// replaces (a 2021 report that does so deviates from its template).
func newTable(def *template.Table, single bool) *table {
	t := &table{def: def}
	var replaced []string
	if single {
		replaced = def.Row(template.RowOther).Replaces
	}
	for i := range def.Rows {
		r := &def.Rows[i]
		if r.Replaces != nil && !(single && r.Key == template.RowOther) || slices.Contains(replaced, r.Key) {
			continue
		}
		cols := def.ColumnsOf(r)
		vals := make([]value, len(cols))
		for j, c := range cols {
			vals[j].kind = c.Kind
		}
		t.rows = append(t.rows, &row{def: r, cols: cols, vals: vals})
	}
	return t
}

// outcomeRows are table 2's rows from 予以公开 through 其他处理: the rows that
// add up to 总计.
func (t *table) outcomeRows() []*row {
	var out []*row
	for _, r := range t.rows {
		switch r.def.Key {
		case template.RowNewReceived, template.RowCarriedOver, template.RowProcessedTotal, template.RowCarriedForward:
		default:
			out = append(out, r)
		}
	}
	return out
}

// A span draws one table-1 value: an integer in [lo, hi], spread evenly over
// the digits when wide.
type span struct {
	lo, hi int
	wide   bool
}

// activeSpans gives the plausible range of each table-1 value, by row.column.
var activeSpans = map[string]span{
	"regulations.issued":                  {0, 6, false},
	"regulations.repealed":                {0, 4, false},
	"regulations.in_force":                {3, 60, false},
	"regulations.made":                    {0, 6, false},
	"regulations.published":               {0, 6, false},
	"regulations.total_published":         {3, 80, false},
	"normative_documents.issued":          {1, 40, false},
	"normative_documents.repealed":        {0, 20, false},
	"normative_documents.in_force":        {10, 400, false},
	"normative_documents.made":            {1, 30, false},
	"normative_documents.published":       {1, 30, false},
	"normative_documents.total_published": {20, 500, false},
	"licensing.decisions":                 {50, 99999, true},
	"licensing.previous_items":            {30, 400, false},
	"other_services.previous_items":       {5, 120, false},
	"other_services.decisions":            {10, 5000, true},
	"punishment.decisions":                {5, 30000, true},
	"punishment.previous_items":           {100, 3000, false},
	"coercion.decisions":                  {0, 900, false},
	"coercion.previous_items":             {3, 60, false},
	"fees.previous_items":                 {0, 25, false},
	"procurement.items":                   {3, 150, false},
}

func (s span) draw(rng *rand.Rand) int {
	if !s.wide {
		return between(rng, s.lo, s.hi)
	}
	lo, hi := math.Log(float64(s.lo)), math.Log(float64(s.hi))
	return int(math.Exp(lo + rng.Float64()*(hi-lo)))
}

// fillActive draws table 1. Changes (本年增/减) are signed; fees in 万元 have
// cents; a procurement total is 万元 with one decimal or whole 元.
func fillActive(t *table, rng *rand.Rand, procurementYuan bool) {
	for _, r := range t.rows {
		for i, c := range r.cols {
			v := &r.vals[i]
			switch {
			case c.Kind == template.Signed:
				v.num = float64(between(rng, -12, 15))
			case c.Kind == template.Amount && r.def.Key == "fees":
				v.num = float64(between(rng, 50, 80000)) / 100
			case c.Kind == template.Amount && procurementYuan:
				v.num = float64(between(rng, 20, 9000) * 1000)
			case c.Kind == template.Amount:
				v.num = float64(between(rng, 2000, 90000)) / 10
			default:
				v.num = float64(activeSpans[r.def.Key+"."+c.Key].draw(rng))
			}
		}
	}
}

// fillApplications draws table 2 so that it adds up: each outcome cell 0–60,
// 总计 the sum of the outcomes, the total column the sum of the applicant
// columns, and 本年新收 = 总计 + 结转下年度 − 上年结转 per column.
func fillApplications(t *table, rng *rand.Rand) {
	outcomes := t.outcomeRows()
	for _, r := range outcomes {
		most := between(rng, 8, 60)
		for i := range applicants(r) {
			if chance(rng, 4, 5) {
				r.vals[i].num = float64(between(rng, 1, most))
			}
		}
	}
	over, total := t.row(template.RowCarriedOver), t.row(template.RowProcessedTotal)
	forward, received := t.row(template.RowCarriedForward), t.row(template.RowNewReceived)
	for i := range applicants(total) {
		for _, r := range outcomes {
			total.vals[i].num += r.vals[i].num
		}
		if chance(rng, 7, 10) {
			over.vals[i].num = float64(between(rng, 1, 25))
		}
		if chance(rng, 7, 10) {
			forward.vals[i].num = float64(between(rng, 1, 25))
		}
		n := total.vals[i].num + forward.vals[i].num - over.vals[i].num
		if n < 0 {
			forward.vals[i].num -= n
			n = 0
		}
		received.vals[i].num = n
	}
	for _, r := range t.rows {
		sumTotal(r)
	}
}

// applicants ranges over a row's applicant columns: all but the total.
func applicants(r *row) []value { return r.vals[:len(r.vals)-1] }

// sumTotal sets a row's last column, its total, to the sum of the others.
func sumTotal(r *row) {
	var s float64
	for _, v := range r.vals[:len(r.vals)-1] {
		s += v.num
	}
	r.vals[len(r.vals)-1].num = s
}

// fillReviews draws table 3: small counts per result and their totals.
func fillReviews(t *table, rng *rand.Rand) {
	most := []int{9, 5, 4, 6} // upheld, corrected, other, pending
	for _, r := range t.rows {
		for i, m := range most {
			r.vals[i].num = float64(between(rng, 0, m))
		}
		sumTotal(r)
	}
}
