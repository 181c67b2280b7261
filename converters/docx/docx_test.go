package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

const docNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
	`xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" ` +
	`xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ` +
	`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
	`xmlns:v="urn:schemas-microsoft-com:vml"`

// pkg builds a .docx from its parts; document, styles and numbering are
// the XML inside their root elements ("" leaves the part out).
func pkg(t testing.TB, document, styles, numbering string) []byte {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<w:document " + docNS + "><w:body>" + document + "</w:body></w:document>",
	}
	if styles != "" {
		parts["word/styles.xml"] = `<w:styles ` + docNS + `>` + styles + `</w:styles>`
	}
	if numbering != "" {
		parts["word/numbering.xml"] = `<w:numbering ` + docNS + `>` + numbering + `</w:numbering>`
	}
	return zipOf(t, parts)
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func convert(t testing.TB, data []byte) *layout.Document {
	t.Helper()
	doc, err := New(Config{}).Convert(context.Background(), "t.docx", data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// show prints blocks compactly: a paragraph as its text, a table as rows of
// [rowspan,colspan text] cells.
func show(doc *layout.Document) string {
	var b strings.Builder
	for _, blk := range doc.Blocks {
		switch blk.Kind {
		case layout.Paragraph:
			fmt.Fprintf(&b, "%q\n", blk.Text)
		case layout.Table:
			b.WriteString("table\n")
			for _, row := range blk.Table.Rows {
				b.WriteString(" ")
				for _, c := range row {
					fmt.Fprintf(&b, " [%d,%d %q]", c.RowSpan, c.ColSpan, c.Text)
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func p(runs string) string { return "<w:p>" + runs + "</w:p>" }
func r(text string) string { return "<w:r><w:t xml:space=\"preserve\">" + text + "</w:t></w:r>" }
func lines(s ...string) string {
	var b strings.Builder
	for _, l := range s {
		fmt.Fprintf(&b, "%q\n", l)
	}
	return b.String()
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"runs joined", p(r("政府信息") + `<w:proofErr w:type="gramStart"/>` + r("公开")), lines("政府信息公开")},
		{"content control", p(`<w:sdt><w:sdtPr><w:alias w:val="标题"/></w:sdtPr><w:sdtContent>` + r("年度报告") + `</w:sdtContent></w:sdt>`), lines("年度报告")},
		{"block content control", `<w:sdt><w:sdtContent>` + p(r("一")) + p(r("二")) + `</w:sdtContent></w:sdt>`, lines("一", "二")},
		{"placeholder left out", p(r("值：") + `<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>` + r("单击此处输入文字") + `</w:sdtContent></w:sdt>`), lines("值：")},
		{"tracked insertion and deletion", p(r("共") + `<w:del w:id="1"><w:r><w:delText>12</w:delText></w:r></w:del><w:ins w:id="2">` + r("21") + `</w:ins>` + r("件")), lines("共21件")},
		{"moved text once", p(`<w:moveFrom>` + r("旧") + `</w:moveFrom><w:moveTo>` + r("新") + `</w:moveTo>`), lines("新")},
		{"smart tag and hyperlink", p(`<w:smartTag w:uri="urn:x" w:element="place">` + r("榆林") + `</w:smartTag><w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + r("网站") + `</w:hyperlink>`), lines("榆林网站")},
		{"custom XML", p(`<w:customXml w:element="year">` + r("2023") + `</w:customXml>`), lines("2023")},
		{"simple field result", p(r("第") + `<w:fldSimple w:instr=" PAGE ">` + r("3") + `</w:fldSimple>` + r("页")), lines("第3页")},
		{"complex field: code out, result in", p(`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \@ "yyyy" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>` + r("2024") + `<w:r><w:fldChar w:fldCharType="end"/></w:r>`), lines("2024")},
		{"tab and breaks", p(`<w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>一</w:t><w:tab/><w:t>二</w:t><w:br/><w:t>三</w:t><w:cr/><w:t>四</w:t></w:r>`), lines("一\t二\n三\n四")},
		{"hidden run", p(r("见") + `<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>` + `<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>表</w:t></w:r>`), lines("见表")},
		{"bookmarks and comments", p(`<w:bookmarkStart w:id="0" w:name="_GoBack"/>` + r("正") + `<w:bookmarkEnd w:id="0"/><w:commentRangeStart w:id="1"/>` + r("文") + `<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r><w:r><w:footnoteReference w:id="2"/></w:r>`), lines("正文")},
		{"entities", p(r("A&amp;B &lt;&#x4E00;&#20108;&gt; &quot;&apos;")), lines(`A&B <一二> "'`)},
		{"blank paragraphs dropped", p("") + "<w:p/>" + p(r("　 ")) + p(r("文")), lines("文")},
		{"text box once, after its paragraph", p(r("锚")+`<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>`+p(r("框内"))+`</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>`+p(r("框内"))+`</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`+r("后")) + p(r("下段")), lines("锚后", "框内", "下段")},
		{"fallback when no choice", p(`<w:r><mc:AlternateContent><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>` + p(r("旧框")) + `</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>`), lines("旧框")},
		{"other prefix for the namespace", `<x:p xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:r><x:t>前缀</x:t></x:r></x:p>`, lines("前缀")},
		{"sections kept in order", p(r("甲")) + p(`<w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr></w:pPr>`) + p(r("乙")) + `<w:sectPr/>`, lines("甲", "乙")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := show(convert(t, pkg(t, tc.body, "", ""))); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// headingList is a two-level list: 一、 then （一）, restarting.
const headingList = `<w:abstractNum w:abstractNumId="3">` +
	`<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>` +
	`<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>` +
	`<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2.%3"/><w:suff w:val="space"/></w:lvl>` +
	`</w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>`

func numbered(numID, ilvl int, text string) string {
	return fmt.Sprintf(`<w:p><w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr>%s</w:p>`, ilvl, numID, r(text))
}

func TestNumbering(t *testing.T) {
	for _, tc := range []struct {
		name, styles, numbering, body, want string
	}{
		{"levels restart", "", headingList,
			numbered(5, 0, "总体情况") + numbered(5, 1, "主动公开") + numbered(5, 1, "依申请公开") + numbered(5, 2, "细则") +
				numbered(5, 0, "主动公开政府信息情况") + numbered(5, 1, "规章") + p(r("正文")) + numbered(5, 0, "收到和处理"),
			lines("一、总体情况", "（一）主动公开", "（二）依申请公开", "一.二.1 细则", "二、主动公开政府信息情况", "（一）规章", "正文", "三、收到和处理")},
		{"tab after the number by default", "",
			`<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`,
			numbered(1, 0, "甲") + numbered(1, 0, "乙"), lines("1.\t甲", "2.\t乙")},
		{"start override and level override", "", headingList +
			`<w:num w:numId="6"><w:abstractNumId w:val="3"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride>` +
			`<w:lvlOverride w:ilvl="1"><w:lvl w:ilvl="1"><w:start w:val="3"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%2"/><w:suff w:val="nothing"/></w:lvl></w:lvlOverride></w:num>`,
			numbered(6, 0, "存在的主要问题") + numbered(6, 1, "问题") + numbered(5, 0, "总体情况"),
			lines("四、存在的主要问题", "③问题", "一、总体情况")},
		{"numbering from the paragraph style and its parent",
			`<w:style w:type="paragraph" w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>` +
				`<w:style w:type="paragraph" w:styleId="H1b"><w:basedOn w:val="H1"/></w:style>` +
				`<w:style w:type="paragraph" w:styleId="H2"><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr></w:style>`,
			headingList,
			`<w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr>` + r("总体情况") + `</w:p>` +
				`<w:p><w:pPr><w:pStyle w:val="H2"/></w:pPr>` + r("主动公开") + `</w:p>` +
				`<w:p><w:pPr><w:pStyle w:val="H1b"/></w:pPr>` + r("主动公开政府信息情况") + `</w:p>` +
				`<w:p><w:pPr><w:pStyle w:val="H1"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>` + r("不编号") + `</w:p>`,
			lines("一、总体情况", "（一）主动公开", "二、主动公开政府信息情况", "不编号")},
		{"level linked to a style", `<w:style w:type="paragraph" w:styleId="H2"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>`,
			`<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>` +
				`<w:lvl w:ilvl="1"><w:pStyle w:val="H2"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%2."/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>` +
				`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>`,
			`<w:p><w:pPr><w:pStyle w:val="H2"/></w:pPr>` + r("甲项") + `</w:p><w:p><w:pPr><w:pStyle w:val="H2"/></w:pPr>` + r("乙项") + `</w:p>`,
			lines("甲.甲项", "乙.乙项")},
		{"numbering style link", `<w:style w:type="numbering" w:styleId="L"><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>`,
			`<w:abstractNum w:abstractNumId="0"><w:numStyleLink w:val="L"/></w:abstractNum>` +
				`<w:abstractNum w:abstractNumId="1"><w:styleLink w:val="L"/><w:lvl w:ilvl="0"><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/><w:suff w:val="space"/></w:lvl></w:abstractNum>` +
				`<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>`,
			numbered(1, 0, "甲") + numbered(1, 0, "乙"), lines("a) 甲", "b) 乙")},
		{"undefined list ignored", "", "", numbered(9, 0, "无表"), lines("无表")},
		{"in table cells, in document order", "", headingList,
			numbered(5, 0, "甲") + `<w:tbl><w:tr><w:tc>` + numbered(5, 1, "子") + `</w:tc><w:tc>` + numbered(5, 1, "丑") + `</w:tc></w:tr></w:tbl>` + numbered(5, 0, "乙"),
			lines("一、甲") + "table\n  [1,1 \"（一）子\"] [1,1 \"（二）丑\"]\n" + lines("二、乙")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := show(convert(t, pkg(t, tc.body, tc.styles, tc.numbering))); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		format string
		n      int
		want   string
	}{
		{"decimal", 12, "12"},
		{"decimalZero", 7, "07"},
		{"decimalFullWidth", 12, "１２"},
		{"chineseCounting", 1, "一"},
		{"chineseCounting", 10, "十"},
		{"chineseCounting", 11, "十一"},
		{"chineseCounting", 20, "二十"},
		{"chineseCounting", 35, "三十五"},
		{"chineseCounting", 105, "一〇五"},
		{"chineseCountingThousand", 105, "一百〇五"},
		{"chineseCountingThousand", 110, "一百一十"},
		{"chineseCountingThousand", 2019, "二千〇一十九"},
		{"chineseCountingThousand", 10005, "一万〇五"},
		{"chineseLegalSimplified", 12, "拾贰"},
		{"ideographTraditional", 3, "丙"},
		{"ideographTraditional", 11, "甲"},
		{"ideographZodiac", 2, "丑"},
		{"decimalEnclosedCircle", 1, "①"},
		{"decimalEnclosedCircle", 20, "⑳"},
		{"decimalEnclosedCircle", 21, "21"},
		{"decimalEnclosedCircleChinese", 5, "⑤"},
		{"decimalEnclosedParen", 2, "⑵"},
		{"decimalEnclosedFullstop", 3, "⒊"},
		{"ideographDigital", 2024, "二〇二四"},
		{"lowerLetter", 2, "b"},
		{"upperLetter", 28, "BB"},
		{"lowerRoman", 14, "xiv"},
		{"upperRoman", 1999, "MCMXCIX"},
		{"somethingNew", 4, "4"},
	} {
		if got := formatNumber(tc.n, tc.format); got != tc.want {
			t.Errorf("formatNumber(%d, %s) = %q, want %q", tc.n, tc.format, got, tc.want)
		}
	}
}

func td(props, text string) string {
	return `<w:tc><w:tcPr>` + props + `</w:tcPr>` + p(r(text)) + `</w:tc>`
}

func TestTables(t *testing.T) {
	for _, tcase := range []struct {
		name, body, want string
	}{
		{"spans and merges",
			`<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>` +
				`<w:tr>` + td(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, "说明") + td("", "申请人") + `</w:tr>` +
				`<w:tr>` + td(`<w:gridSpan w:val="2"/><w:vMerge/>`, "") + td(`<w:vMerge w:val="restart"/>`, "自然人") + `</w:tr>` +
				`<w:tr>` + td(`<w:gridSpan w:val="2"/><w:vMerge w:val="continue"/>`, "") + td(`<w:vMerge/>`, "") + `</w:tr>` +
				`<w:tr>` + td("", "一") + td("", "二") + td("", "3") + `</w:tr></w:tbl>`,
			"table\n  [3,2 \"说明\"] [1,1 \"申请人\"]\n  [2,1 \"自然人\"]\n \n  [1,1 \"一\"] [1,1 \"二\"] [1,1 \"3\"]\n"},
		{"paragraphs and lines of a cell",
			`<w:tbl><w:tr><w:tc>` + p(r(" 商业 ")) + p("") + p(r("企业")) + `</w:tc><w:tc>` + p(`<w:r><w:t>科研</w:t><w:br/><w:t>机构</w:t></w:r>`) + `</w:tc></w:tr></w:tbl>`,
			"table\n  [1,1 \"商业\\n企业\"] [1,1 \"科研\\n机构\"]\n"},
		{"rows in a content control",
			`<w:tbl><w:sdt><w:sdtPr/><w:sdtContent><w:tr>` + td("", "甲") + td("", "乙") + `</w:tr></w:sdtContent></w:sdt><w:tr><w:sdt><w:sdtContent>` + td("", "丙") + `</w:sdtContent></w:sdt>` + td("", "丁") + `</w:tr></w:tbl>`,
			"table\n  [1,1 \"甲\"] [1,1 \"乙\"]\n  [1,1 \"丙\"] [1,1 \"丁\"]\n"},
		{"grid before",
			`<w:tbl><w:tr>` + td("", "甲") + td("", "乙") + `</w:tr><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>` + td("", "丙") + `</w:tr></w:tbl>`,
			"table\n  [1,1 \"甲\"] [1,1 \"乙\"]\n  [1,1 \"\"] [1,1 \"丙\"]\n"},
		{"old horizontal merge",
			`<w:tbl><w:tr>` + td(`<w:hMerge w:val="restart"/>`, "合") + td(`<w:hMerge/>`, "") + `</w:tr><w:tr>` + td("", "甲") + td("", "乙") + `</w:tr></w:tbl>`,
			"table\n  [1,2 \"合\"]\n  [1,1 \"甲\"] [1,1 \"乙\"]\n"},
		{"a table in a cell: the outer one lays out the page",
			p(r("前")) + `<w:tbl><w:tr><w:tc>` + p(r("标题")) + `<w:tbl><w:tr>` + td("", "甲") + td("", "乙") + `</w:tr></w:tbl>` + p(r("注")) + `</w:tc><w:tc>` + p(r("旁")) + `</w:tc></w:tr></w:tbl>` + p(r("后")),
			lines("前", "标题") + "table\n  [1,1 \"甲\"] [1,1 \"乙\"]\n" + lines("注", "旁", "后")},
		{"a one-cell table lays out the page",
			`<w:tbl><w:tr><w:tc>` + p(r("全文")) + p(r("第二段")) + `</w:tc></w:tr></w:tbl>`,
			lines("全文", "第二段")},
		{"empty table dropped", `<w:tbl><w:tblPr/></w:tbl>` + p(r("文")), lines("文")},
	} {
		t.Run(tcase.name, func(t *testing.T) {
			if got := show(convert(t, pkg(t, tcase.body, "", ""))); got != tcase.want {
				t.Errorf("got\n%s\nwant\n%s", got, tcase.want)
			}
		})
	}
}

// TestCorpusDocx reads every generated DOCX report: its three tables come
// out whole, and Place accepts their spans.
func TestCorpusDocx(t *testing.T) {
	files, err := filepath.Glob("../../testdata/corpus/*.docx")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus DOCX files (%v)", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := convert(t, data)
		tables := 0
		for _, b := range doc.Blocks {
			if b.Kind == layout.Table {
				tables++
				if _, width := b.Table.Place(); width < 4 {
					t.Errorf("%s: a table %d columns wide", f, width)
				}
			}
		}
		if tables < 2 || doc.Method != "docx" {
			t.Errorf("%s: %d tables, method %q", f, tables, doc.Method)
		}
	}
}

// corpusDocx is a typical generated report.
const corpusDocx = "../../testdata/corpus/002.docx"

func TestBadInput(t *testing.T) {
	good, err := os.ReadFile(corpusDocx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
		says string
	}{
		{"empty", nil, converters.ErrEmpty, ""},
		{"truncated zip", good[:len(good)/2], converters.ErrCorrupt, "zip"},
		{"zip header only", good[:30], converters.ErrCorrupt, "zip"},
		{"zip that is not a docx", zipOf(t, map[string]string{"xl/workbook.xml": "<workbook/>"}), converters.ErrUnsupported, "spreadsheet"},
		{"zip of something else", zipOf(t, map[string]string{"readme.txt": "hello"}), converters.ErrUnsupported, "no word/document.xml"},
		{"malformed document.xml", pkg(t, p(r("未闭合"))+"<w:p>", "", ""), converters.ErrCorrupt, "word/document.xml"},
		{"mismatched tags", pkg(t, "<w:p><w:r></w:p></w:r>", "", ""), converters.ErrCorrupt, "closes"},
		{"undefined entity", pkg(t, p(r("&nbsp;")), "", ""), converters.ErrCorrupt, "entity"},
		{"doctype", zipOf(t, map[string]string{"word/document.xml": `<!DOCTYPE x [<!ENTITY a "b">]><w:document ` + docNS + `/>`}), converters.ErrCorrupt, "DOCTYPE"},
		{"malformed numbering.xml", pkg(t, p(r("文")), "", "<w:num"), converters.ErrCorrupt, "numbering.xml"},
		{"no text", pkg(t, "<w:p/>", "", ""), converters.ErrEmpty, ""},
		{"corrupt part data", corruptEntry(t, good), converters.ErrCorrupt, ""},
		{"encrypted", cfb(t, "EncryptionInfo", "EncryptedPackage"), converters.ErrEncrypted, "password"},
		{"excel 97", cfb(t, "Workbook"), converters.ErrUnsupported, "Excel"},
		{"damaged compound file", []byte(oleMagic + strings.Repeat("\x00", 100)), converters.ErrCorrupt, "OLE2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := New(Config{}).Convert(context.Background(), "bad.docx", tc.data)
			if !errors.Is(err, tc.want) || doc != nil {
				t.Fatalf("err = %v, want one wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("err = %v, want it to say %q", err, tc.says)
			}
		})
	}
}

// corruptEntry flips bytes inside the compressed data of document.xml.
func corruptEntry(t *testing.T, docx []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			bad := bytes.Clone(docx)
			for i := off + 100; i < off+400; i++ {
				bad[i] ^= 0x5A
			}
			return bad
		}
	}
	t.Fatal("no word/document.xml")
	return nil
}

