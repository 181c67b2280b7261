package validate_test

import (
	"fmt"
	"testing"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// TestProse states totals in words, in both scripts and in Chinese numerals,
// agreeing and disagreeing with the table, and checks the findings.
func TestProse(t *testing.T) {
	base := build(t, template.V2021, false)
	received := get(t, base, template.Applications, template.RowNewReceived, template.ColumnTotal).Num
	carried := get(t, base, template.Applications, template.RowCarriedOver, template.ColumnTotal).Num
	review := get(t, base, template.ReviewsLitigation, "reconsideration", template.ColumnTotal).Num
	lit := get(t, base, template.ReviewsLitigation, "litigation_direct", template.ColumnTotal).Num +
		get(t, base, template.ReviewsLitigation, "litigation_after", template.ColumnTotal).Num
	for _, tc := range []struct {
		name, text string
		want       []string // row of each prose.mismatch, in order
	}{
		{"agree", fmt.Sprintf("全年共收到政府信息公开申请%v件，上年结转%v件。", received, carried), nil},
		{"disagree", fmt.Sprintf("全年共收到政府信息公开申请%v件，上年结转%v件。", received+1, carried), []string{template.RowNewReceived}},
		{"traditional", fmt.Sprintf("全年共收到政府資訊公開申請%v件；上年結轉%v件。", received, carried+2), []string{template.RowCarriedOver}},
		{"full width", fmt.Sprintf("本年新收政府信息公开申请%s件。", fullWidth(received)), nil},
		{"numerals agree", fmt.Sprintf("发生行政复议%s件、行政诉讼%s件。", number.FormatChinese(int(review)), number.FormatChinese(int(lit))), nil},
		{"numerals disagree", fmt.Sprintf("发生行政复议%s件。", number.FormatChinese(int(review)+20)), []string{"reconsideration"}},
		{"two totals in one part", "行政复议、行政诉讼共999件。", nil},
		{"a part", "收到申请999件，其中自然人申请998件。", []string{template.RowNewReceived}},
		{"a part only", "其中自然人申请998件。", nil},
		{"no count", "收到和处理政府信息公开申请情况如下：", nil},
		{"other numbers", "全年发布政策解读52篇，召开新闻发布会3场。", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := build(t, template.V2021, false)
			rec.Sections = &record.Sections{}
			rec.Sections.Set(template.SectionOverview, tc.text)
			validate.Check(rec)
			var got []string
			for _, f := range rec.Findings {
				if f.Rule == validate.RuleProseMismatch {
					got = append(got, f.Row)
					t.Log(f.Message)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("prose.mismatch on rows %v, want %v", got, tc.want)
			}
			if rec.Status != record.Valid {
				t.Errorf("status %s: a prose mismatch is a warning", rec.Status)
			}
		})
	}
}

func fullWidth(f float64) string {
	var out []rune
	for _, r := range fmt.Sprint(f) {
		out = append(out, r-'0'+'０')
	}
	return string(out)
}
