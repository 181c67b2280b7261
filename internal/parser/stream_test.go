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

// streamLines prints rows of table 2 as a tool that writes every cell on its
// own line does: each group label once, before its first row, then per
// block either each row's label and values (row by row) or every label of
// the block and then each column's values, after its header when headers
// is set (column by column). blocks cuts the rows into runs printed one
// after another, by the key of each run's first row. Only the first n rows
// are printed, or all when n is 0.
func streamLines(v map[template.Cell]float64, n int, byColumn, headers bool, blocks ...string) []string {
	t := template.Lookup(template.V2021).Table(template.Applications)
	var rows []template.Row
	for _, r := range t.Rows {
		if len(r.Replaces) == 0 && (n == 0 || len(rows) < n) {
			rows = append(rows, r)
		}
	}
	out := []string{"申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"}
	printed := map[string]bool{}
	value := func(r template.Row, col template.Column) string {
		return fmt.Sprint(v[template.Cell{Row: r.Key, Column: col.Key}])
	}
	for start := 0; start < len(rows); {
		end := len(rows)
		for i := start + 1; i < len(rows); i++ {
			if slices.Contains(blocks, rows[i].Key) {
				end = i
				break
			}
		}
		for _, r := range rows[start:end] {
			for _, g := range r.Groups {
				if !printed[g] {
					printed[g] = true
					out = append(out, g)
				}
			}
			out = append(out, r.Label)
			if !byColumn {
				for _, col := range t.Columns {
					out = append(out, value(r, col))
				}
			}
		}
		if byColumn {
			for _, col := range t.Columns {
				if headers {
					out = append(out, col.Label)
				}
				for _, r := range rows[start:end] {
					out = append(out, value(r, col))
				}
			}
		}
		start = end
	}
	return out
}

// streamDoc is a 2021 report whose table 2 is printed as lines.
func streamDoc(lines []string) *layout.Document {
	text := "某某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" +
		strings.Join(lines, "\n") + "\n四、政府信息公开行政复议、行政诉讼情况\n"
	return &layout.Document{Blocks: []layout.Block{{Kind: layout.Paragraph, Text: text}}}
}

// TestReadingOrderStreams checks tables written in reading order: every cell
// on its own line, row by row or column by column. Values are placed only
// where their count fits the rows and the table's sums hold in one order
// alone; elsewhere they stay null with a template.deviation warning saying
// why, and no value is ever wrong.
func TestReadingOrderStreams(t *testing.T) {
	apps := template.Lookup(template.V2021).Table(template.Applications)
	// ambiguous gives rows 一 and 二 values that add up both row by row and
	// column by column when printed in either order: printed column by
	// column, 0 0 0 2 0 0 2 / 0 1 1 1 1 1 5 read as 0 0 0 1 0 1 2 / 1 0 1
	// 0 1 2 5 row by row, and the other way round.
	ambiguous := func(values ...float64) func(v map[template.Cell]float64) {
		return func(v map[template.Cell]float64) {
			for k, r := range []string{template.RowNewReceived, template.RowCarriedOver} {
				for c, col := range apps.Columns {
					v[template.Cell{Row: r, Column: col.Key}] = values[k*7+c]
				}
			}
		}
	}
	for _, tc := range []struct {
		name     string
		rows     int // the rows printed, all when 0
		byColumn bool
		headers  bool
		blocks   []string
		change   func(v map[template.Cell]float64)
		edit     func(lines []string) []string
		// null are the rows left null; warn, words of the warning expected
		// (none when empty).
		null []string
		warn string
	}{
		{name: "cell per line, row by row"},
		{name: "column by column, with headers", byColumn: true, headers: true, warn: "read column by column"},
		{name: "column by column, no headers", byColumn: true, warn: "read column by column"},
		{name: "column by column in blocks", byColumn: true, headers: true,
			blocks: []string{"withheld_state_secret", "unavailable_not_held", template.RowProcessedTotal}, warn: "read column by column"},
		{name: "a value dropped: count does not fit", byColumn: true,
			blocks: []string{"disclosed", "withheld_state_secret"},
			edit: func(lines []string) []string {
				// The first value after the labels of 予以公开 and 部分公开.
				i := slices.Index(lines, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
				return slices.Delete(lines, i+1, i+2)
			},
			null: []string{"disclosed", "partially_disclosed"}, warn: "count is not the rows' cells"},
		{name: "ambiguous: both orders add up", rows: 2, byColumn: true,
			change: ambiguous(0, 0, 0, 2, 0, 0, 2, 0, 1, 1, 1, 1, 1, 5),
			null:   []string{template.RowNewReceived, template.RowCarriedOver}, warn: "either way"},
		{name: "ambiguous values printed row by row are read as printed", rows: 2,
			change: ambiguous(0, 0, 0, 1, 0, 1, 2, 1, 0, 1, 0, 1, 2, 5)},
		{name: "sums fail: nothing confirms an order", byColumn: true, blocks: []string{"disclosed", "withheld_state_secret"},
			change: func(v map[template.Cell]float64) { v[template.Cell{Row: "disclosed", Column: "research"}] += 5 },
			null:   []string{"disclosed", "partially_disclosed"}, warn: "sums do not confirm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := consistentValues()
			if tc.change != nil {
				tc.change(v)
			}
			lines := streamLines(v, tc.rows, tc.byColumn, tc.headers, tc.blocks...)
			if tc.edit != nil {
				lines = tc.edit(lines)
			}
			rec := parser.New(parser.Config{}).Parse(streamDoc(lines))
			validate.Check(rec)
			if rec.Applications == nil {
				t.Fatalf("table 2 not read: %+v", rec.Findings)
			}
			for i, r := range apps.Rows {
				if len(r.Replaces) > 0 || tc.rows > 0 && i >= tc.rows {
					continue
				}
				row, _ := rec.Applications.Get(r.Key)
				for _, col := range apps.Columns {
					got, _ := row.Get(col.Key)
					want := record.Num(v[template.Cell{Row: r.Key, Column: col.Key}])
					if slices.Contains(tc.null, r.Key) {
						want = record.Value{}
					}
					if got != want {
						t.Errorf("%s.%s = %v, want %v", r.Key, col.Key, got, want)
					}
				}
			}
			var warned []string
			for _, f := range rec.Findings {
				if f.Table == template.Applications && f.Rule == validate.RuleDeviation {
					warned = append(warned, f.Message)
				}
			}
			switch {
			case tc.warn == "" && len(warned) > 0:
				t.Errorf("unexpected warnings: %q", warned)
			case tc.warn != "" && !slices.ContainsFunc(warned, func(m string) bool { return strings.Contains(m, tc.warn) }):
				t.Errorf("no warning saying %q: %q", tc.warn, warned)
			}
			if len(tc.null) == 0 && tc.change == nil && rec.Status != record.Incomplete {
				// Tables 1 and 3 are not printed; table 2 must add up.
				for _, f := range rec.Findings {
					if f.Severity == record.Error && f.Rule != validate.RuleTableMissing {
						t.Errorf("finding: %+v", f)
					}
				}
			}
		})
	}
}
