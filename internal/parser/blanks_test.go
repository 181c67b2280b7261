package parser_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// consistentValues returns values for every cell of the 2021 template whose
// sums all hold: table 2's rows add up to their totals, its outcome rows to
// （七）总计, and its 勾稽关系 holds; table 3's rows add up to theirs.
// Row withheld_state_secret and litigation_after are all 0.
func consistentValues() map[template.Cell]float64 {
	tp := template.Lookup(template.V2021)
	v := map[template.Cell]float64{}
	for _, key := range []string{template.ActiveDisclosure, template.Applications, template.ReviewsLitigation} {
		t := tp.Table(key)
		for i, r := range t.Rows {
			if len(r.Replaces) > 0 {
				continue
			}
			sum := 0.0
			for c, col := range t.ColumnsOf(&r) {
				n := float64((i*7+c*3)%11 + 1)
				if r.Key == "withheld_state_secret" || r.Key == "litigation_after" {
					n = 0
				}
				if col.Key == template.ColumnTotal {
					n = sum
				}
				sum += n
				v[template.Cell{Row: r.Key, Column: col.Key}] = n
			}
		}
	}
	apps := tp.Table(template.Applications)
	for _, col := range apps.Columns {
		total := 0.0
		for _, k := range apps.Outcomes() {
			total += v[template.Cell{Row: k, Column: col.Key}]
		}
		v[template.Cell{Row: template.RowProcessedTotal, Column: col.Key}] = total
		in := v[template.Cell{Row: template.RowNewReceived, Column: col.Key}] + v[template.Cell{Row: template.RowCarriedOver, Column: col.Key}]
		// Received enough that something is carried forward.
		in += total
		v[template.Cell{Row: template.RowNewReceived, Column: col.Key}] += total
		v[template.Cell{Row: template.RowCarriedForward, Column: col.Key}] = in - total
	}
	return v
}

// gridReport prints a 2021 report with its three tables as grids, each value
// as print gives it, with OCR confidence conf.
func gridReport(v map[template.Cell]float64, print func(c template.Cell, n float64) string, conf float64) *layout.Document {
	tp := template.Lookup(template.V2021)
	doc := &layout.Document{Blocks: []layout.Block{{Kind: layout.Paragraph, Text: "某某局2023年政府信息公开工作年度报告"}}}
	cellOf := func(text string) layout.Cell {
		return layout.Cell{Text: text, Prov: layout.Provenance{Confidence: conf}}
	}
	for _, key := range []string{template.ActiveDisclosure, template.Applications, template.ReviewsLitigation} {
		t := tp.Table(key)
		for _, s := range template.Sections() {
			if s.Key == t.Section {
				doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Paragraph, Text: s.Heading})
			}
		}
		grid := &layout.TableGrid{}
		var flat []layout.Cell
		for _, r := range t.Rows {
			if len(r.Replaces) > 0 {
				continue
			}
			row := []layout.Cell{cellOf(r.Label)}
			for _, col := range t.ColumnsOf(&r) {
				c := template.Cell{Row: r.Key, Column: col.Key}
				row = append(row, cellOf(print(c, v[c])))
			}
			if t.Flat {
				flat = append(flat, row[1:]...)
				continue
			}
			grid.Rows = append(grid.Rows, row)
		}
		if t.Flat {
			var header []layout.Cell
			for _, r := range t.Rows {
				for _, col := range t.Columns {
					header = append(header, cellOf(r.Label+col.Label))
				}
			}
			grid.Rows = append(grid.Rows, header, flat)
		}
		doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Table, Table: grid})
	}
	return doc
}

