package worker_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// scan20 writes a 20-page scanned TIFF: the committed 5-page scans of
// reports 001 and 005, twice each, joined by tiffcp (libtiff-tools).
func scan20(t *testing.T, dir string) string {
	t.Helper()
	a, b := filepath.Join(repoRoot, "testdata/scans/001-200.tif"), filepath.Join(repoRoot, "testdata/scans/005-300.tif")
	p := filepath.Join(dir, "scan20.tif")
	if out, err := exec.Command("tiffcp", a, b, a, b, p).CombinedOutput(); err != nil {
		t.Fatalf("tiffcp: %v %s", err, out)
	}
	return p
}

// TestPageBudget: a document's timeout grows with its pages, so that a
// 20-page scan gets 20 pages' time (over 5 min at the 19 s a page OCR took
// here, the image timeout alone).
func TestPageBudget(t *testing.T) {
	doc := worker.Doc{Path: scan20(t, t.TempDir()), Rel: "scan20.tif"}
	if err := doc.Identify(ziparchive.Limits{}); err != nil {
		t.Fatal(err)
	}
	if doc.Format != pipeline.FormatImage || doc.Pages != 20 {
		t.Fatalf("format %s, %d pages; want image, 20", doc.Format, doc.Pages)
	}
	var cfg worker.TaskConfig
	if got, want := cfg.Timeout(doc.Format, doc.Pages), worker.DefaultTimeouts[pipeline.FormatImage]+20*time.Minute; got != want {
		t.Errorf("timeout %v, want %v", got, want)
	}
	if got := cfg.Timeout(pipeline.FormatText, 0); got != time.Minute {
		t.Errorf("text timeout %v, want 1m", got)
	}
	pdf := worker.Doc{Path: filepath.Join(repoRoot, "testdata/scans/002-300.pdf"), Rel: "002-300.pdf"}
	if err := pdf.Identify(ziparchive.Limits{}); err != nil {
		t.Fatal(err)
	}
	if pdf.Format != pipeline.FormatPDF || pdf.Pages < 2 {
		t.Errorf("scanned PDF: format %s, %d pages", pdf.Format, pdf.Pages)
	}
}

// TestLongScan runs a 20-page scanned TIFF through a worker with the
// default timeouts: it must end in a record. It takes minutes of OCR, so it
// runs only when NIANBAO_LONG_SCAN is set:
//
//	NIANBAO_LONG_SCAN=1 OMP_THREAD_LIMIT=1 go test -run TestLongScan -timeout 60m -v ./worker/
func TestLongScan(t *testing.T) {
	if os.Getenv("NIANBAO_LONG_SCAN") == "" {
		t.Skip("minutes of OCR: set NIANBAO_LONG_SCAN=1 to run it")
	}
	redis := redistest.Start(t)
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	os.MkdirAll(inbox, 0o755)
	runWorker(t, worker.Config{Redis: redisOpt(t, redis.URL()), Out: out, Concurrency: 1,
		Watch: worker.WatchConfig{Dir: inbox}})
	src := scan20(t, dir)
	if err := os.Rename(src, filepath.Join(inbox, "scan20.tif")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	waitFor(t, 50*time.Minute, "the scan's record or failure", func() bool {
		records, failures := outputs(t, out)
		return len(records)+len(failures) > 0
	})
	records, failures := outputs(t, out)
	for rel, p := range failures {
		data, _ := os.ReadFile(p)
		t.Errorf("%s failed: %s", rel, data)
	}
	if _, ok := records["scan20.tif"]; ok {
		t.Logf("20-page scan: record in %v", time.Since(start).Round(time.Second))
	}
}
