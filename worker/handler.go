package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker/results"
)

// Sub-folders of a watched folder that processed inputs move to.
const (
	DoneDir   = "done"
	FailedDir = "failed"
)

// Handler is the asynq.Handler of TypeDocument tasks.
type Handler struct {
	Processor *Processor
	Metrics   *Metrics // nil for none
	Logger    *slog.Logger
}

// ProcessTask processes one document. Bad input fails at once (SkipRetry)
// and leaves NAME.error.json; other errors are returned for Asynq to retry
// with backoff, and leave NAME.error.json only when the last retry fails.
func (h *Handler) ProcessTask(ctx context.Context, t *asynq.Task) error {
	var doc Doc
	if err := json.Unmarshal(t.Payload(), &doc); err != nil {
		return fmt.Errorf("worker: bad payload: %v: %w", err, asynq.SkipRetry)
	}
	start := time.Now()
	res, err := h.Processor.Process(ctx, doc)
	if err != nil {
		return h.fail(ctx, doc, err, time.Since(start))
	}
	// The record is written before the input moves and before the result is
	// kept, so a retry after a failure here finds it and does not parse again.
	if err := moveInput(doc, DoneDir); err != nil {
		return err
	}
	if _, err := t.ResultWriter().Write(res.JSON); err != nil {
		return fmt.Errorf("worker: keep the result: %w", err)
	}
	rec := res.Record
	// Counted here, after the last step that can fail: a retry that reuses
	// the record is the first attempt that got this far.
	h.Metrics.observe(rec.Source.Format, rec.Source.Method, rec.Status, time.Since(start))
	h.log().Info("processed", "file", doc.Rel, "status", rec.Status, "format", rec.Source.Format,
		"findings", len(rec.Findings), "reused", res.Reused, "ms", time.Since(start).Milliseconds())
	return nil
}

func (h *Handler) fail(ctx context.Context, doc Doc, err error, took time.Duration) error {
	if errors.Is(err, ErrChanged) {
		// Neither the document's fault nor a failure: its new content has a
		// task of its own, which moves the file.
		h.log().Info("skipped", "file", doc.Rel, "reason", err.Error())
		return fmt.Errorf("%w [%w]", err, asynq.SkipRetry)
	}
	bad := BadInput(err)
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	shutdown := errors.Is(err, context.Canceled) && ctx.Err() != nil
	if !bad && (retried < maxRetry || shutdown) {
		h.log().Warn("will retry", "file", doc.Rel, "retried", retried, "error", err.Error())
		return err
	}
	kind := FailureKind(err)
	f := results.Failure{File: doc.Rel, SHA256: doc.SHA256, Task: TaskID(doc.SHA256), Format: doc.Format, Reason: err.Error(), Kind: kind, Time: time.Now().UTC()}
	if werr := h.Processor.Sink.WriteFailure(doc.Rel, f); werr != nil {
		// Without its reason written the failure is not done with: retry.
		return fmt.Errorf("%v; and %w", err, werr)
	}
	if merr := moveFailed(doc, f); merr != nil {
		return fmt.Errorf("%v; and %w", err, merr)
	}
	h.Metrics.observe(doc.Format, "", StatusFailed, took)
	h.log().Warn("failed", "file", doc.Rel, "kind", kind, "reason", err.Error())
	if bad {
		return fmt.Errorf("%w [%w]", err, asynq.SkipRetry)
	}
	return err
}

func (h *Handler) log() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

// moveInput moves a file dropped into a watched folder to its sub-folder sub,
// under the same relative path. A file already moved (by an earlier attempt)
// is no error.
func moveInput(doc Doc, sub string) error {
	if doc.Inbox == "" || doc.Entry != "" {
		return nil
	}
	dst := filepath.Join(doc.Inbox, sub, filepath.FromSlash(doc.Rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	if err := os.Rename(doc.Path, dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("worker: move %s to %s/: %w", doc.Rel, sub, err)
	}
	return nil
}

// moveFailed moves a failed input to the failed/ folder, with its reason
// beside it as NAME.error.json.
func moveFailed(doc Doc, f results.Failure) error {
	if doc.Inbox == "" || doc.Entry != "" {
		return nil
	}
	f.Reason = results.OneLine(f.Reason)
	data, err := results.Marshal(f)
	if err != nil {
		return err
	}
	// The input's own name fits where it was; its reason's may not.
	reason, err := results.Path(filepath.Join(doc.Inbox, FailedDir), doc.Rel, results.ErrorSuffix, results.FoldNone)
	if err != nil {
		return err
	}
	if err := results.WriteFile(reason, data); err != nil {
		return err
	}
	return moveInput(doc, FailedDir)
}
