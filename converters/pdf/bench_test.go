package pdf_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
)

// BenchmarkPDFToRecord measures PDF bytes to a checked record (conversion,
// parse, validation) over the generated corpus's PDFs and the real report
// when present, in pages a second. Compare it with poppler's plain text
// extraction of the same files: pdftotext -layout.
func BenchmarkPDFToRecord(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "*.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	if real := filepath.Join(realDir, "hzq2024.pdf"); fileExists(real) {
		files = append(files, real)
	}
	if len(files) == 0 {
		b.Skip("no PDFs in testdata/corpus")
	}
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	var size int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, input{f, data})
		size += int64(len(data))
	}
	p := pipeline.New(pipeline.Config{})
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		for _, in := range inputs {
			rec, err := p.Bytes(ctx, in.name, in.data)
			if err != nil {
				b.Fatal(err)
			}
			pages += rec.Source.Pages
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(b.N*len(inputs))/b.Elapsed().Seconds(), "reports/s")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
