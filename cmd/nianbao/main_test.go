package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
)

const (
	seed000 = "../../testdata/seeds/000_a91be580dd15950d.txt" // valid
	seed002 = "../../testdata/seeds/002_361b891b134c88b9.txt" // invalid
	seed003 = "../../testdata/seeds/003_402b3c2303c427b2.txt" // valid, template 2019
)

// runCLI runs the command line and returns its exit status and output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonLines reads s as JSON Lines of records: one compact object a line.
func jsonLines(t *testing.T, s string) []record.Record {
	t.Helper()
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Errorf("JSON Lines do not end in a newline")
	}
	var recs []record.Record
	for i, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if !strings.HasPrefix(line, "{") || !strings.HasSuffix(line, "}") {
			t.Errorf("line %d is not one JSON object: %.80q", i+1, line)
			continue
		}
		var rec record.Record
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("line %d: %v", i+1, err)
			continue
		}
		recs = append(recs, rec)
	}
	return recs
}

// prettyRecord reads s as one indented JSON record.
func prettyRecord(t *testing.T, s string) record.Record {
	t.Helper()
	if !strings.HasPrefix(s, "{\n  \"schema\": ") {
		t.Errorf("output is not indented JSON: %.80q", s)
	}
	if !strings.HasSuffix(s, "}\n") {
		t.Errorf("output does not end with }\\n: %q", s[max(0, len(s)-20):])
	}
	dec := json.NewDecoder(strings.NewReader(s))
	var rec record.Record
	if err := dec.Decode(&rec); err != nil {
		t.Fatalf("output does not unmarshal: %v", err)
	}
	if dec.More() {
		t.Errorf("output holds more than one JSON value")
	}
	return rec
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string // a part of it; "" for empty
		stderr     string
		noStdout   bool
		noStderr   bool
		stdoutHelp bool
	}{
		{name: "no args", args: nil, code: exitUsage, stderr: "usage: nianbao COMMAND", noStdout: true},
		{name: "empty command", args: []string{""}, code: exitUsage, stderr: "unknown command", noStdout: true},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, stderr: `unknown command "frobnicate"`, noStdout: true},
		{name: "flag as command", args: []string{"-o", "x"}, code: exitUsage, stderr: "unknown command", noStdout: true},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: "usage: nianbao COMMAND", noStderr: true},
		{name: "--help", args: []string{"--help"}, code: exitOK, stdout: "usage: nianbao COMMAND", noStderr: true},
		{name: "-help", args: []string{"-help"}, code: exitOK, stdout: "usage: nianbao COMMAND", noStderr: true},
		{name: "-h", args: []string{"-h"}, code: exitOK, stdout: "usage: nianbao COMMAND", noStderr: true},
		{name: "parse --help", args: []string{"parse", "--help"}, code: exitOK, stdout: "usage: nianbao parse", stdoutHelp: true, noStderr: true},
		{name: "parse -h", args: []string{"parse", "-h"}, code: exitOK, stdout: "usage: nianbao parse", stdoutHelp: true, noStderr: true},
		{name: "parse --help after a file", args: []string{"parse", seed000, "--help"}, code: exitOK, stdout: "usage: nianbao parse", stdoutHelp: true, noStderr: true},
		{name: "parse no files", args: []string{"parse"}, code: exitUsage, stderr: "no FILE given", noStdout: true},
		{name: "parse only flags", args: []string{"parse", "--strict"}, code: exitUsage, stderr: "no FILE given", noStdout: true},
		{name: "parse unknown flag", args: []string{"parse", "--bogus", seed000}, code: exitUsage, stderr: "bogus", noStdout: true},
		{name: "parse -o without value", args: []string{"parse", seed000, "-o"}, code: exitUsage, stderr: "-o", noStdout: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if tc.stdout != "" && !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout, tc.stdout)
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderr)
			}
			if tc.noStdout && stdout != "" {
				t.Errorf("stdout = %q, want empty", stdout)
			}
			if tc.noStderr && stderr != "" {
				t.Errorf("stderr = %q, want empty", stderr)
			}
			if tc.stdoutHelp {
				for _, flag := range []string{"-o FILE", "-strict"} {
					if !strings.Contains(stdout, flag) {
						t.Errorf("parse usage does not list %s:\n%s", flag, stdout)
					}
				}
			}
		})
	}
}

// TestParseDoubleDash checks that after "--" every argument is a file, even
// one that looks like a flag.
func TestParseDoubleDash(t *testing.T) {
	dir := t.TempDir()
	dashed := filepath.Join(dir, "-dash.txt")
	data, err := os.ReadFile(seed000)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dashed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "parse", "--strict", "--", "-dash.txt")
	if code != exitOK {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitOK, stderr)
	}
	if !strings.Contains(stdout, `"file": "-dash.txt"`) {
		t.Errorf("stdout does not hold the record of -dash.txt:\n%.300s", stdout)
	}
}

