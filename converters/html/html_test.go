package html

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

func para(text string) layout.Block {
	return layout.Block{Kind: layout.Paragraph, Text: text}
}

func paras(texts ...string) []layout.Block {
	bs := make([]layout.Block, len(texts))
	for i, s := range texts {
		bs[i] = para(s)
	}
	return bs
}

func table(rows ...[]layout.Cell) layout.Block {
	return layout.Block{Kind: layout.Table, Table: &layout.TableGrid{Rows: rows}}
}

// row returns cells of the given texts, unmerged.
func row(texts ...string) []layout.Cell {
	cs := make([]layout.Cell, len(texts))
	for i, s := range texts {
		cs[i] = layout.Cell{Text: s, RowSpan: 1, ColSpan: 1}
	}
	return cs
}

func merged(text string, rows, cols int) layout.Cell {
	return layout.Cell{Text: text, RowSpan: rows, ColSpan: cols}
}

const (
	title = "东风区人民政府办公室2023年政府信息公开工作年度报告"
	body  = "本年度报告根据《中华人民共和国政府信息公开条例》编制。"
)

// page wraps body HTML in a page whose head holds head.
func page(head, body string) string {
	return "<!DOCTYPE html><html><head>" + head + "<title>网站标题</title></head><body>" + body + "</body></html>"
}

var reportPage = page(`<meta charset="gbk">`, "<h1>"+title+"</h1><p>"+body+"</p>")

