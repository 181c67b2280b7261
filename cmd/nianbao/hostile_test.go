package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/hostile"
	"github.com/nianbao/nianbao/internal/jail/jailtest"
	"github.com/nianbao/nianbao/worker/results"
)

// TestBatchHostile runs batch, jailed, over the hostile corpus (its sizes
// cut down, no images) with the seeds after it: every case ends with a
// record or a failure of one line, the seeds get their records, and no
// child outgrows its limit.
func TestBatchHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the hostile corpus in child processes")
	}
	in, out := t.TempDir(), t.TempDir()
	cases, err := hostile.Write(filepath.Join(in, "a-hostile"), hostile.Options{TextBytes: 8 << 20, BombBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	seeds, _ := filepath.Glob("../../testdata/seeds/*.txt")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(in, "b-good"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, "b-good", filepath.Base(s)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const memoryMiB = 512
	peaks := jailtest.Watch(os.Getpid(), 20*time.Millisecond)
	_, stdout, _ := runCLI(t, "batch", "-o", out, "--concurrency", "2", "--max-memory", fmt.Sprint(memoryMiB), in)
	parentPeak, childPeak := peaks.Stop()
	t.Logf("%s", strings.SplitN(stdout, "\n", 2)[0])
	base := filepath.Join(out, filepath.Base(in))
	for _, c := range cases {
		if c.Format == "special" {
			continue // not a regular file: batch does not list it
		}
		rel := filepath.Join(base, "a-hostile", c.Name)
		if _, err := os.Stat(rel + results.RecordSuffix); err == nil {
			t.Logf("%-30s a record", c.Name)
			continue
		}
		f := jailtest.Failure(t, rel+results.ErrorSuffix)
		t.Logf("%-30s %s: %s", c.Name, f.Kind, f.Reason)
		if f.Reason == "" || strings.Contains(f.Reason, "\n") {
			t.Errorf("%s: reason %q, want one line", c.Name, f.Reason)
		}
	}
	for _, s := range seeds {
		if _, err := os.Stat(filepath.Join(base, "b-good", filepath.Base(s)+results.RecordSuffix)); err != nil {
			t.Errorf("a good report after the hostile ones: %v", err)
		}
	}
	t.Logf("peak RSS: batch (this test process) %d MiB, a child %d MiB", parentPeak>>20, childPeak>>20)
}
