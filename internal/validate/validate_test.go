package validate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

func intp(i int) *int { return &i }

// build returns a record of the template whose every value is set and whose
// arithmetic holds, with distinct non-zero values. deviant prints the rows that
// replace others (2021: the single 其他处理 row; 2019: the three 其他处理 rows of
// 2021) in place of the rows they replace.
func build(t *testing.T, id string, deviant bool) *record.Record {
	t.Helper()
	tp := template.Lookup(id)
	if tp == nil {
		t.Fatalf("no template %q", id)
	}
	rec := &record.Record{
		Schema:     record.Schema,
		Title:      "东风区人民政府办公室2023年政府信息公开工作年度报告",
		Agency:     "东风区人民政府办公室",
		Year:       intp(2023),
		PeriodYear: intp(2023),
		Template:   id,
		Script:     "simplified",
	}
	n := 0
	next := func() float64 { n++; return float64(n) }
	for i := range tp.Tables {
		tt := &tp.Tables[i]
		// The rows printed.
		replaced := map[string]bool{}
		var rows []*template.Row
		for j := range tt.Rows {
			r := &tt.Rows[j]
			if (len(r.Replaces) > 0) == deviant {
				for _, k := range r.Replaces {
					replaced[k] = true
				}
			}
		}
		for j := range tt.Rows {
			r := &tt.Rows[j]
			if (len(r.Replaces) > 0 && !deviant) || replaced[r.Key] {
				continue
			}
			rows = append(rows, r)
		}
		tbl := &record.Table{}
		switch tt.Key {
		case template.ActiveDisclosure, template.ReviewsLitigation:
			for _, r := range rows {
				row := &record.Row{}
				sum := 0.0
				for _, c := range tt.ColumnsOf(r) {
					v := next()
					if c.Key == template.ColumnTotal {
						v = sum
					}
					sum += v
					row.Set(c.Key, record.Num(v))
				}
				tbl.Set(r.Key, row)
			}
		case template.Applications:
			outcome := map[string]bool{}
			for _, k := range tt.Outcomes() {
				outcome[k] = true
			}
			processed := make([]float64, len(tt.Columns))
			rowOf := func(vals []float64) *record.Row {
				row := &record.Row{}
				sum := 0.0
				for c, col := range tt.Columns {
					v := vals[c]
					if col.Key == template.ColumnTotal {
						v = sum
					}
					sum += v
					row.Set(col.Key, record.Num(v))
				}
				return row
			}
			for _, r := range rows {
				if !outcome[r.Key] {
					continue
				}
				vals := make([]float64, len(tt.Columns))
				for c := range vals {
					vals[c] = next()
					processed[c] += vals[c]
				}
				tbl.Set(r.Key, rowOf(vals))
			}
			// new_received + carried_over = processed_total + carried_forward.
			over := make([]float64, len(tt.Columns))
			forward := make([]float64, len(tt.Columns))
			received := make([]float64, len(tt.Columns))
			for c := range over {
				over[c] = float64(c + 1)
				forward[c] = float64(2*c + 3)
				received[c] = processed[c] + forward[c] - over[c]
			}
			tbl.Set("new_received", rowOf(received))
			tbl.Set("carried_over", rowOf(over))
			tbl.Set(template.RowProcessedTotal, rowOf(processed))
			tbl.Set("carried_forward", rowOf(forward))
			// Keep the template's row order.
			ordered := &record.Table{}
			for _, r := range rows {
				v, ok := tbl.Get(r.Key)
				if !ok {
					t.Fatalf("build: row %s not filled", r.Key)
				}
				ordered.Set(r.Key, v)
			}
			tbl = ordered
		}
		switch tt.Key {
		case template.ActiveDisclosure:
			rec.ActiveDisclosure = tbl
		case template.Applications:
			rec.Applications = tbl
		case template.ReviewsLitigation:
			rec.ReviewsLitigation = tbl
		}
	}
	return rec
}