func TestParseOne(t *testing.T) {
	code, stdout, stderr := runCLI(t, "parse", seed000)
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	rec := prettyRecord(t, stdout)
	if rec.Schema != record.Schema || rec.Source.File != seed000 || rec.Status != record.Valid {
		t.Errorf("schema %q, file %q, status %q", rec.Schema, rec.Source.File, rec.Status)
	}
	if rec.Agency != "东风区人民政府办公室" || rec.Year == nil || *rec.Year != 2023 {
		t.Errorf("agency %q, year %v", rec.Agency, rec.Year)
	}
	// Chinese is written as is, not escaped.
	if !strings.Contains(stdout, "东风区人民政府办公室") {
		t.Errorf("output does not hold the agency unescaped")
	}
}

func TestParseSeveral(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		files []string
	}{
		{"two", []string{"parse", seed000, seed002}, []string{seed000, seed002}},
		{"three", []string{"parse", seed000, seed002, seed003}, []string{seed000, seed002, seed003}},
		{"flag between files", []string{"parse", seed003, "--strict=false", seed000}, []string{seed003, seed000}},
		{"the same file twice", []string{"parse", seed000, seed000}, []string{seed000, seed000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			recs := jsonLines(t, stdout)
			if len(recs) != len(tc.files) {
				t.Fatalf("%d records, want %d", len(recs), len(tc.files))
			}
			for i, rec := range recs {
				if rec.Source.File != tc.files[i] {
					t.Errorf("record %d is of %q, want %q", i+1, rec.Source.File, tc.files[i])
				}
			}
		})
	}
}

func TestParseOutputFile(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   func(out string) []string
		pretty bool
		n      int
	}{
		{"one file, -o first", func(out string) []string { return []string{"parse", "-o", out, seed000} }, true, 1},
		{"one file, -o after", func(out string) []string { return []string{"parse", seed000, "-o", out} }, true, 1},
		{"one file, -o=", func(out string) []string { return []string{"parse", seed000, "-o=" + out} }, true, 1},
		{"two files, -o after", func(out string) []string { return []string{"parse", seed000, seed002, "-o", out} }, false, 2},
		{"two files, -o between", func(out string) []string { return []string{"parse", seed000, "-o", out, seed002} }, false, 2},
		{"two files, --o first", func(out string) []string { return []string{"parse", "--o", out, seed000, seed002} }, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.jsonl")
			code, stdout, stderr := runCLI(t, tc.args(out)...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %.80q, want empty", stdout)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if tc.pretty {
				prettyRecord(t, string(data))
			} else if recs := jsonLines(t, string(data)); len(recs) != tc.n {
				t.Errorf("%d records in the file, want %d", len(recs), tc.n)
			}
		})
	}
}

func TestParseOutputFileOverwritten(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(out, bytes.Repeat([]byte("old\n"), 100000), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "parse", "-o", out, seed000); code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	prettyRecord(t, string(data))
}

func TestParseOutputFileUnwritable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "no-such-dir", "out.json")
	code, stdout, stderr := runCLI(t, "parse", "-o", out, seed000)
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	if stdout != "" || !strings.Contains(stderr, "no-such-dir") {
		t.Errorf("stdout %q, stderr %q; want stdout empty, stderr naming the path", stdout, stderr)
	}
}

func TestParseFailures(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.txt")
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		// bad are the files that must each have one line on stderr; good
		// the files whose records are printed, in order.
		bad, good []string
	}{
		{"missing among good ones", []string{"parse", seed000, missing, seed003}, exitFailed,
			[]string{missing}, []string{seed000, seed003}},
		{"missing first", []string{"parse", missing, seed000}, exitFailed, []string{missing}, []string{seed000}},
		{"missing only", []string{"parse", missing}, exitFailed, []string{missing}, nil},
		{"empty and pdf", []string{"parse", empty, seed000, pdf}, exitFailed, []string{empty, pdf}, []string{seed000}},
		{"directory", []string{"parse", dir, seed000}, exitFailed, []string{dir}, []string{seed000}},
		{"strict, valid", []string{"parse", "--strict", seed000}, exitOK, nil, []string{seed000}},
		{"strict after the file", []string{"parse", seed000, "--strict"}, exitOK, nil, []string{seed000}},
		{"strict, invalid", []string{"parse", "--strict", seed002}, exitNotValid, nil, []string{seed002}},
		{"-strict, invalid", []string{"parse", seed002, "-strict"}, exitNotValid, nil, []string{seed002}},
		{"not strict, invalid", []string{"parse", seed002}, exitOK, nil, []string{seed002}},
		{"strict, valid and invalid", []string{"parse", "--strict", seed000, seed002, seed003}, exitNotValid,
			nil, []string{seed000, seed002, seed003}},
		{"strict, missing then invalid", []string{"parse", "--strict", missing, seed002}, exitFailed,
			[]string{missing}, []string{seed002}},
		{"strict, invalid then missing", []string{"parse", "--strict", seed002, missing}, exitFailed,
			[]string{missing}, []string{seed002}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			// One line on stderr per bad file, naming it.
			var lines []string
			if stderr != "" {
				if !strings.HasSuffix(stderr, "\n") {
					t.Errorf("stderr does not end in a newline: %q", stderr)
				}
				lines = strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			}
			if len(lines) != len(tc.bad) {
				t.Errorf("stderr has %d lines, want %d: %q", len(lines), len(tc.bad), stderr)
			} else {
				for i, f := range tc.bad {
					if !strings.Contains(lines[i], f) {
						t.Errorf("stderr line %d %q does not name %s", i+1, lines[i], f)
					}
				}
			}
			// The good files are still printed: pretty JSON when one file was
			// named, JSON Lines when several were, however many failed.
			var files []string
			switch {
			case len(tc.good) == 0:
				if stdout != "" {
					t.Errorf("stdout = %.80q, want empty", stdout)
				}
			case len(tc.good)+len(tc.bad) == 1:
				rec := prettyRecord(t, stdout)
				files = append(files, rec.Source.File)
			default:
				for _, rec := range jsonLines(t, stdout) {
					files = append(files, rec.Source.File)
				}
			}
			if strings.Join(files, ",") != strings.Join(tc.good, ",") {
				t.Errorf("records of %v, want %v", files, tc.good)
			}
		})
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"parse", seed000}, &out, &errOut); code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "stopped") {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
}

