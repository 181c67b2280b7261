package parser

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
	"github.com/nianbao/nianbao/internal/validate"
)

// Bounds of the title and the statistics period.
const (
	titleMaxRunes = 80
	// A title's first line, before a break, is short.
	titleLineRunes = 50
	// periodWindow is how far after 统计期限 its year may be, in bytes.
	periodWindow = 60
)

// readMeta finds the title before the first section heading (line end), and
// from it the agency and year; and the statistics period stated anywhere.
func (p *Parser) readMeta(rec *record.Record, lines []line, end int) {
	var at int
	dropped := false // the title prints 年 without its year
	rec.Title, at = title(lines, end)
	// A stray mark OCR read before the title is no part of it.
	rec.Title = strings.TrimLeftFunc(rec.Title, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if rec.Title != "" {
		rec.Agency, rec.Year = agencyYear(rec.Title, p.norm.Fold(rec.Title))
		if rec.Year == nil && strings.HasSuffix(rec.Agency, "年") {
			// 某局年政府信息公开…: the year was a field the tool that wrote
			// the text dropped, leaving its 年. The report's opening words
			// often name it again in full; else the year stays unread.
			rec.Agency = strings.TrimSuffix(rec.Agency, "年")
			if y, ok := p.namedYear(lines[at+1 : max(at+1, end)]); ok {
				n := utf8.RuneCountInString(rec.Agency)
				tr := []rune(rec.Title)
				rec.Title = string(tr[:n]) + strconv.Itoa(y) + string(tr[n:])
				rec.Year = &y
			} else {
				dropped = true
			}
		}
	}
	if rec.Agency != "" && lines[at].cells[0].conf > 0 {
		p.checkAgency(rec, lines, at)
	}
	for i := range lines {
		next := ""
		if i+1 < len(lines) {
			next = lines[i+1].text
		}
		if y, ok := periodYear(lines[i].text, next); ok {
			rec.PeriodYear = &y
			break
		}
	}
	switch {
	case dropped:
		// The statistics period's year is the title's as a rule, but not
		// where the report is wrong: the one case the title's year would
		// show. So the year stays unread.
		period := "names no statistics period"
		if rec.PeriodYear != nil {
			period = fmt.Sprintf("states a statistics period in %d", *rec.PeriodYear)
		}
		rec.Findings = append(rec.Findings, record.Finding{Rule: validate.RuleMetaMissing, Severity: record.Warning,
			Message: fmt.Sprintf("the title %q prints 年 without its year, as when a tool drops a Word field, and the report names its year nowhere else; it %s: check the year", rec.Title, period)})
	case rec.Year == nil && rec.Title != "" && rec.PeriodYear != nil:
		// A title that prints no year reports on its statistics period.
		// Without a title the period's year is no evidence of the
		// title's, which may differ.
		y := *rec.PeriodYear
		rec.Year = &y
	}
}

// title returns the report's title as printed, without whitespace, and its
// (last) line: the first short line that names an annual report, joined to
// the line before it when the title was broken after the agency and year,
// or anywhere inside its subject (…政府信息公 / 开工作年度报告, …工作年 /
// 度报告).
func title(lines []line, end int) (string, int) {
	short := func(f string) bool {
		// A title has no full stop; a line with one is the prose that
		// names the report (现公布…年度报告。).
		return f != "" && utf8.RuneCountInString(f) <= titleMaxRunes && !strings.Contains(f, "。")
	}
	for i := 0; i < end && i < len(lines); i++ {
		f := titleLine(&lines[i])
		if !short(f) {
			continue
		}
		prev := ""
		if i > 0 {
			prev = titleLine(&lines[i-1])
		}
		joinable := short(prev) && utf8.RuneCountInString(prev) <= titleLineRunes && !strings.Contains(prev, template.TitleMark)
		k := strings.Index(f, template.TitleSubject)
		var broken bool
		switch {
		case strings.Contains(f, template.TitleMark):
			// Broken after the agency and year, inside the subject, or anywhere
			// before the year (pdftotext wraps a title where the line is full).
			broken = (k >= 0 && onlyYear(f[:k])) || (k < 0 && strings.Contains(prev+f, template.TitleSubject)) || !hasYear(f)
		case joinable && strings.Contains(prev+f, template.TitleMark) && strings.Contains(prev+f, template.TitleSubject):
			broken = true // broken inside the mark itself
		default:
			continue
		}
		t := textnorm.RemoveSpace(lines[i].text)
		if broken && joinable {
			t = textnorm.RemoveSpace(lines[i-1].text) + t
		}
		return t, i
	}
	return "", 0
}

// titleLine returns the folded text of a line that may hold a title: a
// paragraph line of one cell, or of a few cells of text laid out in
// columns, where a title spaced out (a year printed from a field, a
// justified line) was cut at its gaps.
func titleLine(l *line) string {
	if f := l.single(); f != "" || !l.placed || len(l.cells) > 4 {
		return f
	}
	var b strings.Builder
	for _, c := range l.cells {
		// A title broken after its year (某局 2020 / 年政府信息公开…) ends
		// its first line with the year, which reads as a number.
		if c.val.Class != number.Text {
			if _, year := digits4([]rune(c.folded)); !year {
				return ""
			}
		}
		b.WriteString(c.folded)
	}
	return b.String()
}

// namedYear returns the year the report's opening lines name it by:
// 2023年政府信息公开工作年度报告.
func (p *Parser) namedYear(lines []line) (int, bool) {
	for i := range lines {
		f := []rune(textnorm.RemoveSpace(p.norm.Fold(lines[i].text)))
		subject := []rune(template.TitleSubject)
		for k := 5; k+len(subject) <= len(f); k++ {
			if f[k-1] == '年' && string(f[k:k+len(subject)]) == template.TitleSubject {
				if y, ok := digits4(f[k-5 : k-1]); ok {
					return y, true
				}
			}
		}
	}
	return 0, false
}

// hasYear reports whether a folded text holds a year: four digits then 年.
func hasYear(f string) bool {
	rs := []rune(textnorm.RemoveSpace(f))
	for i := 0; i+4 < len(rs); i++ {
		if _, ok := digits4(rs[i : i+4]); ok && rs[i+4] == '年' {
			return true
		}
	}
	return false
}

// onlyYear reports whether a title's start holds no agency: nothing, or just
// a year.
func onlyYear(s string) bool {
	return strings.Trim(s, "0123456789年度") == ""
}

// agencyYear splits a title into the agency (in the title's own script) and
// the reporting year. folded is the title folded; since the title has no
// whitespace, its runes line up one to one with the title's.
func agencyYear(title, folded string) (string, *int) {
	fr := []rune(folded)
	tr := []rune(title)
	if len(fr) != len(tr) {
		return "", nil
	}
	yearAt, year := -1, 0
	for i := 0; i+4 < len(fr); i++ {
		if y, ok := digits4(fr[i : i+4]); ok && fr[i+4] == '年' && (i == 0 || !isDigit(fr[i-1])) {
			yearAt, year = i, y
			break
		}
	}
	subject := strings.Index(folded, template.TitleSubject)
	if subject >= 0 {
		subject = utf8.RuneCountInString(folded[:subject])
	}
	agency := ""
	switch {
	case yearAt > 0:
		agency = string(tr[:yearAt])
	case yearAt == 0 && subject > 5:
		// 2023年某某区…: the agency follows the year.
		agency = strings.TrimPrefix(string(tr[5:subject]), "度")
	case yearAt < 0 && subject > 0:
		agency = string(tr[:subject])
	}
	agency = strings.TrimRight(agency, "（(《")
	var y *int
	if yearAt >= 0 {
		y = &year
	}
	return agency, y
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// digits4 reads four ASCII digits as a plausible reporting year.
func digits4(rs []rune) (int, bool) {
	n := 0
	for _, r := range rs {
		if !isDigit(r) {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, n >= 1990 && n <= 2100
}

// periodYear reads the year of the statistics period from a paragraph line
// as printed: 本报告所列数据统计期限为2023年1月1日至12月31日; where the line
// ends before the year, from the next line (next).
func periodYear(text, next string) (int, bool) {
	k, mark := -1, ""
	for _, m := range template.PeriodMarks {
		if k = strings.Index(text, m); k >= 0 {
			mark = m
			break
		}
	}
	if k < 0 {
		return 0, false
	}
	window := text[k+len(mark):]
	if y, ok := windowYear(window); ok || len(window) >= periodWindow {
		return y, ok
	}
	return windowYear(window + next)
}

// windowYear reads the first year (four digits then 年) in the first
// periodWindow bytes of s.
func windowYear(s string) (int, bool) {
	if len(s) > periodWindow {
		s = s[:periodWindow]
	}
	rs := []rune(textnorm.RemoveSpace(textnorm.FoldWidth(s)))
	for i := 0; i+4 < len(rs); i++ {
		if y, ok := digits4(rs[i : i+4]); ok && rs[i+4] == '年' {
			return y, true
		}
	}
	return 0, false
}
