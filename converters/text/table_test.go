package text

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
)

// rowsOf returns the texts of the cells of the document's tables, row by
// row, and its paragraphs.
func rowsOf(doc *layout.Document) (rows [][]string, paras []string) {
	for _, b := range doc.Blocks {
		switch b.Kind {
		case layout.Table:
			for _, r := range b.Table.Rows {
				var texts []string
				for _, c := range r {
					texts = append(texts, c.Text)
				}
				rows = append(rows, texts)
			}
		case layout.Paragraph:
			paras = append(paras, b.Text)
		}
	}
	return rows, paras
}

func TestDrawnTables(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		rows  [][]string
		paras []string
	}{{
		name: "box drawing, a label wrapped, a group cell merged down (w3m -dump)",
		in: "前言\n" +
			"┌──────┬──────────┬───┐\n" +
			"│      │2.其他法律│5  │\n" +
			"│（三）│行政法规禁│   │\n" +
			"│不予  │止公开    │   │\n" +
			"│公开  ├──────────┼───┤\n" +
			"│      │3.危及    │0  │\n" +
			"└──────┴──────────┴───┘\n" +
			"后记\n",
		rows:  [][]string{{"（三）不予", "2.其他法律行政法规禁止公开", "5"}, {"公开", "3.危及", "0"}},
		paras: []string{"前言", "后记"},
	}, {
		name: "ASCII grid (pandoc, reStructuredText)",
		in: "+--------+-----+\n" +
			"| 规章   | 12  |\n" +
			"+========+=====+\n" +
			"| 行政许 | 1,2 |\n" +
			"| 可     | 34  |\n" +
			"+--------+-----+\n",
		rows: [][]string{{"规章", "12"}, {"行政许可", "1,234"}},
	}, {
		name: "dashed multiline table (pandoc -t plain), CJK two columns wide",
		in: "  ------------ ------ -----\n" +
			"  信息内容     本年   现行\n" +
			"               制发   有效\n" +
			"\n" +
			"  规章         0      51\n" +
			"  ------------ ------ -----\n" +
			"\n" +
			"正文\n",
		rows:  [][]string{{"信息内容", "本年制发", "现行有效"}, {"规章", "0", "51"}},
		paras: []string{"正文"},
	}, {
		name:  "YAML front matter gives the title",
		in:    "---\ntitle: 某局2024年政府信息公开工作年度报告\nlang: zh\n---\n\n正文\n",
		paras: []string{"某局2024年政府信息公开工作年度报告", "正文"},
	}, {
		name:  "a title over two lines in a block scalar",
		in:    "---\ntitle: |\n  某局2024年\n\n  政府信息公开工作年度报告\n---\n正文\n",
		paras: []string{"某局2024年", "政府信息公开工作年度报告", "正文"},
	}, {
		name:  "a Markdown rule is no table",
		in:    "甲\n\n---\n\n乙\n",
		paras: []string{"甲", "---", "乙"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Converter{}.Convert(context.Background(), "t.txt", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			rows, paras := rowsOf(doc)
			if !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows:\n got %q\nwant %q", rows, tc.rows)
			}
			if !reflect.DeepEqual(paras, tc.paras) {
				t.Errorf("paragraphs:\n got %q\nwant %q", paras, tc.paras)
			}
		})
	}
}

func TestCutColumnsWide(t *testing.T) {
	got := cutColumns(strings.Repeat("汉", 3)+"  9", []int{0, 8})
	if want := []string{"汉汉汉  ", "9"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