// cases are shared by the tests and the fuzz seed corpus.
func cases(t testing.TB) []struct {
	name string
	in   []byte
	want []layout.Block
	err  error
} {
	report := paras(title, body)
	return []struct {
		name string
		in   []byte
		want []layout.Block
		err  error
	}{
		// Encodings.
		{name: "gbk meta charset", in: encode(t, simplifiedchinese.GBK, reportPage), want: report},
		{
			name: "gb2312 http-equiv",
			in: encode(t, simplifiedchinese.GBK, page(
				`<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />`,
				"<h1>"+title+"</h1><p>"+body+"</p>")),
			want: report,
		},
		{
			name: "gbk undeclared",
			in:   encode(t, simplifiedchinese.GBK, "<h1>"+title+"</h1><p>"+body+"</p>"),
			want: report,
		},
		{
			// 𠀀 is outside GBK; pages labelled GBK use GB18030's four bytes for it.
			name: "gb18030 character in gbk page",
			in:   encode(t, simplifiedchinese.GB18030, page(`<meta charset="gbk">`, "<p>申请人𠀀</p>")),
			want: paras("申请人𠀀"),
		},
		{
			// Big5, so that reading it as undeclared (GB18030) would fail.
			name: "meta after a long script",
			in: encode(t, traditionalchinese.Big5, "<html><head><script>"+strings.Repeat("var x = 1;\n", 200)+
				"</script><meta http-equiv=content-type content='text/html charset=BIG5;'></head><p>盤錦市雙臺子區</p>"),
			want: paras("盤錦市雙臺子區"),
		},
		{
			name: "big5",
			in: encode(t, traditionalchinese.Big5,
				`<html><head><meta charset="big5"><title>網站</title></head><p>盤錦市雙臺子區人民政府辦公室</p>`),
			want: paras("盤錦市雙臺子區人民政府辦公室"),
		},
		{name: "utf-8", in: []byte(page(`<meta charset="utf-8">`, "<h1>"+title+"</h1><p>"+body+"</p>")), want: report},
		{name: "utf-8 undeclared", in: []byte("<h1>" + title + "</h1><p>" + body + "</p>"), want: report},
		{name: "utf-8 labelled gbk", in: []byte(reportPage), want: report},
		{
			name: "gbk labelled utf-8",
			in: encode(t, simplifiedchinese.GBK, page(`<meta charset="utf-8">`,
				"<h1>"+title+"</h1><p>"+body+"</p>")),
			want: report,
		},
		{
			name: "utf-8 bom",
			in:   append([]byte("\xEF\xBB\xBF"), page(`<meta charset="gbk">`, "<p>"+body+"</p>")...),
			want: paras(body),
		},
		{
			name: "utf-16le bom",
			in: encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM),
				page(`<meta charset="utf-16">`, "<p>"+body+"</p>")),
			want: paras(body),
		},

		// Paragraphs.
		{
			name: "inline elements do not split",
			in:   []byte(`<p><span style="font-family:宋体">一、</span><b>总体</b><font color=red>情况</font> <a href="#">详见</a></p>`),
			want: paras("一、总体情况 详见"),
		},
		{
			name: "br splits",
			in:   []byte("<p>第一行<br>第二行<br/><br>  第三行</p>"),
			want: paras("第一行", "第二行", "第三行"),
		},
		{
			name: "whitespace collapsed",
			in:   []byte("<div>  a \t b&nbsp;&nbsp;c\u3000d  </div><p>&nbsp;</p><p> \n </p>"),
			want: paras("a b c d"),
		},
		{
			name: "line breaks between chinese dropped",
			in:   []byte("<p>本年度报告根据《条例》和\n  《格式》的要求编制，2023\n年 共\u00a0\n计</p>"),
			want: paras("本年度报告根据《条例》和《格式》的要求编制，2023 年 共 计"),
		},
		{
			name: "block elements",
			in: []byte("<div>甲<div>乙</div>丙</div><ul><li>一</li><li>二</li></ul>" +
				"<section><h2>标题</h2><blockquote>引文</blockquote></section><center>居中</center>"),
			want: paras("甲", "乙", "丙", "一", "二", "标题", "引文", "居中"),
		},
		{
			name: "pre keeps lines",
			in:   []byte("<pre>\n\t项目\t数量\n\n|  自然人  | 3 |\n</pre>"),
			want: paras("\t项目\t数量", "|  自然人  | 3 |"),
		},

		// Not content.
		{
			name: "script style title dropped",
			in: []byte(page("<style>p{color:red}</style><script>var a='head';</script>",
				"<script>document.write('正文')</script><style>.x{}</style><noscript>请启用脚本</noscript>"+
					"<p>"+body+"</p><template><p>模板</p></template><iframe src=x>框架</iframe>"+
					"<select><option>2023年</option></select><button>打印</button><textarea>留言</textarea>")),
			want: paras(body),
		},
		{
			name: "chrome dropped",
			in: []byte(page("", `<header><a href="/">首页</a></header>`+
				`<div class="nav">网站导航</div><div class="site-nav">栏目</div><ul id="topMenu"><li>菜单</li></ul>`+
				`<nav>导航</nav><div class="breadcrumb">当前位置</div><aside>相关链接</aside>`+
				`<div class="navigation-free-content"><p>`+body+`</p></div>`+
				`<div class="share-box">分享到</div><div class="bt_search">搜索</div><div role="navigation">角色导航</div>`+
				`<div id="footer">版权所有</div><div id="footer_wrap">主办单位</div><footer>备案号</footer>`)),
			want: paras(body),
		},
		{
			name: "article header and footer kept",
			in: []byte(page("", `<header>网站头部</header><article><header><h1>`+title+`</h1></header>`+
				`<p>`+body+`</p><footer>东风区人民政府办公室 2024年1月20日</footer></article>`)),
			want: paras(title, body, "东风区人民政府办公室 2024年1月20日"),
		},
		{
			name: "all chrome kept rather than nothing",
			in:   []byte(page("", `<div id="header"><p>`+body+`</p></div>`)),
			want: paras(body),
		},

		// Tables.
		{
			name: "data table",
			in: []byte(`<p>三、收到和处理政府信息公开申请情况</p><table border=1>
				<caption>表三</caption>
				<thead><tr><th colspan="3" rowspan="2">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th><th colspan="2">申请人情况</th></tr>
				<tr><th>自然人</th><th>总计</th></tr></thead>
				<tbody><tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>12</td><td>12</td></tr>
				<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>5</td><td></td></tr>
				<tr><td colspan="2">（二）部分公开<br>（区分处理的）</td><td> &nbsp; </td><td>7</td></tr></tbody>
				</table><p>四、政府信息公开行政复议、行政诉讼情况</p>`),
			want: []layout.Block{
				para("三、收到和处理政府信息公开申请情况"),
				para("表三"),
				table(
					[]layout.Cell{merged("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 2, 3), merged("申请人情况", 1, 2)},
					row("自然人", "总计"),
					[]layout.Cell{merged("一、本年新收政府信息公开申请数量", 1, 3), merged("12", 1, 1), merged("12", 1, 1)},
					[]layout.Cell{merged("三、本年度办理结果", 2, 1), merged("（一）予以公开", 1, 2), merged("5", 1, 1), merged("", 1, 1)},
					[]layout.Cell{merged("（二）部分公开\n（区分处理的）", 1, 2), merged("", 1, 1), merged("7", 1, 1)},
				),
				para("四、政府信息公开行政复议、行政诉讼情况"),
			},
		},
		{
			name: "cell paragraphs and br",
			in:   []byte("<table><tr><td><p>第一段</p><p> </p><p>第二段<br><br> 第三行 </p></td><td>x</td></tr></table>"),
			want: []layout.Block{table(row("第一段\n第二段\n第三行", "x"))},
		},
		{
			name: "thead tbody tfoot in document order",
			in:   []byte("<table><tfoot><tr><td>脚</td><td>3</td></tr></tfoot><tbody><tr><td>身</td><td>2</td></tr></tbody><thead><tr><th>头</th><th>1</th></tr></thead></table>"),
			want: []layout.Block{table(row("脚", "3"), row("身", "2"), row("头", "1"))},
		},
		{
			name: "spans read as browsers do",
			in: []byte(`<table><tr><td colspan="0">a</td><td colspan="abc">b</td><td colspan=" 2px">c</td>` +
				`<td colspan="-3">d</td><td colspan="99999999999999999999">e</td><td rowspan="0">f</td><td rowspan="9">g</td></tr>` +
				`<tr><td rowspan="70000">h</td></tr><tr></tr></table>`),
			want: []layout.Block{table(
				[]layout.Cell{merged("a", 1, 1), merged("b", 1, 1), merged("c", 1, 2), merged("d", 1, 1),
					merged("e", 1, maxColSpan), merged("f", 1, 1), merged("g", 3, 1)},
				[]layout.Cell{merged("h", 2, 1)},
				nil,
			)},
		},
		{
			// Spans end at the last column some cell starts in.
			name: "spans clamped to the grid that exists",
			in: []byte(`<table><tr><td>b</td><td rowspan="65535" colspan="1000">a</td></tr>` +
				`<tr><td>c</td></tr></table>`),
			want: []layout.Block{table(
				[]layout.Cell{merged("b", 1, 1), merged("a", 2, 1)},
				[]layout.Cell{merged("c", 1, 1)},
			)},
		},
		{
			name: "nested layout table around data table",
			in: []byte(`<table width="100%"><tr><td class="banner">` + title + `</td></tr>` +
				`<tr><td><p>` + body + `</p><table><tr><td>项目</td><td>数量</td></tr><tr><td>自然人</td><td>3</td></tr></table></td></tr>` +
				`<tr><td>落款</td><td>日期</td></tr></table>`),
			want: []layout.Block{
				para(title), para(body),
				table(row("项目", "数量"), row("自然人", "3")),
				para("落款"), para("日期"),
			},
		},
		{
			name: "1x1 layout table",
			in:   []byte(`<table><tr><td><p>` + title + `</p><span>` + body + `</span></td></tr></table>`),
			want: paras(title, body),
		},
		{
			name: "empty cells kept",
			in:   []byte("<table><tr><td></td><td> </td></tr><tr><td>&nbsp;</td><td>0</td></tr></table>"),
			want: []layout.Block{table(row("", ""), row("", "0"))},
		},
		{
			name: "class header on a table row kept",
			in:   []byte(`<table><tr class="table-header"><th>项目</th><th>数量</th></tr><tr><td>自然人</td><td>3</td></tr></table>`),
			want: []layout.Block{table(row("项目", "数量"), row("自然人", "3"))},
		},

		// Malformed pages, read as browsers build them.
		{
			name: "unclosed p li td",
			in:   []byte("<p>甲<p>乙<ul><li>一<li>二</ul><table><tr><td>项目<td>数量<tr><td>自然人<td>3</table>"),
			want: append(paras("甲", "乙", "一", "二"), table(row("项目", "数量"), row("自然人", "3"))),
		},
		{
			name: "table directly in table",
			in:   []byte("<table><tr><td>a</td><td>b</td></tr><table><tr><td>c</td><td>d</td></tr></table>"),
			want: []layout.Block{table(row("a", "b")), table(row("c", "d"))},
		},
		{
			name: "text and elements misplaced in a table go before it",
			in:   []byte("<table>前言<tr><td>a</td><td>b</td></tr><div>说明</div><tr><td>c</td><td>d</td></tr></table>"),
			want: append(paras("前言", "说明"), table(row("a", "b"), row("c", "d"))),
		},
		{
			name: "misnested formatting",
			in:   []byte("<b><p>粗体</b>续</p><p><i>斜<div>块</i>尾</div>"),
			want: paras("粗体续", "斜", "块尾"),
		},
		{
			name: "stray end tags",
			in:   []byte("<p>甲</p></p>乙</div></span>丙</td>丁"),
			want: paras("甲", "乙丙丁"),
		},
		{
			name: "pre first newline",
			in:   []byte("<PRE>\n第一行\n第二行</PRE>"),
			want: paras("第一行", "第二行"),
		},
		{
			name: "upper case tags and attributes",
			in:   []byte(`<DIV CLASS="NAV">导航</DIV><P>正文</P><TABLE><TR><TD ROWSPAN=2>合</TD><TD>1</TD></TR><TR><TD>2</TD></TR></TABLE>`),
			want: []layout.Block{para("正文"), table([]layout.Cell{merged("合", 2, 1), merged("1", 1, 1)}, row("2"))},
		},
		{
			name: "scripts holding tags",
			in: []byte(`<script>document.write("<p>脚本</p>");var s="</scr"+"ipt>";</script><p>正文</p>` +
				`<script><!-- document.write("<script></script>"); --></script><p>再</p><style>p::after{content:"</p>"}</style>`),
			want: paras("正文", "再"),
		},
		{
			name: "chrome inside a layout table",
			in: []byte(`<table><tr><td class="nav">导航</td><td><table><tr><td>项目</td><td>数量</td></tr></table></td></tr>` +
				`<tr><td class="footer">版权</td><td>落款</td></tr></table>`),
			want: []layout.Block{table(row("项目", "数量")), para("落款")},
		},
		{
			name: "svg icons and a select",
			in: []byte(`<div class="search"><svg><use href="#i"/><title>搜索</title></svg><select><option>2023</select></div>` +
				`<p><svg><path d="M0"/></svg>正文</p>`),
			want: paras("正文"),
		},
		{
			name: "head content without a head",
			in:   []byte("<title>标题</title><meta charset=utf-8><link rel=x><p>正文</p>"),
			want: paras("正文"),
		},

		// Errors.
		{name: "empty", in: nil, err: converters.ErrEmpty},
		{name: "no text", in: []byte(page("<script>var a;</script>", "<img src=a.png><br> &nbsp; ")), err: converters.ErrEmpty},
		{name: "empty table", in: []byte("<table><tr><td></td><td> </td></tr></table>"), err: converters.ErrEmpty},
		{name: "nested too deep", in: []byte(strings.Repeat("<div>", 600) + "正文"), err: converters.ErrCorrupt},
		{name: "binary", in: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), err: converters.ErrNotText},
	}
}

