package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nianbao/nianbao/internal/export"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/worker/results"
)

// writeRecords parses the seeds into dir as the worker writes records, and
// adds one failure.
func writeRecords(t *testing.T, dir string) []*record.Record {
	t.Helper()
	seeds, err := filepath.Glob("../../testdata/seeds/*.txt")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no seeds: %v", err)
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	sink := &results.Sink{Dir: dir}
	var recs []*record.Record
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		rel := "seeds/" + filepath.Base(s)
		rec, err := p.Bytes(context.Background(), rel, data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sink.WriteRecord(rel, rec); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if err := sink.WriteFailure("z/broken.pdf", results.Failure{File: "z/broken.pdf", Reason: "pdf: file is corrupt or truncated", Kind: results.KindBadInput, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	recs := writeRecords(t, dir)
	// Files that are not results are left out.
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, ".a.json.tmp-1"), []byte("{"), 0o644)

	set, err := export.Write(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if s := set.Summary(); s.Records != len(recs) || s.Failed != 1 {
		t.Errorf("summary %+v, want %d records and 1 failure", s, len(recs))
	}

	raw, err := os.ReadFile(filepath.Join(dir, export.CSVName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Errorf("reports.csv does not start with a UTF-8 byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	keys := export.FlatKeys()
	header := rows[0]
	if len(rows) != len(recs)+2 {
		t.Fatalf("%d rows, want a header and %d documents", len(rows), len(recs)+1)
	}
	if got := strings.Join(header[:7], ","); got != "file,agency,year,template,status,findings,reviewed" {
		t.Errorf("leading columns %s", got)
	}
	if len(header) != 7+len(keys)+1 || header[len(header)-1] != "error" {
		t.Errorf("%d columns (last %q), want %d ending in error", len(header), header[len(header)-1], 7+len(keys)+1)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	// Every value of every record is in its column.
	for i, rec := range recs {
		row := rows[i+1]
		if row[0] != rec.Source.File || row[col["agency"]] != rec.Agency || row[col["status"]] != rec.Status {
			t.Errorf("row %d: %v, want the record of %s", i+1, row[:6], rec.Source.File)
		}
		flatKeys, values := rec.Flat()
		for _, k := range flatKeys {
			j, ok := col[k]
			if !ok {
				t.Errorf("no column %s", k)
				continue
			}
			want := ""
			if v := values[k]; v.Valid {
				want = v.String()
			}
			if row[j] != want {
				t.Errorf("%s %s = %q, want %q", rec.Source.File, k, row[j], want)
			}
		}
	}
	last := rows[len(rows)-1]
	if last[0] != "z/broken.pdf" || last[col["status"]] != export.StatusFailed || !strings.Contains(last[len(last)-1], "corrupt") {
		t.Errorf("failure row %v", last)
	}

	f, err := excelize.OpenFile(filepath.Join(dir, export.XLSXName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "records,findings" {
		t.Errorf("sheets %v", got)
	}
	xrows, err := f.GetRows(export.SheetRecords)
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != len(rows) || xrows[1][col["agency"]] != recs[0].Agency {
		t.Errorf("records sheet: %d rows, agency %q; want %d rows, %q", len(xrows), xrows[1][col["agency"]], len(rows), recs[0].Agency)
	}
	frows, err := f.GetRows(export.SheetFindings)
	if err != nil {
		t.Fatal(err)
	}
	nf := 0
	for _, r := range recs {
		nf += len(r.Findings)
	}
	if len(frows) != nf+1 {
		t.Errorf("findings sheet: %d rows, want %d", len(frows), nf+1)
	}
}

func TestDefuse(t *testing.T) {
	dir := t.TempDir()
	rec := &record.Record{Schema: record.Schema, Agency: "=HYPERLINK(\"x\")", Status: record.Incomplete, Template: template.V2021}
	if _, err := (&results.Sink{Dir: dir}).WriteRecord("a.txt", rec); err != nil {
		t.Fatal(err)
	}
	set, err := export.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := export.WriteCSV(&b, set); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"'=HYPERLINK(""x"")"`) {
		t.Errorf("a formula in a text cell is not defused:\n%s", b.String())
	}
}

// report builds a 2021-template record of agency for year with the given
// 上年结转 and 结转下年度 totals and regulations counts.
func report(agency string, year int, carriedOver, carriedForward float64, issued, repealed, inForce float64) *record.Record {
	tp := template.Lookup(template.V2021)
	rec := &record.Record{Schema: record.Schema, Agency: agency, Year: &year, Template: template.V2021, Status: record.Valid}
	apps := &record.Table{}
	for _, r := range []struct {
		key string
		v   float64
	}{{template.RowCarriedOver, carriedOver}, {template.RowCarriedForward, carriedForward}} {
		row := &record.Row{}
		for _, c := range tp.Table(template.Applications).Columns {
			v := 0.0
			if c.Key == template.ColumnTotal {
				v = r.v
			}
			row.Set(c.Key, record.Num(v))
		}
		apps.Set(r.key, row)
	}
	rec.Applications = apps
	ad := &record.Table{}
	t1 := tp.Table(template.ActiveDisclosure)
	for i := range t1.Rows {
		r := &t1.Rows[i]
		row := &record.Row{}
		for j, c := range t1.ColumnsOf(r) {
			row.Set(c.Key, record.Num([]float64{issued, repealed, inForce}[min(j, 2)]))
		}
		ad.Set(r.Key, row)
	}
	rec.ActiveDisclosure = ad
	return rec
}

func TestCheck(t *testing.T) {
	docs := []export.Doc{
		{File: "a/2021", Record: report("甲局", 2021, 1, 3, 2, 0, 10)},
		{File: "a/2022", Record: report("甲局", 2022, 3, 4, 5, 1, 14)}, // carries over right
		{File: "a/2023", Record: report("甲局", 2023, 5, 0, 1, 1, 20)}, // 5 ≠ 4, 20 ≠ 14+1−1
		{File: "a/2025", Record: report("甲局", 2025, 9, 0, 0, 0, 99)}, // no 2024: not checked
		{File: "b/2022", Record: report("乙局", 2022, 7, 0, 0, 0, 0)},  // another agency
	}
	got := export.Check(docs)
	var rules []string
	for _, f := range got {
		if f.File != "a/2023" || f.Agency != "甲局" {
			t.Errorf("finding on %s %s: %+v", f.File, f.Agency, f.Finding)
		}
		rules = append(rules, f.Rule+" "+f.Row+"."+f.Column+" "+f.Expected.String()+" "+f.Actual.String())
	}
	want := []string{
		export.RuleCarriedOver + " carried_over.total 4 5",
		export.RuleInForce + " regulations.in_force 14 20",
		export.RuleInForce + " normative_documents.in_force 14 20",
	}
	if strings.Join(rules, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(rules, "\n"), strings.Join(want, "\n"))
	}
}
