package pipeline_test

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/pipeline"
)

// reportName takes the report's name from a sample file's: 007.word.txt and
// 007.html are report 007; a seed is its own report.
var reportName = regexp.MustCompile(`^([^.]+)`)

// TestAccuracy runs every sample document in testdata through the whole
// pipeline, real converters included, and compares each record with its
// report's expected record, field by field.
func TestAccuracy(t *testing.T) {
	for _, dir := range []string{"../../testdata/seeds", "../../testdata/corpus"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.*"))
		if err != nil {
			t.Fatal(err)
		}
		var samples []string
		for _, f := range files {
			if filepath.Ext(f) != ".json" && filepath.Base(f) != "README.md" {
				samples = append(samples, f)
			}
		}
		if len(samples) == 0 {
			t.Fatalf("no sample documents in %s", dir)
		}
		p := pipeline.New(pipeline.Config{})
		for _, f := range samples {
			t.Run(filepath.Base(f), func(t *testing.T) {
				name := reportName.FindString(filepath.Base(f))
				want, err := expect.Load(filepath.Join(dir, "expected", name+".json"))
				if err != nil {
					t.Fatal(err)
				}
				rec, err := p.File(context.Background(), f)
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range want.Diff(rec) {
					t.Error(d)
				}
			})
		}
	}
}