func TestConvert(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Converter{}.Convert(context.Background(), tc.name+".html", tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc.Method != "html" {
				t.Errorf("Method = %q, want html", doc.Method)
			}
			if !reflect.DeepEqual(doc.Blocks, tc.want) {
				t.Errorf("blocks:\n got %s\nwant %s", dump(doc.Blocks), dump(tc.want))
			}
		})
	}
}

// dump prints blocks for failure messages.
func dump(blocks []layout.Block) string {
	var b strings.Builder
	for _, blk := range blocks {
		switch blk.Kind {
		case layout.Table:
			b.WriteString("\n  table")
			for _, r := range blk.Table.Rows {
				b.WriteString("\n    ")
				for _, c := range r {
					fmt.Fprintf(&b, "%q(%d×%d) ", c.Text, c.RowSpan, c.ColSpan)
				}
			}
		default:
			b.WriteString("\n  " + blk.Kind.String() + " " + blk.Text)
		}
	}
	return b.String()
}

// TestConvertPlace checks that merged cells put the values in the columns
// a reader sees them in.
func TestConvertPlace(t *testing.T) {
	const src = `<table>
		<tr><td rowspan="2">项目</td><td colspan="2">申请人</td><td rowspan="3">总计</td></tr>
		<tr><td>自然人</td><td>法人</td></tr>
		<tr><td>新收</td><td>4</td><td>5</td></tr>
		<tr><td colspan="3">结转</td><td>9</td></tr>
	</table>`
	doc, err := Converter{}.Convert(context.Background(), "place.html", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Blocks) != 1 || doc.Blocks[0].Kind != layout.Table {
		t.Fatalf("blocks: %s", dump(doc.Blocks))
	}
	rows, width := doc.Blocks[0].Table.Place()
	if width != 4 {
		t.Errorf("width = %d, want 4", width)
	}
	want := map[string][2]int{
		"项目": {0, 0}, "申请人": {0, 1}, "总计": {0, 3},
		"自然人": {1, 1}, "法人": {1, 2},
		"新收": {2, 0}, "4": {2, 1}, "5": {2, 2},
		"结转": {3, 0}, "9": {3, 3},
	}
	n := 0
	for _, r := range rows {
		for _, c := range r {
			n++
			if got := [2]int{c.Row, c.Col}; got != want[c.Text] {
				t.Errorf("%q at %v, want %v", c.Text, got, want[c.Text])
			}
		}
	}
	if n != len(want) {
		t.Errorf("%d cells, want %d", n, len(want))
	}
}