func tableOf(rec *record.Record, key string) *record.Table {
	switch key {
	case template.ActiveDisclosure:
		return rec.ActiveDisclosure
	case template.Applications:
		return rec.Applications
	case template.ReviewsLitigation:
		return rec.ReviewsLitigation
	}
	panic("no table " + key)
}

// get returns a value of rec; it fails the test if the value is not there.
func get(t *testing.T, rec *record.Record, table, row, col string) record.Value {
	t.Helper()
	r, ok := rec.TableOf(table).Get(row)
	if !ok {
		t.Fatalf("no row %s.%s", table, row)
	}
	v, ok := r.Get(col)
	if !ok {
		t.Fatalf("no value %s.%s.%s", table, row, col)
	}
	return v
}

// set sets a value of rec that must be there already.
func set(t *testing.T, rec *record.Record, table, row, col string, v record.Value) {
	t.Helper()
	get(t, rec, table, row, col)
	r, _ := rec.TableOf(table).Get(row)
	r.Set(col, v)
}

// add adds d to a value of rec.
func add(t *testing.T, rec *record.Record, table, row, col string, d float64) {
	t.Helper()
	set(t, rec, table, row, col, record.Num(get(t, rec, table, row, col).Num+d))
}

// sumRow returns the sum of a row's columns but total.
func sumRow(t *testing.T, rec *record.Record, table, row string) float64 {
	t.Helper()
	r, _ := rec.TableOf(table).Get(row)
	s := 0.0
	for _, k := range r.Keys() {
		if k != template.ColumnTotal {
			v, _ := r.Get(k)
			s += v.Num
		}
	}
	return s
}

// want is one expected finding. Expected and actual are "" for none.
type want struct {
	rule, severity, table, row, column string
	expected, actual                   string
}

func (w want) String() string {
	return fmt.Sprintf("%s %s %s.%s.%s expected=%s actual=%s",
		w.rule, w.severity, w.table, w.row, w.column, w.expected, w.actual)
}

func ptrString(v *record.Value) string {
	if v == nil {
		return ""
	}
	return v.String()
}

func num(f float64) string { return record.Num(f).String() }

