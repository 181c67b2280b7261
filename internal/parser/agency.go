package parser

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
	"github.com/nianbao/nianbao/internal/validate"
)

// minAgencyRunes is the shortest agency name checked against the text: a
// shorter one matches too much by chance.
const minAgencyRunes = 4

// minPlaceRunes is the shortest place name (with its 市, 区…) checked on
// its own: 某区 matches too much by chance.
const minPlaceRunes = 3

// checkAgency weighs the agency read by OCR from the title against the
// other places the report names it (its prose, the 本机关 and contact
// lines, the signature), character by character. Every stretch of text as
// long as the agency that differs from it in at most a quarter of its
// characters is a reading of it, lines of prose joined (the name is often
// broken at a line's end); the place the agency belongs to (沐洲市棠安区 of
// 沐洲市棠安区卫生健康局) is also looked for on its own, since the prose
// names it again (…区人民政府门户网站), and gives the votes for the place's
// characters. At each character the one most readings give is kept (on a
// tie, the one the body text gives more often, then the title's), and the
// title mended with it; when the readings differ the record gets a
// meta.low_confidence warning naming them. The title is printed large and
// often misread where the same name in body text is not, and no one
// misreading repeats, so what the text repeats is the strongest evidence.
func (p *Parser) checkAgency(rec *record.Record, lines []line, at int) {
	want := []rune(rec.Agency)
	n := len(want)
	if n < minAgencyRunes {
		return
	}
	text := bodyText(rec.Title, lines, at)
	// votes[i] counts the characters read at position i, the title's
	// reading included; body[i] without it. A character of the text votes
	// once, though it lies in a reading of the agency and of its place.
	votes := make([]map[rune]int, n)
	body := make([]map[rune]int, n)
	for i, r := range want {
		votes[i], body[i] = map[rune]int{r: 1}, map[rune]int{}
	}
	counted := map[int]bool{}
	seen := map[string]int{rec.Agency: 1}
	add := func(starts []int, m int) {
		for _, j := range starts {
			seen[string(text[j:j+m])]++
			for i := range m {
				if !counted[j+i] {
					counted[j+i] = true
					votes[i][text[j+i]]++
					body[i][text[j+i]]++
				}
			}
		}
	}
	add(readings(text, want, 0), n)
	for _, m := range placeLens(want) {
		// Anchored on the place's 市, 区…, which read reliably, so that a
		// word that merely starts like the place (禾桥发布) is not one.
		add(readings(text, want[:m], want[m-1]), m)
	}
	best := slices.Clone(want)
	agree := true
	for i := range want {
		if len(votes[i]) > 1 {
			agree = false
		}
		for r, v := range votes[i] {
			b := best[i]
			if v > votes[i][b] || v == votes[i][b] && (body[i][r] > body[i][b] || body[i][r] == body[i][b] && r != want[i] && b != want[i] && r < b) {
				best[i] = r
			}
		}
	}
	if agree {
		return
	}
	first := rec.Agency
	if s := string(best); s != first {
		rec.Title = strings.Replace(rec.Title, first, s, 1)
		rec.Agency = s
	}
	parts := make([]string, 0, len(seen))
	for s, c := range seen {
		parts = append(parts, fmt.Sprintf("%s (%d)", s, c))
	}
	slices.Sort(parts)
	rec.Findings = append(rec.Findings, record.Finding{
		Rule: validate.RuleMetaLowConfidence, Severity: record.Warning,
		Message: fmt.Sprintf("the agency was read as %q in the title, and the places naming it disagree: %s; %q is kept, the reading most of them give character by character. Check the title against the page.",
			first, strings.Join(parts, ", "), rec.Agency),
	})
}

// bodyText returns the text of the lines other than the title's (line at,
// and the one before when the title was broken there), without spaces:
// prose lines run on into each other, since a name may be broken at a
// line's end; a table's cells are kept apart by a NUL, which no reading
// holds.
func bodyText(title string, lines []line, at int) []rune {
	var b strings.Builder
	prose := false
	for i := range lines {
		if i == at || i == at-1 && strings.Contains(title, textnorm.RemoveSpace(lines[i].text)) {
			continue // the title's own lines
		}
		if !lines[i].grid && lines[i].text != "" {
			if !prose {
				b.WriteByte(0)
			}
			b.WriteString(textnorm.RemoveSpace(lines[i].text))
			prose = true
			continue
		}
		for _, c := range lines[i].cells {
			b.WriteByte(0)
			b.WriteString(textnorm.RemoveSpace(c.raw))
		}
		prose = false
	}
	return []rune(b.String())
}

// placeLens returns the lengths of an agency's prefixes that name places
// (沐洲市 and 沐洲市棠安区 of 沐洲市棠安区卫生健康局): ending in one of
// template.PlaceSuffixes, at least minPlaceRunes long, short of the
// whole. A suffix character inside an office's name (市场监督管理局) makes
// a prefix too long, harmless: its readings are readings of the agency's
// start all the same.
func placeLens(agency []rune) []int {
	var out []int
	for i := minPlaceRunes - 1; i < len(agency)-1; i++ {
		if strings.ContainsRune(template.PlaceSuffixes, agency[i]) {
			out = append(out, i+1)
		}
	}
	return out
}

// readings returns where in text the stretches as long as want start that
// differ from it in at most a quarter of their characters (one for a short
// want), the closest of overlapping ones; with anchor (not 0), only those
// that end in it.
func readings(text, want []rune, anchor rune) []int {
	n := len(want)
	limit := max(1, n/4)
	near := func(j int) (int, bool) {
		if anchor != 0 && text[j+n-1] != anchor {
			return 0, false
		}
		d := hamming(text[j:j+n], want)
		return d, d <= limit
	}
	var out []int
	for j := 0; j+n <= len(text); {
		d, ok := near(j)
		if !ok {
			j++
			continue
		}
		best, bestD := j, d
		for k := j + 1; k < j+n && k+n <= len(text); k++ {
			if dk, ok := near(k); ok && dk < bestD {
				best, bestD = k, dk
			}
		}
		out = append(out, best)
		j = best + n
	}
	return out
}

// hamming counts the places where a and b, of one length, differ.
func hamming(a, b []rune) int {
	d := 0
	for i := range a {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}
