package docx_test

import (
	"context"
	"os"
	"testing"

	"github.com/nianbao/nianbao/converters/docx"
	"github.com/nianbao/nianbao/internal/pipeline"
)

// typical is a typical generated report: the 2021 template, three full
// tables, a 9 KB .docx (68 KB of document.xml).
const typical = "../../testdata/corpus/002.docx"

// BenchmarkDocxToRecord measures a typical report from .docx bytes to a
// checked record: DOCX conversion, parse and validate. The target is 500
// reports a second on one core:
//
//	go test ./converters/docx -run '^$' -bench . -benchmem -cpu 1
func BenchmarkDocxToRecord(b *testing.B) {
	data, err := os.ReadFile(typical)
	if err != nil {
		b.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Bytes(ctx, typical, data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkConvert measures the DOCX conversion alone.
func BenchmarkConvert(b *testing.B) {
	data, err := os.ReadFile(typical)
	if err != nil {
		b.Fatal(err)
	}
	c := docx.New(docx.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Convert(ctx, typical, data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}