func TestHasChromeWord(t *testing.T) {
	for s, want := range map[string]bool{
		"nav":                     true,
		"site-nav":                true,
		"footer_wrap":             true,
		"main nav2":               true,
		"topNavBar":               true,
		"MsoHeader":               true,
		"NAV":                     true,
		"breadcrumb":              true,
		"navigation-free-content": false,
		"footnote":                false,
		"navigation":              false,
		"research":                false,
		"TRS_Editor":              false,
		"article-content":         false,
		"":                        false,
	} {
		if got := hasChromeWord(s); got != want {
			t.Errorf("hasChromeWord(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestConvertCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Converter{}.Convert(ctx, "page.html", []byte(reportPage))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func FuzzConvert(f *testing.F) {
	for _, tc := range cases(f) {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Converter{}.Convert(context.Background(), "fuzz.html", data)
		if err != nil {
			if !errors.Is(err, converters.ErrEmpty) && !errors.Is(err, converters.ErrNotText) &&
				!errors.Is(err, converters.ErrCorrupt) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if doc.Method != "html" || len(doc.Blocks) == 0 {
			t.Fatalf("Method %q, %d blocks", doc.Method, len(doc.Blocks))
		}
		for i, b := range doc.Blocks {
			switch b.Kind {
			case layout.Paragraph:
				if strings.TrimSpace(b.Text) == "" || !utf8.ValidString(b.Text) {
					t.Fatalf("block %d: bad paragraph %q", i, b.Text)
				}
			case layout.Table:
				for _, r := range b.Table.Rows {
					for _, c := range r {
						if rs, cs := c.Spans(); rs < 1 || cs < 1 || !utf8.ValidString(c.Text) {
							t.Fatalf("block %d: cell %q spans %d×%d", i, c.Text, rs, cs)
						}
					}
				}
				b.Table.Place()
			default:
				t.Fatalf("block %d: kind %v", i, b.Kind)
			}
		}
	})
}
