package corpus

import (
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/template"
)

func itoa(n int) string { return strconv.Itoa(n) }

// formatValue prints a value as the report does in a style. A blank null
// would be ambiguous where a style drops or shifts empty cells (markdown,
// the scraped page, and table 2 of the PDF's TSV), so those print a mark.
func (r *Report) formatValue(v value, st Style, tbl string) string {
	if v.null || v.blank {
		mark := r.look.nullMark
		if mark == "" && !blankKeepsPlace(st, tbl) {
			mark = "/"
		}
		return mark
	}
	s := r.number(v)
	if r.look.fullWidth || v.fullWidth {
		s = fullWidthDigits.Replace(s)
	}
	return s + r.text(v.note)
}

func blankKeepsPlace(st Style, tbl string) bool {
	switch st {
	case HTML, Word, WordIndent, DOCX:
		return true
	case TSV:
		return tbl != template.Applications
	}
	return false
}

// number prints a value's number: signed changes with their sign, fees with
// cents, whole 元 with the report's thousands separator.
func (r *Report) number(v value) string {
	switch {
	case v.kind == template.Signed && v.num > 0:
		return "+" + itoa(int(v.num))
	case v.kind == template.Amount && v.num != float64(int(v.num)) && v.num*10 != float64(int(v.num*10)):
		return strconv.FormatFloat(v.num, 'f', 2, 64)
	}
	s := strconv.FormatFloat(v.num, 'f', -1, 64)
	return r.group(s)
}

// group puts thousands separators into a number's whole part.
func (r *Report) group(s string) string {
	sep := r.text(r.look.thousands)
	whole, frac, _ := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	if sep == "" || len(whole) < 4 {
		return s
	}
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	out := sign + b.String()
	if frac != "" {
		out += "." + frac
	}
	return out
}

var fullWidthDigits = strings.NewReplacer(
	"0", "０", "1", "１", "2", "２", "3", "３", "4", "４",
	"5", "５", "6", "６", "7", "７", "8", "８", "9", "９", ".", "．",
)
