package pipeline

import (
	"context"
	"reflect"
	"testing"

	"github.com/nianbao/nianbao/converters/html"
	"github.com/nianbao/nianbao/converters/text"
	"github.com/nianbao/nianbao/internal/layout"
)

func TestHTMLTables(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want [][2]int
	}{
		{"no table here", nil},
		{"a\n<table><tr><td>1</td></tr></table>\nb", [][2]int{{2, 36}}},
		{"<TABLE class=x><tr><td><table></table></td></tr></TABLE>", [][2]int{{0, 56}}},
		{"<tablet> <table", nil},
	} {
		if got := htmlTables([]byte(tc.in)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("htmlTables(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestMixedConverter reads Markdown holding a raw HTML table (pandoc -t gfm
// of a table with merged cells) as text, then a table, then text.
func TestMixedConverter(t *testing.T) {
	in := "# 二、主动公开政府信息情况\n\n<table>\n<tr><td rowspan=\"2\">规章</td><td>1</td></tr>\n<tr><td>2</td></tr>\n</table>\n\n三、收到\n"
	doc, err := mixedConverter{text: text.Converter{}, html: html.Converter{}}.Convert(context.Background(), "r.md", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []layout.Kind
	for _, b := range doc.Blocks {
		kinds = append(kinds, b.Kind)
	}
	if want := []layout.Kind{layout.Paragraph, layout.Table, layout.Paragraph}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("blocks %v, want %v:\n%s", kinds, want, doc.Text())
	}
	if got := doc.Blocks[1].Table.Rows[0][0]; got.Text != "规章" || got.RowSpan != 2 {
		t.Errorf("first cell %+v, want 规章 merged over two rows", got)
	}
}
