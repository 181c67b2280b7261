// Package review keeps the decisions people make in the review station: for
// each record NAME.json, a sidecar NAME.review.json lists every value a person
// typed or confirmed (before, after, who, when). The record as read is never
// rewritten; Apply gives the record with the decisions applied, checked
// again, which the station shows and the exports write.
package review

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
	"github.com/nianbao/nianbao/worker/results"
)

// Suffix ends a sidecar's name: a.pdf.json has a.pdf.review.json.
const Suffix = ".review.json"

// Schema is a sidecar's "schema" value.
const Schema = "nianbao.review/v1"

// ErrConflict is returned when a record or its decisions changed since the
// version a save was made against.
var ErrConflict = errors.New("the record was changed by someone else since you opened it; reload it to see their decisions, then decide again")

// Sidecar is the content of NAME.review.json: every decision in the order
// made. A later decision on a cell overrides an earlier one; all are kept.
type Sidecar struct {
	Schema    string          `json:"schema"`
	Decisions []record.Review `json:"decisions"`
}

// SidecarPath returns the sidecar's path of the record at path. A record
// whose name already fills the file system's limit gets a sidecar name
// shortened as the sink shortens names.
func SidecarPath(recordPath string) string {
	base := strings.TrimSuffix(recordPath, results.RecordSuffix)
	return filepath.Join(filepath.Dir(base), results.OutputName(filepath.Base(base), Suffix, results.FoldNone))
}

// IsSidecar tells whether a file name is a sidecar's.
func IsSidecar(name string) bool { return strings.HasSuffix(name, Suffix) }

// Doc is a record with its decisions.
type Doc struct {
	Read     *record.Record // as the parser wrote it
	Sidecar  Sidecar
	Reviewed *record.Record // with the decisions applied and checked again
	// Version changes whenever the record or its sidecar does; a save names
	// the version it was made against.
	Version string
}

// Load reads the record at path and its sidecar, if any.
func Load(path string) (*Doc, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	var rec record.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("review: %s: %w", path, err)
	}
	if rec.Schema != record.Schema {
		return nil, fmt.Errorf("review: %s: not a record (schema %q)", path, rec.Schema)
	}
	side, err := os.ReadFile(SidecarPath(path))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("review: %w", err)
	}
	d := &Doc{Read: &rec, Sidecar: Sidecar{Schema: Schema}, Version: version(data, side)}
	if len(side) > 0 {
		if err := json.Unmarshal(side, &d.Sidecar); err != nil {
			return nil, fmt.Errorf("review: %s: %w", SidecarPath(path), err)
		}
	}
	if d.Reviewed, err = Apply(d.Read, d.Sidecar.Decisions); err != nil {
		return nil, fmt.Errorf("review: %s: %w", path, err)
	}
	return d, nil
}

