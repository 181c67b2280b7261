package textnorm_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// tables is shared by the tests: New builds two tables of 20k runes.
var tables = textnorm.New()

const seeds = "../../testdata/seeds"

func TestFold(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"already folded", "收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请情况"},
		{"traditional to simplified", "收到和處理政府信息公開申請情況", "收到和处理政府信息公开申请情况"},
		{"traditional heading", "四、政府信息公開行政復議、行政訴訟情況", "四、政府信息公开行政复议、行政诉讼情况"},
		{"traditional agency", "盤錦市雙臺子區人民政府辦公室", "盘锦市双台子区人民政府办公室"},
		{"full-width brackets", "（一）予以公开", "(一)予以公开"},
		{"full-width digits and dot", "１．属于国家秘密", "1.属于国家秘密"},
		{"full-width comma colon", "本年收费金额（单位：万元）", "本年收费金额(单位:万元)"},
		{"full-width comma", "区分处理的，只计这一情形", "区分处理的,只计这一情形"},
		{"full-width letters", "ＡＢｃ", "ABc"},
		{"full-width slash", "本年增／减", "本年增/减"},
		{"dashes", "——", "--"},
		{"ideographic full stop kept", "公开。", "公开。"},
		{"enumeration comma kept", "一、总体情况", "一、总体情况"},
		{"small enumeration comma", "一﹑总体情况", "一、总体情况"},
		{"lenticular brackets", "【注】", "[注]"},
		{"ascii spaces", "总 体  情 况", "总体情况"},
		{"tab and newline", "\t总体\r\n情况\n", "总体情况"},
		{"ideographic space", "总体\u3000情况", "总体情况"},
		{"no-break space", "总体\u00a0情况", "总体情况"},
		{"zero-width space and BOM", "\ufeff总体\u200b情况", "总体情况"},
		{"mixed", " 三、收到和處理政府信息公開申請情況（續） ", "三、收到和处理政府信息公开申请情况(续)"},
		{"ascii untouched", "a1.b(2)", "a1.b(2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tables.Fold(tc.in); got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
			// Folding is idempotent.
			if got := tables.Fold(tc.want); got != tc.want {
				t.Errorf("Fold(%q) = %q, want it unchanged", tc.want, got)
			}
		})
	}
}

