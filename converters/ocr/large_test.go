package ocr

import (
	"os"
	"strings"
	"testing"
)

// TestConsensus: a large line's readings are weighed character by
// character, a model's reading counting only between characters it can
// output, so that its look-alike for a character it lacks is no evidence
// against it.
func TestConsensus(t *testing.T) {
	c := New(Config{})
	c.charsetOnce.Do(func() {
		c.charsetMap = map[string]map[rune]bool{
			// chi_sim without 璟, chi_tra without 岚 (but with 嵐) and 忒.
			langSimplified:  runeSet("沐洲市棠常党安区环璟更理忒原县岚册岗屿嵐"),
			langTraditional: runeSet("沐洲市棠常黨安區環璟更理原縣嵐册崗嶼"),
		}
		delete(c.charsetMap[langSimplified], '璟')
	})
	for _, tt := range []struct {
		name  string
		reads map[string][]string // by model, in the page's script
		want  string
		share float64 // least share of readings giving the characters kept
	}{
		{"the reading most give", map[string][]string{
			langSimplified:  {"沐洲市常安区", "沐洲市常安区", "沐洲市棠安区", "沐洲市常安区"},
			langTraditional: {"沐洲市棠安区", "沐洲市棠安区", "沐洲市棠安区", "沐洲市党安区"},
		}, "沐洲市棠安区", 0.9},
		{"a character one model lacks", map[string][]string{
			langSimplified:  {"环原县", "环原县", "环原县", "忒原县", "环原县"},
			langTraditional: {"璟原县", "理原县", "璟原县", "环原县", "璟原县"},
		}, "璟原县", 0.8},
		{"read in the other script", map[string][]string{
			langSimplified:  {"岚屿区", "岗屿区", "岚屿区"},
			langTraditional: {"岚屿区", "册屿区", "岚屿区"},
		}, "岚屿区", 0.8},
		{"readings of another length left out", map[string][]string{
			langSimplified:  {"沐洲市棠安区", "沐洲市常安区", "沐洲市市棠安区"},
			langTraditional: {"沐洲市棠安区", "沐洲市棠安区", "沐洲市市常安区"},
		}, "沐洲市棠安区", 0.9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var reads []lineReading
			for model, texts := range tt.reads {
				for _, s := range texts {
					r := []rune(s)
					reads = append(reads, lineReading{model: model, text: r, conf: make([]float64, len(r))})
				}
			}
			got, share, readings := c.consensus(reads, langSimplified)
			if got != tt.want || share < tt.share {
				t.Errorf("%q (share %.2f), want %q (at least %.2f); readings %v", got, share, tt.want, tt.share, readings)
			}
		})
	}
}

func runeSet(s string) map[rune]bool {
	set := map[rune]bool{}
	for _, r := range s {
		set[r] = true
	}
	return set
}

// TestCharsets reads the installed models' character sets: Debian's
// chi_sim lacks 璟, chi_tra 岚, which it outputs as 嵐.
func TestCharsets(t *testing.T) {
	c := New(Config{})
	for _, lang := range []string{langSimplified, langTraditional} {
		if _, err := os.Stat(c.tessdataFile(lang)); err != nil {
			t.Skipf("no %s model where Tesseract looks: %v", lang, err)
		}
	}
	if got := len(c.charsets()); got != 2 {
		t.Fatalf("%d character sets read, want 2", got)
	}
	for _, tt := range []struct {
		model, lang string
		r           rune
		want        bool
	}{
		{langSimplified, langSimplified, '璟', false},
		{langTraditional, langSimplified, '璟', true},
		{langSimplified, langSimplified, '岚', true},
		{langTraditional, langSimplified, '岚', true}, // as 嵐
		{langTraditional, langTraditional, '岚', false},
		{langSimplified, langSimplified, '棠', true},
	} {
		if got := c.knows(tt.model, tt.lang, tt.r); got != tt.want {
			t.Errorf("%s knows %c on a %s page: %v, want %v", tt.model, tt.r, strings.TrimPrefix(tt.lang, "chi_"), got, tt.want)
		}
	}
}
