package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/nianbao/nianbao/converters/ocr"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
)

const parseUsage = `usage: nianbao parse [flags] FILE...

Reads each report (DOCX, PDF, scanned PDF, image, HTML or plain text) and
prints its checked record, as in shared/spec/report-v1.md: pretty JSON for one file, JSON Lines (one record a
line) for several, in the order given. Files are parsed in parallel
(--concurrency, default the CPU count).

Exit status: 0 when every file gave a record; 1 when a file could not be read
or converted (a one-line reason naming it goes to stderr; the other files are
still read); 2 for bad usage; 3 with --strict when a record is not valid.

flags:
`

func runParse(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the records to `FILE` instead of standard output")
	strict := fs.Bool("strict", false, "exit 3 when a record's status is not valid, to check a report before publishing it")
	concurrency := fs.Int("concurrency", runtime.NumCPU(), "files parsed at once, `N`; records are written in input order all the same")
	jailed := fs.Bool("jail", false, "read each file in a child process with limits, as batch and the worker do")
	limits := addJailFlags(fs)
	files, code, ok := parseCommand(fs, parseUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return usageError(fs, "no FILE given")
	}
	if *concurrency < 1 {
		return usageError(fs, "--concurrency must be at least 1")
	}

	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "nianbao: %v\n", err)
			return exitFailed
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if len(files) == 1 {
		enc.SetIndent("", "  ")
	}

	var p fileReader
	if *jailed {
		j, err := limits.jailed(pipeline.Config{})
		if err != nil {
			fmt.Fprintf(stderr, "nianbao: %v\n", err)
			return exitFailed
		}
		defer j.Close()
		p = j
	} else {
		// One Tesseract engine per worker of the pool.
		in := pipeline.New(pipeline.Config{OCR: ocr.Config{Workers: *concurrency}})
		defer in.Close()
		p = in
	}
	status := exitOK
	err := parseAll(ctx, p, files, *concurrency, func(file string, rec *record.Record, err error) error {
		if err != nil {
			printLine(stderr, "nianbao: %s: %v", file, err)
			status = exitFailed
			return nil
		}
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if *strict && rec.Status != record.Valid && status == exitOK {
			status = exitNotValid
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "nianbao: %v\n", err)
		return exitFailed
	}
	return status
}

// parsed is one file's outcome, waiting for its turn to be written.
type parsed struct {
	rec *record.Record
	err error
}

// parseAll parses files with a pool of workers and calls emit with each
// outcome in input order, from the calling goroutine. Workers run at most
// a few files ahead of the one emit waits for, so a slow file holds back a
// bounded number of records. An error from emit, or ctx ending, stops the
// pool and is returned.
// fileReader reads a file into its record: the pipeline in this process, or
// jailed in child processes.
type fileReader interface {
	File(ctx context.Context, path string) (*record.Record, error)
}

func parseAll(ctx context.Context, p fileReader, files []string, workers int, emit func(file string, rec *record.Record, err error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	workers = max(1, min(workers, len(files)))
	// One buffered slot a file: a worker never waits for the writer.
	slots := make([]chan parsed, len(files))
	for i := range slots {
		slots[i] = make(chan parsed, 1)
	}
	ahead := make(chan struct{}, 4*workers) // files started but not yet emitted
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				rec, err := p.File(ctx, files[i])
				slots[i] <- parsed{rec, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel() // the files not yet emitted are not wanted
		wg.Wait()
	}()
	for i, file := range files {
		var out parsed
		select {
		case out = <-slots[i]:
		case <-ctx.Done():
			return fmt.Errorf("stopped: %w", context.Cause(ctx))
		}
		if ctx.Err() != nil {
			return fmt.Errorf("stopped: %w", context.Cause(ctx))
		}
		if err := emit(file, out.rec, out.err); err != nil {
			return err
		}
		<-ahead
	}
	return nil
}

// parseInterleaved parses flags that may come before, between or after the
// file names, and returns the file names. After "--" every argument is a file.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if used := len(args) - fs.NArg(); used > 0 && args[used-1] == "--" {
			return append(files, fs.Args()...), nil
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		files = append(files, args[0])
		args = args[1:]
	}
}
