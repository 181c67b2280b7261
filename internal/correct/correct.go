// Package correct settles OCR misreadings by the arithmetic the template
// states: when sums of a record's tables fail and reading again the cells
// they add up (layout.Rereader: other scales, other thresholds) gives
// exactly one set of readings that makes every sum hold, those readings are
// taken, each with an ocr.corrected warning whose actual value is the first
// reading. Values a converter read as text (DOCX, PDF text, HTML, plain
// text) have no re-reading and are never changed.
//
// The fewest changes win: fits changing one value are looked for before
// any changing two, and two fits of the same size leave every value as
// read, since the arithmetic cannot tell which is right. The validator is
// the judge of a fit: no error but missing values may remain.
package correct

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// Defaults of Config.
const (
	DefaultMaxCells      = 16
	DefaultMaxChanges    = 2
	DefaultMaxTrials     = 2048
	DefaultMinConfidence = 0.5
)

// Config bounds what a correction may cost. The zero value uses the
// defaults.
type Config struct {
	// MaxCells is the most cells read again for one record: cells of the
	// failing sums, those more of them add up first. Default
	// DefaultMaxCells.
	MaxCells int
	// MaxChanges is the most values one correction changes; a record with
	// more failing sums than three times this many is left alone, as more
	// than misreadings. Default DefaultMaxChanges.
	MaxChanges int
	// MaxTrials is the most sets of readings checked for one record. When
	// it is reached before every set is checked, nothing is changed: the
	// fit found might not be the only one. Default DefaultMaxTrials.
	MaxTrials int
	// MinConfidence is the least OCR confidence, in [0, 1], of a
	// re-reading taken into account. Default DefaultMinConfidence.
	MinConfidence float64
}

// Corrector corrects records. It is safe for concurrent use.
type Corrector struct{ cfg Config }

// New returns a Corrector.
func New(cfg Config) *Corrector {
	if cfg.MaxCells <= 0 {
		cfg.MaxCells = DefaultMaxCells
	}
	if cfg.MaxChanges <= 0 {
		cfg.MaxChanges = DefaultMaxChanges
	}
	if cfg.MaxTrials <= 0 {
		cfg.MaxTrials = DefaultMaxTrials
	}
	if cfg.MinConfidence <= 0 {
		cfg.MinConfidence = DefaultMinConfidence
	}
	return &Corrector{cfg: cfg}
}

// candidate is a value that may be corrected: an OCR'd cell a failing sum
// adds up.
type candidate struct {
	parser.Reread
	row    *record.Row
	first  record.Value
	covers uint64 // the failing sums it is part of, a bit each
	read   bool
	alts   []alt
}

// alt is a re-reading of a candidate, other than its first.
type alt struct {
	v    record.Value
	text string
	conf float64
}

// choice is one candidate set to one of its alternatives.
type choice struct {
	c *candidate
	a alt
}

// Apply corrects rec, as the parser made it (before validation; the caller
// validates it after), from the re-readings of rereads, the values of rec
// whose cells can be read again. Values left null as too doubtful to use
// are filled first where the arithmetic settles them (see fill); then
// failing sums are corrected. It reports whether it changed a value.
// Errors are the context's and the re-readers'; rec is then unchanged.
func (c *Corrector) Apply(ctx context.Context, rec *record.Record, rereads []parser.Reread) (bool, error) {
	if len(rereads) == 0 {
		return false, nil
	}
	tp := template.Lookup(rec.Template)
	if tp == nil {
		return false, nil
	}
	findings, notes := slices.Clone(rec.Findings), slices.Clone(rec.Notes)
	filled, err := c.fill(ctx, tp, rec, rereads)
	if err == nil {
		var changed bool
		changed, err = c.correct(ctx, tp, rec, rereads)
		if err == nil {
			return changed || len(filled) > 0, nil
		}
	}
	for _, cd := range filled {
		cd.row.Set(cd.Column, record.Value{})
	}
	rec.Findings, rec.Notes = findings, notes
	return false, err
}

// correct changes values that failing sums add up (see Apply).
func (c *Corrector) correct(ctx context.Context, tp *template.Template, rec *record.Record, rereads []parser.Reread) (bool, error) {
	base := slices.Clone(rec.Findings)
	failing := failingSums(tp, check(rec, base))
	// A misreading fails three sums at most (its row's, its column's and
	// the balance); a bit each must fit in a word.
	if len(failing) == 0 || len(failing) > min(3*c.cfg.MaxChanges, 64) {
		return false, nil
	}
	all := uint64(1)<<len(failing) - 1
	cands := chosen(candidates(rec, rereads, failing), len(failing), c.cfg.MaxCells)
	s := search{rec: rec, base: base, all: all, budget: c.cfg.MaxTrials}
	for k := 1; k <= c.cfg.MaxChanges; k++ {
		for _, cd := range cands {
			// One change must be in every failing sum.
			if k == 1 && cd.covers != all {
				continue
			}
			if err := c.reread(ctx, cd); err != nil {
				return false, err
			}
		}
		s.fits = nil
		if !s.subsets(cands, k, 0, 0, nil) {
			return false, nil // out of trials: a fit may not be the only one
		}
		switch len(s.fits) {
		case 0:
			continue
		case 1:
			apply(tp, rec, s.fits[0])
			return true, nil
		}
		return false, nil // several fit
	}
	return false, nil
}

