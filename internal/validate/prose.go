package validate

import (
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// RuleProseMismatch: a total stated in the prose differs from its table cell.
const RuleProseMismatch = "prose.mismatch"

// folding is built once: its tables are read only.
var folding = sync.OnceValue(textnorm.New)

// Stated is one total a report states in words.
type Stated struct {
	Section   string // key of the section it is in
	Sentence  string // the sentence, as printed
	Statement *template.Statement
	Value     int
}

// StatedTotals returns the totals the record's prose states, in order
// (template.Statements). A clause that names two totals, or a part of one
// (其中), states none: guessing which is meant could only add false alarms.
func StatedTotals(rec *record.Record) []Stated {
	tn := folding()
	units := []rune(template.StatementUnitsPrinted)
	var out []Stated
	for _, key := range rec.Sections.Keys() {
		text, _ := rec.Sections.Get(key)
		// Lines are not split: a wrapped paragraph breaks sentences anywhere,
		// and folding drops the breaks. A sentence without a measure word
		// states no count and is not folded, which is most of the cost.
		for sentence := range countSentences(text, units) {
			for _, clause := range splitAny(tn.Fold(sentence), template.StatementBreaks) {
				for _, part := range enumeration(clause) {
					if s, n, ok := statedIn(part); ok {
						out = append(out, Stated{Section: key, Sentence: strings.Join(strings.Fields(sentence), ""), Statement: s, Value: n})
					}
				}
			}
		}
	}
	return out
}

// countSentences yields the sentences of text (ended by 。；;) that hold one
// of the measure words units and a numeral, in one pass over the text.
func countSentences(text string, units []rune) iter.Seq[string] {
	return func(yield func(string) bool) {
		start, unit := 0, false
		for i, r := range text {
			switch {
			case r == '。' || r == '；' || r == ';':
				if unit && hasNumeral(text[start:i]) && !yield(text[start:i]) {
					return
				}
				start, unit = i+utf8.RuneLen(r), false
			case slices.Contains(units, r):
				unit = true
			}
		}
		if unit && hasNumeral(text[start:]) {
			yield(text[start:])
		}
	}
}

// hasNumeral reports whether s holds a digit, full-width or not, or a
// Chinese numeral: a sentence without one states no count.
func hasNumeral(s string) bool {
	// Most such sentences print their count in ASCII digits, found without
	// decoding a rune.
	if strings.ContainsAny(s, "0123456789") {
		return true
	}
	return strings.ContainsFunc(s, func(r rune) bool {
		return r >= '０' && r <= '９' || number.IsChineseNumeral(r)
	})
}

// splitAny splits s after each rune of seps, dropping empty pieces.
func splitAny(s, seps string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
}

// enumeration splits a clause at 、 into the parts that each hold a number;
// a part without one joins the next (行政复议、行政诉讼共3件 is one part).
func enumeration(clause string) []string {
	var parts []string
	pending := ""
	for _, p := range strings.Split(clause, "、") {
		pending += p
		if numberAt(pending) {
			parts = append(parts, pending)
			pending = ""
		} else {
			pending += "、"
		}
	}
	if pending != "" {
		parts = append(parts, pending)
	}
	return parts
}

func numberAt(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= '0' && r <= '9' || number.IsChineseNumeral(r) })
}

// statedIn returns the one statement the part makes and its number.
func statedIn(part string) (*template.Statement, int, bool) {
	var found *template.Statement
	end := 0
	all := template.Statements()
	for i := range all {
		e, ok := keysEnd(part, all[i].Keys)
		if !ok {
			continue
		}
		if found != nil {
			return nil, 0, false // two totals named: neither is stated alone
		}
		found, end = &all[i], e
	}
	if found == nil {
		return nil, 0, false
	}
	for _, p := range found.Not {
		if strings.Contains(part, p) {
			return nil, 0, false
		}
	}
	n, ok := countAfter(part[end:])
	return found, n, ok
}

// keysEnd returns the byte offset after the last phrase of the first key
// sequence whose phrases occur in s in order.
func keysEnd(s string, keys [][]string) (int, bool) {
	for _, seq := range keys {
		at, ok := 0, true
		for _, k := range seq {
			i := strings.Index(s[at:], k)
			if i < 0 {
				ok = false
				break
			}
			at += i + len(k)
		}
		if ok {
			return at, true
		}
	}
	return 0, false
}

// countAfter reads the first count, Arabic or in Chinese numerals, followed
// by a measure word within template.StatementGap characters of the start.
func countAfter(s string) (int, bool) {
	rs := []rune(s)
	for i := 0; i < len(rs) && i <= template.StatementGap; {
		j := i
		for j < len(rs) && (rs[j] >= '0' && rs[j] <= '9' || rs[j] == ',' && j > i) {
			j++
		}
		arabic := j > i
		if !arabic {
			for j < len(rs) && number.IsChineseNumeral(rs[j]) {
				j++
			}
		}
		if j == i {
			i++
			continue
		}
		if j < len(rs) && strings.ContainsRune(template.StatementUnits, rs[j]) {
			digits := string(rs[i:j])
			if arabic {
				n, err := strconv.Atoi(strings.ReplaceAll(digits, ",", ""))
				return n, err == nil
			}
			return number.Chinese(digits)
		}
		i = j
	}
	return 0, false
}

// prose raises prose.mismatch for each stated total its cells disagree with.
func (c *checker) prose() {
	for _, st := range StatedTotals(c.rec) {
		total, ok := cellsSum(c.rec.TableOf(st.Statement.Table), st.Statement.Cells)
		if !ok || !differ(total, float64(st.Value)) {
			continue
		}
		first := st.Statement.Cells[0]
		c.add(record.Finding{Rule: RuleProseMismatch, Severity: record.Warning, Table: st.Statement.Table,
			Row: first.Row, Column: first.Column, Expected: val(float64(st.Value)), Actual: val(total),
			Message: fmt.Sprintf("section %s states “%s” (%d) but the table gives %s for %s; check which is right",
				sectionHeading(st.Section), quote(st.Sentence), st.Value, record.Num(total), cellNames(st.Statement))})
	}
}

// cellsSum adds the cells' values; ok is false when one is missing or null.
func cellsSum(tbl *record.Table, cells []template.Cell) (total float64, ok bool) {
	for _, cell := range cells {
		row, found := tbl.Get(cell.Row)
		if !found {
			return 0, false
		}
		v, found := row.Get(cell.Column)
		if !found || !v.Valid {
			return 0, false
		}
		total += v.Num
	}
	return total, true
}

// cellNames names a statement's cells by their labels.
func cellNames(st *template.Statement) string {
	t := template.Lookup(template.V2021).Table(st.Table)
	var names []string
	for _, cell := range st.Cells {
		row, col := cell.Row, cell.Column
		if r := t.Row(cell.Row); r != nil {
			row = strings.Join(append(append([]string{}, r.Groups...), r.Label), "")
			for _, c := range t.ColumnsOf(r) {
				if c.Key == cell.Column {
					col = c.Label
				}
			}
		}
		names = append(names, row+" / "+col)
	}
	return strings.Join(names, " + ")
}

// quote shortens a long sentence for the message.
func quote(s string) string {
	const max = 80
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