func TestSimplified(t *testing.T) {
	for _, tc := range []struct {
		in, want rune
	}{
		{'處', '处'}, {'開', '开'}, {'請', '请'}, {'況', '况'}, {'复', '复'},
		{'处', '处'}, {'a', 'a'}, {'１', '１'}, {'、', '、'},
	} {
		if got := tables.Simplified(tc.in); got != tc.want {
			t.Errorf("Simplified(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		in, want rune
	}{
		{'１', '1'}, {'９', '9'}, {'（', '('}, {'）', ')'}, {'，', ','}, {'：', ':'},
		{'／', '/'}, {'－', '-'}, {'＋', '+'}, {'．', '.'}, {'Ａ', 'A'}, {'～', '~'},
		{'\u3000', ' '}, {'\u00a0', ' '}, {'—', '-'}, {'–', '-'}, {'−', '-'},
		{'﹑', '、'}, {'〔', '['}, {'〕', ']'}, {'【', '['}, {'】', ']'},
		{'1', '1'}, {'a', 'a'}, {'、', '、'}, {'。', '。'}, {'处', '处'},
	} {
		if got := textnorm.Width(tc.in); got != tc.want {
			t.Errorf("Width(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFoldWidth(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", ""},
		{"123", "123"},
		{" 1 2 ", " 1 2 "},
		{"１，２３４", "1,234"},
		{"\u3000３\u3000", " 3 "},
		{"處理", "處理"}, // the script is kept
		{"３（其中修订１件）", "3(其中修订1件)"},
	} {
		if got := textnorm.FoldWidth(tc.in); got != tc.want {
			t.Errorf("FoldWidth(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScript(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"simplified", "收到和处理政府信息公开申请情况", textnorm.Simplified},
		{"traditional", "收到和處理政府信息公開申請情況", textnorm.Traditional},
		{"traditional agency", "盤錦市雙臺子區人民政府辦公室", textnorm.Traditional},
		{"no telling characters", "政府信息", textnorm.Simplified},
		{"empty", "", textnorm.Simplified},
		{"ascii", "report 2023", textnorm.Simplified},
		{"mostly simplified", "收到和处理政府信息公开申请情况，報", textnorm.Simplified},
		{"mostly traditional", "收到和處理政府信息公開申請情况", textnorm.Traditional},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tables.Script(tc.in); got != tc.want {
				t.Errorf("Script(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestScriptSeeds(t *testing.T) {
	for _, tc := range []struct {
		file, want string
	}{
		{"000_a91be580dd15950d.txt", textnorm.Simplified},
		{"002_361b891b134c88b9.txt", textnorm.Traditional},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(seeds, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := tables.Script(string(data)); got != tc.want {
				t.Errorf("Script(%s) = %q, want %q", tc.file, got, tc.want)
			}
		})
	}
}

// officialLabels returns every label the templates print: section headings,
// table column labels, row labels and group labels.
func officialLabels() []string {
	seen := map[string]bool{}
	var labels []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			labels = append(labels, s)
		}
	}
	for _, s := range template.Sections() {
		add(s.Heading)
	}
	for _, tp := range template.All() {
		for i := range tp.Tables {
			tbl := &tp.Tables[i]
			for _, c := range tbl.Columns {
				add(c.Label)
			}
			for j := range tbl.Rows {
				r := &tbl.Rows[j]
				add(r.Label)
				for _, g := range r.Groups {
					add(g)
				}
				for _, c := range tbl.ColumnsOf(r) {
					add(c.Label)
				}
			}
		}
	}
	return labels
}

func TestTraditionalRoundTrip(t *testing.T) {
	labels := officialLabels()
	if len(labels) < 50 {
		t.Fatalf("found only %d official labels; the templates should give more", len(labels))
	}
	changed := 0
	for _, label := range labels {
		trad := tables.Traditional(label)
		if trad != label {
			changed++
		}
		if got, want := tables.Fold(trad), tables.Fold(label); got != want {
			t.Errorf("Fold(Traditional(%q)) = Fold(%q) = %q, want %q", label, trad, got, want)
		}
	}
	// Most labels hold a character that differs between the scripts; if none
	// changed, Traditional is not converting.
	if changed < len(labels)/2 {
		t.Errorf("Traditional changed only %d of %d labels", changed, len(labels))
	}
}

func TestTraditional(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", ""},
		{"收到和处理政府信息公开申请情况", "收到和處理政府信息公開申請情況"},
		{"abc 123，", "abc 123，"},
		{"處理", "處理"},
	} {
		if got := tables.Traditional(tc.in); got != tc.want {
			t.Errorf("Traditional(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A traditional text is read as traditional.
	if got := tables.Script(tables.Traditional("收到和处理政府信息公开申请情况")); got != textnorm.Traditional {
		t.Errorf("Script(Traditional(…)) = %q, want %q", got, textnorm.Traditional)
	}
}

func TestListNumber(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		has   bool
		strip string
	}{
		{"chinese numeral", "一、总体情况", true, "总体情况"},
		{"chinese numeral ten", "十、其他", true, "其他"},
		{"chinese numeral eleven", "十一、其他", true, "其他"},
		{"digit enumeration comma", "1、总体情况", true, "总体情况"},
		{"digit dot", "1.属于国家秘密", true, "属于国家秘密"},
		{"two digits dot", "12.其他", true, "其他"},
		{"digit comma", "2,重复申请", true, "重复申请"},
		{"bracketed digit", "(1)予以公开", true, "予以公开"},
		{"bracketed chinese numeral", "(一)予以公开", true, "予以公开"},
		{"bracketed then enumeration comma", "(二)、部分公开", true, "部分公开"},
		{"bracketed then dot", "(3).不予公开", true, "不予公开"},
		{"bracketed two numerals", "(七)总计", true, "总计"},
		{"digit closing bracket", "1)属于国家秘密", true, "属于国家秘密"},
		{"circled digit", "①属于国家秘密", true, "属于国家秘密"},
		{"parenthesized digit rune", "⑵重复申请", true, "重复申请"},
		{"digit full stop rune", "⒊其他", true, "其他"},
		{"number alone with dot", "1.", true, "1."},
		{"number alone with comma", "一、", true, "一、"},
		{"bracket alone", "(一)", true, "(一)"},
		{"decimal", "1.5", false, "1.5"},
		{"decimal then text", "1.5万元", false, "1.5万元"},
		{"year", "2023年", false, "2023年"},
		{"plain number", "2023", false, "2023"},
		{"chinese numeral word", "三安全一稳定", false, "三安全一稳定"},
		{"no number", "总体情况", false, "总体情况"},
		{"empty", "", false, ""},
		{"empty brackets", "()总计", false, "()总计"},
		{"bracketed word", "(注)总计", false, "(注)总计"},
		{"unclosed bracket", "(一予以公开", false, "(一予以公开"},
		{"article", "第二十条", false, "第二十条"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := textnorm.HasListNumber(tc.in); got != tc.has {
				t.Errorf("HasListNumber(%q) = %v, want %v", tc.in, got, tc.has)
			}
			if got := textnorm.StripListNumber(tc.in); got != tc.strip {
				t.Errorf("StripListNumber(%q) = %q, want %q", tc.in, got, tc.strip)
			}
		})
	}
}

func TestStripArtefacts(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"none", "1", "1"},
		{"empty", "", ""},
		{"bookmark before value", "[bookmark: _GoBack]1", "1"},
		{"bookmark after value", "12[bookmark: _GoBack]", "12"},
		{"bookmark mid-label", "予以[bookmark: x]公开", "予以公开"},
		{"two bookmarks", "[bookmark: _GoBack][bookmark: _Hlk123]5", "5"},
		{"two bookmarks apart", "[bookmark: a]3（其中[bookmark: b]1件）", "3（其中1件）"},
		{"comment", "7[comment: 待核实]", "7"},
		{"bookmark and comment", "[comment: c][bookmark: b]0", "0"},
		{"unterminated bookmark", "[bookmark: _GoBack 1", "[bookmark: _GoBack 1"},
		{"terminated then unterminated", "[bookmark: a]2[bookmark: b", "2[bookmark: b"},
		{"other brackets kept", "[注]1", "[注]1"},
		{"square bracket value", "[3]", "[3]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := textnorm.StripArtefacts(tc.in); got != tc.want {
				t.Errorf("StripArtefacts(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRemoveSpace(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"", ""},
		{"东风区人民政府办公室2023年政府信息公开工作年度报告", "东风区人民政府办公室2023年政府信息公开工作年度报告"},
		{"东风区人民政府办公室 2023年 政府信息公开工作年度报告", "东风区人民政府办公室2023年政府信息公开工作年度报告"},
		{"\t盤錦市\u3000雙臺子區\r\n", "盤錦市雙臺子區"}, // script kept
		{"a\u00a0b\u200bc\ufeff", "abc"},
		{"（一）", "（一）"}, // width kept
	} {
		if got := textnorm.RemoveSpace(tc.in); got != tc.want {
			t.Errorf("RemoveSpace(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFoldSeedHeadings checks that the traditional seed's section headings
// fold to the official ones, where it prints them as the template does.
func TestFoldSeedHeadings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(seeds, "002_361b891b134c88b9.txt"))
	if err != nil {
		t.Fatal(err)
	}
	folded := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		folded[tables.Fold(line)] = true
	}
	for _, s := range template.Sections() {
		if s.Key == template.ActiveDisclosure {
			continue // seed 002 prints 主動公開政府信息的情況
		}
		if !folded[tables.Fold(s.Heading)] {
			t.Errorf("no line of seed 002 folds to the heading %q", s.Heading)
		}
	}
}

func TestFoldPhrases(t *testing.T) {
	tn := textnorm.New()
	for _, tc := range []struct{ in, want string }{
		// 覆 is simplified too, so only the phrase converts.
		{"4.無正當理由大量反覆申請", "4.无正当理由大量反复申请"},
		{"臺灣", "台湾"},
		{"複製", "复制"},
		{"屬於國家秘密", "属于国家秘密"},
		{"已是简体 反复", "已是简体反复"},
	} {
		got, err := tn.FoldPhrases(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("FoldPhrases(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// The rune table alone leaves 覆 as it is.
	if got := tn.Fold("大量反覆申請"); got != "大量反覆申请" {
		t.Errorf("Fold = %q", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b        string
		dist, infix int
	}{
		{"属于国家秘密", "属于国家秘密", 0, 0},
		{"属于国家秘蜜", "属于国家秘密", 1, 1},
		{"国家秘密", "属于国家秘密", 2, 0},
		{"", "重复申请", 4, 0},
		{"重复申请", "", 4, 4},
		{"行政处制", "行政强制", 1, 1},
	} {
		a, b := []rune(tc.a), []rune(tc.b)
		if got := textnorm.Distance(a, b); got != tc.dist {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.dist)
		}
		if got := textnorm.InfixDistance(a, b); got != tc.infix {
			t.Errorf("InfixDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.infix)
		}
	}
}
