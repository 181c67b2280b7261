package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/internal/inputfile"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// Walk lists the documents under paths: files, folders (recursively, hidden
// files and folders left out) and .zip archives (their entries, read in
// place). Each document's Rel is its path under the argument's base name, so
// `reports/2023` gives `2023/a/b.pdf` and an archive `x.zip` gives
// `x.zip/entry.txt`. fn is called for each document, or with an error for an
// input that cannot be listed (a missing file, an archive ziparchive
// rejects) or is not a regular file: a symbolic link (to a file or a folder:
// none is followed or entered, so no loop can occur), a FIFO, a socket, a
// device, or anything on another volume than its argument. Walk stops when
// fn returns an error, and returns it. Documents are not read: Doc.Identify
// hashes them.
func Walk(ctx context.Context, paths []string, lim ziparchive.Limits, fn func(Doc, error) error) error {
	for _, arg := range paths {
		abs, err := filepath.Abs(arg)
		if err != nil {
			if err := fn(Doc{Path: arg}, err); err != nil {
				return err
			}
			continue
		}
		base := filepath.Base(abs)
		root, err := os.Lstat(abs)
		if err == nil && !root.IsDir() {
			err = inputfile.Check(root)
		}
		if err != nil {
			if err := fn(Doc{Path: abs, Rel: base}, err); err != nil {
				return err
			}
			continue
		}
		if !root.IsDir() {
			if err := walkFile(abs, base, lim, fn); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			rel := base
			if r, rerr := filepath.Rel(abs, p); rerr == nil && r != "." {
				rel = path.Join(base, filepath.ToSlash(r))
			}
			if err != nil {
				return fn(Doc{Path: p, Rel: rel}, err)
			}
			if p == abs {
				return nil
			}
			if Ignored(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			info, err := d.Info()
			if err == nil && !inputfile.SameVolume(info, root) {
				err = inputfile.ErrOtherVolume
			}
			if err == nil && !d.IsDir() {
				err = inputfile.Check(info)
			}
			if err != nil {
				if ferr := fn(Doc{Path: p, Rel: rel}, err); ferr != nil {
					return ferr
				}
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			return walkFile(p, rel, lim, fn)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func walkFile(file, rel string, lim ziparchive.Limits, fn func(Doc, error) error) error {
	if !ziparchive.IsArchive(file) {
		return fn(Doc{Path: file, Rel: rel}, nil)
	}
	entries, err := ziparchive.List(file, lim)
	if err != nil {
		return fn(Doc{Path: file, Rel: rel}, err)
	}
	for _, e := range entries {
		if err := fn(ArchiveDoc(file, rel, e), nil); err != nil {
			return err
		}
	}
	return nil
}

// ArchiveDoc is the document of the entry e of the archive at file, whose
// own Rel is rel.
func ArchiveDoc(file, rel string, e ziparchive.Entry) Doc {
	return Doc{Path: file, Entry: e.Name, Zip: &e, Rel: rel + "/" + e.Name}
}

// Ignored tells the file names a drop folder and Walk leave alone: hidden
// files, and the temporary files of editors, browsers and copy tools, which
// become real files under another name when they are complete.
func Ignored(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") || strings.HasSuffix(name, "~") {
		return true
	}
	for _, ext := range []string{".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// Enqueuer makes the task of each document and enqueues it.
type Enqueuer struct {
	Client    *asynq.Client
	Inspector *asynq.Inspector
	Task      TaskConfig
	Zip       ziparchive.Limits
	Metrics   *Metrics // nil for none
}

// Existing is the task already queued for a document's content.
type Existing struct {
	Doc     Doc // the document it was made for
	Queue   string
	State   asynq.TaskState
	LastErr string
}

// Enqueue identifies the document (hash, format) unless it is already, and
// enqueues its task on queue. When a task of the same content exists it
// enqueues nothing and returns that task: a duplicate.
func (e *Enqueuer) Enqueue(ctx context.Context, doc Doc, queue string) (*Existing, error) {
	if doc.SHA256 == "" {
		if err := doc.Identify(e.Zip); err != nil {
			e.Metrics.enqueue(queue, "rejected")
			return nil, err
		}
	}
	task, err := NewTask(doc, queue, e.Task)
	if err != nil {
		return nil, err
	}
	// Twice at most: a task may be deleted between the conflict and the look-up.
	for range 2 {
		_, err = e.Client.EnqueueContext(ctx, task)
		if err == nil {
			e.Metrics.enqueue(queue, "enqueued")
			return nil, nil
		}
		if !errors.Is(err, asynq.ErrTaskIDConflict) {
			return nil, fmt.Errorf("enqueue %s: %w", doc.Rel, err)
		}
		ex, err := e.existing(TaskID(doc.SHA256), queue)
		if err != nil {
			return nil, err
		}
		if ex != nil {
			e.Metrics.enqueue(queue, "duplicate")
			return ex, nil
		}
	}
	return nil, fmt.Errorf("enqueue %s: %w", doc.Rel, err)
}

// existing looks a task up in every queue a document task may be in,
// queue first; nil when it is in none.
func (e *Enqueuer) existing(id, queue string) (*Existing, error) {
	queues := []string{queue}
	for q := range DefaultQueues {
		if q != queue {
			queues = append(queues, q)
		}
	}
	for _, q := range queues {
		info, err := e.Inspector.GetTaskInfo(q, id)
		if errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up task %s: %w", id, err)
		}
		ex := &Existing{Queue: q, State: info.State, LastErr: info.LastErr}
		if err := json.Unmarshal(info.Payload, &ex.Doc); err != nil {
			return nil, fmt.Errorf("task %s: bad payload: %w", id, err)
		}
		return ex, nil
	}
	return nil, nil
}
