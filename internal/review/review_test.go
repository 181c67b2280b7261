package review_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nianbao/nianbao/internal/export"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/review"
	"github.com/nianbao/nianbao/worker/results"
)

// parseTo parses a corpus report into dir/NAME.json, as batch writes it.
func parseTo(t *testing.T, dir, corpusFile string) string {
	t.Helper()
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	rec, err := p.File(context.Background(), filepath.Join("../../testdata/corpus", corpusFile))
	if err != nil {
		t.Fatal(err)
	}
	data, err := results.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, corpusFile+results.RecordSuffix)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func value(t *testing.T, rec *record.Record, table, row, col string) record.Value {
	t.Helper()
	r, ok := rec.TableOf(table).Get(row)
	if !ok {
		t.Fatalf("no row %s.%s", table, row)
	}
	v, _ := r.Get(col)
	return v
}

// TestDecide settles report 027's one error (a 行政诉讼 total that is not the
// sum of its parts) by typing the right total and confirming a part: the
// record turns valid, the sidecar keeps both decisions, the reading is kept.
func TestDecide(t *testing.T) {
	dir := t.TempDir()
	path := parseTo(t, dir, "027.html")
	doc, err := review.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Reviewed.Status != record.Invalid {
		t.Fatalf("status %s before review, want invalid", doc.Reviewed.Status)
	}
	const tbl, row = "reviews_litigation", "litigation_direct"
	sum := 0.0
	for _, c := range []string{"upheld", "corrected", "other", "pending"} {
		sum += value(t, doc.Read, tbl, row, c).Num
	}
	read := value(t, doc.Read, tbl, row, "total")
	var store review.Store
	doc2, err := store.Decide(path, doc.Version, record.Review{Table: tbl, Row: row, Column: "total", After: record.Num(sum), By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	confirmed := value(t, doc.Read, tbl, row, "upheld")
	doc3, err := store.Decide(path, doc2.Version, record.Review{Table: tbl, Row: row, Column: "upheld", After: confirmed, By: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	if doc3.Reviewed.Status != record.Valid {
		t.Errorf("status %s after review, want valid; findings %+v", doc3.Reviewed.Status, doc3.Reviewed.Findings)
	}
	if got := value(t, doc3.Reviewed, tbl, row, "total"); got != record.Num(sum) {
		t.Errorf("reviewed total %v, want %v", got, sum)
	}
	if got := value(t, doc3.Read, tbl, row, "total"); got != read {
		t.Errorf("the reading changed: %v, want %v", got, read)
	}
	if len(doc3.Reviewed.Reviewed) != 2 || doc3.Reviewed.Reviewed[0].Before != read {
		t.Errorf("reviewed %+v, want 2 with the reading as before", doc3.Reviewed.Reviewed)
	}
	var side review.Sidecar
	data, err := os.ReadFile(review.SidecarPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &side); err != nil || len(side.Decisions) != 2 || side.Decisions[0].By != "tester" || side.Decisions[0].At.IsZero() {
		t.Errorf("sidecar %s (%v)", data, err)
	}
	// A save against the version first loaded is refused.
	if _, err := store.Decide(path, doc.Version, record.Review{Table: tbl, Row: row, Column: "other", After: record.Num(1)}); !errors.Is(err, review.ErrConflict) {
		t.Errorf("stale save: %v, want ErrConflict", err)
	}
	// A cell the template does not have is refused.
	if _, err := store.Decide(path, doc3.Version, record.Review{Table: tbl, Row: "nope", Column: "total", After: record.Num(1)}); err == nil {
		t.Error("a decision on a row the template lacks was saved")
	}
}

// TestExportUsesReviewed writes the CSV of a reviewed folder: the value a
// person set is in its column, and the reviewed column names it.
func TestExportUsesReviewed(t *testing.T) {
	dir := t.TempDir()
	path := parseTo(t, dir, "027.html")
	doc, err := review.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var store review.Store
	if _, err := store.Decide(path, doc.Version, record.Review{Table: "reviews_litigation", Row: "litigation_direct",
		Column: "total", After: record.Num(4321), By: "tester"}); err != nil {
		t.Fatal(err)
	}
	set, err := export.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Docs) != 1 {
		t.Fatalf("%d documents exported, want 1 (the sidecar is no record)", len(set.Docs))
	}
	raw, err := os.ReadFile(filepath.Join(dir, export.CSVName))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	if got := rows[1][col["reviews_litigation.litigation_direct.total"]]; got != "4321" {
		t.Errorf("exported total %q, want the reviewed 4321", got)
	}
	if got := rows[1][col["reviewed"]]; got != "reviews_litigation.litigation_direct.total" {
		t.Errorf("reviewed column %q", got)
	}
	// In the workbook the reviewed value has a fill of its own.
	f, err := excelize.OpenFile(filepath.Join(dir, export.XLSXName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	name, _ := excelize.CoordinatesToCellName(col["reviews_litigation.litigation_direct.total"]+1, 2)
	other, _ := excelize.CoordinatesToCellName(col["reviews_litigation.litigation_direct.upheld"]+1, 2)
	v, _ := f.GetCellValue(export.SheetRecords, name)
	st, _ := f.GetCellStyle(export.SheetRecords, name)
	plain, _ := f.GetCellStyle(export.SheetRecords, other)
	if v != "4321" || st == plain {
		t.Errorf("workbook %s = %q, style %d (a plain value's %d): want 4321, marked", name, v, st, plain)
	}
}

// TestConcurrentStores: many stores (as separate processes would) save
// against one version at once; exactly one save passes, the others are
// refused as conflicts, and the sidecar holds that one decision.
func TestConcurrentStores(t *testing.T) {
	dir := t.TempDir()
	path := parseTo(t, dir, "027.html")
	doc, err := review.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			var s review.Store
			_, err := s.Decide(path, doc.Version, record.Review{Table: "reviews_litigation", Row: "litigation_direct",
				Column: "total", After: record.Num(float64(i)), By: "tester"})
			errs <- err
		}()
	}
	ok, conflicts := 0, 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, review.ErrConflict):
			conflicts++
		default:
			t.Error(err)
		}
	}
	after, err := review.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 1 || conflicts != n-1 || len(after.Sidecar.Decisions) != 1 {
		t.Errorf("%d saved, %d conflicts, %d decisions in the sidecar; want 1, %d, 1", ok, conflicts, len(after.Sidecar.Decisions), n-1)
	}
}
