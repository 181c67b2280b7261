// Package textnorm folds the many ways a label is printed into one form, so
// that labels can be compared: traditional script to simplified, full-width
// letters, digits and punctuation to half-width, whitespace removed. It also
// tells a text's script, turns simplified text into traditional, and measures
// how far apart two labels are.
//
// Script is converted in two ways. Fold, on every cell of every report, goes
// rune by rune through a flat table generated from OpenCC's character
// dictionaries (hanzi_table.go): a lookup per rune is what a parse can
// afford. Some words convert only as phrases (反覆 is 反复, though 覆 alone
// is simplified too); FoldPhrases converts with OpenCC's phrase
// dictionaries, through github.com/longbridgeapp/opencc (which embeds them),
// for the few labels that the rune table leaves naming no row.
package textnorm

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// The conversion tables cover the CJK Unified Ideographs block.
const (
	hanFirst = 0x4E00
	hanLast  = 0x9FFF
)

// Tables converts between scripts. The zero value is not usable: call New.
// A Tables is read-only after New and safe for concurrent use.
type Tables struct {
	toSimplified  []rune // indexed by rune-hanFirst; 0 where unchanged
	toTraditional []rune
	// phrases converts traditional phrases to simplified; built on first
	// use, since building it takes tens of milliseconds and most documents
	// never need it.
	phrases struct {
		once sync.Once
		cc   *opencc.OpenCC
		err  error
	}
}

// New builds the conversion tables.
func New() *Tables {
	return &Tables{
		toSimplified:  buildTable(traditionalToSimplified),
		toTraditional: buildTable(simplifiedToTraditional),
	}
}

func buildTable(pairs string) []rune {
	t := make([]rune, hanLast-hanFirst+1)
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		from, to := rs[i], rs[i+1]
		if from >= hanFirst && from <= hanLast {
			t[from-hanFirst] = to
		}
	}
	return t
}

func lookup(t []rune, r rune) (rune, bool) {
	if r < hanFirst || r > hanLast {
		return r, false
	}
	if to := t[r-hanFirst]; to != 0 {
		return to, true
	}
	return r, false
}

// Simplified returns r in simplified script.
func (t *Tables) Simplified(r rune) rune {
	s, _ := lookup(t.toSimplified, r)
	return s
}

// Traditional returns s in traditional script, character by character.
func (t *Tables) Traditional(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		tr, _ := lookup(t.toTraditional, r)
		b.WriteRune(tr)
	}
	return b.String()
}

// Script names a text's script, as the record's "script" value.
const (
	Simplified  = "simplified"
	Traditional = "traditional"
)

// scriptSample is how many telling characters settle a text's script.
const scriptSample = 200

// ScriptCount counts the characters that exist in only one script.
type ScriptCount struct {
	Traditional, Simplified int
}

// Decided reports whether enough characters were counted to tell the script.
func (c *ScriptCount) Decided() bool { return c.Traditional+c.Simplified >= scriptSample }

// Script returns the script most characters counted are in; simplified on a tie.
func (c *ScriptCount) Script() string {
	if c.Traditional > c.Simplified {
		return Traditional
	}
	return Simplified
}

// Count adds the telling characters of s to c, until c is decided.
func (t *Tables) Count(c *ScriptCount, s string) {
	for _, r := range s {
		if c.Decided() {
			return
		}
		if r < hanFirst || r > hanLast {
			continue
		}
		if _, ok := lookup(t.toSimplified, r); ok {
			c.Traditional++
		} else if _, ok := lookup(t.toTraditional, r); ok {
			c.Simplified++
		}
	}
}

// Script tells whether s is written in traditional or simplified script, by
// counting the characters that exist in only one of them.
func (t *Tables) Script(s string) string {
	var c ScriptCount
	t.Count(&c, s)
	return c.Script()
}

// Width folds one rune to half width: full-width ASCII forms to ASCII, the
// ideographic space to a space, and a few look-alike punctuation marks to one.
func Width(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + 0x21
	case r == 0x3000, r == 0x00A0:
		return ' '
	}
	switch r {
	case '—', '–', '―', '─', '‐', '‑', '−':
		return '-'
	case '﹑':
		return '、'
	case '〔', '【':
		return '['
	case '〕', '】':
		return ']'
	case '．':
		return '.'
	}
	return r
}

// invisible reports runes that are dropped when folding: whitespace, zero-width
// characters and byte-order marks.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF
}

