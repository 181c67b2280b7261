package worker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/internal/inputfile"
	"github.com/nianbao/nianbao/worker/results"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// Defaults of WatchConfig.
const (
	DefaultSettle = 2 * time.Second
	DefaultRescan = time.Minute
)

// WatchConfig configures a Watcher.
type WatchConfig struct {
	// Dir is the drop folder. Processed files move to Dir/done/, failed ones
	// to Dir/failed/, under their path relative to Dir.
	Dir string
	// Settle is how long a file's size and modification time must stay the
	// same before it is taken, where the platform does not tell when its
	// writer closed it (Linux does: a file written to is taken once closed,
	// however long its writer pauses). Default 2 s.
	Settle time.Duration
	// Rescan is how often the whole folder is walked again, for events the
	// kernel dropped when its queue overflowed. Default 1 min.
	Rescan time.Duration
}

// Watcher enqueues every file that lands in a drop folder (fsnotify), once
// its writer closed it or it has stopped growing, and the files already
// there when it starts. Files go on QueueDrop; the entries of a .zip
// archive, which may be thousands, on QueueBulk. What is not a regular file
// (a link, a FIFO, a socket) is failed unread, with its reason.
type Watcher struct {
	cfg    WatchConfig
	enq    *Enqueuer
	sink   *results.Sink
	logger *slog.Logger

	fs       *fsnotify.Watcher
	writes   writeWatch // nil where the platform has no close-write events
	pending  map[string]*pendingFile
	enqueued map[string]stamp // files handed to the queue, as they were then
}

type stamp struct {
	size  int64
	mtime time.Time
}

type pendingFile struct {
	stamp
	since time.Time // when the stamp was last seen to change
	// writing: a writer has it open (written to since its last close, as
	// far as close-write events tell); closed: that writer closed it.
	writing, closed bool
	regular         bool // as Lstat last told
}

// writeWatch tells when a file under the folders added is created or
// written to, and when the process that had it open for writing closes it.
type writeWatch interface {
	Add(dir string) error
	Events() <-chan writeEvent
	Close() error
}

// writeEvent is a file written to, or closed by its writer. An empty Path
// means events were lost.
type writeEvent struct {
	Path   string
	Closed bool
}

// NewWatcher returns a watcher of cfg.Dir that enqueues with enq. Archives
// it rejects get their failure written to sink too.
func NewWatcher(cfg WatchConfig, enq *Enqueuer, sink *results.Sink, logger *slog.Logger) (*Watcher, error) {
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	if cfg.Rescan <= 0 {
		cfg.Rescan = DefaultRescan
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = dir
	if logger == nil {
		logger = slog.Default()
	}
	return &Watcher{cfg: cfg, enq: enq, sink: sink, logger: logger,
		pending: map[string]*pendingFile{}, enqueued: map[string]stamp{}}, nil
}

// Run watches until ctx is done.
func (w *Watcher) Run(ctx context.Context) error {
	for _, sub := range []string{"", DoneDir, FailedDir} {
		if err := os.MkdirAll(filepath.Join(w.cfg.Dir, sub), 0o755); err != nil {
			return fmt.Errorf("watch: %w", err)
		}
	}
	var err error
	if w.fs, err = fsnotify.NewWatcher(); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.fs.Close()
	if w.writes, err = newWriteWatch(); err != nil {
		w.logger.Warn("watch: no close-write events, files are taken once settled", "error", err)
	}
	var writes <-chan writeEvent
	if w.writes != nil {
		defer w.writes.Close()
		writes = w.writes.Events()
	}
	w.scan(w.cfg.Dir)

	tick := time.NewTicker(max(w.cfg.Settle/4, 20*time.Millisecond))
	defer tick.Stop()
	rescan := time.NewTicker(w.cfg.Rescan)
	defer rescan.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-w.fs.Events:
			w.event(ev)
		case ev, ok := <-writes:
			switch {
			case !ok:
				writes = nil
			case ev.Path == "":
				w.lostCloses()
			default:
				w.written(ev)
			}
		case err := <-w.fs.Errors:
			// Most likely the kernel's event queue overflowed: walk again.
			w.logger.Warn("watch: events lost, scanning the folder again", "error", err)
			w.scan(w.cfg.Dir)
		case <-rescan.C:
			w.prune()
			w.scan(w.cfg.Dir)
		case <-tick.C:
			w.settle(ctx)
		}
	}
}

