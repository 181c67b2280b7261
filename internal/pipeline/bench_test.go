package pipeline_test

import (
	"context"
	"os"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
)

// BenchmarkTextToRecord measures a typical 8 KB text report from bytes to a
// checked record: text conversion, parse and validate. The target is 5,000
// reports a second on one core (go test -bench TextToRecord -cpu 1).
func BenchmarkTextToRecord(b *testing.B) {
	for _, sample := range []string{
		"../../testdata/seeds/001_03dce372dd454866.txt", // Markdown tables, 8.0 KB
		"../../testdata/seeds/000_a91be580dd15950d.txt", // one cell a line, 7.2 KB
	} {
		data, err := os.ReadFile(sample)
		if err != nil {
			b.Fatal(err)
		}
		p := pipeline.New(pipeline.Config{})
		ctx := context.Background()
		b.Run(sample[len(sample)-24:len(sample)-4], func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Bytes(ctx, sample, data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}