// Fold returns s in the folded form labels are compared in: simplified script,
// half-width, without whitespace.
func (t *Tables) Fold(s string) string {
	// Most cells are already folded: find the first rune that changes, and
	// copy nothing when there is none.
	for i, r := range s {
		if r >= hanFirst && r <= hanLast {
			// Most runes are Han: only their script can change.
			if t.toSimplified[r-hanFirst] != 0 {
				return t.foldFrom(s, i)
			}
			continue
		}
		if invisible(r) || Width(r) != r {
			return t.foldFrom(s, i)
		}
	}
	return s
}

func (t *Tables) foldFrom(s string, i int) string {
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if invisible(r) {
			continue
		}
		r = Width(r)
		if r == ' ' {
			continue
		}
		b.WriteRune(t.Simplified(r))
	}
	return b.String()
}

// FoldPhrases returns s in the folded form of Fold, its traditional phrases
// first converted as phrases by OpenCC (反覆 to 反复, 覆蓋 to 覆盖), not rune by
// rune. It is much slower than Fold: use it where Fold's form names nothing.
func (t *Tables) FoldPhrases(s string) (string, error) {
	t.phrases.once.Do(func() {
		t.phrases.cc, t.phrases.err = opencc.New("t2s")
		if t.phrases.err != nil {
			t.phrases.err = fmt.Errorf("textnorm: OpenCC's t2s phrase dictionaries: %w", t.phrases.err)
		}
	})
	if t.phrases.err != nil {
		return "", t.phrases.err
	}
	c, err := t.phrases.cc.Convert(s)
	if err != nil {
		return "", fmt.Errorf("textnorm: converting %q by phrase: %w", s, err)
	}
	return t.Fold(c), nil
}

// FoldWidth returns s with every rune folded to half width and whitespace
// kept, for reading numbers as printed.
func FoldWidth(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(Width, s)
}

// RemoveSpace returns s without whitespace, as the record keeps titles.
func RemoveSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if invisible(r) || r == 0x3000 {
			return -1
		}
		return r
	}, s)
}

// chineseDigits are the numerals that number headings and list items.
const chineseDigits = "一二三四五六七八九十"

// StripListNumber removes a leading list number from a folded label:
// 一、 1、 1. 1, 1) (1) (一) ① ⑴ ⒈ and the like. The label itself is kept even if it
// is nothing but a number.
func StripListNumber(folded string) string {
	rest, ok := cutListNumber(folded)
	if !ok || rest == "" {
		return folded
	}
	return rest
}

// HasListNumber reports whether a folded line starts with a list number.
func HasListNumber(folded string) bool {
	_, ok := cutListNumber(folded)
	return ok
}

func cutListNumber(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	if r, size := utf8.DecodeRuneInString(s); enclosedNumber(r) {
		return strings.TrimLeft(s[size:], "、.,"), true
	}
	if s[0] == '(' {
		end := strings.IndexByte(s, ')')
		if end < 2 || !isNumeral(s[1:end]) {
			return s, false
		}
		rest := s[end+1:]
		rest = strings.TrimLeft(rest, "、.,")
		return rest, true
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isNumeralRune(r) {
			break
		}
		i += size
	}
	if i == 0 || i == len(s) {
		return s, false
	}
	switch {
	case strings.HasPrefix(s[i:], "、"):
		return s[i+len("、"):], true
	case s[i] == ')':
		return s[i+1:], true
	case s[i] == '.' || s[i] == ',':
		// "1.5" is a number, not a list item.
		if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			return s, false
		}
		return s[i+1:], true
	}
	return s, false
}

// enclosedNumber reports the numbers printed as one rune: ① ⑴ ⒈ and the like.
func enclosedNumber(r rune) bool {
	return (r >= 0x2460 && r <= 0x249B) || (r >= 0x2776 && r <= 0x2793) || (r >= 0x3220 && r <= 0x3229)
}

func isNumeral(s string) bool {
	for _, r := range s {
		if !isNumeralRune(r) {
			return false
		}
	}
	return s != ""
}

func isNumeralRune(r rune) bool {
	return (r >= '0' && r <= '9') || strings.ContainsRune(chineseDigits, r)
}

// artefactOpeners start the markers that text exporters leave in a document,
// such as Word bookmarks printed as [bookmark: _GoBack]. Each runs to "]".
var artefactOpeners = []string{"[bookmark:", "[comment:"}

// StripArtefacts removes exporters' markers from s.
func StripArtefacts(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	for _, open := range artefactOpeners {
		for {
			i := strings.Index(s, open)
			if i < 0 {
				break
			}
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				break
			}
			s = s[:i] + s[i+j+1:]
		}
	}
	return s
}
