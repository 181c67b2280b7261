package parser

import (
	"fmt"
	"math"
	"strings"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// Real reports print blanks for zeros: a count cell printed empty, &nbsp;,
// /, —, - or 无 reads as 0, unless the table's arithmetic says it cannot be
// (spec, value.blank). blankRead tells whether a cell a row's value was
// fitted from is such a blank: printed (not the padding fit adds for a
// cell the row lacks), a count, and not ink OCR saw but could not read, nor
// a mark it read with too little confidence.
func (p *Parser) blankRead(c *cell, col template.Column) bool {
	if c == &blankCell || col.Kind == template.Amount {
		return false
	}
	switch c.val.Class {
	case number.Empty:
		return c.conf == 0
	case number.Null:
		return c.conf == 0 || c.conf >= p.cfg.MinConfidence
	}
	return false
}

// blanks settles the count cells of one table printed blank, which
// rowValues read as 0: a blank total whose parts are not all 0, and a blank
// in a sum whose printed cells do not add up with it as 0, are null with
// value.missing; the rest stay 0, listed in one value.blank warning.
type blanks struct {
	t     *template.Table
	table *record.Table
	cells []template.Cell // in the order read
	blank map[template.Cell]bool
	// null holds the blanks found not to be 0, with the reason;
	// settled the blank totals whose parts are all 0.
	null    map[template.Cell]string
	settled map[template.Cell]bool
}

func (b *blanks) add(row, col string) {
	if b.blank == nil {
		b.blank = map[template.Cell]bool{}
	}
	c := template.Cell{Row: row, Column: col}
	b.cells = append(b.cells, c)
	b.blank[c] = true
}

// value returns a cell's value: printed reports whether its row is in the
// table, known whether its value is a number (a blank not found null is 0).
func (b *blanks) value(c template.Cell) (v float64, printed, known bool) {
	row, ok := b.table.Get(c.Row)
	if !ok {
		return 0, false, false
	}
	val, ok := row.Get(c.Column)
	if !ok {
		return 0, false, false
	}
	if _, isNull := b.null[c]; isNull || !val.Valid {
		return 0, true, false
	}
	return val.Num, true, true
}

// total adds the printed cells: known is false when one is not a number.
func (b *blanks) total(cells []template.Cell) (sum float64, known bool) {
	known = true
	for _, c := range cells {
		v, printed, ok := b.value(c)
		if printed && !ok {
			known = false
		}
		sum += v
	}
	return sum, known
}

// settle decides the blanks, to a fixed point: a blank found null changes
// the sums it is in.
func (b *blanks) settle() {
	if len(b.cells) == 0 {
		return
	}
	b.null = map[template.Cell]string{}
	sums := b.t.Sums()
	for changed := true; changed; {
		changed = false
		b.settled = map[template.Cell]bool{}
		for _, s := range sums {
			if tc := s.Left[0]; s.Total && b.blank[tc] && b.null[tc] == "" {
				changed = b.blankTotal(tc, s.Right) || changed
			}
		}
		for _, s := range sums {
			changed = b.blankParts(s) || changed
		}
	}
}

// blankTotal settles a blank total: 0 when its parts are all 0, else null.
func (b *blanks) blankTotal(tc template.Cell, parts []template.Cell) bool {
	sum, known := b.total(parts)
	switch {
	case known && sum == 0:
		b.settled[tc] = true
		return false
	case known:
		b.null[tc] = fmt.Sprintf("%s: the total is printed blank, but its parts add up to %s, so it is not 0; fill it in",
			b.name(tc), record.Num(sum))
	default:
		b.null[tc] = fmt.Sprintf("%s: the total is printed blank, but its parts are not all 0 (those read add up to %s); fill it in",
			b.name(tc), record.Num(sum))
	}
	return true
}

// blankParts makes null the blanks of a sum whose printed cells do not add
// up with them as 0. A sum whose total is blank has nothing printed to
// disagree with; a blank total settled by its parts is no part's doing.
func (b *blanks) blankParts(s template.Sum) bool {
	if s.Total && b.blank[s.Left[0]] {
		return false
	}
	left, okL := b.total(s.Left)
	right, okR := b.total(s.Right)
	if !okL || !okR || math.Abs(left-right) < 1e-9 {
		return false
	}
	changed := false
	for _, c := range append(append([]template.Cell(nil), s.Left...), s.Right...) {
		if !b.blank[c] || b.null[c] != "" || b.settled[c] {
			continue
		}
		b.null[c] = fmt.Sprintf("%s: printed blank, but as 0 the sum it is in does not hold (%s against %s: %s); fill it in",
			b.name(c), record.Num(left), record.Num(right), b.sumText(s))
		changed = true
	}
	return changed
}

// name returns a cell's row and column labels.
func (b *blanks) name(c template.Cell) string {
	r := b.t.Row(c.Row)
	for _, col := range b.t.ColumnsOf(r) {
		if col.Key == c.Column {
			return r.Label + " / " + col.Label
		}
	}
	return r.Label + " / " + c.Column
}

// sumText says what a sum states, in keys.
func (b *blanks) sumText(s template.Sum) string {
	side := func(cells []template.Cell) string {
		keys := make([]string, len(cells))
		for i, c := range cells {
			keys[i] = c.Row + "." + c.Column
		}
		return strings.Join(keys, " + ")
	}
	return side(s.Left) + " = " + side(s.Right)
}

// report sets the blanks found null to null, with value.missing, and lists
// those read as 0 in one value.blank warning.
func (b *blanks) report(rec *record.Record) {
	var zeros []string
	for _, c := range b.cells {
		why, isNull := b.null[c]
		if !isNull {
			zeros = append(zeros, c.Row+"."+c.Column)
			continue
		}
		row, _ := b.table.Get(c.Row)
		row.Set(c.Column, record.Value{})
		f := record.Finding{Rule: validate.RuleValueMissing, Severity: record.Error,
			Table: b.t.Key, Row: c.Row, Column: c.Column, Message: why}
		rec.Findings = append(rec.Findings, f)
	}
	if len(zeros) > 0 {
		rec.Findings = append(rec.Findings, record.Finding{Rule: validate.RuleValueBlank, Severity: record.Warning, Table: b.t.Key,
			Message: fmt.Sprintf("%d count cell(s) printed blank (empty, /, —, - or 无) are read as 0, as the table's arithmetic allows: %s",
				len(zeros), strings.Join(zeros, ", "))})
	}
}
