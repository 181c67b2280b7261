package station_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/export"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/review"
	"github.com/nianbao/nianbao/internal/review/station"
)

// The scanned page the browser test reviews, and its report in the corpus.
const (
	scanFile   = "014-200-p3.png"
	scanReport = "014"
	scanRecord = scanFile + ".json"
)

// TestBrowser drives headless Chromium through a review: the list, a
// scanned page with OCR findings and its crops, two values corrected and
// one confirmed from the keyboard, and a digital report settled to valid;
// then the sidecars, the statuses and the CSV are checked. Screenshots go
// to $NIANBAO_SCREENSHOTS, or a folder under the temporary directory.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR and a browser: not in -short")
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (scripts/deps.sh chromium); the browser test is skipped")
	}
	dir := t.TempDir()
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	folder(t, p, dir, "../../../testdata/scans/"+scanFile, "../../../testdata/corpus/027.html")
	st, err := station.New(station.Config{Dir: dir, Reviewer: "tester", Pages: p.PageImage})
	if err != nil {
		t.Fatal(err)
	}
	srv := httpServer(t, st)

	// The cells to settle: two flagged OCR values read wrong, to correct,
	// and one read right, to confirm (the corpus says which).
	before, err := review.Load(filepath.Join(dir, scanRecord))
	if err != nil {
		t.Fatal(err)
	}
	want, err := expect.Load("../../../testdata/corpus/expected/" + scanReport + ".json")
	if err != nil {
		t.Fatal(err)
	}
	wrong, right := flaggedOCR(before.Read, want)
	if len(wrong) < 2 || len(right) < 1 {
		t.Skipf("the OCR of %s read %d flagged values wrong and %d right; the test needs 2 and 1", scanFile, len(wrong), len(right))
	}
	wrong, right = wrong[:2], right[:1]

	shots := os.Getenv("NIANBAO_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "nianbao-review-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1400, 1000))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The first run starts the browser, and lives as long as its context:
	// no timeout on it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/"), chromedp.WaitVisible("#list")); err != nil {
		t.Fatal(err)
	}
	firstFile, err := chromedp.Run(ctx, chromedp.Text("#list tr:nth-child(2) td:first-child"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(firstFile, scanFile) && !strings.Contains(firstFile, "027") {
		t.Errorf("first in the list: %q, want an invalid record", firstFile)
	}
	listShot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	// Open the scanned page from the list.
	if err := chromedp.Do(ctx,
		chromedp.Click(`a[href="/doc?f=`+scanRecord+`"]`, chromedp.NodeVisible),
		chromedp.WaitVisible("#status"),
	); err != nil {
		t.Fatal(err)
	}
	// Each cell in turn: focus it (its crop shows), then type or confirm.
	for i, c := range append(append([]cellWant{}, wrong...), right...) {
		sel := c.selector()
		if err := chromedp.Do(ctx, chromedp.Focus(sel)); err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		cropOK, err := chromedp.Run(ctx, chromedp.Poll[bool](
			`(function(){var i=document.getElementById('crop');return i.complete&&i.naturalWidth>0})()`,
			chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil || !cropOK {
			t.Errorf("%s: no crop shown (%v)", c.key, err)
		}
		keys := chromedp.SendKeys(sel, kb.Enter)
		if i < len(wrong) {
			keys = chromedp.Steps(selectText(sel), chromedp.SendKeys(sel, c.want.String()+kb.Enter))
		}
		if err := chromedp.Do(ctx, keys, chromedp.WaitVisible(`td.rev `+sel)); err != nil {
			t.Fatalf("settling %s: %v", c.key, err)
		}
	}
	status, err := chromedp.Run(ctx, chromedp.Text("#status"))
	if err != nil {
		t.Fatal(err)
	}
	docShot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	// The digital report: its one error settled, it turns valid.
	sel := `input[data-r="litigation_direct"][data-c="total"]`
	if err := chromedp.Do(ctx, chromedp.Navigate(srv+"/doc?f=027.html.json"), chromedp.WaitVisible(sel)); err != nil {
		t.Fatal(err)
	}
	read027, err := review.Load(filepath.Join(dir, "027.html.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	row, _ := read027.Read.ReviewsLitigation.Get("litigation_direct")
	for _, c := range []string{"upheld", "corrected", "other", "pending"} {
		v, _ := row.Get(c)
		sum += v.Num
	}
	if err := chromedp.Do(ctx,
		selectText(sel), chromedp.SendKeys(sel, record.Num(sum).String()+kb.Enter),
		chromedp.WaitVisible(`td.rev `+sel),
	); err != nil {
		t.Fatal(err)
	}
	digitalStatus, err := chromedp.Run(ctx, chromedp.Text("#status"))
	if err != nil {
		t.Fatal(err)
	}
	for name, shot := range map[string][]byte{"list.png": listShot, "document.png": docShot} {
		if err := os.WriteFile(filepath.Join(shots, name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", shots)

	// The sidecar holds the three decisions; the record, checked again,
	// has lost their findings and its status is what the page showed.
	after, err := review.Load(filepath.Join(dir, scanRecord))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(after.Sidecar.Decisions); n != 3 {
		t.Fatalf("%d decisions in the sidecar, want 3", n)
	}
	for i, c := range append(append([]cellWant{}, wrong...), right...) {
		d := after.Sidecar.Decisions[i]
		if d.Key() != c.key || d.After != c.want || d.By != "tester" || d.At.IsZero() {
			t.Errorf("decision %d: %+v, want %s = %v by tester", i, d, c.key, c.want)
		}
		if d.Before != c.read {
			t.Errorf("decision %d: before %v, want the reading %v", i, d.Before, c.read)
		}
	}
	if status != after.Reviewed.Status {
		t.Errorf("page shows status %s, the record checked again %s", status, after.Reviewed.Status)
	}
	if got, was := len(after.Reviewed.Findings), len(before.Reviewed.Findings); got > was-3 {
		t.Errorf("%d findings after review, %d before: settling three flagged cells should drop at least three", got, was)
	}
	if digitalStatus != record.Valid {
		t.Errorf("027 after review: status %s, want valid", digitalStatus)
	}
	t.Logf("%s: status %s → %s, findings %d → %d; 027.html: invalid → %s",
		scanFile, before.Reviewed.Status, after.Reviewed.Status, len(before.Reviewed.Findings), len(after.Reviewed.Findings), digitalStatus)

	// The CSV has the reviewed values, and names them.
	if _, err := export.Write(dir, ""); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(dir, export.CSVName))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		switch r[0] {
		case scanFile:
			for _, c := range append(append([]cellWant{}, wrong...), right...) {
				if got := r[col[c.key]]; got != c.want.String() {
					t.Errorf("CSV %s = %q, want %v", c.key, got, c.want)
				}
				if !strings.Contains(r[col["reviewed"]], c.key) {
					t.Errorf("CSV reviewed %q lacks %s", r[col["reviewed"]], c.key)
				}
			}
			if r[col["status"]] != after.Reviewed.Status {
				t.Errorf("CSV status %s, want %s", r[col["status"]], after.Reviewed.Status)
			}
		case "027.html":
			if r[col["status"]] != record.Valid {
				t.Errorf("CSV status of 027.html %s, want valid", r[col["status"]])
			}
		}
	}
}

// cellWant is a flagged cell read by OCR and its value in the corpus.
type cellWant struct {
	key                string
	table, row, column string
	read, want         record.Value
}

func (c cellWant) selector() string {
	return fmt.Sprintf(`input[data-t=%q][data-r=%q][data-c=%q]`, c.table, c.row, c.column)
}

// flaggedOCR returns the cells read by OCR that a finding flags, read wrong
// and read right, in page order.
func flaggedOCR(rec *record.Record, want *expect.Record) (wrong, right []cellWant) {
	flagged := map[string]bool{}
	for _, f := range rec.Findings {
		flagged[f.Table+"."+f.Row+"."+f.Column] = true
	}
	for _, src := range rec.Provenance {
		key := src.Table + "." + src.Row + "." + src.Column
		w, ok := want.Fields[key]
		if !flagged[key] || !ok || !w.Valid {
			continue
		}
		row, _ := rec.TableOf(src.Table).Get(src.Row)
		read, _ := row.Get(src.Column)
		c := cellWant{key: key, table: src.Table, row: src.Row, column: src.Column, read: read, want: w}
		if read.Valid && read == w {
			right = append(right, c)
		} else if read.Valid {
			wrong = append(wrong, c)
		}
	}
	return wrong, right
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// selectText selects an input's text, as a person does before typing over it.
func selectText(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(function(){var e=document.querySelector(%q);e.focus();e.select();return true})()`, sel))(ctx, t)
		return err
	})
}
