package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/export"
	"github.com/nianbao/nianbao/internal/inputfile/inputfiletest"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/worker/results"
)

const reportSeed = "../../testdata/seeds/000_a91be580dd15950d.txt"

// reports returns a source of valid reports, each with content of its own so
// that no two inputs are duplicates.
func reports(t *testing.T) func() []byte {
	t.Helper()
	data, err := os.ReadFile(reportSeed)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	return func() []byte {
		n++
		return append(bytes.Clone(data), fmt.Sprintf("\n（副本%d）\n", n)...)
	}
}

// hostileFolder writes, under dir/in, good reports under every awkward name
// and, beside them, what is not a regular file. It returns the folder, the
// inputs that must give records (by relative path as batch names them) and
// those that must fail unread, by the words their reason holds.
func hostileFolder(t *testing.T, dir string) (in string, good []string, bad map[string]string) {
	t.Helper()
	in = filepath.Join(dir, "in")
	outside := filepath.Join(dir, "outside")
	for _, d := range []string{in, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	report := reports(t)
	for _, name := range inputfiletest.AwkwardNames(t, in, "archive.zip", report) {
		good = append(good, "in/"+name)
	}
	_, reasons := inputfiletest.NotRegular(t, in, outside, report)
	bad = map[string]string{}
	for name, reason := range reasons {
		bad["in/"+name] = reason
	}
	return in, good, bad
}

// TestBatchInputs runs batch over the hostile folder: every input ends with
// a record or a reason, nothing behind a link is read, nothing blocks, and
// records plus failures equal the inputs in the summary and the CSV.
func TestBatchInputs(t *testing.T) {
	dir := t.TempDir()
	in, good, bad := hostileFolder(t, dir)
	out := filepath.Join(dir, "out")
	// Documents cut short, as by a download that stopped: bad input, never
	// a record.
	for _, name := range []string{"000.pdf", "000.docx"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/corpus", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, "cut-"+name), data[:len(data)*9/10], 0o644); err != nil {
			t.Fatal(err)
		}
		bad["in/cut-"+name] = "truncated"
	}
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, stdout, stderr := runCLI(t, "batch", "-o", out, "--concurrency", "2", in)
		done <- result{code, stdout, stderr}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("batch blocked")
	}
	inputs := len(good) + len(bad)
	summary := fmt.Sprintf("%d inputs: %d records (", inputs, len(good))
	if r.code != exitFailed || !strings.Contains(r.stdout, summary) || !strings.Contains(r.stdout, fmt.Sprintf(", %d failed, 0 skipped", len(bad))) ||
		!strings.Contains(r.stdout, fmt.Sprintf("exported %d records and %d failures", len(good), len(bad))) {
		t.Errorf("exit %d, stdout %q; want 1 and %q, %d failed", r.code, r.stdout, summary, len(bad))
	}
	// One line on stderr for each failure, and a note of the duplicate.
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != len(bad)+1 || !strings.Contains(r.stderr, "read as dup~2.txt") {
		t.Errorf("stderr has %d lines, want %d (one a note of dup~2.txt):\n%s", len(lines), len(bad)+1, r.stderr)
	}

	// What out holds: by the name each file says it is of.
	set, err := export.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	records, failures := map[string]*record.Record{}, map[string]results.Failure{}
	for _, d := range set.Docs {
		if d.Record != nil {
			records[d.File] = d.Record
		} else {
			failures[d.File] = *d.Failure
		}
	}
	for _, rel := range good {
		rec, ok := records[rel]
		if !ok {
			t.Errorf("no record of %q", rel)
			continue
		}
		if rec.Status != record.Valid {
			t.Errorf("%q: status %s", rel, rec.Status)
		}
	}
	if len(records) != len(good) {
		t.Errorf("%d records, want %d", len(records), len(good))
	}
	for rel, why := range bad {
		f, ok := failures[rel]
		switch {
		case !ok:
			t.Errorf("no failure of %s", rel)
		case !strings.Contains(f.Reason, why) || strings.Contains(f.Reason, "\n") || f.Kind != results.KindBadInput:
			t.Errorf("%s: reason %q (%s), want one line with %q (bad_input)", rel, f.Reason, f.Kind, why)
		}
	}
	if len(failures) != len(bad) {
		t.Errorf("%d failures, want %d", len(failures), len(bad))
	}
	if _, ok := records["in/linked/inner.txt"]; ok {
		t.Error("the linked folder was entered")
	}

	// The CSV lists every input once, by its full name.
	data, err := os.ReadFile(filepath.Join(out, "reports.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var files, want []string
	for _, row := range rows[1:] {
		files = append(files, row[0])
	}
	want = append(want, good...)
	for rel := range bad {
		want = append(want, rel)
	}
	sort.Strings(files)
	sort.Strings(want)
	if strings.Join(files, "|") != strings.Join(want, "|") {
		t.Errorf("CSV lists %q,\nwant %q", files, want)
	}

	// Again: every record is found under its shortened name and skipped.
	code, stdout, _ := runCLI(t, "batch", "-o", out, in)
	if code != exitFailed || !strings.Contains(stdout, fmt.Sprintf("%d inputs: 0 records (", inputs)) ||
		!strings.Contains(stdout, fmt.Sprintf("%d failed, %d skipped as done", len(bad), len(good))) {
		t.Errorf("second run: exit %d, %s", code, stdout)
	}
}

// TestParseInputs: parse reads a long name and refuses what is not a
// regular file, one line each, without blocking on a FIFO.
func TestParseInputs(t *testing.T) {
	dir := t.TempDir()
	in, _, bad := hostileFolder(t, dir)
	args := []string{"parse", filepath.Join(in, inputfiletest.Name250), filepath.Join(in, inputfiletest.Newline)}
	for rel := range bad {
		args = append(args, filepath.Join(dir, rel))
	}
	done := make(chan struct{})
	var (
		code           int
		stdout, stderr string
	)
	go func() {
		defer close(done)
		code, stdout, stderr = runCLI(t, args...)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("parse blocked")
	}
	recs := jsonLines(t, stdout)
	if code != exitFailed || len(recs) != 2 {
		t.Fatalf("exit %d, %d records; want 1 and 2 (stderr %q)", code, len(recs), stderr)
	}
	if recs[0].Source.File != filepath.Join(in, inputfiletest.Name250) || recs[1].Source.File != filepath.Join(in, inputfiletest.Newline) {
		t.Errorf("records of %q, %q", recs[0].Source.File, recs[1].Source.File)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != len(bad) {
		t.Errorf("stderr has %d lines, want %d: %q", len(lines), len(bad), stderr)
	}
	for _, line := range lines {
		if !strings.Contains(line, "not a regular file") {
			t.Errorf("stderr line %q gives no reason", line)
		}
	}
}
