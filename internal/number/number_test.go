package number

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		cell string
		want Value
	}{
		// plain numbers
		{"int", "0", Value{Class: Number, Num: 0}},
		{"int many digits", "123", Value{Class: Number, Num: 123}},
		{"separators in groups of three", "1,234,567", Value{Class: Number, Num: 1234567}},
		{"comma not before three digits", "1,2", Value{Class: Text}},
		{"comma before four digits", "1,2345", Value{Class: Text}},
		{"int with surrounding space", "  7 ", Value{Class: Number, Num: 7}},
		{"int with tab", "\t15", Value{Class: Number, Num: 15}},
		{"int with ideographic space", "\u30008\u3000", Value{Class: Number, Num: 8}},
		{"full-width digits", "１２３", Value{Class: Number, Num: 123}},
		{"full-width digits and unit", "１２件", Value{Class: Number, Num: 12}},

		// thousands separators
		{"thousands comma", "1,234", Value{Class: Number, Num: 1234}},
		{"thousands full-width comma", "1，234", Value{Class: Number, Num: 1234}},
		{"two thousands separators", "1,234,567", Value{Class: Number, Num: 1234567}},
		{"thousands and decimal", "1,234.5", Value{Class: Number, Num: 1234.5}},

		// signs
		{"plus", "+5", Value{Class: Number, Num: 5}},
		{"minus", "-3", Value{Class: Number, Num: -3}},
		{"full-width minus", "－3", Value{Class: Number, Num: -3}},
		{"full-width plus", "＋4", Value{Class: Number, Num: 4}},
		{"plus then space", "+ 5", Value{Class: Number, Num: 5}},
		{"minus then space", "- 2", Value{Class: Number, Num: -2}},

		// decimals
		{"decimal", "12.35", Value{Class: Number, Num: 12.35}},
		{"decimal full-width", "１２．５", Value{Class: Number, Num: 12.5}},
		{"decimal zero", "0.00", Value{Class: Number, Num: 0}},

		// units
		{"unit 件", "3件", Value{Class: Number, Num: 3}},
		{"unit 万元", "12.5万元", Value{Class: Number, Num: 12.5}},
		{"unit 元", "800元", Value{Class: Number, Num: 800}},
		{"unit after space", "3 件", Value{Class: Number, Num: 3}},
		{"unit 个 traditional", "2個", Value{Class: Number, Num: 2}},
		{"unit percent", "50%", Value{Class: Number, Num: 50}},

		// notes
		{"note full-width brackets", "3（其中修订1件）", Value{Class: Number, Num: 3, Note: "其中修订1件"}},
		{"note half-width brackets", "3(note)", Value{Class: Number, Num: 3, Note: "note"}},
		{"note after unit", "5件（含转办2件）", Value{Class: Number, Num: 5, Note: "含转办2件"}},
		{"note after space", "4 (含2件)", Value{Class: Number, Num: 4, Note: "含2件"}},
		{"note padded inside", "6( 其中1件 )", Value{Class: Number, Num: 6, Note: "其中1件"}},

		// null marks
		{"slash", "/", Value{Class: Null}},
		{"full-width slash", "／", Value{Class: Null}},
		{"em dash", "—", Value{Class: Null}},
		{"double em dash", "——", Value{Class: Null}},
		{"hyphen", "-", Value{Class: Null}},
		{"double hyphen", "--", Value{Class: Null}},
		{"full-width minus alone", "－", Value{Class: Null}},
		{"backslash", "\\", Value{Class: Null}},
		{"无", "无", Value{Class: Null}},
		{"無 traditional", "無", Value{Class: Null}},
		{"空", "空", Value{Class: Null}},
		{"N/A", "N/A", Value{Class: Null}},
		{"null mark with spaces", " / ", Value{Class: Null}},

		// blank
		{"empty", "", Value{Class: Empty}},
		{"spaces", "   ", Value{Class: Empty}},
		{"tabs and newlines", "\t\n", Value{Class: Empty}},
		{"ideographic space", "\u3000", Value{Class: Empty}},
		{"no-break space", "\u00a0", Value{Class: Empty}},

		// labels and other text
		{"list label dot", "1.属于国家秘密", Value{Class: Text}},
		{"list label comma", "1、总体情况", Value{Class: Text}},
		{"list label full-width dot", "1．属于国家秘密", Value{Class: Text}},
		{"bracketed chinese numeral", "（一）予以公开", Value{Class: Text}},
		{"bracketed digit", "(1)予以公开", Value{Class: Text}},
		{"article", "第二十条", Value{Class: Text}},
		{"year", "2023年", Value{Class: Text}},
		{"list number alone", "1.", Value{Class: Text}},
		{"list number alone comma", "2、", Value{Class: Text}},
		{"chinese numeral", "三", Value{Class: Text}},
		{"label", "自然人", Value{Class: Text}},
		{"number then prose", "3 件申请", Value{Class: Text}},
		{"number then unclosed note", "3（其中", Value{Class: Text}},
		{"two numbers", "3 4", Value{Class: Text}},
		{"sign alone then letters", "+abc", Value{Class: Text}},
		{"null mark then text", "/ 备注", Value{Class: Text}},
		{"bookmark is not stripped here", "[bookmark: _GoBack]1", Value{Class: Text}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.cell)
			if got != tc.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tc.cell, got, tc.want)
			}
		})
	}
}
