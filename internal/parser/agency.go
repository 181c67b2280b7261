package parser

import (
	"fmt"
	"maps"
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
// lines, the signature), character by character. Each reading of the
// title votes: a converter that read its line several ways (at several
// sizes, by several models) gives them all, so a title read surely
// outweighs a misreading the body text repeats (the same small glyph
// misread alike in every place), and a title whose readings split is
// settled by the body. Every stretch of text as long as the agency that
// differs from it in at most a quarter of its characters is a reading of
// it, lines of prose joined (the name is often broken at a line's end);
// the place the agency belongs to (沐洲市棠安区 of 沐洲市棠安区卫生健康局)
// is also looked for on its own, since the prose names it again
// (…区人民政府门户网站), and gives the votes for the place's characters.
// At each character the one most readings give is kept (on a tie, the one
// the body text gives more often, then the title's), and the title mended
// with it. When the body gives another character anywhere, or the title's
// readings are split, the record gets a meta.low_confidence warning
// naming the readings.
func (p *Parser) checkAgency(rec *record.Record, lines []line, at int) {
	want := []rune(rec.Agency)
	n := len(want)
	if n < minAgencyRunes {
		return
	}
	text := bodyText(rec.Title, lines, at)
	// votes[i] counts the characters read at position i, the title's
	// readings included; body[i] without them. A character of the text
	// votes once, though it lies in a reading of the agency and of its
	// place.
	votes := make([]map[rune]int, n)
	body := make([]map[rune]int, n)
	for i := range want {
		votes[i], body[i] = map[rune]int{}, map[rune]int{}
	}
	titleSeen, seen := map[string]int{}, map[string]int{}
	titleReadings(rec, lines, at, func(r []rune) {
		titleSeen[string(r)]++
		for i, c := range r {
			votes[i][c]++
		}
	})
	// The title's readings are split where its kept character is given
	// by fewer than twice as many as give another.
	split := false
	for i, r := range want {
		for c, v := range votes[i] {
			split = split || c != r && 2*v > votes[i][r]
		}
	}
	counted := map[int]bool{}
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
	for i := range want {
		for r, v := range votes[i] {
			b := best[i]
			if v > votes[i][b] || v == votes[i][b] && (body[i][r] > body[i][b] || body[i][r] == body[i][b] && r != want[i] && b != want[i] && r < b) {
				best[i] = r
			}
		}
	}
	// The places naming the agency agree where every character the body
	// gives is the one kept.
	agree := !split
	for i := range want {
		for r := range body[i] {
			agree = agree && r == best[i]
		}
	}
	if agree && slices.Equal(best, want) {
		return
	}
	first := rec.Agency
	if s := string(best); s != first {
		rec.Title = strings.Replace(rec.Title, first, s, 1)
		rec.Agency = s
	}
	readWays := "the title gives " + mostSeen(titleSeen)
	if n := sumSeen(titleSeen); n > 1 {
		readWays = fmt.Sprintf("the title read %d ways gives %s", n, mostSeen(titleSeen))
	}
	if len(seen) > 0 {
		readWays += "; the text gives " + mostSeen(seen)
	}
	rec.Findings = append(rec.Findings, record.Finding{
		Rule: validate.RuleMetaLowConfidence, Severity: record.Warning,
		Message: fmt.Sprintf("the agency was read as %q in the title, and the places naming it disagree: %s; %q is kept, the reading most of them give character by character. Check the title against the page.",
			first, readWays, rec.Agency),
	})
}

// mostSeenShown is how many of the readings of the agency a warning lists.
const mostSeenShown = 4

// mostSeen lists the readings most often seen, with their counts.
func mostSeen(seen map[string]int) string {
	keys := slices.Collect(maps.Keys(seen))
	slices.SortFunc(keys, func(a, b string) int {
		if c := seen[b] - seen[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, mostSeenShown+1)
	for i, k := range keys {
		if i == mostSeenShown {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", k, seen[k]))
	}
	return strings.Join(parts, ", ")
}

// sumSeen counts the readings seen.
func sumSeen(seen map[string]int) int {
	n := 0
	for _, c := range seen {
		n += c
	}
	return n
}

// titleReadings calls add with the agency's characters in each of the
// title's readings: where the title was read several ways (its line's
// readings, as an OCR converter gives them for a line printed large), in
// each reading as long as the line's text; else the title as read, once.
func titleReadings(rec *record.Record, lines []line, at int, add func([]rune)) {
	want := []rune(rec.Agency)
	first := lines[at]
	if at > 0 && joinedTitle(rec.Title, lines[at-1]) {
		first = lines[at-1]
	}
	t := []rune(textnorm.RemoveSpace(first.text))
	off := -1
	for j := 0; j+len(want) <= len(t); j++ {
		if slices.Equal(t[j:j+len(want)], want) {
			off = j
			break
		}
	}
	added := false
	for _, rd := range first.readings {
		if r := []rune(textnorm.RemoveSpace(rd)); off >= 0 && len(r) == len(t) {
			add(r[off : off+len(want)])
			added = true
		}
	}
	if !added {
		add(want)
	}
}

// joinedTitle reports whether l, the line before the title's last, is the
// title's first.
func joinedTitle(title string, l line) bool {
	t := textnorm.RemoveSpace(l.text)
	return t != "" && strings.Contains(title, t)
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
		if i == at || i == at-1 && joinedTitle(title, lines[i]) {
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
