package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/jail/jailtest"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker/results"
)

// This test binary serves as the jailed child of batch and parse --jail.
func TestMain(m *testing.M) {
	pipeline.ServeChildIfAsked()
	os.Exit(m.Run())
}

// padded returns seed 000 with size bytes of prose inserted: a valid report
// whose reading takes seconds and memory in proportion.
func padded(t *testing.T, size int) []byte {
	t.Helper()
	base, err := os.ReadFile(seed000)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(base, []byte("二、主动公开"))
	line := strings.Repeat("本机关坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。", 20) + "\n"
	return bytes.Join([][]byte{base[:i], bytes.Repeat([]byte(line), size/len(line)+1), base[i:]}, nil)
}

// TestBatchJailFaults runs batch over a document whose child is killed with
// SIGKILL mid-document, one that takes more memory than a child may (60 MB
// of text with 100 MiB), and good reports after them: the two fail once,
// as crash and resource_limit with their reasons, the good ones get their
// records, and a run again fails the two at once as recorded poison.
func TestBatchJailFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 70 MB of text in child processes")
	}
	in, out := t.TempDir(), t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(in, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Batch takes the documents in order of their names.
	write("a-killed.txt", padded(t, 8<<20))
	write("b-huge.txt", padded(t, 60<<20))
	seeds, _ := filepath.Glob("../../testdata/seeds/*.txt")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		write("c-"+filepath.Base(s), data)
	}
	// The child that reads a-killed.txt is killed once it has read it.
	killed := make(chan int, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() { killed <- jailtest.KillWhenReading(os.Getpid(), 4<<20, stop) }()
	peaks := jailtest.Watch(os.Getpid(), 20*time.Millisecond)
	code, stdout, stderr := runCLI(t, "batch", "-o", out, "--concurrency", "1", "--max-memory", "100", in)
	parentPeak, childPeak := peaks.Stop()
	select {
	case pid := <-killed:
		if pid == 0 {
			t.Fatal("no child was killed")
		}
	default:
		t.Fatal("no child was killed")
	}
	if code != exitFailed || !strings.Contains(stdout, fmt.Sprintf("%d records (", len(seeds))) || !strings.Contains(stdout, "2 failed") {
		t.Errorf("exit %d, stdout %q; want 1, %d records and 2 failures", code, stdout, len(seeds))
	}
	for name, want := range map[string]string{
		"a-killed.txt": "text: crash: killed by signal SIGKILL",
		"b-huge.txt":   "text: resource_limit: memory limit of 100 MiB exceeded",
	} {
		f := jailtest.Failure(t, filepath.Join(out, filepath.Base(in), name+results.ErrorSuffix))
		if !strings.HasPrefix(f.Reason, want) || f.Kind != strings.Split(want, ": ")[1] {
			t.Errorf("%s: %s: %q, want %q…", name, f.Kind, f.Reason, want)
		}
		if n := strings.Count(stderr, name+":"); n != 1 {
			t.Errorf("%s reported %d times, want once:\n%s", name, n, stderr)
		}
	}
	for _, s := range seeds {
		if _, err := os.Stat(filepath.Join(out, filepath.Base(in), "c-"+filepath.Base(s)+results.RecordSuffix)); err != nil {
			t.Errorf("a good report after the bad ones: %v", err)
		}
	}
	t.Logf("peak RSS: batch (this test process) %d MiB, a child %d MiB", parentPeak>>20, childPeak>>20)

	// Run again: the records are skipped, the poison fails at once.
	start := time.Now()
	code, stdout, stderr = runCLI(t, "batch", "-o", out, "--concurrency", "1", in)
	if code != exitFailed || !strings.Contains(stdout, "2 failed, 5 skipped") || strings.Count(stderr, "not read again") != 2 {
		t.Errorf("run again: exit %d, %q %q; want the two failed as poison", code, stdout, stderr)
	}
	t.Logf("run again in %v", time.Since(start).Round(time.Millisecond))
	f := jailtest.Failure(t, filepath.Join(out, filepath.Base(in), "a-killed.txt"+results.ErrorSuffix))
	if f.Kind != jail.KindCrash {
		t.Errorf("run again: kind %s", f.Kind)
	}
}
