package parser_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// pipeTables prints tables 1 and 2 of the 2021 template as "cell |"
// lines, one row a line under their section headings. Row i of a table holds
// base+i*10+1, base+i*10+2, …, so a row's values tell which row they came
// from. labels replaces the label of the rows it names, one element a
// printed line; cell prints each value.
func pipeTables(labels map[string][]string, cell func(tbl, row string, col int, v int) string) string {
	tp := template.Lookup(template.V2021)
	var b strings.Builder
	b.WriteString("某某局2023年政府信息公开工作年度报告\n")
	for k, key := range []string{template.ActiveDisclosure, template.Applications} {
		t := tp.Table(key)
		for _, s := range template.Sections() {
			if s.Key == t.Section {
				b.WriteString(s.Heading + "\n")
			}
		}
		for i, r := range t.Rows {
			if len(r.Replaces) > 0 {
				continue
			}
			label := []string{r.Label}
			if l, ok := labels[r.Key]; ok {
				label = l
			}
			for _, l := range label[:len(label)-1] {
				fmt.Fprintf(&b, "%s |\n", l)
			}
			fmt.Fprintf(&b, "%s |", label[len(label)-1])
			for c := range t.ColumnsOf(&r) {
				fmt.Fprintf(&b, " %s |", cell(key, r.Key, c, rowValue(k, i, c)))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("四、政府信息公开行政复议、行政诉讼情况\n")
	return b.String()
}

func rowValue(table, row, col int) int { return 1000*table + row*10 + col + 1 }

func textDoc(text string) *layout.Document {
	return &layout.Document{Blocks: []layout.Block{{Kind: layout.Paragraph, Text: text}}}
}

func printValue(_, _ string, _ int, v int) string { return fmt.Sprint(v) }

// TestLabelVariants checks that row labels are matched as a closed
// vocabulary: in either script (by phrase), whatever their list number,
// broken over lines, with a typo or two (with a warning saying how near),
// and that a label as near to two rows places its values in neither.
func TestLabelVariants(t *testing.T) {
	tp := template.Lookup(template.V2021)
	for _, tc := range []struct {
		name      string
		table     string
		row       string
		label     []string
		distance  int  // of the warning a near match gives; 0: no warning
		ambiguous bool // the row's values are placed nowhere
	}{
		{name: "traditional phrase 反覆", table: template.Applications, row: "unprocessed_excessive",
			label: []string{"4.無正當理由大量反覆申請"}},
		{name: "traditional 複", table: template.Applications, row: "unprocessed_duplicate",
			label: []string{"2.重複申請"}},
		{name: "traditional long label", table: template.Applications, row: "unprocessed_confirmation",
			label: []string{"5.要求行政機關確認或重新出具已獲取信息"}},
		{name: "list number dot", table: template.Applications, row: "withheld_state_secret",
			label: []string{"1.属于国家秘密"}},
		{name: "list number comma", table: template.Applications, row: "withheld_state_secret",
			label: []string{"1、属于国家秘密"}},
		{name: "list number bracketed", table: template.Applications, row: "withheld_state_secret",
			label: []string{"(1)属于国家秘密"}},
		{name: "list number full-width bracketed", table: template.Applications, row: "withheld_state_secret",
			label: []string{"（1）属于国家秘密"}},
		{name: "list number circled", table: template.Applications, row: "withheld_state_secret",
			label: []string{"①属于国家秘密"}},
		{name: "no list number", table: template.Applications, row: "withheld_state_secret",
			label: []string{"属于国家秘密"}},
		{name: "wrong list number", table: template.Applications, row: "unavailable_unclear",
			label: []string{"5.补正后申请内容仍不明确"}},
		{name: "spaces and punctuation inside", table: template.Applications, row: "withheld_security",
			label: []string{"3. 危及 \"三安全 一稳定\""}},
		{name: "broken over two lines", table: template.Applications, row: "unavailable_not_held",
			label: []string{"1.本机关不掌", "握相关政府信息"}},
		{name: "broken over three lines", table: template.Applications, row: "unprocessed_confirmation",
			label: []string{"5.要求行政机关确", "认或重新出", "具已获取信息"}},
		{name: "one-character typo", table: template.Applications, row: "withheld_state_secret",
			label: []string{"1.属于国家秘蜜"}, distance: 1},
		{name: "one-character typo in a short label", table: template.ActiveDisclosure, row: "licensing",
			label: []string{"行政许诃"}, distance: 1},
		{name: "one-character typo, traditional", table: template.Applications, row: "withheld_enforcement",
			label: []string{"7.屬於行政執法案巻"}, distance: 1},
		{name: "two-character typo", table: template.Applications, row: "withheld_internal",
			label: []string{"5.属于三类内布事物信息"}, distance: 2},
		{name: "typo in a phrase", table: template.Applications, row: "partially_disclosed",
			label: []string{"（二）部份公开"}, distance: 1},
		{name: "typo broken over two lines", table: template.Applications, row: "withheld_state_secret",
			label: []string{"1.属于国", "家秘蜜"}, distance: 1},
		{name: "typo with its group labels", table: template.Applications, row: "withheld_inquiry",
			label: []string{"（三）不予公开", "8.属于行政查洵事项"}, distance: 1},
		{name: "near two rows", table: template.ActiveDisclosure, row: "punishment",
			label: []string{"行政处制"}, ambiguous: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := pipeTables(map[string][]string{tc.row: tc.label}, printValue)
			rec := parser.New(parser.Config{}).Parse(textDoc(text))
			validate.Check(rec)
			tbl := tp.Table(tc.table)
			k, pos := 0, 0
			if tc.table == template.Applications {
				k = 1
			}
			for i, r := range tbl.Rows {
				if r.Key == tc.row {
					pos = i
				}
			}
			table := rec.ActiveDisclosure
			if k == 1 {
				table = rec.Applications
			}
			row, _ := table.Get(tc.row)
			col := tbl.ColumnsOf(&tbl.Rows[pos])[0].Key
			got, _ := row.Get(col)
			want := record.Num(float64(rowValue(k, pos, 0)))
			if tc.ambiguous {
				want = record.Value{}
			}
			if got != want {
				t.Errorf("%s.%s = %v, want %v", tc.row, col, got, want)
			}
			var deviations []record.Finding
			for _, f := range rec.Findings {
				if f.Rule == validate.RuleDeviation {
					deviations = append(deviations, f)
				}
			}
			switch {
			case tc.ambiguous:
				if len(deviations) != 1 || deviations[0].Row != "" || !strings.Contains(deviations[0].Message, "as near to") {
					t.Errorf("want one warning of an ambiguous label, got %+v", deviations)
				}
				if rec.Status == record.Valid {
					t.Error("status valid with a row left out")
				}
			case tc.distance > 0:
				if len(deviations) != 1 || deviations[0].Row != tc.row ||
					!strings.Contains(deviations[0].Message, fmt.Sprintf("differs by %d character", tc.distance)) {
					t.Errorf("want one warning of a label %d character(s) off, got %+v", tc.distance, deviations)
				}
			case len(deviations) > 0:
				t.Errorf("warnings for an exact label: %+v", deviations)
			}
			// Every other row is read as printed.
			for k, key := range []string{template.ActiveDisclosure, template.Applications} {
				tbl := tp.Table(key)
				table := rec.ActiveDisclosure
				if k == 1 {
					table = rec.Applications
				}
				for i, r := range tbl.Rows {
					if len(r.Replaces) > 0 || r.Key == tc.row {
						continue
					}
					row, _ := table.Get(r.Key)
					for c, col := range tbl.ColumnsOf(&r) {
						if v, _ := row.Get(col.Key); v != record.Num(float64(rowValue(k, i, c))) {
							t.Errorf("%s.%s.%s = %v, want %d", key, r.Key, col.Key, v, rowValue(k, i, c))
						}
					}
				}
			}
		})
	}
}