func TestCheck(t *testing.T) {
	const ad, ap, rl = template.ActiveDisclosure, template.Applications, template.ReviewsLitigation
	for _, tc := range []struct {
		name     string
		template string
		deviant  bool
		// edit changes the consistent record and returns the findings it
		// should cause.
		edit   func(t *testing.T, rec *record.Record) []want
		status string
	}{
		{
			name: "consistent 2021", template: "2021",
			edit:   func(t *testing.T, rec *record.Record) []want { return nil },
			status: record.Valid,
		},
		{
			name: "a row the template does not have is passed over", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				row := &record.Row{}
				row.Set("natural_person", record.Num(1))
				rec.Applications.Set("typo_row", row)
				rec.ReviewsLitigation.Set("typo_row", row)
				return nil
			},
			status: record.Valid,
		},
		{
			name: "a missing row is a missing value in each column", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				kept := &record.Table{}
				for _, k := range rec.Applications.Keys() {
					if k != "carried_forward" {
						row, _ := rec.Applications.Get(k)
						kept.Set(k, row)
					}
				}
				rec.Applications = kept
				var ws []want
				for _, col := range []string{"natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"} {
					ws = append(ws, want{rule: validate.RuleValueMissing, severity: record.Error, table: ap, row: "carried_forward", column: col})
				}
				return ws
			},
			status: record.Incomplete,
		},
		{
			name: "consistent 2019 with its single other row", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				if _, ok := rec.Applications.Get("other"); !ok {
					t.Fatal("build: the 2019 record has no other row")
				}
				return nil
			},
			status: record.Valid,
		},
		{
			name: "2021 printing the single other row", template: "2021", deviant: true,
			edit: func(t *testing.T, rec *record.Record) []want {
				for _, k := range []string{"other_overdue", "other_unpaid", "other_other"} {
					if _, ok := rec.Applications.Get(k); ok {
						t.Fatalf("build: the deviant record has row %s", k)
					}
				}
				return []want{{rule: validate.RuleDeviation, severity: record.Warning, table: ap, row: "other"}}
			},
			status: record.Valid,
		},
		{
			name: "2019 printing the three other rows of 2021", template: "2019", deviant: true,
			edit: func(t *testing.T, rec *record.Record) []want {
				var ws []want
				for _, k := range []string{"other_overdue", "other_unpaid", "other_other"} {
					ws = append(ws, want{rule: validate.RuleDeviation, severity: record.Warning, table: ap, row: k})
				}
				return ws
			},
			status: record.Valid,
		},
		{
			name: "2021 fractional fees amount", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "fees", "amount", record.Num(12.35))
				return nil
			},
			status: record.Valid,
		},
		{
			name: "2019 procurement amount with decimals", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "procurement", "amount", record.Num(1234567.89))
				return nil
			},
			status: record.Valid,
		},
		{
			name: "2019 negative change", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "licensing", "change", record.Num(-5))
				set(t, rec, ad, "fees", "change", record.Num(-1))
				return nil
			},
			status: record.Valid,
		},
		{
			name: "2019 fractional change", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "punishment", "change", record.Num(-1.5))
				return []want{{rule: validate.RuleValueInvalid, severity: record.Error, table: ad,
					row: "punishment", column: "change", actual: "-1.5"}}
			},
			status: record.Invalid,
		},
		{
			name: "zero values", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				for _, tbl := range []*record.Table{rec.ActiveDisclosure, rec.Applications, rec.ReviewsLitigation} {
					for _, rk := range tbl.Keys() {
						r, _ := tbl.Get(rk)
						for _, ck := range r.Keys() {
							r.Set(ck, record.Num(0))
						}
					}
				}
				return nil
			},
			status: record.Valid,
		},
		{
			name: "processed_total off in one column", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				col := "research"
				outcomes := get(t, rec, ap, "processed_total", col).Num
				received := get(t, rec, ap, "new_received", col).Num + get(t, rec, ap, "carried_over", col).Num
				forward := get(t, rec, ap, "carried_forward", col).Num
				total := get(t, rec, ap, "processed_total", "total").Num
				add(t, rec, ap, "processed_total", col, 1)
				return []want{
					{rule: validate.RuleProcessedTotal, severity: record.Error, table: ap, row: "processed_total",
						column: col, expected: num(outcomes), actual: num(outcomes + 1)},
					{rule: validate.RuleBalance, severity: record.Error, table: ap, row: "processed_total",
						column: col, expected: num(received), actual: num(outcomes + 1 + forward)},
					{rule: validate.RuleRowTotal, severity: record.Error, table: ap, row: "processed_total",
						column: "total", expected: num(total + 1), actual: num(total)},
				}
			},
			status: record.Invalid,
		},
		{
			name: "outcome row off in one column", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				// withheld_process.legal_services is 2 more than printed: the
				// row's total and the outcomes' sum disagree; the balance holds.
				add(t, rec, ap, "withheld_process", "legal_services", 2)
				sum := sumRow(t, rec, ap, "withheld_process")
				printed := get(t, rec, ap, "processed_total", "legal_services").Num
				return []want{
					{rule: validate.RuleRowTotal, severity: record.Error, table: ap, row: "withheld_process",
						column: "total", expected: num(sum), actual: num(sum - 2)},
					{rule: validate.RuleProcessedTotal, severity: record.Error, table: ap, row: "processed_total",
						column: "legal_services", expected: num(printed + 2), actual: num(printed)},
				}
			},
			status: record.Invalid,
		},
		{
			name: "balance off only", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				// carried_forward.natural_person and .total both 1 more: the row
				// adds up, the outcomes add up, the balance does not.
				in := get(t, rec, ap, "new_received", "natural_person").Num + get(t, rec, ap, "carried_over", "natural_person").Num
				inTotal := get(t, rec, ap, "new_received", "total").Num + get(t, rec, ap, "carried_over", "total").Num
				add(t, rec, ap, "carried_forward", "natural_person", 1)
				add(t, rec, ap, "carried_forward", "total", 1)
				return []want{
					{rule: validate.RuleBalance, severity: record.Error, table: ap, row: "processed_total",
						column: "natural_person", expected: num(in), actual: num(in + 1)},
					{rule: validate.RuleBalance, severity: record.Error, table: ap, row: "processed_total",
						column: "total", expected: num(inTotal), actual: num(inTotal + 1)},
				}
			},
			status: record.Invalid,
		},
		{
			name: "deviant 2021 record with processed_total off", template: "2021", deviant: true,
			edit: func(t *testing.T, rec *record.Record) []want {
				// The single other row is one of the outcomes summed.
				add(t, rec, ap, "other", "commercial", 1)
				add(t, rec, ap, "other", "total", 1)
				printed := get(t, rec, ap, "processed_total", "commercial").Num
				printedTotal := get(t, rec, ap, "processed_total", "total").Num
				return []want{
					{rule: validate.RuleDeviation, severity: record.Warning, table: ap, row: "other"},
					{rule: validate.RuleProcessedTotal, severity: record.Error, table: ap, row: "processed_total",
						column: "commercial", expected: num(printed + 1), actual: num(printed)},
					{rule: validate.RuleProcessedTotal, severity: record.Error, table: ap, row: "processed_total",
						column: "total", expected: num(printedTotal + 1), actual: num(printedTotal)},
				}
			},
			status: record.Invalid,
		},
		{
			name: "reviews row total wrong", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				sum := sumRow(t, rec, rl, "litigation_direct")
				set(t, rec, rl, "litigation_direct", "total", record.Num(sum+2))
				return []want{{rule: validate.RuleReviewTotal, severity: record.Error, table: rl,
					row: "litigation_direct", column: "total", expected: num(sum), actual: num(sum + 2)}}
			},
			status: record.Invalid,
		},
		{
			name: "reviews row total wrong 2019", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				sum := sumRow(t, rec, rl, "reconsideration")
				set(t, rec, rl, "reconsideration", "total", record.Num(0))
				return []want{{rule: validate.RuleReviewTotal, severity: record.Error, table: rl,
					row: "reconsideration", column: "total", expected: num(sum), actual: "0"}}
			},
			status: record.Invalid,
		},
		{
			name: "negative count", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "regulations", "issued", record.Num(-3))
				return []want{{rule: validate.RuleValueInvalid, severity: record.Error, table: ad,
					row: "regulations", column: "issued", actual: "-3"}}
			},
			status: record.Invalid,
		},
		{
			name: "fractional count", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "licensing", "decisions", record.Num(2.5))
				return []want{{rule: validate.RuleValueInvalid, severity: record.Error, table: ad,
					row: "licensing", column: "decisions", actual: "2.5"}}
			},
			status: record.Invalid,
		},
		{
			name: "fractional count in reviews", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				// upheld 0.5 more and total 0.5 more: the row adds up.
				add(t, rec, rl, "litigation_after", "upheld", 0.5)
				add(t, rec, rl, "litigation_after", "total", 0.5)
				up := get(t, rec, rl, "litigation_after", "upheld")
				tot := get(t, rec, rl, "litigation_after", "total")
				return []want{
					{rule: validate.RuleValueInvalid, severity: record.Error, table: rl,
						row: "litigation_after", column: "upheld", actual: up.String()},
					{rule: validate.RuleValueInvalid, severity: record.Error, table: rl,
						row: "litigation_after", column: "total", actual: tot.String()},
				}
			},
			status: record.Invalid,
		},
		{
			name: "null outcome value", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				// The row total and the processed total of the column involve
				// it: both are skipped. (A null's Num is 0, so a sum that read
				// it would disagree.)
				set(t, rec, ap, "disclosed", "natural_person", record.Value{})
				return []want{{rule: validate.RuleValueMissing, severity: record.Error, table: ap,
					row: "disclosed", column: "natural_person"}}
			},
			status: record.Incomplete,
		},
		{
			name: "null processed total", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ap, "processed_total", "total", record.Value{})
				return []want{{rule: validate.RuleValueMissing, severity: record.Error, table: ap,
					row: "processed_total", column: "total"}}
			},
			status: record.Incomplete,
		},
		{
			name: "null balance value", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				// Read as 0, the null would break the row's total and the
				// column's balance: both are skipped.
				if get(t, rec, ap, "carried_over", "research").Num == 0 {
					t.Fatal("build: carried_over.research is 0")
				}
				set(t, rec, ap, "carried_over", "research", record.Value{})
				return []want{{rule: validate.RuleValueMissing, severity: record.Error, table: ap,
					row: "carried_over", column: "research"}}
			},
			status: record.Incomplete,
		},
		{
			name: "null reviews value", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, rl, "reconsideration", "pending", record.Value{})
				return []want{{rule: validate.RuleValueMissing, severity: record.Error, table: rl,
					row: "reconsideration", column: "pending"}}
			},
			status: record.Incomplete,
		},
		{
			name: "null active disclosure value", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				set(t, rec, ad, "procurement", "amount", record.Value{})
				return []want{{rule: validate.RuleValueMissing, severity: record.Error, table: ad,
					row: "procurement", column: "amount"}}
			},
			status: record.Incomplete,
		},
		{
			name: "value left out of its row", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				r := &record.Row{}
				r.Set("issued", record.Num(1))
				r.Set("in_force", record.Num(2))
				rec.ActiveDisclosure.Set("regulations", r)
				return []want{{rule: validate.RuleValueMissing, severity: record.Error, table: ad,
					row: "regulations", column: "repealed"}}
			},
			status: record.Incomplete,
		},
		{
			name: "active disclosure table missing", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.ActiveDisclosure = nil
				return []want{{rule: validate.RuleTableMissing, severity: record.Error, table: ad}}
			},
			status: record.Incomplete,
		},
		{
			name: "applications table missing", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Applications = nil
				return []want{{rule: validate.RuleTableMissing, severity: record.Error, table: ap}}
			},
			status: record.Incomplete,
		},
		{
			name: "all tables missing", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.ActiveDisclosure, rec.Applications, rec.ReviewsLitigation = nil, nil, nil
				return []want{
					{rule: validate.RuleTableMissing, severity: record.Error, table: ad},
					{rule: validate.RuleTableMissing, severity: record.Error, table: ap},
					{rule: validate.RuleTableMissing, severity: record.Error, table: rl},
				}
			},
			status: record.Incomplete,
		},
		{
			name: "invalid beats incomplete", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.ReviewsLitigation = nil
				set(t, rec, ad, "coercion", "decisions", record.Num(-1))
				set(t, rec, ad, "punishment", "decisions", record.Value{})
				return []want{
					{rule: validate.RuleValueInvalid, severity: record.Error, table: ad,
						row: "coercion", column: "decisions", actual: "-1"},
					{rule: validate.RuleValueMissing, severity: record.Error, table: ad,
						row: "punishment", column: "decisions"},
					{rule: validate.RuleTableMissing, severity: record.Error, table: rl},
				}
			},
			status: record.Invalid,
		},
		{
			name: "warnings do not change the status", template: "2021", deviant: true,
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Title = ""
				rec.Applications = nil
				return []want{
					{rule: validate.RuleMetaMissing, severity: record.Warning},
					{rule: validate.RuleTableMissing, severity: record.Error, table: ap},
				}
			},
			status: record.Incomplete,
		},
		{
			name: "title missing", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Title = ""
				return []want{{rule: validate.RuleMetaMissing, severity: record.Warning}}
			},
			status: record.Valid,
		},
		{
			name: "agency missing", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Agency = ""
				return []want{{rule: validate.RuleMetaMissing, severity: record.Warning}}
			},
			status: record.Valid,
		},
		{
			name: "year missing", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Year = nil
				return []want{{rule: validate.RuleMetaMissing, severity: record.Warning}}
			},
			status: record.Valid,
		},
		{
			name: "title, agency and year missing", template: "2019",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Title, rec.Agency, rec.Year = "", "", nil
				w := want{rule: validate.RuleMetaMissing, severity: record.Warning}
				return []want{w, w, w}
			},
			status: record.Valid,
		},
		{
			name: "year mismatch", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Year, rec.PeriodYear = intp(2023), intp(2022)
				return []want{{rule: validate.RuleYearMismatch, severity: record.Warning,
					expected: "2023", actual: "2022"}}
			},
			status: record.Valid,
		},
		{
			name: "no period year", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.PeriodYear = nil
				return nil
			},
			status: record.Valid,
		},
		{
			name: "no year but a period year", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Year, rec.PeriodYear = nil, intp(2022)
				return []want{{rule: validate.RuleMetaMissing, severity: record.Warning}}
			},
			status: record.Valid,
		},
		{
			name: "unknown template", template: "2021",
			edit: func(t *testing.T, rec *record.Record) []want {
				rec.Template = "2030"
				return []want{{rule: validate.RuleTableMissing, severity: record.Error}}
			},
			status: record.Incomplete,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := build(t, tc.template, tc.deviant)
			ws := tc.edit(t, rec)
			validate.Check(rec)

			var got, wantS []string
			for _, f := range rec.Findings {
				got = append(got, want{f.Rule, f.Severity, f.Table, f.Row, f.Column,
					ptrString(f.Expected), ptrString(f.Actual)}.String())
				if strings.TrimSpace(f.Message) == "" {
					t.Errorf("finding %s has no message", f.Rule)
				}
			}
			for _, w := range ws {
				wantS = append(wantS, w.String())
			}
			slices.Sort(got)
			slices.Sort(wantS)
			if !slices.Equal(got, wantS) {
				t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(wantS, "\n  "))
			}
			if rec.Status != tc.status {
				t.Errorf("status = %q, want %q", rec.Status, tc.status)
			}
		})
	}
}

