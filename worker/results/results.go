// Package results writes what the worker makes of each document under an
// output directory that mirrors the inputs' relative paths: NAME.json for a
// record, NAME.error.json for a document that failed. Every file is written
// atomically (a temporary file in the same directory, then a rename), so a
// reader never sees half a record, even when a worker is killed mid-write.
package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/record"
)

// Suffixes of the files a Sink writes.
const (
	RecordSuffix = ".json"
	ErrorSuffix  = ".error.json"
)

// Failure is the content of NAME.error.json: why a document gave no record.
type Failure struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256,omitempty"`
	// Task is the ID of the worker's task, when a worker failed it.
	Task   string `json:"task,omitempty"`
	Format string `json:"format,omitempty"`
	Reason string `json:"reason"`
	// Kind is KindBadInput or KindFailed, or the jail's kind of a document
	// that ended the child process reading it: "crash" or "resource_limit".
	Kind string    `json:"kind"`
	Time time.Time `json:"time"`
}

// Failure kinds.
const (
	// KindBadInput: the document itself cannot give a record (corrupt,
	// encrypted, too large, not a report…); trying again will not help.
	KindBadInput = "bad_input"
	// KindFailed: every retry failed for another reason (I/O, time out).
	KindFailed = "failed"
)

// Sink writes results under Dir, each at OutputName of its input.
type Sink struct {
	Dir string
	// Folding tells how Dir's file system compares names. Default
	// FoldProbe: a test file at first use tells.
	Folding Folding

	once sync.Once
}

func (s *Sink) folding() Folding {
	s.once.Do(func() {
		if s.Folding != FoldProbe {
			return
		}
		var err error
		if s.Folding, err = probeFolding(s.Dir); err != nil {
			// Unknown: folding assumed, which costs only longer names.
			s.Folding = FoldNames
		}
	})
	return s.Folding
}

// RecordPath returns where the record of the document at rel is written.
func (s *Sink) RecordPath(rel string) (string, error) {
	return s.path(rel, RecordSuffix)
}

// ErrorPath returns where the failure of the document at rel is written.
func (s *Sink) ErrorPath(rel string) (string, error) {
	return s.path(rel, ErrorSuffix)
}

func (s *Sink) path(rel, suffix string) (string, error) {
	return Path(s.Dir, rel, suffix, s.folding())
}

// Path returns where under dir the file with suffix of the input at rel
// goes: dir/OutputName(rel, suffix, fold).
func Path(dir, rel, suffix string, fold Folding) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("results: %q is not a relative path inside the output directory", rel)
	}
	return filepath.Join(dir, filepath.FromSlash(OutputName(rel, suffix, fold))), nil
}

// Marshal returns a record as the Sink writes it: indented JSON, Chinese
// unescaped, ending in a newline.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteRecord writes the record of the document at rel and removes a failure
// left by an earlier attempt. It returns the JSON written.
func (s *Sink) WriteRecord(rel string, rec *record.Record) ([]byte, error) {
	path, err := s.RecordPath(rel)
	if err != nil {
		return nil, err
	}
	data, err := Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", rel, err)
	}
	if err := WriteFile(path, data); err != nil {
		return nil, err
	}
	if ep, _ := s.ErrorPath(rel); ep != "" {
		if err := os.Remove(ep); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("results: %w", err)
		}
	}
	return data, nil
}

// WriteFailure writes NAME.error.json for the document at rel.
func (s *Sink) WriteFailure(rel string, f Failure) error {
	path, err := s.ErrorPath(rel)
	if err != nil {
		return err
	}
	f.Reason = OneLine(f.Reason)
	data, err := Marshal(f)
	if err != nil {
		return fmt.Errorf("results: %s: %w", rel, err)
	}
	return WriteFile(path, data)
}

// Record returns the record already written for the document at rel, or an
// error wrapping fs.ErrNotExist when there is none.
func (s *Sink) Record(rel string) (*record.Record, []byte, error) {
	path, err := s.RecordPath(rel)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var rec record.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, nil, fmt.Errorf("results: %s: %w", path, err)
	}
	return &rec, data, nil
}

// PoisonDir is the hidden folder of the output directory where documents
// that ended a child process are recorded, by content hash.
const PoisonDir = ".poison"

// WritePoison records that the document of f.SHA256 ended the child process
// reading it, so that no worker reads that content again.
func (s *Sink) WritePoison(f Failure) error {
	if f.SHA256 == "" {
		return fmt.Errorf("results: poison of %s: no content hash", f.File)
	}
	data, err := Marshal(f)
	if err != nil {
		return fmt.Errorf("results: %s: %w", f.File, err)
	}
	return WriteFile(filepath.Join(s.Dir, PoisonDir, f.SHA256+RecordSuffix), data)
}

// Poison returns what WritePoison recorded of the content with hash sum,
// or an error wrapping fs.ErrNotExist when it is not poison.
func (s *Sink) Poison(sum string) (*Failure, error) {
	if sum == "" || strings.ContainsAny(sum, `/\.`) {
		return nil, fmt.Errorf("results: poison %q: %w", sum, fs.ErrNotExist)
	}
	return ReadFailure(filepath.Join(s.Dir, PoisonDir, sum+RecordSuffix))
}

// ReadFailure reads a failure written by a Sink (NAME.error.json, poison).
func ReadFailure(path string) (*Failure, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Failure
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	return &f, nil
}

// WriteFile writes data to path atomically: into a hidden temporary file in
// the same directory, synced, then renamed over path. Missing directories
// are made.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	// Hidden, so exports and watchers never pick up a half-written file.
	// Cut so that the random tail still fits the name limit.
	base := filepath.Base(path)
	for len(base) > MaxNameBytes-32 {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	return nil
}

// IsResult tells whether a file name (not a path) is one a Sink writes, and
// which: a record or a failure. Hidden and temporary files are neither.
func IsResult(name string) (isRecord, isFailure bool) {
	if strings.HasPrefix(name, ".") {
		return false, false
	}
	if strings.HasSuffix(name, ErrorSuffix) {
		return false, true
	}
	return strings.HasSuffix(name, RecordSuffix), false
}
