package ocr

import "testing"

func TestVocabularyMatch(t *testing.T) {
	v := newVocabulary([]string{"一、本年新收政府信息公开申请数量", "3.其他", "（1）属于国家秘密", "商业企业",
		"（8）属于行政查询事项", "1.本机关不掌握相关政府信息"})
	tests := []struct {
		read, want string
		ok         bool
	}{
		{"一、本年新收政府信息公开申请数最", "一、本年新收政府信息公开申请数量", true},
		// Noise from a revision bar in front of the label.
		{"Armr全纲rr-七米[、林年缠收政府信息公开引请数量", "本年新收政府信息公开申请数量", true},
		{"（1）属于国家秘密", "（1）属于国家秘密", true},
		// Brackets read as braces still set the list number apart.
		{"{1}属于国家秘密", "（1）属于国家秘密", true},
		{"商业企业", "商业企业", true},
		{"总计", "", false},
		// Two labels in one cell, its dividing line lost: neither.
		{"8.属于行政查询事项1.本机关不掌握相关政府信息", "", false},
		{"本机关不掌握相关政府信息", "本机关不掌握相关政府信息", true},
		// A short entry inside a long text is no match.
		{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "", false},
	}
	for _, tt := range tests {
		got, sim, ok := v.match(tt.read, DefaultMinLabelSimilarity, langSimplified)
		if ok != tt.ok || ok && v.norm.Fold(got) != v.norm.Fold(tt.want) {
			t.Errorf("match(%q) = %q, %.2f, %v; want %q, %v", tt.read, got, sim, ok, tt.want, tt.ok)
		}
	}
}

func TestVocabularyListed(t *testing.T) {
	v := newVocabulary([]string{"3.其他"})
	for read, want := range map[string]bool{
		"3.基他":  true, // a blurred 其 lost strokes: still a numbered label
		"（三）基他": true,
		"3.1":   false,
		"3.基":   false, // one character: too little to tell
		"其他":    false, // no list number
		"一8304": false, // a struck-out value read with a stray stroke
		"1.878": false,
	} {
		if got := v.listed(read); got != want {
			t.Errorf("listed(%q) = %v, want %v", read, got, want)
		}
	}
}
