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

// applicationsGrid is the 2021 applications table as a grid, a row a line
// (its group labels repeated in cells before its own), every cell read with conf;
// garbled replaces the label of the rows it names. Row i's values are
// i*10+1, i*10+2, …, so each row's values tell which row they came from.
// An extra row, not the template's, follows the row extraAfter names.
func applicationsGrid(garbled map[string]string, conf float64, extraAfter ...string) *layout.Document {
	t := template.Lookup(template.V2021).Tables[1]
	grid := &layout.TableGrid{}
	for i, r := range t.Rows {
		if len(r.Replaces) > 0 {
			continue
		}
		label := r.Label
		if g, ok := garbled[r.Key]; ok {
			label = g
		}
		var row []layout.Cell
		for _, text := range append(slices.Clone(r.Groups), label) {
			row = append(row, layout.Cell{Text: text, Prov: layout.Provenance{Confidence: conf}})
		}
		for c := range t.ColumnsOf(&r) {
			row = append(row, layout.Cell{Text: fmt.Sprint(i*10 + c + 1), Prov: layout.Provenance{Confidence: conf}})
		}
		grid.Rows = append(grid.Rows, row)
		if slices.Contains(extraAfter, r.Key) {
			extra := []layout.Cell{{Text: "另计", Prov: layout.Provenance{Confidence: conf}}}
			for c := range t.ColumnsOf(&r) {
				extra = append(extra, layout.Cell{Text: fmt.Sprint(800 + c), Prov: layout.Provenance{Confidence: conf}})
			}
			grid.Rows = append(grid.Rows, extra)
		}
	}
	return &layout.Document{Blocks: []layout.Block{
		{Kind: layout.Paragraph, Text: "三、收到和处理政府信息公开申请情况"},
		{Kind: layout.Table, Table: grid},
	}}
}

// TestMisreadLabels checks that a row whose label OCR could not read gets
// the one row it can be, with a warning, and that nothing is guessed where
// two rows could be, or where the label was not read by OCR.
func TestMisreadLabels(t *testing.T) {
	apps := template.Lookup(template.V2021).Tables[1]
	position := func(key string) int {
		for i, r := range apps.Rows {
			if r.Key == key {
				return i
			}
		}
		t.Fatalf("no row %s", key)
		return 0
	}
	for _, tc := range []struct {
		name    string
		garbled map[string]string
		extra   string // a row not the template's follows this one
		conf    float64
		placed  []string // rows whose values are recovered, with a warning
		missing []string // rows left null
	}{
		{
			name:    "one misread between rows found",
			garbled: map[string]string{"withheld_prohibited": "()禁"},
			conf:    0.9,
			placed:  []string{"withheld_prohibited"},
		},
		{
			name:    "the first row misread",
			garbled: map[string]string{"new_received": "一、本年新"},
			conf:    0.9,
			placed:  []string{"new_received"},
		},
		{
			name:    "two misread side by side pair up in order",
			garbled: map[string]string{"withheld_prohibited": "()禁", "withheld_security": "3.危"},
			conf:    0.9,
			placed:  []string{"withheld_prohibited", "withheld_security"},
		},
		{
			name:    "a row not the template's leaves two rows for one gap",
			garbled: map[string]string{"withheld_prohibited": "()禁"},
			extra:   "withheld_prohibited",
			conf:    0.9,
			missing: []string{"withheld_prohibited"},
		},
		{
			name:    "not read by OCR",
			garbled: map[string]string{"withheld_prohibited": "()禁"},
			conf:    0,
			missing: []string{"withheld_prohibited"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := parser.New(parser.Config{}).Parse(applicationsGrid(tc.garbled, tc.conf, tc.extra))
			validate.Check(rec)
			warned := map[string]bool{}
			for _, f := range rec.Findings {
				if f.Rule == validate.RuleLowConfidence && f.Column == "" {
					warned[f.Row] = true
				}
			}
			for _, key := range tc.placed {
				row, _ := rec.Applications.Get(key)
				v, _ := row.Get("natural_person")
				if want := record.Num(float64(position(key)*10 + 1)); v != want {
					t.Errorf("%s.natural_person = %v, want %v", key, v, want)
				}
				if !warned[key] {
					t.Errorf("%s placed without a warning", key)
				}
			}
			for _, key := range tc.missing {
				row, _ := rec.Applications.Get(key)
				if v, _ := row.Get("natural_person"); v.Valid {
					t.Errorf("%s.natural_person = %v, want null", key, v)
				}
				if warned[key] {
					t.Errorf("%s: warned of a placement that was not made", key)
				}
			}
			if len(warned) != len(tc.placed) {
				t.Errorf("placement warnings for %v, want %v", warned, tc.placed)
			}
		})
	}
}

// TestTooManyValues checks that a row with more values than columns takes
// none of them, rather than guessing which are its own.
func TestTooManyValues(t *testing.T) {
	doc := applicationsGrid(nil, 0)
	grid := doc.Blocks[1].Table
	for i, row := range grid.Rows {
		if row[len(row)-8].Text == "（七）总计" {
			for v := range 8 {
				grid.Rows[i] = append(grid.Rows[i], layout.Cell{Text: fmt.Sprint(900 + v)})
			}
		}
	}
	rec := parser.New(parser.Config{}).Parse(doc)
	validate.Check(rec)
	row, _ := rec.Applications.Get(template.RowProcessedTotal)
	for _, col := range []string{"natural_person", "total"} {
		if v, _ := row.Get(col); v.Valid {
			t.Errorf("processed_total.%s = %v, want null", col, v)
		}
	}
	noted := false
	for _, n := range rec.Notes {
		noted = noted || n.Row == template.RowProcessedTotal && strings.HasPrefix(n.Text, "15 values for 7 columns")
	}
	if !noted {
		t.Errorf("no note keeps the 15 values printed; notes: %+v", rec.Notes)
	}
	if rec.Status == record.Valid {
		t.Error("status valid with a row that could not be read")
	}
}
