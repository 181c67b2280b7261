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
// rowValues read as 0. As the spec has it, two kinds are null, with
// value.missing saying why: a blank total (of a row, or a cell of
// （七）总计) whose parts are not all 0, and a blank part of a row whose
// printed total disagrees with it as 0. The rest stay 0, listed in one
// value.blank warning; the validator then checks every sum as usual.
type blanks struct {
	t     *template.Table
	table *record.Table
	cells []template.Cell // in the order read
	blank map[template.Cell]bool
	// null holds the blanks found not to be 0, with the reason.
	null map[template.Cell]string
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

// settle decides the blanks, to a fixed point: a blank found null leaves the
// totals it is a part of unsettled.
func (b *blanks) settle() {
	if len(b.cells) == 0 {
		return
	}
	b.null = map[template.Cell]string{}
	sums := b.t.Sums()
	for changed := true; changed; {
		changed = false
		for _, s := range sums {
			if !s.Total {
				continue
			}
			if tc := s.Left[0]; b.blank[tc] {
				changed = b.blankTotal(tc, s.Right) || changed
			} else if tc.Row == s.Right[0].Row {
				changed = b.blankParts(s) || changed
			}
		}
	}
}

// blankTotal settles a blank total: 0 when its parts are all 0, else null.
func (b *blanks) blankTotal(tc template.Cell, parts []template.Cell) bool {
	if _, isNull := b.null[tc]; isNull {
		return false
	}
	sum, known := b.total(parts)
	switch {
	case known && sum == 0:
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

// blankParts makes null the blank parts of a row whose printed total
// disagrees with them as 0.
func (b *blanks) blankParts(s template.Sum) bool {
	total, okT := b.total(s.Left)
	parts, okP := b.total(s.Right)
	if !okT || !okP || math.Abs(total-parts) < 1e-9 {
		return false
	}
	changed := false
	for _, c := range s.Right {
		if _, isNull := b.null[c]; !b.blank[c] || isNull {
			continue
		}
		b.null[c] = fmt.Sprintf("%s: printed blank, but the row's 总计 reads %s while its other columns add up to %s with it as 0, so it is not 0; fill it in",
			b.name(c), record.Num(total), record.Num(parts))
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