// reread reads a candidate's cell again once, keeping the numbers read
// surely enough that differ from the first reading.
func (c *Corrector) reread(ctx context.Context, cd *candidate) error {
	if cd.read {
		return nil
	}
	readings, err := cd.Rereader.Reread(ctx)
	if err != nil {
		return fmt.Errorf("reading %s.%s.%s again: %w", cd.Table, cd.Row, cd.Column, err)
	}
	cd.read = true
	for _, rd := range readings {
		v := number.Parse(rd.Text)
		if rd.Confidence < c.cfg.MinConfidence || v.Class != number.Number || v.Note != "" || v.Num == cd.first.Num {
			continue
		}
		if slices.ContainsFunc(cd.alts, func(a alt) bool { return a.v.Num == v.Num }) {
			continue
		}
		cd.alts = append(cd.alts, alt{v: record.Num(v.Num), text: rd.Text, conf: rd.Confidence})
	}
	return nil
}

// search tries sets of readings, each checked by the validator.
type search struct {
	rec    *record.Record
	base   []record.Finding
	all    uint64
	budget int
	fits   [][]choice
}

// subsets tries every set of k candidates from cands[from:] (chosen so far
// in picked, covering the sums in covered) that covers every failing sum,
// with every combination of their alternatives. It stops early once two
// fits are found, and returns false when out of trials.
func (s *search) subsets(cands []*candidate, k, from int, covered uint64, picked []*candidate) bool {
	if len(picked) == k {
		if covered != s.all {
			return true
		}
		return s.combine(picked, nil)
	}
	for i := from; i < len(cands) && len(s.fits) < 2; i++ {
		if len(cands[i].alts) == 0 {
			continue
		}
		if !s.subsets(cands, k, i+1, covered|cands[i].covers, append(picked, cands[i])) {
			return false
		}
	}
	return true
}

// combine tries each alternative of picked[len(chosen)], and on through the
// rest; a full set of choices is checked.
func (s *search) combine(picked []*candidate, chosen []choice) bool {
	if len(chosen) == len(picked) {
		if s.budget == 0 {
			return false
		}
		s.budget--
		for _, ch := range chosen {
			ch.c.row.Set(ch.c.Column, ch.a.v)
		}
		fit := !invalid(check(s.rec, s.base))
		for _, ch := range chosen {
			ch.c.row.Set(ch.c.Column, ch.c.first)
		}
		if fit {
			s.fits = append(s.fits, slices.Clone(chosen))
		}
		return true
	}
	cd := picked[len(chosen)]
	for _, a := range cd.alts {
		if len(s.fits) >= 2 {
			return true
		}
		if !s.combine(picked, append(chosen, choice{cd, a})) {
			return false
		}
	}
	return true
}

// check returns the findings the validator gives rec with the parser's
// findings base, leaving rec as it was.
func check(rec *record.Record, base []record.Finding) []record.Finding {
	trial := *rec
	trial.Findings = slices.Clone(base)
	validate.Check(&trial)
	return trial.Findings
}

// invalid reports an error among findings other than a missing value or
// table: arithmetic that fails, or a value that cannot be a count.
func invalid(findings []record.Finding) bool {
	return validate.Status(findings) == record.Invalid
}

// sum is a failing sum of one of the record's tables.
type sum struct {
	table string
	template.Sum
}

// failingSums returns the sums the validator's findings report failing.
func failingSums(tp *template.Template, findings []record.Finding) []sum {
	var out []sum
	for _, f := range findings {
		t := tp.Table(f.Table)
		if f.Severity != record.Error || t == nil {
			continue
		}
		for _, s := range t.Sums() {
			left := s.Left[0]
			var match bool
			switch f.Rule {
			case validate.RuleBalance:
				match = !s.Total && left.Column == f.Column
			case validate.RuleProcessedTotal, validate.RuleRowTotal, validate.RuleReviewTotal:
				match = s.Total && left == template.Cell{Row: f.Row, Column: f.Column}
			}
			if match {
				out = append(out, sum{t.Key, s})
				break
			}
		}
	}
	return out
}

