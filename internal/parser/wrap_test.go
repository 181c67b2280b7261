package parser

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/layout"
)

// TestJoinWrapped reads table rows laid out in columns whose labels wrap,
// as pdftotext -layout prints them: values on the label's first, middle or
// last line, group labels to the left, split over lines.
func TestJoinWrapped(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string // each line's cells, joined by " | "
	}{{
		name: "values on the first, middle and last line",
		in: `              1.属于国家      23    17
                 秘密
              2.其他法律
                        0     0
              行政止公开
              3.危及“三
              安全一稳
                 定”    0     6`,
		want: []string{"1.属于国家秘密 | 23 | 17", "2.其他法律行政止公开 | 0 | 0", "3.危及“三安全一稳定” | 0 | 6"},
	}, {
		name: "a group label split over lines, beside the rows",
		in: `              4.保护第三
                        4     0
      （三）不予 方合法权益
        公开    5.属于三类
              内部事务信    22     0
                  息`,
		want: []string{"（三）不予 | 4.保护第三方合法权益 | 4 | 0", "公开 | 5.属于三类内部事务信息 | 22 | 0"},
	}, {
		name: "a heading after the table is not a label's end",
		in: `  四、结转下年度继续办理      25    16
    4、  政府信息公开行政复议、行政诉讼情况`,
		want: []string{"四、结转下年度继续办理 | 25 | 16", "4、政府信息公开行政复议、行政诉讼情况"},
	}, {
		name: "headers above the first row stay apart",
		in: `                       自然      商业
  （本列数据的勾稽关系为）   人        企业
  一、本年新收政府信息公开申请数量      288   288`,
		want: []string{"自然 | 商业", "（本列数据的勾稽关系为） | 人 | 企业", "一、本年新收政府信息公开申请数量 | 288 | 288"},
	}, {
		name: "a total broken over the lines around its row's values, read as it adds up or as it fills the row",
		in: "                                                       １５\n" +
			"                律行政法规    ４１   １４   ２９   ２８   ０    ４３\n" +
			"                                                        ５\n" +
			"                                                       １６\n" +
			"                  危及    １   １   １   １   １    １\n" +
			"                                                        ５",
		want: []string{"律行政法规 | ４１ | １４ | ２９ | ２８ | ０ | ４３ | １５５", "危及 | １ | １ | １ | １ | １ | １ | １６５"},
	}, {
		name: "pieces that would make a full row wider stay apart",
		in: "                律行政法规    ４１   １４   ２９   ２８   ０    ４３   １５５\n" +
			"                                                                 １６\n" +
			"                  危及    １   １   １   １   １    １    ６\n" +
			"                                                                  ５",
		want: []string{"律行政法规 | ４１ | １４ | ２９ | ２８ | ０ | ４３ | １５５", "１６", "危及 | １ | １ | １ | １ | １ | １ | ６", "５"},
	}, {
		// WPS prints a row's list number on its values' line and the
		// label's text on the next.
		name: "a list number alone before its row's values is no part of a value",
		in: "                          2.                  0   0   0   0   0   0    0\n" +
			"                           其他法律行政止公开\n" +
			"                          3.                  1   0   0   0   0   0    1\n" +
			"                           危及“三安全一稳定”",
		want: []string{"2.其他法律行政止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0", "3.危及“三安全一稳定” | 1 | 0 | 0 | 0 | 0 | 0 | 1"},
	}, {
		// A row's values on a line of their own under its label's last
		// line, above a row of zeros: zeros stacked on zeros add up, but
		// 00 is no count.
		name: "a row of values between two rows is no stack of the row below's values",
		in: "                 5.要求行政机关确认或重 新出具\n" +
			"                     已获取信息\n" +
			"                                       0    0   0   0    0    0   0\n" +
			"     （六）其他处理                           0    0   0   0    0    0   0",
		want: []string{"5.要求行政机关确认或重 新出具", "已获取信息", "0 | 0 | 0 | 0 | 0 | 0 | 0", "（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0"},
	}, {
		// As pdftotext -layout prints a real report: counted in characters
		// (see charsAlign) the zeros stand over the row's zeros.
		name: "zeros over zeros are no stack: 00 is no count",
		in: "                 4.无正当理由大量反复 申请        0    0   0   0    0    0   0\n" +
			"                 5.要求行政机关确认或重 新出具\n" +
			"                     已获取信息\n" +
			"                                       0    0   0   0    0    0   0\n" +
			"     （六）其他处理                           0    0   0   0    0    0   0",
		want: []string{"4.无正当理由大量反复 申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0", "5.要求行政机关确认或重 新出具", "已获取信息",
			"0 | 0 | 0 | 0 | 0 | 0 | 0", "（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0"},
	}, {
		name: "numbers parted by single spaces",
		in:   "   规范性文件 29 7 208\n   发布信息 1728 条\n   208（含修订 7",
		want: []string{"规范性文件 | 29 | 7 | 208", "发布信息 1728 条", "208（含修订 7"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := readLines(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// paragraphs makes a document of one paragraph per line of text, as the
// text converter reads a file.
func paragraphs(text string) *layout.Document {
	doc := &layout.Document{}
	for l := range strings.SplitSeq(text, "\n") {
		doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Paragraph, Text: l})
	}
	return doc
}

// readLines returns the lines the parser reads from text, each line's cells
// joined by " | ".
func readLines(text string) []string {
	var got []string
	for _, l := range New(Config{}).lines(paragraphs(text), &scratch{}) {
		var cells []string
		for _, c := range l.cells {
			cells = append(cells, c.raw)
		}
		got = append(got, strings.Join(cells, " | "))
	}
	return got
}
