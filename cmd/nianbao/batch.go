package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/nianbao/nianbao/internal/export"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/results"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

const batchUsage = `usage: nianbao batch -o DIR [flags] PATH...

Reads every document under the PATHs (files, folders recursively, .zip
archives read in place) in one process, with no Redis, and writes each record
to DIR mirroring its path: DIR/2023/a.pdf.json for 2023/a.pdf, or
DIR/2023/a.pdf.error.json with the reason when it fails. Then exports DIR
(see 'nianbao export'). Run it again to resume: documents whose record is
already in DIR are skipped.

Every input ends with a record or a reason: what is not a regular file (a
symbolic link, which is not followed, a FIFO, a socket) fails unread; an
output name too long for the file system, or holding a newline, is
shortened and given a hash of the input's path (the record's source.file
keeps the full name). The summary counts inputs, records and failures.

Each document is read in a child process with limits (--max-memory,
--max-cpu, and its format's timeout: 1m for text and HTML, 3m for DOCX, 20m
for PDF, 5m for images, and 1m more for each page of a PDF or image): a document that crashes its child or exceeds a
limit fails with kind crash or resource_limit and its reason, and is
recorded in DIR/.poison/ so that a run again does not read it again.

Exit status: 0 when every document gave a record; 1 when one did not (its
reason is in its .error.json and on stderr) or the run was stopped; 2 for
bad usage.

flags:
`

func runBatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	out := fs.String("o", "", "write records under `DIR`")
	concurrency := fs.Int("concurrency", runtime.NumCPU(), "documents processed at once, `N`")
	limits := addJailFlags(fs)
	paths, code, ok := parseCommand(fs, batchUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case *out == "":
		return usageError(fs, "no -o DIR given")
	case len(paths) == 0:
		return usageError(fs, "no PATH given")
	case *concurrency < 1:
		return usageError(fs, "--concurrency must be at least 1")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "nianbao batch: %v\n", err)
		return exitFailed
	}
	sink := &results.Sink{Dir: *out}
	// Each document is read in a child process, one per worker of the pool,
	// within its format's timeout: one that crashes or exhausts its child
	// fails alone.
	pipe, err := limits.jailed(pipeline.Config{})
	if err != nil {
		fmt.Fprintf(stderr, "nianbao batch: %v\n", err)
		return exitFailed
	}
	defer pipe.Close()
	proc := &worker.Processor{Pipeline: pipe, Sink: sink}

	// Listing first gives the bar its total; documents are read only by
	// the pool.
	var docs []worker.Doc
	var inputs, failed, skipped int
	err = worker.Walk(ctx, paths, ziparchive.Limits{}, func(doc worker.Doc, err error) error {
		inputs++
		if err != nil {
			failed++
			printLine(stderr, "nianbao batch: %s: %v", doc, err)
			if doc.Rel != "" {
				writeFailure(sink, doc, err, stderr)
			}
			return nil
		}
		noteDuplicate(stderr, "nianbao batch", doc)
		if p, err := sink.RecordPath(doc.Rel); err == nil {
			if _, err := os.Stat(p); err == nil {
				skipped++
				return nil
			}
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "nianbao batch: %v\n", err)
		return exitFailed
	}

	bar := newBar(stderr, int64(len(docs)), "batch")
	var (
		mu       sync.Mutex
		byStatus = map[string]int{}
		jobs     = make(chan worker.Doc)
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range *concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for doc := range jobs {
				res, err := proc.Process(ctx, doc)
				mu.Lock()
				switch {
				case err != nil && ctx.Err() != nil:
					// Stopped: no failure to write; a run again resumes.
				case err != nil:
					failed++
					if bar != nil {
						bar.Clear()
					}
					printLine(stderr, "nianbao batch: %s: %v", doc.Rel, err)
					writeFailure(sink, doc, err, stderr)
				default:
					byStatus[res.Record.Status]++
				}
				if bar != nil {
					bar.Add(1)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, doc := range docs {
		select {
		case jobs <- doc:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if bar != nil {
		bar.Finish()
	}
	took := time.Since(start)
	done := byStatus[record.Valid] + byStatus[record.Invalid] + byStatus[record.Incomplete]
	fmt.Fprintf(stdout, "%d inputs: %d records (%d valid, %d invalid, %d incomplete), %d failed, %d skipped as done",
		inputs, done, byStatus[record.Valid], byStatus[record.Invalid], byStatus[record.Incomplete], failed, skipped)
	if left := inputs - done - failed - skipped; left > 0 {
		fmt.Fprintf(stdout, ", %d not done", left)
	}
	fmt.Fprintf(stdout, ", in %.1fs\n", took.Seconds())
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "nianbao batch: stopped; run it again to resume")
		return exitFailed
	}
	set, err := export.Write(*out, "")
	if err != nil {
		fmt.Fprintf(stderr, "nianbao batch: %v\n", err)
		return exitFailed
	}
	printExport(stdout, *out, set)
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

func writeFailure(sink *results.Sink, doc worker.Doc, err error, stderr io.Writer) {
	kind := worker.FailureKind(err)
	if kind == results.KindFailed && errors.Is(err, fs.ErrNotExist) {
		kind = results.KindBadInput
	}
	f := results.Failure{File: doc.Rel, Format: doc.Format, Reason: err.Error(), Kind: kind, Time: time.Now().UTC()}
	if werr := sink.WriteFailure(doc.Rel, f); werr != nil {
		printLine(stderr, "nianbao batch: %v", werr)
	}
}

// noteDuplicate says so when doc is an archive entry read under another
// name than it has, since an earlier entry has that name.
func noteDuplicate(w io.Writer, cmd string, doc worker.Doc) {
	if doc.Zip != nil && doc.Zip.Duplicate {
		printLine(w, "%s: %s: an earlier entry has the same name; this one is read as %s", cmd, doc.Path, doc.Entry)
	}
}

// printLine prints one line, whatever newlines the names and errors in it
// hold.
func printLine(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, results.OneLine(fmt.Sprintf(format, args...)))
}
