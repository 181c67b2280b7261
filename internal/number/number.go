// Package number reads a table cell's value as printed in a report: full-width
// digits, thousands separators, signs, decimals, units, a note in brackets
// beside the number, and the marks that stand for "no value".
package number

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/textnorm"
)

// Class tells what a cell holds.
type Class int

const (
	// Empty is a blank cell.
	Empty Class = iota
	// Null is a cell that says there is no value: "/", "—", "无".
	Null
	// Number is a cell that holds a number, perhaps with a unit and a note.
	Number
	// Text is anything else: a label, or a value that cannot be read.
	Text
)

// nullMarks are the printed marks for "no value", after width folding.
var nullMarks = map[string]bool{
	"/": true, "\\": true, "-": true, "--": true, "---": true, "无": true, "無": true,
	"空": true, "N/A": true, "n/a": true, "x": true, "X": true, "×": true,
}

// units may follow a number; they are dropped.
var units = []string{"万元", "元", "件", "个", "個", "项", "項", "条", "條", "次", "宗", "人次", "%"}

// Value is one cell read.
type Value struct {
	Class Class
	Num   float64 // for Number
	// Note is text printed beside the number, such as 其中修订1件 in
	// 3（其中修订1件）, without its brackets.
	Note string
}

// Parse reads one cell's text.
func Parse(cell string) Value {
	if n, ok := plainCount(cell); ok {
		return Value{Class: Number, Num: n}
	}
	if !mayBeValue(cell) {
		return Value{Class: Text}
	}
	s := strings.TrimSpace(textnorm.FoldWidth(cell))
	if s == "" {
		return Value{Class: Empty}
	}
	if (s[0] < '0' || s[0] > '9') && nullMarks[s] {
		return Value{Class: Null}
	}
	num, rest, ok := leadingNumber(s)
	if !ok {
		return Value{Class: Text}
	}
	rest = strings.TrimSpace(rest)
	for _, u := range units {
		if strings.HasPrefix(rest, u) {
			rest = strings.TrimSpace(rest[len(u):])
			break
		}
	}
	if rest == "" {
		return Value{Class: Number, Num: num}
	}
	if note, ok := bracketed(rest); ok {
		return Value{Class: Number, Num: num, Note: note}
	}
	return Value{Class: Text}
}

// plainCount reads a cell of ASCII digits alone, as most count cells are,
// without the folding and trimming the others need. Fifteen digits are read
// exactly, as strconv.ParseFloat reads them.
func plainCount(cell string) (float64, bool) {
	if len(cell) == 0 || len(cell) > 15 {
		return 0, false
	}
	n := int64(0)
	for i := 0; i < len(cell); i++ {
		c := cell[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return float64(n), true
}

// mayBeValue reports whether a cell can be anything but text, by its first
// rune, so that labels and prose are passed over cheaply.
func mayBeValue(cell string) bool {
	for _, r := range cell {
		if unicode.IsSpace(r) {
			continue
		}
		r = textnorm.Width(r)
		return (r >= '0' && r <= '9') || r == '+' || r == '-' || strings.ContainsRune(nullFirstRunes, r)
	}
	return true
}

// nullFirstRunes holds the first rune of every null mark.
var nullFirstRunes = func() string {
	var b strings.Builder
	for m := range nullMarks {
		r, _ := utf8.DecodeRuneInString(m)
		b.WriteRune(r)
	}
	return b.String()
}()

// leadingNumber reads [+-] digits [,digits]* [.digits] at the start of s,
// allowing spaces after the sign.
func leadingNumber(s string) (float64, string, bool) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	start := i
	digits, separators := 0, false
digits:
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == ',' && i > start && groupOfThree(s[i+1:]):
			separators = true
		default:
			break digits
		}
	}
	if digits == 0 {
		return 0, s, false
	}
	if i < len(s) && s[i] == '.' {
		// "1." or "1.属于…" is a list number, not a decimal.
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return 0, s, false
		}
		i = j
	}
	if i < len(s) && strings.HasPrefix(s[i:], "、") {
		return 0, s, false
	}
	printed := s[start:i]
	if separators {
		printed = strings.ReplaceAll(printed, ",", "")
	}
	f, err := strconv.ParseFloat(printed, 64)
	if err != nil {
		return 0, s, false
	}
	if neg {
		f = -f
	}
	return f, s[i:], true
}

// groupOfThree reports whether s starts with exactly three digits, as after a
// thousands separator: 1,234 is a number, 1,2 is not.
func groupOfThree(s string) bool {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n == 3
}

// bracketed returns the text inside s when s is one bracketed note.
func bracketed(s string) (string, bool) {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return "", false
	}
	return strings.TrimSpace(s[1 : len(s)-1]), true
}