func version(rec, side []byte) string {
	h := sha256.New()
	h.Write(rec)
	h.Write([]byte{0})
	h.Write(side)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Apply returns a copy of rec with the decisions' values in its tables,
// listed in Reviewed, and its findings and status checked again. Findings
// the validator did not raise (the parser's: ocr.low_confidence and the
// like) stay, but for those on a reviewed cell: a person has settled it.
func Apply(rec *record.Record, decisions []record.Review) (*record.Record, error) {
	out, err := clone(rec)
	if err != nil {
		return nil, err
	}
	if len(decisions) == 0 {
		return out, nil
	}
	bare, err := clone(rec)
	if err != nil {
		return nil, err
	}
	bare.Findings = []record.Finding{}
	validate.Check(bare)
	validators := map[string]bool{}
	for _, f := range bare.Findings {
		validators[findingKey(f)] = true
	}
	last := map[string]int{}
	var order []string
	for i, d := range decisions {
		if _, seen := last[d.Key()]; !seen {
			order = append(order, d.Key())
		}
		last[d.Key()] = i
	}
	out.Reviewed = nil
	reviewed := map[string]bool{}
	for _, k := range order {
		d := decisions[last[k]]
		before, err := cellOf(rec, d.Table, d.Row, d.Column)
		if err != nil {
			return nil, err
		}
		d.Before = before
		setCell(out, d.Table, d.Row, d.Column, d.After)
		out.Reviewed = append(out.Reviewed, d)
		reviewed[k] = true
	}
	kept := []record.Finding{}
	for _, f := range rec.Findings {
		if validators[findingKey(f)] || reviewed[f.Table+"."+f.Row+"."+f.Column] {
			continue
		}
		kept = append(kept, f)
	}
	out.Findings = kept
	validate.Check(out)
	return out, nil
}

func findingKey(f record.Finding) string {
	return strings.Join([]string{f.Rule, f.Table, f.Row, f.Column, f.Message}, "\x00")
}

func clone(rec *record.Record) (*record.Record, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	var out record.Record
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Cell checks that the record's template has the cell.
func Cell(rec *record.Record, table, row, column string) error {
	tp := template.Lookup(rec.Template)
	if tp == nil {
		return fmt.Errorf("unknown template %q", rec.Template)
	}
	t := tp.Table(table)
	if t == nil {
		return fmt.Errorf("no table %q", table)
	}
	r := t.Row(row)
	if r == nil {
		return fmt.Errorf("no row %q in table %s", row, table)
	}
	for _, c := range t.ColumnsOf(r) {
		if c.Key == column {
			return nil
		}
	}
	return fmt.Errorf("no column %q in row %s.%s", column, table, row)
}

// cellOf returns a value as read: null where the row or table is missing.
func cellOf(rec *record.Record, table, row, column string) (record.Value, error) {
	if err := Cell(rec, table, row, column); err != nil {
		return record.Value{}, err
	}
	r, ok := rec.TableOf(table).Get(row)
	if !ok {
		return record.Value{}, nil
	}
	v, _ := r.Get(column)
	return v, nil
}

// setCell sets a value, adding its row (and table) when the report lacked
// them: a person may fill in what could not be read.
func setCell(rec *record.Record, table, row, column string, v record.Value) {
	t := rec.TableOf(table)
	if t == nil {
		t = &record.Table{}
		switch table {
		case template.ActiveDisclosure:
			rec.ActiveDisclosure = t
		case template.Applications:
			rec.Applications = t
		case template.ReviewsLitigation:
			rec.ReviewsLitigation = t
		}
	}
	r, ok := t.Get(row)
	if !ok || r == nil {
		r = &record.Row{}
		t.Set(row, r)
	}
	r.Set(column, v)
}

// Store saves decisions, one at a time across its callers and, through a
// lock file, across processes on the same folder, so that two saves against
// the same version cannot both pass.
type Store struct {
	mu sync.Mutex
}

// lock takes the folder-wide lock of the record's directory: a hidden file,
// which exports and the station leave alone.
func lock(recordPath string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(filepath.Dir(recordPath), ".nianbao-review.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("review: lock: %w", err)
	}
	return func() { f.Close() }, nil
}

// Decide appends a decision to the sidecar of the record at path, made
// against version; it returns ErrConflict when the record or its sidecar
// changed since. The sidecar is written atomically.
func (s *Store) Decide(path, version string, d record.Review) (*Doc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lock(path)
	if err != nil {
		return nil, err
	}
	defer unlock()
	doc, err := Load(path)
	if err != nil {
		return nil, err
	}
	if doc.Version != version {
		return nil, ErrConflict
	}
	if !d.After.Valid {
		return nil, fmt.Errorf("review: a decision needs a number")
	}
	before, err := cellOf(doc.Read, d.Table, d.Row, d.Column)
	if err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	d.Before = before
	if d.At.IsZero() {
		d.At = time.Now().UTC()
	}
	doc.Sidecar.Schema = Schema
	doc.Sidecar.Decisions = append(doc.Sidecar.Decisions, d)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc.Sidecar); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	if err := results.WriteFile(SidecarPath(path), b.Bytes()); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	return Load(path)
}
