package hostile_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/hostile"
	"github.com/nianbao/nianbao/internal/pipeline"
)

// mayRead lists the cases that are harmless once bounded, so a record (of
// no report) is a right outcome for them.
var mayRead = map[string]bool{
	"docx-numbering-letters.docx": true, // labels capped
	"docx-zip-slip.docx":          true, // nothing is extracted
	"html-span-bomb.html":         true, // spans clamped
	"text-pipes.txt":              true, // long lines read as one cell
	"text-pipes-one-line.txt":     true,
	"text-pipes-short-lines.txt":  true,
	"text-tabs.txt":               true,
}

// Bounds of one case: far above what each takes (a second or two, tens of
// megabytes), far below what the bombs took before they were bounded
// (fatal errors, gigabytes, minutes).
const (
	caseTimeout = 2 * time.Minute
	maxGrowth   = 1 << 30
)

var sentinels = []error{converters.ErrEmpty, converters.ErrNotText, converters.ErrCorrupt, converters.ErrEncrypted, converters.ErrTooLarge, converters.ErrUnsupported}

// TestCorpus runs each digital case through the pipeline in this process:
// each ends within its time with a record or a clear one-line error wrapping
// a converter's bad-input error, and the process's peak memory grows by
// less than maxGrowth.
func TestCorpus(t *testing.T) {
	dir := t.TempDir()
	const textBytes = 8 << 20
	cases, err := hostile.Write(dir, hostile.Options{TextBytes: textBytes, BombBytes: 40 << 20})
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	for _, c := range cases {
		if c.Format == "image" {
			continue // OCR's limits are tested with OCR
		}
		t.Run(c.Name, func(t *testing.T) {
			base := resetPeak(t)
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			defer cancel()
			start := time.Now()
			rec, err := p.File(ctx, filepath.Join(dir, c.Name))
			took := time.Since(start)
			growth := peak(t) - base
			t.Logf("%s in %v, peak +%d MB: %v", c.What, took.Round(time.Millisecond), growth>>20, err)
			if growth > maxGrowth {
				t.Errorf("peak memory grew by %d MB", growth>>20)
			}
			switch {
			case errors.Is(err, context.DeadlineExceeded):
				t.Errorf("still running after %v", caseTimeout)
			case err == nil && !mayRead[c.Name]:
				t.Errorf("read into a record (status %q), want an error", rec.Status)
			case err != nil:
				msg := err.Error()
				if strings.Contains(msg, "\n") || len(msg) > 300 {
					t.Errorf("error is not one short line: %q", msg)
				}
				if !isBadInput(err) {
					t.Errorf("error %q wraps no bad-input error of package converters", msg)
				}
			}
		})
	}
}

func isBadInput(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// resetPeak returns memory to the system and resets the process's peak
// resident size to its current size, which it returns.
func resetPeak(t *testing.T) int64 {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak resident size: %v", err)
	}
	return status(t, "VmRSS:")
}

func peak(t *testing.T) int64 { return status(t, "VmHWM:") }

// status reads a size in kB from /proc/self/status, in bytes.
func status(t *testing.T, key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte(key)); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s %q: %v", key, v, err)
			}
			return n << 10
		}
	}
	t.Skipf("no %s in /proc/self/status", key)
	return 0
}
