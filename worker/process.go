package worker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/inputfile"
	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/worker/results"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// ErrNotReport is wrapped when a document reads well but is not an annual
// report: neither a title nor any of the three tables was found. Such a
// document fails (to failed/, with this reason) rather than leaving a record
// that is all nulls; a report missing only some parts still gives a record,
// with status incomplete.
var ErrNotReport = errors.New("not a government information-disclosure annual report")

// ErrChanged is wrapped when a file's content is no longer what was enqueued:
// it was replaced after the task was made, and its new content is enqueued
// as a task of its own.
var ErrChanged = errors.New("file changed since it was enqueued")

// badInput are the errors that mean the document itself gives no record, so
// that trying again cannot help.
var badInput = []error{
	converters.ErrEmpty, converters.ErrNotText, converters.ErrCorrupt, converters.ErrEncrypted,
	converters.ErrTooLarge, converters.ErrUnsupported, ErrNotReport, ErrChanged, ziparchive.ErrUnsafeName,
	inputfile.ErrNotRegular, inputfile.ErrOtherVolume,
	jail.ErrCrash, jail.ErrResourceLimit,
}

// BadInput tells whether err means the document cannot give a record however
// often it is tried: corrupt, encrypted, too large, of a format this build
// cannot read, not a report.
func BadInput(err error) bool {
	for _, e := range badInput {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// FailureKind returns the kind of failure err is, as NAME.error.json names
// it: the jail's kind for a document that ended its child process
// (jail.KindCrash, jail.KindResourceLimit), results.KindBadInput for other
// bad input, results.KindFailed for the rest.
func FailureKind(err error) string {
	var jerr *jail.Error
	switch {
	case errors.As(err, &jerr):
		return jerr.Kind
	case BadInput(err):
		return results.KindBadInput
	}
	return results.KindFailed
}

// Processor turns one document into a record written under the output
// directory. The Asynq handler and the batch command both run it. It is safe
// for concurrent use.
type Processor struct {
	// Pipeline makes the records: a *pipeline.Jailed, so that a document
	// that crashes or exhausts its reader ends a child process, not the
	// caller.
	Pipeline pipeline.Runner
	Sink     *results.Sink
	// Zip caps the archive entries read.
	Zip ziparchive.Limits
	// MaxFileSize caps the bytes read of one document. Default
	// pipeline.DefaultMaxFileSize (keep it the pipeline's own limit).
	MaxFileSize int64
}

// Result is what Process made of a document.
type Result struct {
	Record *record.Record
	JSON   []byte // the record as written
	// Reused tells that the record was already written, by an earlier
	// attempt at the same content, and the document was not read again.
	Reused bool
}

// Process reads the document, runs the pipeline and writes the record. When
// doc.SHA256 is set and a record of that content is already at doc.Rel, it
// is returned as is: a task that is run again after a crash does not parse
// twice. Errors for which BadInput is true mean the document is at fault.
//
// A document that ended the child process reading it (an error wrapping a
// *jail.Error) is poison: it is recorded in the Sink by content hash before
// Process returns, and Process fails that content again at once, with the
// recorded reason, rather than read it in another child.
func (p *Processor) Process(ctx context.Context, doc Doc) (Result, error) {
	if doc.SHA256 != "" {
		if rec, data, err := p.Sink.Record(doc.Rel); err == nil && rec.Source.SHA256 == doc.SHA256 {
			return Result{Record: rec, JSON: data, Reused: true}, nil
		}
	}
	data, err := p.read(doc)
	if err != nil {
		return Result{}, err
	}
	sum256 := sha256.Sum256(data)
	sum := hex.EncodeToString(sum256[:])
	if doc.SHA256 != "" && sum != doc.SHA256 {
		return Result{}, fmt.Errorf("%s: %w", doc, ErrChanged)
	}
	if f, err := p.Sink.Poison(sum); err == nil {
		return Result{}, &jail.Error{Kind: f.Kind, Reason: fmt.Sprintf("%s (recorded %s as poison; not read again)", f.Reason, f.Time.Format(time.RFC3339))}
	}
	rec, err := p.Pipeline.Bytes(ctx, doc.Rel, data)
	var jerr *jail.Error
	if errors.As(err, &jerr) {
		f := results.Failure{File: doc.Rel, SHA256: sum, Task: TaskID(sum), Format: doc.Format, Reason: err.Error(), Kind: jerr.Kind, Time: time.Now().UTC()}
		if perr := p.Sink.WritePoison(f); perr != nil {
			return Result{}, fmt.Errorf("%w (and recording it as poison failed: %v)", err, perr)
		}
	}
	if err != nil {
		return Result{}, err
	}
	if NotReport(rec) {
		return Result{}, fmt.Errorf("%w: no title with 政府信息公开工作年度报告 and none of the three tables found", ErrNotReport)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	out, err := p.Sink.WriteRecord(doc.Rel, rec)
	if err != nil {
		return Result{}, err
	}
	return Result{Record: rec, JSON: out}, nil
}

// NotReport tells whether a record is of a document that is not a report at
// all: no title and no table.
func NotReport(rec *record.Record) bool {
	return rec.Title == "" && rec.ActiveDisclosure == nil && rec.Applications == nil && rec.ReviewsLitigation == nil
}

func (p *Processor) read(doc Doc) ([]byte, error) {
	limit := p.MaxFileSize
	if limit <= 0 {
		limit = pipeline.DefaultMaxFileSize
	}
	rc, err := doc.Open(p.Zip)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", doc, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", converters.ErrTooLarge, limit)
	}
	return data, nil
}
