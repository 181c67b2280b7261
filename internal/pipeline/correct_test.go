package pipeline_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/validate"
)

// TestDigitalNeverCorrected runs the corpus reports printed with sums that
// fail, in every digital format, and checks that no value is taken from a
// re-reading: only OCR'd cells can be read again.
func TestDigitalNeverCorrected(t *testing.T) {
	const dir = "../../testdata/corpus"
	arithmetic := []string{validate.RuleBalance, validate.RuleProcessedTotal, validate.RuleRowTotal, validate.RuleReviewTotal}
	files, err := filepath.Glob(filepath.Join(dir, "expected", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	checked := 0
	for _, f := range files {
		want, err := expect.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(want.Findings, func(f expect.Finding) bool { return slices.Contains(arithmetic, f.Rule) }) {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		for _, ext := range []string{".docx", ".pdf", ".html", ".tsv.txt"} {
			rec, err := p.File(context.Background(), filepath.Join(dir, name+ext))
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if rec.Status != record.Invalid {
				t.Errorf("%s%s: status %s, want invalid", name, ext, rec.Status)
			}
			for _, f := range rec.Findings {
				if f.Rule == validate.RuleCorrected {
					t.Errorf("%s%s: %s on a digital format: %s", name, ext, f.Rule, f.Message)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no corpus report has a sum that fails")
	}
}
