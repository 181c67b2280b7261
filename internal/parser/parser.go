// Package parser reads the layout model of a report into its record: title,
// agency, year, template, script, the six sections' prose and the three
// tables. It does not care which converter made the model; it knows the
// template only through package template. It reports what it read and never
// judges it: the arithmetic is the validator's.
package parser

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
	"github.com/nianbao/nianbao/internal/validate"
)

// Config configures a Parser.
type Config struct {
	// MinConfidence is the OCR confidence, in [0, 1], below which a value
	// read by OCR gets an ocr.low_confidence warning. Default 0.6.
	MinConfidence float64
	// UnreadableConfidence is the OCR confidence below which a value is not
	// used at all: it is null (so the validator reports it missing), with
	// what OCR read kept as a note. A guess that poor must not pass as a
	// printed count. Default 0.3.
	UnreadableConfidence float64
}

// Parser reads documents into records. It is safe for concurrent use.
type Parser struct {
	cfg  Config
	norm *textnorm.Tables
	// rows indexes each template table's row labels. Read only after New.
	rows map[*template.Table]*rowIndex
	// scratch pools the buffers of Parse calls.
	scratch sync.Pool
}

// New returns a Parser.
func New(cfg Config) *Parser {
	if cfg.MinConfidence == 0 {
		cfg.MinConfidence = 0.6
	}
	if cfg.UnreadableConfidence == 0 {
		cfg.UnreadableConfidence = 0.3
	}
	p := &Parser{cfg: cfg, norm: textnorm.New(), rows: map[*template.Table]*rowIndex{}}
	for _, tp := range template.All() {
		for i := range tp.Tables {
			t := &tp.Tables[i]
			p.rows[t] = newRowIndex(p.norm, t)
		}
	}
	return p
}

// Parse reads doc into a record. The record's source, findings from the
// validator and status are left for the caller.
func (p *Parser) Parse(doc *layout.Document) *record.Record {
	rec, _ := p.ParseRereads(doc)
	return rec
}

// Reread is a table value whose cell its converter can read again (see
// layout.Rereader): one read by OCR, a number, kept or left null as too
// doubtful to use.
type Reread struct {
	Table, Row, Column string
	// Raw is the first reading, the value's text, read with Confidence.
	Raw        string
	Confidence float64
	layout.Rereader
}

// ParseRereads is Parse, also returning the values whose cells can be read
// again, in the tables' order.
func (p *Parser) ParseRereads(doc *layout.Document) (*record.Record, []Reread) {
	s, _ := p.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	defer func() {
		s.release()
		p.scratch.Put(s)
	}()
	lines := p.lines(doc, s)
	rec := &record.Record{
		Schema:   record.Schema,
		Script:   p.script(lines),
		Notes:    []record.Note{},
		Findings: []record.Finding{},
	}
	var rereads []Reread
	heads := findHeadings(lines)
	tp := detectTemplate(lines)
	rec.Template = tp.ID

	bodyStart := len(lines)
	for _, h := range heads {
		if h >= 0 && h < bodyStart {
			bodyStart = h
		}
	}
	p.readMeta(rec, lines, bodyStart)
	for _, d := range doc.Doubts {
		rec.Findings = append(rec.Findings, record.Finding{Rule: validate.RuleMetaLowConfidence, Severity: record.Warning, Message: d})
	}

	inTable := make([]bool, len(lines))
	for i := range tp.Tables {
		t := &tp.Tables[i]
		from, to := region(heads, sectionIndex(t.Section), len(lines))
		table, sp := p.readTable(rec, &rereads, t, lines, from, to)
		switch t.Key {
		case template.ActiveDisclosure:
			rec.ActiveDisclosure = table
		case template.Applications:
			rec.Applications = table
		case template.ReviewsLitigation:
			rec.ReviewsLitigation = table
		}
		for i := sp.first; i >= 0 && i <= sp.last; i++ {
			inTable[i] = true
		}
	}
	rec.Sections = sectionProse(lines, heads, inTable)
	return rec, rereads
}