// TestCheckAppends checks that Check keeps findings already in the record,
// such as the parser's, and that they count toward the status.
func TestCheckAppends(t *testing.T) {
	rec := build(t, "2021", false)
	rec.Findings = []record.Finding{{Rule: "ocr.low_confidence", Severity: record.Warning, Message: "low"}}
	validate.Check(rec)
	if len(rec.Findings) != 1 || rec.Findings[0].Rule != "ocr.low_confidence" || rec.Status != record.Valid {
		t.Errorf("findings = %+v, status %q; want the warning kept and status valid", rec.Findings, rec.Status)
	}
}

func TestStatus(t *testing.T) {
	f := func(rule, severity string) record.Finding { return record.Finding{Rule: rule, Severity: severity} }
	for _, tc := range []struct {
		name     string
		findings []record.Finding
		want     string
	}{
		{"none", nil, record.Valid},
		{"warnings only", []record.Finding{f(validate.RuleMetaMissing, record.Warning),
			f(validate.RuleDeviation, record.Warning), f("ocr.low_confidence", record.Warning)}, record.Valid},
		{"value missing", []record.Finding{f(validate.RuleValueMissing, record.Error)}, record.Incomplete},
		{"table missing", []record.Finding{f(validate.RuleTableMissing, record.Error)}, record.Incomplete},
		{"balance", []record.Finding{f(validate.RuleBalance, record.Error)}, record.Invalid},
		{"processed total", []record.Finding{f(validate.RuleProcessedTotal, record.Error)}, record.Invalid},
		{"row total", []record.Finding{f(validate.RuleRowTotal, record.Error)}, record.Invalid},
		{"review total", []record.Finding{f(validate.RuleReviewTotal, record.Error)}, record.Invalid},
		{"value invalid", []record.Finding{f(validate.RuleValueInvalid, record.Error)}, record.Invalid},
		{"invalid after incomplete", []record.Finding{f(validate.RuleTableMissing, record.Error),
			f(validate.RuleBalance, record.Error)}, record.Invalid},
		{"invalid before incomplete", []record.Finding{f(validate.RuleBalance, record.Error),
			f(validate.RuleValueMissing, record.Error)}, record.Invalid},
		{"warning of an error rule", []record.Finding{f(validate.RuleBalance, record.Warning)}, record.Valid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := validate.Status(tc.findings); got != tc.want {
				t.Errorf("Status = %q, want %q", got, tc.want)
			}
		})
	}
}