// candidates returns the values of rereads that failing sums add up, and
// that are still as first read; those more sums add up first.
func candidates(rec *record.Record, rereads []parser.Reread, failing []sum) []*candidate {
	var out []*candidate
	for _, rr := range rereads {
		cell := template.Cell{Row: rr.Row, Column: rr.Column}
		var covers uint64
		for i, s := range failing {
			if s.table == rr.Table && (slices.Contains(s.Left, cell) || slices.Contains(s.Right, cell)) {
				covers |= 1 << i
			}
		}
		if covers == 0 {
			continue
		}
		row, ok := rec.TableOf(rr.Table).Get(rr.Row)
		if !ok {
			continue
		}
		v, _ := row.Get(rr.Column)
		if first := number.Parse(rr.Raw); !v.Valid || first.Class != number.Number || first.Num != v.Num {
			continue
		}
		out = append(out, &candidate{Reread: rr, row: row, first: v, covers: covers})
	}
	slices.SortStableFunc(out, func(a, b *candidate) int {
		if d := bits.OnesCount64(b.covers) - bits.OnesCount64(a.covers); d != 0 {
			return d
		}
		return cmp.Compare(a.Confidence, b.Confidence)
	})
	return out
}

// chosen returns at most n of cands, in their order, taking them for the
// sums in turn (sums of them fail), so that every failing sum has its
// share of cells read again however many cells the others add up.
func chosen(cands []*candidate, sums, n int) []*candidate {
	if len(cands) <= n {
		return cands
	}
	taken := make([]bool, len(cands))
	next := make([]int, sums) // per sum, the first candidate not looked at
	var out []*candidate
	for more := true; more && len(out) < n; {
		more = false
		for s := 0; s < sums && len(out) < n; s++ {
			for ; next[s] < len(cands); next[s]++ {
				if i := next[s]; !taken[i] && cands[i].covers&(1<<s) != 0 {
					taken[i] = true
					out = append(out, cands[i])
					more = true
					break
				}
			}
		}
	}
	// Back in the order of cands.
	out = out[:0]
	for i, c := range cands {
		if taken[i] {
			out = append(out, c)
		}
	}
	return out
}

// apply sets the values of the fit, each with its warning.
func apply(tp *template.Template, rec *record.Record, fit []choice) {
	for _, ch := range fit {
		cd := ch.c
		cd.row.Set(cd.Column, ch.a.v)
		first := cd.first
		rowLabel, colLabel := labels(tp, cd.Table, cd.Row, cd.Column)
		rec.Findings = append(rec.Findings, record.Finding{
			Rule: validate.RuleCorrected, Severity: record.Warning,
			Table: cd.Table, Row: cd.Row, Column: cd.Column, Actual: &first,
			Message: fmt.Sprintf("%s / %s: OCR first read %q, which leaves the table's sums failing; read again, the cell gave %q (confidence %.2f), the only reading that makes every sum hold, so it is taken. Check it against the page.",
				rowLabel, colLabel, cd.Raw, ch.a.text, ch.a.conf),
		})
	}
}

// labels returns the printed labels of a row and a column.
func labels(tp *template.Template, table, row, column string) (string, string) {
	t := tp.Table(table)
	r := t.Row(row)
	if r == nil {
		return row, column
	}
	for _, c := range t.ColumnsOf(r) {
		if c.Key == column {
			return r.Label, c.Label
		}
	}
	return r.Label, column
}

// fill sets the values left null as too doubtful to use that the
// arithmetic settles: a reading of the cell (the first, else one read
// again) is taken when it completes a sum of its table that then holds,
// and every sum it completes holds. A doubtful reading that alone makes a
// whole sum come out right is the printed value; one that does not is
// left null. The cell is read again only when its first reading does not
// fit, and only when a sum lacks it alone. Each fill is looked for again
// after another, which may complete the sums of the next. It returns the
// values filled, each with an ocr.corrected warning in place of the
// parser's ocr.low_confidence one.
func (c *Corrector) fill(ctx context.Context, tp *template.Template, rec *record.Record, rereads []parser.Reread) ([]*candidate, error) {
	var nulls []*candidate
	for _, rr := range rereads {
		row, ok := rec.TableOf(rr.Table).Get(rr.Row)
		if !ok || tp.Table(rr.Table) == nil {
			continue
		}
		first := number.Parse(rr.Raw)
		if v, _ := row.Get(rr.Column); v.Valid || first.Class != number.Number || first.Note != "" {
			continue
		}
		nulls = append(nulls, &candidate{Reread: rr, row: row, first: record.Num(first.Num)})
	}
	var filled []*candidate
	for progress := true; progress; {
		progress = false
		for _, cd := range nulls {
			if v, _ := cd.row.Get(cd.Column); v.Valid {
				continue
			}
			tbl, cell := rec.TableOf(cd.Table), template.Cell{Row: cd.Row, Column: cd.Column}
			sums := sumsOf(tp.Table(cd.Table), cell)
			if !slices.ContainsFunc(sums, func(s template.Sum) bool { return lacksOnly(tbl, s, cell) }) {
				continue
			}
			a, ok := alt{v: cd.first, text: cd.Raw, conf: cd.Confidence}, settles(tbl, sums, cd, cd.first)
			if !ok {
				if err := c.reread(ctx, cd); err != nil {
					return filled, err
				}
				var fit []alt
				for _, x := range cd.alts {
					if settles(tbl, sums, cd, x.v) {
						fit = append(fit, x)
					}
				}
				if len(fit) != 1 {
					continue
				}
				a = fit[0]
			}
			cd.row.Set(cd.Column, a.v)
			filledFindings(tp, rec, cd, a)
			filled = append(filled, cd)
			progress = true
		}
	}
	return filled, nil
}