// TestBlankCells checks the spec's value.blank: counts printed blank read
// as 0, listed in one warning per table, but for a blank total whose parts
// are not all 0 and a blank part of a row whose printed total disagrees
// with it as 0, which are null with value.missing saying why.
func TestBlankCells(t *testing.T) {
	type cellSet = map[template.Cell]bool
	cell := func(row, col string) template.Cell { return template.Cell{Row: row, Column: col} }
	for _, tc := range []struct {
		name  string
		blank cellSet // printed blank, besides every 0
		mark  string
		conf  float64
		null  cellSet  // read null, with value.missing
		sum   []string // in the message of a blank total's value.missing
		// noBlanks: no value.blank expected in these tables.
		noBlanks []string
	}{
		{name: "zeros printed empty", mark: ""},
		{name: "zeros printed /", mark: "/"},
		{name: "zeros printed —", mark: "—"},
		{name: "zeros printed -", mark: "-"},
		{name: "zeros printed 无", mark: "无"},
		{name: "zeros printed &nbsp;", mark: "\u00a0"},
		{name: "a blank row total whose parts are not 0", mark: "",
			blank: cellSet{cell("disclosed", "total"): true},
			null:  cellSet{cell("disclosed", "total"): true}, sum: []string{"add up to"}},
		{name: "a blank part of a row whose total disagrees", mark: "/",
			blank: cellSet{cell("partially_disclosed", "commercial"): true},
			null:  cellSet{cell("partially_disclosed", "commercial"): true}},
		{name: "a blank total of （七）总计 whose parts are not 0", mark: "",
			blank: cellSet{cell(template.RowProcessedTotal, "research"): true},
			null:  cellSet{cell(template.RowProcessedTotal, "research"): true}},
		{name: "a blank total of table 3", mark: "—",
			blank: cellSet{cell("reconsideration", "total"): true},
			null:  cellSet{cell("reconsideration", "total"): true}},
		{name: "a blank amount is not a count", mark: "",
			blank: cellSet{cell("fees", "amount"): true},
			null:  cellSet{cell("fees", "amount"): true}},
		{name: "OCR saw ink and read nothing", mark: "", conf: 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := consistentValues()
			zero := func(c template.Cell) bool { return v[c] == 0 && c.Column != "amount" }
			doc := gridReport(v, func(c template.Cell, n float64) string {
				if tc.blank[c] || zero(c) {
					return tc.mark
				}
				return fmt.Sprint(n)
			}, tc.conf)
			if tc.conf > 0 {
				// OCR read the blanks as ink it could not read.
				tc.null = cellSet{}
				for c := range v {
					if zero(c) {
						tc.null[c] = true
					}
				}
			}
			rec := parser.New(parser.Config{}).Parse(doc)
			validate.Check(rec)
			tables := map[string]*record.Table{template.ActiveDisclosure: rec.ActiveDisclosure,
				template.Applications: rec.Applications, template.ReviewsLitigation: rec.ReviewsLitigation}
			tp := template.Lookup(template.V2021)
			blankTables := map[string][]string{}
			for key, tbl := range tables {
				for _, r := range tp.Table(key).Rows {
					if len(r.Replaces) > 0 {
						continue
					}
					row, _ := tbl.Get(r.Key)
					for _, col := range tp.Table(key).ColumnsOf(&r) {
						c := cell(r.Key, col.Key)
						got, _ := row.Get(col.Key)
						want := record.Num(v[c])
						if tc.null[c] {
							want = record.Value{}
						} else if (tc.blank[c] || zero(c)) && tc.conf == 0 {
							blankTables[key] = append(blankTables[key], r.Key+"."+col.Key)
						}
						if got != want {
							t.Errorf("%s.%s.%s = %v, want %v", key, r.Key, col.Key, got, want)
						}
					}
				}
			}
			var rules []string
			for _, f := range rec.Findings {
				switch f.Rule {
				case validate.RuleValueBlank:
					want := blankTables[f.Table]
					if want == nil {
						t.Errorf("value.blank for %s, which has no blank read as 0", f.Table)
					}
					for _, k := range want {
						if !strings.Contains(f.Message, k) {
							t.Errorf("value.blank of %s does not list %s: %s", f.Table, k, f.Message)
						}
					}
					delete(blankTables, f.Table)
				case validate.RuleValueMissing:
					if !tc.null[cell(f.Row, f.Column)] {
						t.Errorf("value.missing for %s.%s, not left null", f.Row, f.Column)
					}
					for _, s := range tc.sum {
						if f.Column == template.ColumnTotal && !strings.Contains(f.Message, s) {
							t.Errorf("the blank total's message %q does not say what its parts %s", f.Message, s)
						}
					}
				case validate.RuleTableMissing, validate.RuleMetaMissing:
				default:
					rules = append(rules, f.Rule+" "+f.Row+"."+f.Column)
				}
			}
			if len(blankTables) > 0 {
				t.Errorf("no value.blank for the blanks of %v", blankTables)
			}
			if len(rules) > 0 {
				slices.Sort(rules)
				t.Errorf("other findings: %v", rules)
			}
			if len(tc.null) == 0 && rec.Status != record.Valid {
				t.Errorf("status %s, want valid: %+v", rec.Status, rec.Findings)
			}
		})
	}
}
