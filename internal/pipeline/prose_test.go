package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/validate"
)

// TestProseMismatch scores the prose.mismatch check on every document of the
// corpus, in every format: statements generated to agree with the tables
// must raise nothing, those made to disagree must be flagged on their cell.
// Precision and recall must both be 100%.
func TestProseMismatch(t *testing.T) {
	const dir = "../../testdata/corpus"
	files, err := filepath.Glob(filepath.Join(dir, "[0-9][0-9][0-9].*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus documents in %s: %v", dir, err)
	}
	p := pipeline.New(pipeline.Config{})
	var truePos, falsePos, falseNeg, stated int
	for _, f := range files {
		want, err := expect.Load(filepath.Join(dir, "expected", reportName.FindString(filepath.Base(f))+".json"))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := p.File(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		stated += len(validate.StatedTotals(rec))
		expected := map[string]bool{}
		for _, w := range want.Findings {
			if w.Rule == validate.RuleProseMismatch {
				expected[w.Table+"."+w.Row+"."+w.Column] = true
			}
		}
		got := map[string]bool{}
		for _, g := range rec.Findings {
			if g.Rule != validate.RuleProseMismatch {
				continue
			}
			key := g.Table + "." + g.Row + "." + g.Column
			got[key] = true
			if expected[key] {
				truePos++
			} else {
				falsePos++
				t.Errorf("%s: unexpected %s", filepath.Base(f), g.Message)
			}
		}
		for key := range expected {
			if !got[key] {
				falseNeg++
				t.Errorf("%s: prose.mismatch on %s not raised", filepath.Base(f), key)
			}
		}
	}
	t.Logf("%d documents, %d totals stated in words; prose.mismatch: %d right, %d false alarms, %d missed: precision %.1f%%, recall %.1f%%",
		len(files), stated, truePos, falsePos, falseNeg,
		100*float64(truePos)/float64(max(1, truePos+falsePos)), 100*float64(truePos)/float64(max(1, truePos+falseNeg)))
	if truePos == 0 {
		t.Error("no prose.mismatch in the corpus: nothing was scored")
	}
}
