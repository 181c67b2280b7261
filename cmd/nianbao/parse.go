package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
)

const parseUsage = `usage: nianbao parse [flags] FILE...

Reads each report (DOCX, PDF, scanned PDF, image, HTML or plain text) and
prints its checked record, as in shared/spec/report-v1.md: pretty JSON for one file, JSON Lines (one record a
line) for several.

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
	jailed := fs.Bool("jail", false, "read each file in a child process with limits, as batch and the worker do")
	limits := addJailFlags(fs)
	files, code, ok := parseCommand(fs, parseUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return usageError(fs, "no FILE given")
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

	var p interface {
		File(ctx context.Context, path string) (*record.Record, error)
	}
	if *jailed {
		j, err := limits.jailed(pipeline.Config{})
		if err != nil {
			fmt.Fprintf(stderr, "nianbao: %v\n", err)
			return exitFailed
		}
		defer j.Close()
		p = j
	} else {
		in := pipeline.New(pipeline.Config{})
		defer in.Close()
		p = in
	}
	status := exitOK
	for _, file := range files {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "nianbao: stopped: %v\n", ctx.Err())
			return exitFailed
		}
		rec, err := p.File(ctx, file)
		if err != nil {
			fmt.Fprintf(stderr, "nianbao: %s: %v\n", file, err)
			status = exitFailed
			continue
		}
		if err := enc.Encode(rec); err != nil {
			fmt.Fprintf(stderr, "nianbao: write: %v\n", err)
			return exitFailed
		}
		if *strict && rec.Status != record.Valid && status == exitOK {
			status = exitNotValid
		}
	}
	return status
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
