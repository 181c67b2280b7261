package parser

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/textnorm"
	"github.com/nianbao/nianbao/internal/validate"
)

// minAgencyRunes is the shortest agency name checked against the text: a
// shorter one matches too much by chance.
const minAgencyRunes = 4

// checkAgency weighs the agency read by OCR from the title against the
// other places the report names it (its prose, the 本机关 and contact
// lines, the signature): every stretch of text as long as the agency that
// differs from it in at most a quarter of its characters is a reading of
// it. The reading most places give is kept (on a tie, the one the body
// text gives more often, then the title's), the title mended with it; when the readings differ the record gets a
// meta.low_confidence warning naming them. The title is printed large and
// often misread where the same name in body text is not, so what the text
// repeats is the strongest evidence.
func (p *Parser) checkAgency(rec *record.Record, lines []line, at int) {
	want := []rune(rec.Agency)
	n := len(want)
	if n < minAgencyRunes {
		return
	}
	votes := map[string]int{rec.Agency: 1}
	for i := range lines {
		if i == at || i == at-1 && strings.Contains(rec.Title, textnorm.RemoveSpace(lines[i].text)) {
			continue // the title's own lines
		}
		for _, c := range lines[i].cells {
			for _, m := range readings([]rune(textnorm.RemoveSpace(c.raw)), want) {
				votes[m]++
			}
		}
	}
	if len(votes) == 1 {
		return
	}
	type reading struct {
		text  string
		votes int
	}
	var all []reading
	for t, v := range votes {
		all = append(all, reading{t, v})
	}
	// On a tie the body text's own readings decide: they are printed at
	// the size the models read best, the title's is not.
	body := func(r reading) int {
		if r.text == rec.Agency {
			return r.votes - 1
		}
		return r.votes
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].votes != all[j].votes {
			return all[i].votes > all[j].votes
		}
		if bi, bj := body(all[i]), body(all[j]); bi != bj {
			return bi > bj
		}
		if (all[i].text == rec.Agency) != (all[j].text == rec.Agency) {
			return all[i].text == rec.Agency
		}
		return all[i].text < all[j].text
	})
	parts := make([]string, len(all))
	for i, r := range all {
		parts[i] = fmt.Sprintf("%s (%d)", r.text, r.votes)
	}
	first := rec.Agency
	if best := all[0].text; best != first {
		rec.Title = strings.Replace(rec.Title, first, best, 1)
		rec.Agency = best
	}
	rec.Findings = append(rec.Findings, record.Finding{
		Rule: validate.RuleMetaLowConfidence, Severity: record.Warning,
		Message: fmt.Sprintf("the agency was read as %q in the title, and the places naming it disagree: %s; %q is kept. Check the title against the page.",
			first, strings.Join(parts, ", "), rec.Agency),
	})
}

// readings returns the stretches of text as long as want that differ from
// it in at most a quarter of their characters, the closest of overlapping
// ones.
func readings(text, want []rune) []string {
	n := len(want)
	limit := n / 4
	var out []string
	for j := 0; j+n <= len(text); {
		d := hamming(text[j:j+n], want)
		if d > limit {
			j++
			continue
		}
		best, bestD := j, d
		for k := j + 1; k < j+n && k+n <= len(text); k++ {
			if dk := hamming(text[k:k+n], want); dk < bestD {
				best, bestD = k, dk
			}
		}
		out = append(out, string(text[best:best+n]))
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
