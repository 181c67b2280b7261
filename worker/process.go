package worker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/inputfile"
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

// Processor turns one document into a record written under the output
// directory. The Asynq handler and the batch command both run it. It is safe
// for concurrent use.
type Processor struct {
	Pipeline *pipeline.Pipeline
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
	if doc.SHA256 != "" {
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != doc.SHA256 {
			return Result{}, fmt.Errorf("%s: %w", doc, ErrChanged)
		}
	}
	rec, err := p.Pipeline.Bytes(ctx, doc.Rel, data)
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
