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

// streamStyle is how streamLines prints table 2.
type streamStyle struct {
	// rows is how many rows are printed, all when 0.
	rows int
	// labelsFirst prints each block's labels, then its values row by row,
	// or column by column with byColumn (after each column's header with
	// headers); else each row's label is followed by its values.
	labelsFirst, byColumn, headers bool
	// blocks cuts the rows into runs printed one after another, by the key
	// of each run's first row.
	blocks []string
	// single prints the one row （六）其他处理 in place of its three.
	single bool
}

// streamRows returns the rows of table 2 a style prints.
func streamRows(st streamStyle) []template.Row {
	var rows []template.Row
	for _, r := range template.Lookup(template.V2021).Table(template.Applications).Rows {
		if (len(r.Replaces) > 0) != (st.single && (r.Key == template.RowOther || strings.HasPrefix(r.Key, "other_"))) {
			continue
		}
		if st.rows == 0 || len(rows) < st.rows {
			rows = append(rows, r)
		}
	}
	return rows
}

// streamLines prints table 2 as a tool that writes every cell on its own
// line does, each group label once before its first row.
func streamLines(v map[template.Cell]float64, st streamStyle) []string {
	t := template.Lookup(template.V2021).Table(template.Applications)
	rows := streamRows(st)
	out := []string{"申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"}
	printed := map[string]bool{}
	value := func(r template.Row, col template.Column) string {
		return fmt.Sprint(v[template.Cell{Row: r.Key, Column: col.Key}])
	}
	for start := 0; start < len(rows); {
		end := len(rows)
		for i := start + 1; i < len(rows); i++ {
			if slices.Contains(st.blocks, rows[i].Key) {
				end = i
				break
			}
		}
		for _, r := range rows[start:end] {
			for _, g := range r.Groups {
				if !printed[g] && g != r.Label {
					printed[g] = true
					out = append(out, g)
				}
			}
			out = append(out, r.Label)
			if !st.labelsFirst {
				for _, col := range t.Columns {
					out = append(out, value(r, col))
				}
			}
		}
		switch {
		case st.labelsFirst && st.byColumn:
			for _, col := range t.Columns {
				if st.headers {
					out = append(out, col.Label)
				}
				for _, r := range rows[start:end] {
					out = append(out, value(r, col))
				}
			}
		case st.labelsFirst:
			for _, r := range rows[start:end] {
				for _, col := range t.Columns {
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
	var withheld, all []string
	for _, r := range streamRows(streamStyle{}) {
		if strings.HasPrefix(r.Key, "withheld_") {
			withheld = append(withheld, r.Key)
		}
		all = append(all, r.Key)
	}
	columns := streamStyle{labelsFirst: true, byColumn: true}
	withHeaders := columns
	withHeaders.headers = true
	inBlocks := func(st streamStyle, blocks ...string) streamStyle {
		st.blocks = blocks
		return st
	}
	single := columns
	single.single = true
	for _, tc := range []struct {
		name   string
		style  streamStyle
		change func(v map[template.Cell]float64)
		edit   func(lines []string) []string
		// null are the rows left null; warn, words of the warning expected
		// (none when empty).
		null []string
		warn string
	}{
		{name: "cell per line, row by row"},
		{name: "labels first, then values row by row", style: streamStyle{labelsFirst: true}, warn: "read row by row"},
		{name: "column by column, with headers", style: withHeaders, warn: "read column by column"},
		{name: "column by column, no headers", style: columns, warn: "read column by column"},
		{name: "column by column in blocks", warn: "read column by column",
			style: inBlocks(withHeaders, "withheld_state_secret", "unavailable_not_held", template.RowProcessedTotal)},
		{name: "column by column, a single （六）其他处理 row", style: single, warn: "read column by column"},
		{name: "a value dropped: count does not fit", style: inBlocks(columns, "disclosed", "withheld_state_secret"),
			edit: func(lines []string) []string {
				// The first value after the labels of 予以公开 and 部分公开.
				i := slices.Index(lines, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
				return slices.Delete(lines, i+1, i+2)
			},
			null: []string{"disclosed", "partially_disclosed"}, warn: "count is not the rows' cells"},
		{name: "a page number among the values", style: inBlocks(columns, "disclosed", "withheld_state_secret"),
			edit: func(lines []string) []string {
				i := slices.Index(lines, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
				return slices.Insert(lines, i+5, "3")
			},
			null: []string{"disclosed", "partially_disclosed"}, warn: "count is not the rows' cells"},
		{name: "a row printed in two runs of labels", style: inBlocks(columns, "disclosed", "withheld_state_secret", "unavailable_not_held"),
			edit: func(lines []string) []string {
				// 部分公开 again after the first label of 不予公开; printed
				// among a run's values, it would be a header.
				i := slices.Index(lines, "1.属于国家秘密")
				return slices.Insert(lines, i+1, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
			},
			null: append([]string{"disclosed", "partially_disclosed"}, withheld...), warn: "printed in another run"},
		{name: "more runs of labels than rows", style: columns,
			edit: func([]string) []string {
				// Pairs of labels, each followed by a value, three times over.
				var lines []string
				rows := streamRows(streamStyle{})
				for k := range 3 * len(rows) / 2 {
					i := 2 * k % (len(rows) - 1)
					lines = append(lines, rows[i].Label, rows[i+1].Label, "1")
				}
				return lines
			},
			null: all, warn: "more than it has rows"},
		{name: "ambiguous: both orders add up", style: streamStyle{rows: 2, labelsFirst: true, byColumn: true},
			change: ambiguous(0, 0, 0, 2, 0, 0, 2, 0, 1, 1, 1, 1, 1, 5),
			null:   []string{template.RowNewReceived, template.RowCarriedOver}, warn: "either way"},
		{name: "ambiguous values printed row by row are read as printed", style: streamStyle{rows: 2},
			change: ambiguous(0, 0, 0, 1, 0, 1, 2, 1, 0, 1, 0, 1, 2, 5)},
		{name: "sums fail: nothing confirms an order", style: inBlocks(columns, "disclosed", "withheld_state_secret"),
			change: func(v map[template.Cell]float64) { v[template.Cell{Row: "disclosed", Column: "research"}] += 5 },
			null:   []string{"disclosed", "partially_disclosed"}, warn: "sums do not confirm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := consistentValues()
			if tc.style.single {
				for _, col := range apps.Columns {
					c := template.Cell{Row: template.RowOther, Column: col.Key}
					for _, k := range []string{"other_overdue", "other_unpaid", "other_other"} {
						v[c] += v[template.Cell{Row: k, Column: col.Key}]
					}
				}
			}
			if tc.change != nil {
				tc.change(v)
			}
			lines := streamLines(v, tc.style)
			if tc.edit != nil {
				lines = tc.edit(lines)
			}
			rec := parser.New(parser.Config{}).Parse(streamDoc(lines))
			validate.Check(rec)
			if rec.Applications == nil {
				t.Fatalf("table 2 not read: %+v", rec.Findings)
			}
			for _, r := range streamRows(tc.style) {
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
			if n, want := len(rec.Applications.Keys()), len(streamRows(tc.style)); tc.style.rows == 0 && n != want {
				t.Errorf("%d rows read, want %d", n, want)
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
			if len(tc.null) == 0 && tc.style.rows == 0 {
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
