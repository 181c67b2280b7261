package html

import (
	"context"
	"reflect"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
)

// TestPositioned rebuilds a page of absolutely positioned pieces, as
// pdftohtml -c writes one, into lines laid out in columns.
func TestPositioned(t *testing.T) {
	page := `<html><head><style type="text/css">
	.ft1{font-size:20px;font-family:A;}
	.ft2{font-size:20px;font-family:B;}
</style></head><body>
<div id="page1-div" style="position:relative;width:800px;height:1000px;">
<p style="position:absolute;top:200px;left:100px;white-space:nowrap" class="ft1">规</p>
<p style="position:absolute;top:100px;left:100px;white-space:nowrap" class="ft1">信息内容</p>
<p style="position:absolute;top:100px;left:300px;white-space:nowrap" class="ft2">本年制发</p>
<p style="position:absolute;top:201px;left:120px;white-space:nowrap" class="ft2">章</p>
<p style="position:absolute;top:200px;left:330px;white-space:nowrap" class="ft1">12</p>
<p style="position:absolute;top:200px;left:400px;white-space:nowrap" class="ft1">2024&#160;年</p>
</div>
<div id="page2-div" style="position:relative;width:800px;height:1000px;">
<p style="position:absolute;top:50px;left:0px;white-space:nowrap" class="ft1">第二页</p>
</div></body></html>`
	doc, err := Converter{}.Convert(context.Background(), "p.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	want := []layout.Block{
		// A column is half the font size, 10 px: 本年制发 at 300 px is at
		// column 30; a CJK character is two columns wide.
		para("          信息内容            本年制发"),
		para("          规章                   12     2024 年"),
		{Kind: layout.PageBreak},
		para("第二页"),
	}
	if !reflect.DeepEqual(doc.Blocks, want) {
		t.Errorf("\n got %q\nwant %q", doc.Text(), (&layout.Document{Blocks: want}).Text())
	}
}

// TestPositionedFew keeps a page whose text is mostly not positioned as it
// is: a positioned badge does not make it a PDF's page.
func TestPositionedFew(t *testing.T) {
	page := `<html><body><p>某局2024年政府信息公开工作年度报告正文很长很长</p>
<div style="position:absolute;top:0px;left:0px">徽</div></body></html>`
	doc, err := Converter{}.Convert(context.Background(), "p.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Blocks) == 0 || doc.Blocks[0].Text != "某局2024年政府信息公开工作年度报告正文很长很长" {
		t.Errorf("got %q", doc.Text())
	}
}

// TestPositionedHostile keeps lines bounded whatever the coordinates say.
func TestPositionedHostile(t *testing.T) {
	page := `<div style="position:relative"><p style="position:absolute;top:1px;left:-50px">甲</p>` +
		`<p style="position:absolute;top:1px;left:900000000000px">乙</p>` +
		`<p style="position:absolute;top:1e9px;left:NaNpx;font-size:0px">丙</p></div>`
	doc, err := Converter{}.Convert(context.Background(), "p.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range doc.Blocks {
		if len(b.Text) > 4*maxColumn {
			t.Errorf("a line of %d bytes", len(b.Text))
		}
	}
}