// skipped tells whether a path is not for the queue: a hidden or temporary
// file, or anything under done/ and failed/.
func (w *Watcher) skipped(p string) bool {
	rel, err := filepath.Rel(w.cfg.Dir, p)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return true
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	if first == DoneDir || first == FailedDir {
		return true
	}
	for dir := rel; dir != "."; dir = filepath.Dir(dir) {
		if Ignored(filepath.Base(dir)) {
			return true
		}
	}
	return false
}

// scan watches dir and the folders under it and adds their files.
func (w *Watcher) scan(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // gone or unreadable: its events, if any, say more
		}
		if p != w.cfg.Dir && w.skipped(p) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := w.fs.Add(p); err != nil {
				w.logger.Warn("watch: cannot watch folder", "dir", p, "error", err)
			}
			if w.writes != nil {
				if err := w.writes.Add(p); err != nil {
					w.logger.Warn("watch: cannot watch folder for closes", "dir", p, "error", err)
				}
			}
			return nil
		}
		// Links, FIFOs and sockets too: each is failed with its reason.
		w.touch(p)
		return nil
	})
}

func (w *Watcher) event(ev fsnotify.Event) {
	if w.skipped(ev.Name) {
		return
	}
	switch {
	case ev.Has(fsnotify.Create):
		info, err := os.Lstat(ev.Name)
		if err != nil {
			return
		}
		if info.IsDir() {
			// Files may land in it before it is watched: scan it too.
			w.scan(ev.Name)
			return
		}
		w.touch(ev.Name)
	case ev.Has(fsnotify.Write), ev.Has(fsnotify.Chmod):
		w.touch(ev.Name)
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		delete(w.pending, ev.Name)
		delete(w.enqueued, ev.Name)
	}
}

// touch notes that a file may have changed: it is taken once its writer
// closes it or it settles, unless it is as it was when it was enqueued.
func (w *Watcher) touch(p string) *pendingFile {
	info, err := os.Lstat(p)
	if err != nil || info.IsDir() {
		return nil
	}
	s := stamp{info.Size(), info.ModTime()}
	if s == w.enqueued[p] {
		return nil
	}
	pf, ok := w.pending[p]
	if !ok {
		pf = &pendingFile{stamp: s, since: time.Now()}
		w.pending[p] = pf
	} else if pf.stamp != s {
		pf.stamp, pf.since = s, time.Now()
	}
	// Something renamed over a file being written is not that file: no
	// close of it will come.
	if pf.regular = info.Mode().IsRegular(); !pf.regular {
		pf.writing = false
	}
	return pf
}

// written notes that a writer wrote to a file, which then waits for its
// close however long it pauses, or closed it, which takes it at the next
// tick.
func (w *Watcher) written(ev writeEvent) {
	if w.skipped(ev.Path) {
		return
	}
	if pf := w.touch(ev.Path); pf != nil && pf.regular {
		pf.writing, pf.closed = !ev.Closed, ev.Closed
	}
}

// lostCloses falls back to the settle time for every pending file, since a
// close of one of them may be among the events lost.
func (w *Watcher) lostCloses() {
	w.logger.Warn("watch: close events lost, pending files are taken once settled")
	for _, pf := range w.pending {
		pf.writing = false
	}
}

// settle enqueues the pending files that have not changed for Settle.
func (w *Watcher) settle(ctx context.Context) {
	now := time.Now()
	for p, pf := range w.pending {
		if ctx.Err() != nil {
			return
		}
		info, err := os.Lstat(p)
		if err != nil {
			delete(w.pending, p)
			continue
		}
		if s := (stamp{info.Size(), info.ModTime()}); s != pf.stamp {
			pf.stamp, pf.since = s, now
			if !pf.closed {
				continue
			}
		}
		if pf.writing || (!pf.closed && now.Sub(pf.since) < w.cfg.Settle) {
			continue
		}
		if err := w.take(ctx, p); errors.Is(err, inputfile.ErrChanged) {
			// Still being written after all: wait again.
			pf.stamp, pf.since, pf.closed = stamp{}, now, false
			continue
		} else if err != nil {
			// Redis is likely away: try again after another Settle, and try
			// no other file until then.
			w.logger.Warn("watch: cannot enqueue yet", "file", p, "error", err)
			pf.since = now
			return
		}
		delete(w.pending, p)
		w.enqueued[p] = pf.stamp
	}
}

