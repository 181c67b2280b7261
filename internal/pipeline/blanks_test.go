package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/corpus"
	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// blankReports returns generated reports without errors turned into
// reports that print blanks for zeros, one for each mark of a blank cell:
// a row of table 2 and one of table 3 all 0 (so their totals are blank
// too), and in the 2021 reports a blank row total whose parts are not 0 and
// a blank part of a row whose printed total disagrees with it as 0.
func blankReports(t *testing.T) []corpus.Report {
	t.Helper()
	all := corpus.Generate(corpus.DefaultSeed, corpus.DefaultCount)
	var out []corpus.Report
	seen := map[string]bool{}
	for i := 0; i < len(all) && len(out) < len(corpus.BlankMarks); i++ {
		r := all[i]
		if r.Status() != record.Valid || r.StatesTotals() {
			continue
		}
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(r.ZeroRow(template.Applications, "withheld_state_secret"))
		must(r.ZeroRow(template.ReviewsLitigation, "litigation_after"))
		if r.Template == template.V2021 {
			must(r.PrintBlank(template.Applications, "disclosed", template.ColumnTotal))
			must(r.PrintBlank(template.Applications, "partially_disclosed", "natural_person"))
		}
		r.PrintZerosBlank(corpus.BlankMarks[len(out)])
		seen[r.Template], seen[r.Script] = true, true
		out = append(out, r)
	}
	for _, k := range []string{template.V2019, template.V2021, "simplified", "traditional"} {
		if !seen[k] {
			t.Fatalf("no %s report among the blank ones", k)
		}
	}
	return out
}

// TestBlankCells reads reports printing blanks for zeros in every format,
// PDF (rendered from the DOCX by LibreOffice) included: blanks read as 0
// with one value.blank per table, but the blanks the arithmetic says are
// not 0, which are null with value.missing.
func TestBlankCells(t *testing.T) {
	reports := blankReports(t)
	p := pipeline.New(pipeline.Config{})
	ctx := context.Background()
	docx := map[string][]byte{}
	for i := range reports {
		r := &reports[i]
		want := expected(t, r)
		mark := corpus.BlankMarks[i]
		files, err := r.Files()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if filepath.Dir(f.Name) == corpus.ExpectedDir {
				continue
			}
			if strings.HasSuffix(f.Name, ".docx") {
				docx[r.Name()] = f.Data
			}
			t.Run(fmt.Sprintf("%s (blank %q)", f.Name, mark), func(t *testing.T) {
				rec, err := p.Bytes(ctx, f.Name, f.Data)
				if err != nil {
					t.Fatal(err)
				}
				checkBlanks(t, r, want, rec)
			})
		}
	}
	pdfs := renderPDF(t, docx)
	for i := range reports {
		r := &reports[i]
		t.Run(r.Name()+".pdf", func(t *testing.T) {
			rec, err := p.Bytes(ctx, r.Name()+".pdf", pdfs[r.Name()])
			if err != nil {
				t.Fatal(err)
			}
			checkBlanks(t, r, expected(t, r), rec)
		})
	}
}

// TestBlankCellsRealTemplate is the untuned check: the real blank 2021
// template, with its own merged cells, filled with the blank reports that
// fit it.
func TestBlankCellsRealTemplate(t *testing.T) {
	const realTemplate = "../../../shared/real/template-2021.docx"
	tmpl, err := os.ReadFile(realTemplate)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent: the real template is not in this checkout", realTemplate)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	filled := 0
	for i, r := range blankReports(t) {
		data, err := corpus.FillTemplate(tmpl, &r)
		if errors.Is(err, corpus.ErrTemplateFit) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		filled++
		t.Run(fmt.Sprintf("%s (blank %q)", r.Name(), corpus.BlankMarks[i]), func(t *testing.T) {
			rec, err := p.Bytes(context.Background(), r.Name()+".docx", data)
			if err != nil {
				t.Fatal(err)
			}
			checkBlanks(t, &r, expected(t, &r), rec)
		})
	}
	if filled == 0 {
		t.Fatal("no blank report fits the template")
	}
}

// checkBlanks compares the record with the expected one, and checks that a
// blank total's value.missing says what its parts add up to.
func checkBlanks(t *testing.T, r *corpus.Report, want *expect.Record, rec *record.Record) {
	t.Helper()
	for _, d := range want.Diff(rec) {
		t.Error(d)
	}
	if r.Template != template.V2021 {
		return
	}
	row, _ := rec.Applications.Get("disclosed")
	sum := 0.0
	for _, k := range row.Keys() {
		if v, _ := row.Get(k); k != template.ColumnTotal && v.Valid {
			sum += v.Num
		}
	}
	for _, f := range rec.Findings {
		if f.Rule == validate.RuleValueMissing && f.Row == "disclosed" && f.Column == template.ColumnTotal &&
			!strings.Contains(f.Message, "add up to "+record.Num(sum).String()) {
			t.Errorf("the blank total's finding does not give its parts' sum %v: %s", sum, f.Message)
		}
	}
}

// expected returns a generated report's expected record as the tests read it.
func expected(t *testing.T, r *corpus.Report) *expect.Record {
	t.Helper()
	e, err := r.Want()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// renderPDF renders Word documents to PDF with LibreOffice, as
// scripts/corpus-pdf.sh renders the corpus: one soffice call for all.
func renderPDF(t *testing.T, docs map[string][]byte) map[string][]byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) is not on the PATH: apt-get install libreoffice-writer-nogui")
	}
	dir := t.TempDir()
	var paths []string
	for name, data := range docs {
		path := filepath.Join(dir, name+".docx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	args := append([]string{"--headless", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", filepath.Join(dir, "out")}, paths...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdfs := map[string][]byte{}
	for name := range docs {
		data, err := os.ReadFile(filepath.Join(dir, "out", name+".pdf"))
		if err != nil {
			t.Fatalf("LibreOffice made no PDF of %s: %v", name, err)
		}
		pdfs[name] = data
	}
	return pdfs
}