// sumsOf returns the sums of t that hold cell.
func sumsOf(t *template.Table, cell template.Cell) []template.Sum {
	var out []template.Sum
	for _, s := range t.Sums() {
		if slices.Contains(s.Left, cell) || slices.Contains(s.Right, cell) {
			out = append(out, s)
		}
	}
	return out
}

// settles reports whether v, set in the candidate's cell, completes a sum
// of sums that then holds, and every sum it completes holds.
func settles(tbl *record.Table, sums []template.Sum, cd *candidate, v record.Value) bool {
	cd.row.Set(cd.Column, v)
	defer cd.row.Set(cd.Column, record.Value{})
	complete := 0
	for _, s := range sums {
		l, okL := total(tbl, s, s.Left)
		r, okR := total(tbl, s, s.Right)
		if !okL || !okR {
			continue
		}
		if math.Abs(l-r) > 1e-6 {
			return false
		}
		complete++
	}
	return complete > 0
}

// lacksOnly reports whether every cell of s but cell has a value.
func lacksOnly(tbl *record.Table, s template.Sum, cell template.Cell) bool {
	for _, cs := range [][]template.Cell{s.Left, s.Right} {
		for _, c := range cs {
			if c == cell {
				continue
			}
			if v, ok := value(tbl, s, c); !ok || !v.Valid {
				return false
			}
		}
	}
	return true
}

// total adds up the values of cells of s; ok is false when one is missing.
func total(tbl *record.Table, s template.Sum, cells []template.Cell) (float64, bool) {
	sum := 0.0
	for _, c := range cells {
		v, ok := value(tbl, s, c)
		if !ok || !v.Valid {
			return 0, false
		}
		sum += v.Num
	}
	return sum, true
}

// value returns a cell of s, as the validator reads the sum: a total's
// parts in rows the report does not print count as nothing (a zero
// value, ok), any other cell so missing leaves the sum unread (not ok).
func value(tbl *record.Table, s template.Sum, c template.Cell) (record.Value, bool) {
	row, ok := tbl.Get(c.Row)
	if !ok {
		return record.Num(0), s.Total && !slices.Contains(s.Left, c)
	}
	v, _ := row.Get(c.Column)
	return v, true
}

// filledFindings replaces the parser's ocr.low_confidence warning and note
// on a value filled with reading a by an ocr.corrected warning.
func filledFindings(tp *template.Template, rec *record.Record, cd *candidate, a alt) {
	same := func(table, row, column string) bool {
		return table == cd.Table && row == cd.Row && column == cd.Column
	}
	rec.Findings = slices.DeleteFunc(rec.Findings, func(f record.Finding) bool {
		return f.Rule == validate.RuleLowConfidence && same(f.Table, f.Row, f.Column)
	})
	rec.Notes = slices.DeleteFunc(rec.Notes, func(n record.Note) bool {
		return n.Text == cd.Raw && same(n.Table, n.Row, n.Column)
	})
	rowLabel, colLabel := labels(tp, cd.Table, cd.Row, cd.Column)
	msg := fmt.Sprintf("%s / %s: OCR read %q with confidence %.2f, too doubtful to use alone, but with it a sum of the table that lacked only this value holds, and none fails, so it is taken. Check it against the page.",
		rowLabel, colLabel, cd.Raw, cd.Confidence)
	if a.text != cd.Raw {
		msg = fmt.Sprintf("%s / %s: OCR read %q with confidence %.2f, too doubtful to use; read again, the cell gave %q (confidence %.2f), the only reading with which a sum of the table that lacked only this value holds and none fails, so it is taken. Check it against the page.",
			rowLabel, colLabel, cd.Raw, cd.Confidence, a.text, a.conf)
	}
	first := cd.first
	rec.Findings = append(rec.Findings, record.Finding{
		Rule: validate.RuleCorrected, Severity: record.Warning,
		Table: cd.Table, Row: cd.Row, Column: cd.Column, Actual: &first,
		Message: msg,
	})
}
