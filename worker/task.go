// Package worker runs nianbao as an Asynq worker: one task per document,
// named by the document's SHA-256 so that the same document enqueued twice
// is processed once; a watched drop folder; records written atomically under
// an output directory; metrics.
package worker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/internal/inputfile"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// TypeDocument is the type of the task that turns one document into a record.
const TypeDocument = "nianbao:document"

// Queues. Drop is weighted above bulk, so a file dropped into the watched
// folder is not stuck behind a 50,000-file archive.
const (
	QueueDrop = "drop"
	QueueBulk = "bulk"
)

// DefaultQueues is Config.Queues' default: of ten tasks taken while both
// queues hold work, about nine come from drop.
var DefaultQueues = map[string]int{QueueDrop: 9, QueueBulk: 1}

// Doc is one document: a file, or an entry of a .zip archive read in place.
// It is the payload of a TypeDocument task. Paths are on a volume every
// worker sees.
type Doc struct {
	// Path is the file, or the archive that holds Entry; absolute.
	Path string `json:"path"`
	// Entry is the entry's name in the archive at Path; "" for a plain file.
	Entry string `json:"entry,omitempty"`
	// Zip is where Entry is in the archive, as listed, so that it is read
	// by offset; tasks made before it was kept find Entry by name.
	Zip *ziparchive.Entry `json:"zip,omitempty"`
	// Rel is the slash-separated path the record mirrors under the output
	// directory: Rel + ".json".
	Rel string `json:"rel"`
	// SHA256 is the content's hash, hex; the task ID derives from it.
	SHA256 string `json:"sha256"`
	// Format is the format pipeline.Detect tells; it picks the timeout.
	Format string `json:"format,omitempty"`
	// Pages is how many pages pipeline.Pages counts (0: it cannot tell);
	// each adds its format's per-page time to the timeout.
	Pages int `json:"pages,omitempty"`
	// Inbox is the watched folder the file was dropped into, if it was: the
	// file moves to Inbox/done/ or Inbox/failed/ once processed.
	Inbox string `json:"inbox,omitempty"`
}

// String names the document in messages.
func (d Doc) String() string {
	if d.Entry != "" {
		return d.Path + ":" + d.Entry
	}
	return d.Path
}

// TaskID returns the ID of the task of a document with the content hash sum.
func TaskID(sum string) string { return "doc:" + sum }

// TaskConfig configures the tasks an Enqueuer makes. Zero fields take their
// defaults.
type TaskConfig struct {
	// Timeouts is how long a document of each format may take, by
	// pipeline.Format*; formats not listed get DefaultTimeout.
	Timeouts map[string]time.Duration
	// PerPage is added to the timeout for each page of a document of the
	// format, so a long scan, read by OCR page by page, can finish; formats
	// not listed get none. Default DefaultPerPage.
	PerPage map[string]time.Duration
	// MaxRetry is how often a transient failure (I/O, Redis) is retried.
	// Default 8.
	MaxRetry int
	// Retention is how long a processed task, with its record as the task's
	// result, stays in Redis; while it does, enqueueing the same document
	// again is a duplicate. Default 7 days.
	Retention time.Duration
}

// DefaultTimeouts are TaskConfig.Timeouts' defaults: parsing text takes
// milliseconds, OCR of a scanned PDF minutes.
var DefaultTimeouts = map[string]time.Duration{
	pipeline.FormatText:  time.Minute,
	pipeline.FormatHTML:  time.Minute,
	pipeline.FormatDOCX:  3 * time.Minute,
	pipeline.FormatPDF:   20 * time.Minute,
	pipeline.FormatImage: 5 * time.Minute,
}

// DefaultPerPage is TaskConfig.PerPage's default: a scanned page takes OCR
// tens of seconds on a busy machine.
var DefaultPerPage = map[string]time.Duration{
	pipeline.FormatPDF:   time.Minute,
	pipeline.FormatImage: time.Minute,
}

// Defaults of TaskConfig.
const (
	DefaultTimeout   = 5 * time.Minute
	DefaultMaxRetry  = 8
	DefaultRetention = 7 * 24 * time.Hour
)

func (c TaskConfig) withDefaults() TaskConfig {
	if c.Timeouts == nil {
		c.Timeouts = DefaultTimeouts
	}
	if c.PerPage == nil {
		c.PerPage = DefaultPerPage
	}
	if c.MaxRetry <= 0 {
		c.MaxRetry = DefaultMaxRetry
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	return c
}

// Timeout returns the timeout of a document of the format with pages
// pages: the format's own, and its per-page time for each page.
func (c TaskConfig) Timeout(format string, pages int) time.Duration {
	c = c.withDefaults()
	t, ok := c.Timeouts[format]
	if !ok {
		t = DefaultTimeout
	}
	return t + time.Duration(max(pages, 0))*c.PerPage[format]
}

// NewTask returns the task of a document on a queue.
func NewTask(doc Doc, queue string, cfg TaskConfig) (*asynq.Task, error) {
	if doc.SHA256 == "" {
		return nil, fmt.Errorf("worker: %s: no content hash", doc)
	}
	payload, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return asynq.NewTask(TypeDocument, payload,
		asynq.TaskID(TaskID(doc.SHA256)),
		asynq.Queue(queue),
		asynq.Timeout(cfg.Timeout(doc.Format, doc.Pages)),
		asynq.MaxRetry(cfg.MaxRetry),
		asynq.Retention(cfg.Retention),
	), nil
}

// Open opens the document's content: the entry of its archive, or the file,
// which must be a regular file (a link, FIFO, socket or device is refused
// unread; see inputfile) and, for a dropped file, on the drop folder's
// volume, and not open for writing. Reading a plain file to its end fails
// with inputfile.ErrChanged when it changed meanwhile.
func (d Doc) Open(lim ziparchive.Limits) (io.ReadCloser, error) {
	switch {
	case d.Zip != nil:
		return ziparchive.OpenEntry(d.Path, *d.Zip, lim)
	case d.Entry != "":
		return ziparchive.Open(d.Path, d.Entry, lim)
	}
	f, err := inputfile.Open(d.Path)
	if err != nil {
		return nil, err
	}
	if d.Inbox != "" {
		if inbox, err := os.Stat(d.Inbox); err == nil && !inputfile.SameVolume(f.Info(), inbox) {
			f.Close()
			return nil, fmt.Errorf("%w (%s), not read", inputfile.ErrOtherVolume, d.Inbox)
		}
		// A file found at start, or whose close was missed, may still be
		// being written however long it has not changed.
		if f.BeingWritten() {
			f.Close()
			return nil, fmt.Errorf("%w: a process still has it open for writing", inputfile.ErrChanged)
		}
	}
	return f, nil
}

// Identify fills in the document's hash, format and pages from its content.
func (d *Doc) Identify(lim ziparchive.Limits) error {
	rc, err := d.Open(lim)
	if err != nil {
		return err
	}
	defer rc.Close()
	// Whole, for the page count; the pipeline reads no more than this.
	data, err := io.ReadAll(io.LimitReader(rc, pipeline.DefaultMaxFileSize+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", d, err)
	}
	sum := sha256.Sum256(data)
	d.SHA256 = hex.EncodeToString(sum[:])
	d.Format = pipeline.Detect(d.Rel, data[:min(len(data), 512)])
	d.Pages = pipeline.Pages(d.Format, data)
	return nil
}
