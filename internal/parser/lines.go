package parser

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// line is one row of cells as the document gives it: a table row, or one line
// of a paragraph, split into cells where it is a table printed as text.
type line struct {
	cells []cell
	// grid is set for rows of a table block.
	grid bool
	// text is a paragraph line's text, trimmed, for prose and titles.
	text string
	// prose is set for a paragraph line that is a sentence of the report's
	// text rather than a table cell printed as text.
	prose bool
}

// multi reports whether the line holds several cells, so that its end is a
// row's end.
func (l *line) multi() bool { return len(l.cells) > 1 }

// single returns the folded text of a paragraph line of one cell, or "".
func (l *line) single() string {
	if l.grid || len(l.cells) != 1 {
		return ""
	}
	return l.cells[0].folded
}

// cell is one cell's text, folded for matching and read as a value.
type cell struct {
	raw    string
	folded string
	val    number.Value
	conf   float64
}

func (p *Parser) newCell(text string, conf float64) cell {
	raw := strings.TrimSpace(textnorm.StripArtefacts(text))
	return cell{raw: raw, folded: p.norm.Fold(raw), val: number.Parse(raw), conf: conf}
}

// scratch holds the buffers one Parse call cuts its lines and cells from.
// A report splits into hundreds of each, so they are reused across calls
// rather than allocated and collected each time.
type scratch struct {
	lines []line
	cells []cell
}

// release clears what the buffers refer to, so that a pooled scratch keeps
// no document alive.
func (s *scratch) release() {
	clear(s.lines)
	clear(s.cells)
	s.lines, s.cells = s.lines[:0], s.cells[:0]
}

// lines flattens the document into lines, in reading order, cut from s.
// Page breaks vanish, so a table cut by one reads on as one.
func (p *Parser) lines(doc *layout.Document, s *scratch) []line {
	out := slices.Grow(s.lines[:0], len(doc.Blocks))
	// Every line's cells are cut from one buffer, never reallocated, so the
	// lines' slices of it stay valid: a report has hundreds of small lines,
	// and a slice each would cost more than reading them.
	buf := slices.Grow(s.cells[:0], cellCount(doc))
	defer func() { s.lines, s.cells = out, buf }()
	for _, b := range doc.Blocks {
		switch b.Kind {
		case layout.Paragraph:
			for text := range strings.SplitSeq(b.Text, "\n") {
				var l line
				var ok bool
				if l, buf, ok = p.textLine(text, b.Prov.Confidence, buf); ok {
					out = append(out, l)
				}
			}
		case layout.Table:
			if b.Table == nil {
				continue
			}
			rows, _ := b.Table.Place()
			var below map[[2]int]bool // grid positions a cell merged down covers
			for r, row := range rows {
				start := len(buf)
				col := 0
				for _, c := range row {
					// A position covered from above holds no cell of this
					// row: it keeps its column as a blank, or the row's
					// values after it would shift left.
					for ; col < c.Col; col++ {
						if below[[2]int{r, col}] {
							buf = append(buf, cell{val: number.Value{Class: number.Empty}})
						}
					}
					buf = append(buf, p.newCell(c.Text, c.Prov.Confidence))
					rs, cs := c.Spans()
					for dr := 1; dr < rs; dr++ {
						for dc := range cs {
							if below == nil {
								below = map[[2]int]bool{}
							}
							below[[2]int{r + dr, c.Col + dc}] = true
						}
					}
					col = c.Col + cs
				}
				if len(buf) > start {
					out = append(out, line{grid: true, cells: buf[start:len(buf):len(buf)]})
				}
			}
		}
	}
	return out
}

// cellCount bounds the cells a document splits into, so that one buffer
// holds them all.
func cellCount(doc *layout.Document) int {
	n := 0
	for _, b := range doc.Blocks {
		switch b.Kind {
		case layout.Paragraph:
			n += 1 + strings.Count(b.Text, "\n") + strings.Count(b.Text, "|") + strings.Count(b.Text, "\t")
		case layout.Table:
			if b.Table != nil {
				// A cell, and a blank for each position below it that it
				// covers.
				for _, row := range b.Table.Rows {
					for _, c := range row {
						rs, cs := c.Spans()
						n += 1 + (rs-1)*cs
					}
				}
			}
		}
	}
	return n
}

// textLine splits a paragraph line into cells, appended to buf. Tables
// printed as text come as Markdown pipes (| a | b |), cells ending in a pipe
// (a |), tab-separated fields, or one cell a line indented by a tab.
func (p *Parser) textLine(text string, conf float64, buf []cell) (line, []cell, bool) {
	text = strings.TrimRight(text, "\r")
	trimmed := strings.TrimSpace(textnorm.StripArtefacts(text))
	if trimmed == "" && !strings.Contains(text, "\t") {
		// A blank line; a lone tab is an empty cell of a table printed one
		// cell a line.
		return line{}, buf, false
	}
	sep := ""
	switch {
	case strings.Contains(text, "|"):
		if markdownRule(text) {
			return line{}, buf, false
		}
		// A closing pipe ends the last cell rather than opening one.
		if k := strings.LastIndexByte(text, '|'); strings.TrimSpace(text[k+1:]) == "" {
			text = text[:k]
		}
		sep = "|"
	case strings.Count(text, "\t") > 1 || (strings.Contains(text, "\t") && !strings.HasPrefix(text, "\t")):
		sep = "\t"
	}
	l := line{text: trimmed}
	start := len(buf)
	switch {
	case sep == "" && utf8.RuneCountInString(trimmed) > longProseRunes:
		// Too long to be a heading, title or cell: no need to fold it.
		buf = append(buf, cell{raw: trimmed, val: number.Value{Class: number.Text}})
		l.prose = true
	case sep == "":
		buf = append(buf, p.newCell(text, conf))
	default:
		for part := range strings.SplitSeq(text, sep) {
			buf = append(buf, p.newCell(part, conf))
		}
	}
	l.cells = buf[start:len(buf):len(buf)]
	l.prose = l.prose || proseLike(l.single())
	return l, buf, true
}

// longProseRunes is the length past which a line is prose for every purpose.
const longProseRunes = 100

// markdownRule reports a Markdown table's header rule: |---|:---:|. A
// line of one lone - is a cell printed blank ("- |"), not a rule.
func markdownRule(text string) bool {
	parts, dashes := 0, 0
	for part := range strings.SplitSeq(text, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Trim(part, "-:") != "" {
			return false
		}
		parts++
		dashes += strings.Count(part, "-")
	}
	return parts > 1 || dashes > 1
}
