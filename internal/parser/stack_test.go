package parser

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/validate"
)

// TestStackValues reads values a narrow cell prints over the lines around
// its row's label, as pdftotext -layout and positioned pages show them.
func TestStackValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string // each line's cells, joined by " | "
	}{{
		name: "each value's pieces above and below a label alone on its line",
		in: "                       ２３   ２８   ５１\n" +
			"一、本年新收政府信息公开申请数量\n" +
			"                        ０    ３    ３",
		want: []string{"一、本年新收政府信息公开申请数量 | ２３０ | ２８３ | ５１３"},
	}, {
		name: "a wider total in three pieces, its middle on the label's line",
		in: "                                      １,\n" +
			"                  ９６   ３１   ６２\n" +
			"一、本年新收政府信息公开申请数量            ９１\n" +
			"                   ８    ７    ５\n" +
			"                                       ０",
		want: []string{"一、本年新收政府信息公开申请数量 | ９６８ | ３１７ | ６２５ | １,９１０"},
	}, {
		name: "a row of values without a label, its totals around it, each group followed by its sum",
		in: "                 １                  １\n" +
			"８   ５   １   ５      ７   ２   ２   ６\n" +
			"                 ９                  ７",
		want: []string{"８ | ５ | １ | ５ | １９ | ７ | ２ | ２ | ６ | １７"},
	}, {
		// pdftohtml -c sets a table's totals a line above its values; the
		// second group's total is the report's own error (7+1+2+0 is not 9).
		name: "totals set a line off, in the gaps where they stand, where a group does not add up",
		in: "                                       １２" + strings.Repeat(" ", 48) + "１２\n" +
			"                   １   ５   ０   ６         ７   １   ２   ０   ９    ９   ２   ０   １",
		want: []string{"１ | ５ | ０ | ６ | １２ | ７ | １ | ２ | ０ | ９ | ９ | ２ | ０ | １ | １２"},
	}, {
		name: "stacks that do not add up stand where they stand, for the checks to flag",
		in: "                       ２３   ２８   ５１\n" +
			"一、本年新收政府信息公开申请数量\n" +
			"                        ０    ３    ４",
		want: []string{"一、本年新收政府信息公开申请数量 | ２３０ | ２８３ | ５１４"},
	}, {
		// pdftotext -layout counts a CJK character as one column: the row
		// line's values stand further right in display columns than the
		// total's pieces, which stand right of them in characters.
		name: "a wrong total wrapped around its row, wider than its values, fills the row for the checks to flag",
		in: "                                                           225\n" +
			"一、本年新收政府信息公开申请数量       255   430   365   433   409   355\n" +
			"                                                            5\n" +
			" 二、上年结转政府信息公开申请数量       0    0     0      0    23     0     23",
		want: []string{"一、本年新收政府信息公开申请数量 | 255 | 430 | 365 | 433 | 409 | 355 | 2255",
			"二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 23 | 0 | 23"},
	}, {
		// A tracked change printed with its deleted text (3308 / 330) reads
		// as one long number in the first column: not a total.
		name: "a long stack in the row's first column is no wrapped total",
		in: "                                  330\n" +
			"       一、本年新收政府信息公开申请数量                  388    395   341   433   354   2,241\n" +
			"                                 8330\n" +
			"       二、上年结转政府信息公开申请数量            5     22      3     9    10    21     70",
		want: []string{"330", "一、本年新收政府信息公开申请数量 | 388 | 395 | 341 | 433 | 354 | 2,241", "8330",
			"二、上年结转政府信息公开申请数量 | 5 | 22 | 3 | 9 | 10 | 21 | 70"},
	}, {
		// pdftotext -layout counts a CJK character as one column: rows
		// whose labels differ in length put their values in the same
		// columns counted in characters (the last two lines), and the
		// note's pieces stand clear of 10 only so counted.
		name: "a value and its note over the lines around its row, in columns counted in characters",
		in: "       规章           5       0           3\n" +
			"                                  315（其中修订\n" +
			"     行政规范性文件      26       10\n" +
			"                                     55 件）\n" +
			" 二、上年结转政府信息公开申请数量      25   22     6    17     0    5     75\n" +
			"三、本年度    （一）予以公开        7    5     4    5      4    0     25",
		want: []string{"规章 | 5 | 0 | 3", "行政规范性文件 | 26 | 10 | 315（其中修订55 件）",
			"二、上年结转政府信息公开申请数量 | 25 | 22 | 6 | 17 | 0 | 5 | 75",
			"三、本年度 | （一）予以公开 | 7 | 5 | 4 | 5 | 4 | 0 | 25"},
	}, {
		name: "a value line between the lines of its wrapped label is no stack",
		in: "              1、属于国\n" +
			"                       １３   ０    １３\n" +
			"                家秘密",
		want: []string{"1、属于国家秘密 | １３ | ０ | １３"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := readLines(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestAddsUp(t *testing.T) {
	for _, tc := range []struct {
		vals []float64
		want bool
	}{
		{[]float64{1, 2, 3}, true},
		{[]float64{1, 2, 4}, false},
		{[]float64{8, 5, 1, 5, 19, 7, 2, 2, 6, 17}, true},
		{[]float64{8, 5, 1, 5, 19, 7, 2, 2, 17, 6}, false},
		{[]float64{0, 0, 0, 0, 0}, true},
		{[]float64{3, 3}, false},
	} {
		if got := addsUp(tc.vals); got != tc.want {
			t.Errorf("addsUp(%v) = %v, want %v", tc.vals, got, tc.want)
		}
	}
}

// TestPlaceColumns puts a short row's values in the columns they stand in,
// by the nearest full row: a cell printed blank leaves no mark in text laid
// out in columns.
func TestPlaceColumns(t *testing.T) {
	text := "三、收到和处理政府信息公开申请情况\n" +
		"  一、本年新收政府信息公开申请数量         388   395   341   433   354   2,241\n" +
		"  二、上年结转政府信息公开申请数量    5     22    3     9     10    21    70\n" +
		"四、政府信息公开行政复议、行政诉讼情况\n"
	_, got := New(Config{}).Parse(paragraphs(text)).Flat()
	for key, want := range map[string]string{
		"applications.new_received.natural_person": "null",
		"applications.new_received.commercial":     "388",
		"applications.new_received.other_org":      "354",
		"applications.new_received.total":          "2241",
		"applications.carried_over.natural_person": "5",
	} {
		if g := got[key].String(); g != want {
			t.Errorf("%s = %s, want %s", key, g, want)
		}
	}
}

// TestUnconfirmedStack: a value joined from pieces by where they stand
// alone, no sum confirming the join, is taken only in a column a sum of the
// table checks. Table 1 has no sums, so there it is null with value.missing;
// its pieces could as well be a tracked change printed with its deleted
// text. Pieces that are no value alone (208（含修订 7 / 件）) are one value by
// their form.
func TestUnconfirmedStack(t *testing.T) {
	rec := New(Config{}).Parse(paragraphs(
		"二、主动公开政府信息情况\n" +
			"       信息内容       本年制发件数  本年废止件数   现行有效件数\n" +
			"                                                ５\n" +
			"        规章           1       1\n" +
			"                                                ４\n" +
			"                                       208（含修订 7\n" +
			"     行政规范性文件       29       7\n" +
			"                                           件）\n" +
			"     行政许可       1       1       40"))
	_, got := rec.Flat()
	if v := got["active_disclosure.regulations.in_force"]; v.Valid {
		t.Errorf("regulations.in_force = %v, want null", v)
	}
	if v := got["active_disclosure.normative_documents.in_force"]; !v.Valid || v.Num != 208 {
		t.Errorf("normative_documents.in_force = %v, want 208", v)
	}
	found := false
	for _, f := range rec.Findings {
		found = found || f.Rule == validate.RuleValueMissing && f.Row == "regulations" && f.Column == "in_force" && strings.Contains(f.Message, "５４")
	}
	if !found {
		t.Errorf("no value.missing for regulations.in_force naming its pieces: %+v", rec.Findings)
	}
}
