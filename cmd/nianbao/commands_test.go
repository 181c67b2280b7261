package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandUsage(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"worker", "--help"}, exitOK, "usage: nianbao worker", ""},
		{[]string{"enqueue", "-h"}, exitOK, "usage: nianbao enqueue", ""},
		{[]string{"batch", "--help"}, exitOK, "usage: nianbao batch", ""},
		{[]string{"export", "--help"}, exitOK, "usage: nianbao export", ""},
		{[]string{"worker", "--out", "x"}, exitUsage, "", "no --redis URL given"},
		{[]string{"worker", "--redis", "redis://127.0.0.1:1"}, exitUsage, "", "no --out DIR"},
		{[]string{"worker", "--redis", "http://x", "--out", "x"}, exitUsage, "", "--redis"},
		{[]string{"worker", "--redis", "redis://127.0.0.1:1", "--out", "x", "--concurrency", "0"}, exitUsage, "", "--concurrency"},
		{[]string{"worker", "--redis", "redis://127.0.0.1:1", "--out", "x", "extra"}, exitUsage, "", "unexpected argument"},
		{[]string{"enqueue", "--redis", "redis://127.0.0.1:1"}, exitUsage, "", "no PATH given"},
		{[]string{"enqueue", "a.txt"}, exitUsage, "", "no --redis URL given"},
		{[]string{"enqueue", "--redis", "redis://127.0.0.1:1", "--queue", "fast", "a.txt"}, exitUsage, "", "unknown queue"},
		{[]string{"batch", "a.txt"}, exitUsage, "", "no -o DIR"},
		{[]string{"batch", "-o", "x"}, exitUsage, "", "no PATH given"},
		{[]string{"export"}, exitUsage, "", "give one DIR"},
		{[]string{"export", "a", "b"}, exitUsage, "", "give one DIR"},
		{[]string{"export", "--bogus", "a"}, exitUsage, "", "bogus"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stdout %.200q, stderr %.200q; want exit %d, %q, %q", code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
			if tc.code == exitOK && !strings.Contains(stdout, "flags:") {
				t.Errorf("usage lists no flags:\n%s", stdout)
			}
		})
	}
}

// TestBatch runs batch on the seeds, a missing file and a bad one, then
// again: the second run skips what the first did, and export reads it all.
func TestBatch(t *testing.T) {
	out := t.TempDir()
	bad := filepath.Join(t.TempDir(), "notice.txt")
	os.WriteFile(bad, []byte("会议通知\n\n请各部门准时参加。\n"), 0o644)
	seeds := filepath.Join(t.TempDir(), "seeds")
	files, _ := filepath.Glob("../../testdata/seeds/*.txt")
	if len(files) != 5 {
		t.Fatalf("%d seeds, want 5", len(files))
	}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(seeds, filepath.Base(f))
		if i >= 3 {
			dst = filepath.Join(seeds, "sub", filepath.Base(f))
		}
		os.MkdirAll(filepath.Dir(dst), 0o755)
		os.WriteFile(dst, data, 0o644)
	}

	code, stdout, stderr := runCLI(t, "batch", "-o", out, "--concurrency", "2", seeds, bad)
	if code != exitFailed || !strings.Contains(stderr, "notice.txt: not a government") {
		t.Errorf("first run: exit %d, stderr %q; want 1 and the reason of notice.txt", code, stderr)
	}
	if !strings.Contains(stdout, "5 records (") || !strings.Contains(stdout, "1 failed, 0 skipped") || !strings.Contains(stdout, "exported 5 records and 1 failures") {
		t.Errorf("first run: %s", stdout)
	}
	for _, p := range []string{"seeds/000_a91be580dd15950d.txt.json", "notice.txt.error.json", "reports.csv", "reports.xlsx"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
	code, stdout, _ = runCLI(t, "batch", "-o", out, seeds)
	if code != exitOK || !strings.Contains(stdout, "0 records (") || !strings.Contains(stdout, "5 skipped as done") {
		t.Errorf("second run: exit %d, %s", code, stdout)
	}
	code, stdout, stderr = runCLI(t, "export", out)
	if code != exitOK || !strings.Contains(stdout, "exported 5 records and 1 failures") {
		t.Errorf("export: exit %d, %s %s", code, stdout, stderr)
	}
}