// prune forgets enqueued files that are no longer there.
func (w *Watcher) prune() {
	for p := range w.enqueued {
		if _, err := os.Lstat(p); err != nil {
			delete(w.enqueued, p)
		}
	}
}

// take enqueues one settled file, or fails it at once when it cannot be
// read. An error means try again later.
func (w *Watcher) take(ctx context.Context, p string) error {
	rel, err := filepath.Rel(w.cfg.Dir, p)
	if err != nil {
		return nil
	}
	doc := Doc{Path: p, Rel: filepath.ToSlash(rel), Inbox: w.cfg.Dir}
	if ziparchive.IsArchive(p) {
		return w.takeArchive(ctx, doc)
	}
	if err := doc.Identify(w.enq.Zip); err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // gone meanwhile: another watcher of the folder took it
		case errors.Is(err, inputfile.ErrChanged):
			return err
		}
		return w.reject(doc, err)
	}
	ex, err := w.enq.Enqueue(ctx, doc, QueueDrop)
	switch {
	case err != nil:
		return err
	case ex == nil:
		w.logger.Info("enqueued", "file", doc.Rel, "queue", QueueDrop)
	default:
		w.duplicate(doc, ex)
	}
	return nil
}

// duplicate deals with a file whose content already has a task. When that
// task is for this very file (another watcher of the folder enqueued it),
// it moves the file itself; otherwise this is a copy of a document already
// processed or under way, and it goes where that one went.
func (w *Watcher) duplicate(doc Doc, ex *Existing) {
	if ex.Doc.Path == doc.Path && ex.Doc.Entry == "" {
		return
	}
	if ex.State == asynq.TaskStateArchived {
		f := results.Failure{File: doc.Rel, Kind: results.KindBadInput, Time: time.Now().UTC(),
			Reason: fmt.Sprintf("same content as %s, which failed: %s", ex.Doc.Rel, ex.LastErr)}
		if err := moveFailed(doc, f); err != nil {
			w.logger.Warn("watch: cannot move duplicate", "file", doc.Rel, "error", err)
		}
		return
	}
	w.logger.Info("duplicate", "file", doc.Rel, "same_as", ex.Doc.Rel)
	if err := moveInput(doc, DoneDir); err != nil {
		w.logger.Warn("watch: cannot move duplicate", "file", doc.Rel, "error", err)
	}
}

// takeArchive enqueues the entries of a .zip archive on QueueBulk, to be read
// where the archive is moved next: done/. An archive with an unsafe entry,
// an encrypted one, or too much in it, fails whole.
func (w *Watcher) takeArchive(ctx context.Context, doc Doc) error {
	entries, err := ziparchive.List(doc.Path, w.enq.Zip)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return w.reject(doc, err)
	}
	moved := filepath.Join(w.cfg.Dir, DoneDir, filepath.FromSlash(doc.Rel))
	var enqueued, dups int
	for _, e := range entries {
		entry := ArchiveDoc(doc.Path, doc.Rel, e)
		if err := entry.Identify(w.enq.Zip); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return w.reject(doc, err)
		}
		// Enqueued under the path the archive is about to have; a worker
		// that is quicker than the move retries.
		entry.Path = moved
		ex, err := w.enq.Enqueue(ctx, entry, QueueBulk)
		if err != nil {
			return err
		}
		if ex != nil {
			dups++
		} else {
			enqueued++
		}
	}
	if err := moveInput(doc, DoneDir); err != nil {
		return err
	}
	w.logger.Info("archive enqueued", "file", doc.Rel, "entries", len(entries), "enqueued", enqueued, "duplicates", dups)
	return nil
}

// reject fails a file that cannot be enqueued: it moves to failed/ with its
// reason, and the reason is written to the output directory as well.
func (w *Watcher) reject(doc Doc, err error) error {
	f := results.Failure{File: doc.Rel, Reason: err.Error(), Kind: results.KindBadInput, Time: time.Now().UTC()}
	if !BadInput(err) {
		f.Kind = results.KindFailed
	}
	w.logger.Warn("rejected", "file", doc.Rel, "reason", f.Reason)
	w.enq.Metrics.enqueue(QueueDrop, "rejected")
	// A document that never reaches a task ends here: counted once, failed.
	w.enq.Metrics.unread(doc.Format)
	if werr := w.sink.WriteFailure(doc.Rel, f); werr != nil {
		return werr
	}
	return moveFailed(doc, f)
}