// script tells the document's script from the cells at its start.
func (p *Parser) script(lines []line) string {
	var count textnorm.ScriptCount
	for i := range lines {
		for _, c := range lines[i].cells {
			p.norm.Count(&count, c.raw)
		}
		if count.Decided() {
			break
		}
	}
	return count.Script()
}

// headingRunes is the longest line read as a section heading.
const headingRunes = 40

// findHeadings returns, for each section of template.Sections(), the line of
// its heading, or -1. Headings are short lines numbered 一、 or 1、 and are
// found in order, so a phrase in an earlier section cannot take a later one.
func findHeadings(lines []line) []int {
	sections := template.Sections()
	heads := make([]int, len(sections))
	for i := range heads {
		heads[i] = -1
	}
	next := 0
	for i := range lines {
		// Markdown marks a heading with #… or sets it in **bold**.
		f := strings.Trim(strings.TrimLeft(lines[i].single(), "#"), "*")
		if f == "" || f[0] == '(' || !textnorm.HasListNumber(f) || utf8.RuneCountInString(f) > headingRunes {
			continue
		}
		for j := next; j < len(sections); j++ {
			if containsAny(f, sections[j].Match) {
				heads[j] = i
				next = j + 1
				break
			}
		}
	}
	return heads
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func sectionIndex(key string) int {
	for i, s := range template.Sections() {
		if s.Key == key {
			return i
		}
	}
	return -1
}

// region returns the lines of section k: from its heading to the next heading
// found. Where its heading is missing, the region widens to the neighbouring
// headings found, so a table is still read.
func region(heads []int, k, n int) (from, to int) {
	from, to = 0, n
	if k >= 0 && heads[k] >= 0 {
		from = heads[k] + 1
	} else {
		for j := k - 1; j >= 0; j-- {
			if heads[j] >= 0 {
				from = heads[j] + 1
				break
			}
		}
	}
	for j := k + 1; j < len(heads); j++ {
		if heads[j] >= 0 && heads[j] >= from {
			to = heads[j]
			break
		}
	}
	return from, to
}

// markersToDecide is how many of one template's marker phrases settle which
// template a report follows; the markers of the two never mix.
const markersToDecide = 3

// detectTemplate tells the template version by the header and row phrases
// only one of them prints; the newest wins a tie.
func detectTemplate(lines []line) *template.Template {
	all := template.All()
	scores := make([]int, len(all))
	for i := range lines {
		if lines[i].prose {
			continue
		}
		for _, c := range lines[i].cells {
			if c.val.Class != number.Text {
				continue
			}
			for k, tp := range all {
				for _, m := range tp.Markers {
					if strings.Contains(c.folded, m) {
						if scores[k]++; scores[k] == markersToDecide {
							return tp
						}
					}
				}
			}
		}
	}
	best := 0
	for k := range all {
		if scores[k] > scores[best] {
			best = k
		}
	}
	return all[best]
}

// readTable reads one table from lines [from, to). It returns nil when no row
// of it is found, and the span of lines the table took.
func (p *Parser) readTable(rec *record.Record, rereads *[]Reread, t *template.Table, lines []line, from, to int) (*record.Table, span) {
	if t.Flat {
		cells, sp, ok := scanFlat(lines, p.norm.Fold(t.Rows[0].Label), from, to)
		if !ok {
			return nil, sp
		}
		cells = fit(cells, len(t.Rows)*len(t.Columns))
		table := &record.Table{}
		table.Grow(len(t.Rows))
		bl := blanks{t: t, table: table}
		for i := range t.Rows {
			r := &t.Rows[i]
			n := len(t.Columns)
			table.Set(r.Key, p.rowValues(rec, rereads, t, r, cells[i*n:(i+1)*n], &bl))
		}
		bl.settle()
		bl.report(rec)
		return table, sp
	}
	scan := scanRows(p.rows[t], lines, from, to)
	placed := scan.placeOrphans()
	// A table whose rows were found only as a stream it could not place is
	// still found: its values are null, not its table missing.
	streamed := scan.missing() && p.readStream(rec, t, lines, from, to, scan)
	if len(scan.hits) == 0 && !streamed {
		return nil, scan.span
	}
	placeColumns(t, scan)
	// A row left unread for printing more values than it has columns keeps
	// them as a note, so nothing printed is lost.
	for _, o := range scan.overflows {
		if scan.hits[o.key] == nil {
			rec.Notes = append(rec.Notes, record.Note{Table: t.Key, Row: o.key,
				Text: fmt.Sprintf("%d values for %d columns: %s", countValues(o.values), len(t.ColumnsOf(t.Row(o.key))), joinValues(o.values))})
		}
	}
	for _, pl := range placed {
		where := "between " + orEnd(pl.before, "the table's start") + " and " + orEnd(pl.next, "its end")
		rec.Findings = append(rec.Findings, record.Finding{
			Rule: validate.RuleLowConfidence, Severity: record.Warning, Table: t.Key, Row: pl.row.Key,
			Message: fmt.Sprintf("%s: OCR read this row's label as %q, which names no row; its values are taken as this row's by their place, as the rows missing %s are as many as the rows read there. Check it against the page.",
				pl.row.Label, pl.label, where),
		})
	}
	p.labelFindings(rec, t, scan)
	// A row printed in place of others leaves them out, not null.
	replaced := t.Replaced(func(k string) bool { return scan.hits[k] != nil })
	table := &record.Table{}
	table.Grow(len(t.Rows))
	bl := blanks{t: t, table: table}
	for i := range t.Rows {
		r := &t.Rows[i]
		hit := scan.hits[r.Key]
		if hit == nil && (replaced[r.Key] || len(r.Replaces) > 0) {
			continue
		}
		var cells []*cell
		if hit != nil {
			cells = hit.values
		}
		table.Set(r.Key, p.rowValues(rec, rereads, t, r, fit(cells, len(t.ColumnsOf(r))), &bl))
	}
	bl.settle()
	bl.report(rec)
	return table, scan.span
}

// labelFindings reports the row labels that were not the template's own:
// those read as a row they were near to, and those near two rows, whose
// values are left out.
func (p *Parser) labelFindings(rec *record.Record, t *template.Table, scan *rowScan) {
	for i := range t.Rows {
		r := &t.Rows[i]
		hit := scan.hits[r.Key]
		if hit == nil || hit.match.distance == 0 {
			continue
		}
		rec.Findings = append(rec.Findings, record.Finding{
			Rule: validate.RuleDeviation, Severity: record.Warning, Table: t.Key, Row: r.Key,
			Message: fmt.Sprintf("the row label %q is taken for %s: it differs by %d character(s) from %q; check the label",
				hit.match.label, r.Label, hit.match.distance, hit.match.like),
		})
	}
	for _, a := range scan.ambiguous {
		labels := make([]string, len(a.match.near))
		for k, i := range a.match.near {
			labels[k] = t.Rows[i].Label
		}
		rec.Findings = append(rec.Findings, record.Finding{
			Rule: validate.RuleDeviation, Severity: record.Warning, Table: t.Key,
			Message: fmt.Sprintf("the row label %q is as near to %s: which row it is cannot be told, so its values (%s) are placed in none; read them from the document",
				a.match.label, strings.Join(labels, " as to "), joinValues(a.values)),
		})
	}
}

// rowValues turns a row's fitted cells into values, keeping notes and
// flagging values read with low OCR confidence. Count cells printed blank
// read as 0, added to bl to be settled once the table is read. Numbers
// whose cells can be read again are added to rereads.
func (p *Parser) rowValues(rec *record.Record, rereads *[]Reread, t *template.Table, r *template.Row, cells []*cell, bl *blanks) *record.Row {
	cols := t.ColumnsOf(r)
	row := &record.Row{}
	row.Grow(len(cols))
	for i, col := range cols {
		c := cells[i]
		v := record.Value{}
		switch c.val.Class {
		case number.Number:
			v = record.Num(c.val.Num)
			if c.val.Note != "" {
				rec.Notes = append(rec.Notes, record.Note{Table: t.Key, Row: r.Key, Column: col.Key, Text: c.val.Note})
			}
		case number.Text:
			rec.Notes = append(rec.Notes, record.Note{Table: t.Key, Row: r.Key, Column: col.Key, Text: c.raw})
		default:
			if p.blankRead(c, col) {
				v = record.Num(0)
				bl.add(r.Key, col.Key)
			}
		}
		if c.unconfirmed && v.Valid && !t.Summed(template.Cell{Row: r.Key, Column: col.Key}) {
			// Pieces joined by where they stand, with no sum to check the
			// join, are no evidence of a value.
			v = record.Value{}
			rec.Findings = append(rec.Findings, record.Finding{
				Rule: validate.RuleValueMissing, Severity: record.Error,
				Table: t.Key, Row: r.Key, Column: col.Key,
				Message: fmt.Sprintf("%s / %s: printed in pieces over several lines (%s), and no sum of the table checks how they join; read it from the document",
					r.Label, col.Label, c.raw),
			})
		}
		if c.conf > 0 && c.conf < p.cfg.MinConfidence && c.val.Class != number.Empty {
			read, action := v, "check it against the page"
			if c.conf < p.cfg.UnreadableConfidence {
				if c.val.Class == number.Number {
					rec.Notes = append(rec.Notes, record.Note{Table: t.Key, Row: r.Key, Column: col.Key, Text: c.raw})
				}
				v = record.Value{}
				action = "too doubtful to use, so the value is left null; read it from the page"
			}
			rec.Findings = append(rec.Findings, record.Finding{
				Rule: validate.RuleLowConfidence, Severity: record.Warning,
				Table: t.Key, Row: r.Key, Column: col.Key, Actual: &read,
				Message: fmt.Sprintf("%s / %s: OCR read %q with confidence %.2f (below %.2f); %s",
					r.Label, col.Label, c.raw, c.conf, p.cfg.MinConfidence, action),
			})
		}
		row.Set(col.Key, v)
		if c.reread != nil && c.val.Class == number.Number {
			*rereads = append(*rereads, Reread{Table: t.Key, Row: r.Key, Column: col.Key, Raw: c.raw, Confidence: c.conf, Rereader: c.reread})
		}
		if c.prov.Box != nil {
			rec.Provenance = append(rec.Provenance, ocrSource(t.Key, r.Key, col.Key, c))
		}
	}
	return row
}

// countValues counts the cells that are not blank.
func countValues(cells []*cell) int {
	n := 0
	for _, c := range cells {
		if c.val.Class != number.Empty {
			n++
		}
	}
	return n
}

// joinValues returns the text of the cells that are not blank, spaced.
func joinValues(cells []*cell) string {
	var b strings.Builder
	for _, c := range cells {
		if c.val.Class != number.Empty {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(c.raw)
		}
	}
	return b.String()
}

// orEnd returns label, or end when it is "".
func orEnd(label, end string) string {
	if label == "" {
		return end
	}
	return label
}

// blank reports a line with no text in any cell, such as a run of pipes.
func blank(l *line) bool {
	for _, c := range l.cells {
		if c.raw != "" {
			return false
		}
	}
	return true
}

// sectionProse collects each section's text: its lines after the heading,
// without table rows.
func sectionProse(lines []line, heads []int, inTable []bool) *record.Sections {
	secs := &record.Sections{}
	for k, s := range template.Sections() {
		var b strings.Builder
		if heads[k] >= 0 {
			from, to := region(heads, k, len(lines))
			for i := from; i < to; i++ {
				if lines[i].grid || inTable[i] || blank(&lines[i]) {
					continue
				}
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(lines[i].text)
			}
		}
		secs.Set(s.Key, b.String())
	}
	return secs
}