// Many files of every kind, good and bad, parsed by a pool: the records and
// the failure lines come in input order and match a run of one worker.
func TestParseConcurrent(t *testing.T) {
	dir := t.TempDir()
	var args, missing []string
	for i := range 40 {
		switch i % 5 {
		case 0:
			args = append(args, seed000)
		case 1:
			args = append(args, fmt.Sprintf("../../testdata/corpus/%03d.pdf", i))
		case 2:
			args = append(args, fmt.Sprintf("../../testdata/corpus/%03d.docx", i))
		case 3:
			m := filepath.Join(dir, fmt.Sprintf("missing-%d.txt", i))
			args = append(args, fmt.Sprintf("../../testdata/corpus/%03d.html", i), m)
			missing = append(missing, m)
		default:
			args = append(args, seed003, seed002)
		}
	}
	run := func(n int) (int, string, string) {
		return runCLI(t, append([]string{"parse", "--concurrency", strconv.Itoa(n)}, args...)...)
	}
	code1, out1, err1 := run(1)
	codeN, outN, errN := run(4)
	if code1 != exitFailed || codeN != code1 {
		t.Errorf("exit %d with one worker, %d with four; want %d", code1, codeN, exitFailed)
	}
	if outN != out1 || errN != err1 {
		t.Errorf("four workers wrote other output than one:\nstdout %d vs %d bytes\nstderr %q\nvs %q", len(outN), len(out1), errN, err1)
	}
	var files []string
	for _, rec := range jsonLines(t, outN) {
		files = append(files, rec.Source.File)
	}
	var want []string
	for _, a := range args {
		if !slices.Contains(missing, a) {
			want = append(want, a)
		}
	}
	if !slices.Equal(files, want) {
		t.Errorf("records of\n%v\nwant\n%v", files, want)
	}
	lines := strings.Split(strings.TrimSuffix(errN, "\n"), "\n")
	if len(lines) != len(missing) {
		t.Fatalf("stderr has %d lines, want %d: %q", len(lines), len(missing), errN)
	}
	for i, m := range missing {
		if !strings.HasPrefix(lines[i], "nianbao: "+m+": ") {
			t.Errorf("stderr line %d is %q, want it about %s", i+1, lines[i], m)
		}
	}

	if code, _, stderr := runCLI(t, "parse", "--concurrency", "0", seed000); code != exitUsage || !strings.Contains(stderr, "--concurrency") {
		t.Errorf("--concurrency 0: exit %d, stderr %q", code, stderr)
	}
}

// TestParseInParallel reads two files with two workers, the first of which
// cannot finish before the second has started: read one at a time, the run
// would wait until the gate gives up. The records still come in input order.
func TestParseInParallel(t *testing.T) {
	first, second := seed000, seed003
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	r := &gatedReader{p: p, first: first, secondStarted: make(chan struct{})}
	var files []string
	err := parseAll(context.Background(), r, []string{first, second}, 2, func(file string, rec *record.Record, err error) error {
		if err != nil {
			return err
		}
		files = append(files, rec.Source.File)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.timedOut.Load() {
		t.Error("the second file was not started while the first waited")
	}
	if !slices.Equal(files, []string{first, second}) {
		t.Errorf("records of %v, want %v", files, []string{first, second})
	}
}

// gatedReader holds back the first file until another has started.
type gatedReader struct {
	p             *pipeline.Pipeline
	first         string
	secondStarted chan struct{}
	once          sync.Once
	timedOut      atomic.Bool
}

func (r *gatedReader) File(ctx context.Context, path string) (*record.Record, error) {
	if path != r.first {
		r.once.Do(func() { close(r.secondStarted) })
	} else {
		select {
		case <-r.secondStarted:
		case <-time.After(20 * time.Second):
			r.timedOut.Store(true)
		}
	}
	return r.p.File(ctx, path)
}