// cfb builds a minimal OLE2 compound file (MS-CFB version 3) whose
// directory holds the root and the named streams.
func cfb(t *testing.T, streams ...string) []byte {
	t.Helper()
	const sector = 512
	data := make([]byte, 3*sector) // header, FAT, directory
	copy(data, oleMagic)
	le := binary.LittleEndian
	le.PutUint16(data[0x18:], 0x3E)
	le.PutUint16(data[0x1A:], 3)
	le.PutUint16(data[0x1C:], 0xFFFE)
	le.PutUint16(data[0x1E:], 9)
	le.PutUint16(data[0x20:], 6)
	le.PutUint32(data[0x2C:], 1)          // one FAT sector
	le.PutUint32(data[0x30:], 1)          // the directory starts at sector 1
	le.PutUint32(data[0x38:], 4096)       // mini stream cutoff
	le.PutUint32(data[0x3C:], 0xFFFFFFFE) // no mini FAT
	le.PutUint32(data[0x44:], 0xFFFFFFFE) // no DIFAT sectors
	for i := range 109 {
		le.PutUint32(data[0x4C+4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(data[0x4C:], 0) // the FAT is sector 0
	fat := data[sector : 2*sector]
	for i := range sector / 4 {
		le.PutUint32(fat[4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(fat[0:], 0xFFFFFFFD) // sector 0: FAT
	le.PutUint32(fat[4:], 0xFFFFFFFE) // sector 1: directory, end of chain
	dir := data[2*sector:]
	for i, name := range append([]string{"Root Entry"}, streams...) {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = 2
		if i == 0 {
			e[0x42] = 5
		}
	}
	return data
}

// TestZipBomb: a document that inflates past the cap fails with
// ErrTooLarge after reading about that much, whatever its header claims.
func TestZipBomb(t *testing.T) {
	const limit = 1 << 20
	body := p(r(strings.Repeat("炸", 2*limit/3)))
	bomb := pkg(t, body, "", "")
	if len(bomb) > limit/10 {
		t.Fatalf("the bomb is %d bytes compressed", len(bomb))
	}
	for _, cfg := range []Config{{MaxUncompressed: limit}, {}} {
		data := bomb
		if cfg.MaxUncompressed == 0 {
			// Past the default cap: 80 MiB of zeros inside a text run.
			data = bigDocx(t, 80<<20)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		doc, err := New(cfg).Convert(context.Background(), "bomb.docx", data)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, converters.ErrTooLarge) || doc != nil {
			t.Fatalf("cap %d: err = %v, want one wrapping ErrTooLarge", cfg.MaxUncompressed, err)
		}
		limit := cfg.MaxUncompressed
		if limit == 0 {
			limit = DefaultMaxUncompressed
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(3*limit) {
			t.Errorf("cap %d: allocated %d bytes", limit, alloc)
		}
	}
}

// bigDocx returns a docx whose document.xml inflates to about n bytes.
func bigDocx(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(s string) {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	write("<w:document " + docNS + "><w:body><w:p><w:r><w:t>")
	chunk := bytes.Repeat([]byte("0"), 1<<20)
	for range n >> 20 {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	write("</w:t></w:r></w:p></w:body></w:document>")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLegacyWithoutLibreOffice: with no soffice to convert it, a .doc fails
// with a message naming the file and how to read it.
func TestLegacyWithoutLibreOffice(t *testing.T) {
	t.Setenv("PATH", "")
	_, err := New(Config{}).Convert(context.Background(), "reports/2019.doc", cfb(t, "WordDocument", "1Table"))
	if !errors.Is(err, converters.ErrUnsupported) {
		t.Fatalf("err = %v, want one wrapping ErrUnsupported", err)
	}
	for _, want := range []string{"reports/2019.doc", "LibreOffice", "soffice"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to say %q", err, want)
		}
	}
}

// TestLegacyDoc converts a generated report to Word 97 (.doc) with
// LibreOffice, then reads it back through LibreOffice.
func TestLegacyDoc(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice is not on the PATH")
	}
	if testing.Short() {
		t.Skip("LibreOffice takes seconds; skipped with -short")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "r.docx")
	data, err := os.ReadFile(corpusDocx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", "doc", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	doc97, err := os.ReadFile(filepath.Join(dir, "r.doc"))
	if err != nil {
		t.Fatal(err)
	}
	streams, err := cfbStreams(doc97)
	if err != nil || !streams["WordDocument"] {
		t.Fatalf("streams %v, err %v: want a WordDocument stream", streams, err)
	}
	got, err := New(Config{}).Convert(context.Background(), "r.doc", doc97)
	if err != nil {
		t.Fatal(err)
	}
	want := convert(t, data)
	if got.Text() != want.Text() {
		t.Errorf("the .doc reads\n%s\nthe .docx\n%s", got.Text(), want.Text())
	}
}
