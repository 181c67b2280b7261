package docx_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/corpus"
	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// realTemplate is the blank 2021 template a disclosure office hands out,
// outside the repository (../shared/real from the repository root).
const realTemplate = "../../../shared/real/template-2021.docx"

// TestFilledTemplate fills the real blank template with the values and prose
// of the generated reports it can hold, in memory, and checks that each
// reads back as its expected record: its tables are the merged-cell layout a
// real office uses.
func TestFilledTemplate(t *testing.T) {
	tmpl, err := os.ReadFile(filepath.FromSlash(realTemplate))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent: the real template is not in this checkout", realTemplate)
	}
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	reports := corpus.Generate(corpus.DefaultSeed, corpus.DefaultCount)
	filled, bad, traditional := 0, 0, 0
	for i := range reports {
		r := &reports[i]
		data, err := corpus.FillTemplate(tmpl, r)
		if errors.Is(err, corpus.ErrTemplateFit) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", r.Name(), err)
		}
		filled++
		if r.Status() != "valid" {
			bad++
		}
		if r.Script == textnorm.Traditional {
			traditional++
		}
		t.Run(r.Name(), func(t *testing.T) {
			rec, err := p.Bytes(context.Background(), r.Name()+".docx", data)
			if err != nil {
				t.Fatal(err)
			}
			want := expected(t, r)
			for _, d := range want.Diff(rec) {
				t.Error(d)
			}
		})
	}
	if filled < 10 || bad == 0 || traditional == 0 {
		t.Errorf("filled %d reports (%d with errors, %d traditional), want at least 10 with some of each", filled, bad, traditional)
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
