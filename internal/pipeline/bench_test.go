package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

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
			cpu := startCPU(b)
			for b.Loop() {
				if _, err := p.Bytes(ctx, sample, data); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report("reports")
		})
	}
}

// cpuClock reports a benchmark's rate per second of wall time and per
// second of CPU time the process used. This machine is shared: wall time
// swells with other work, while CPU time (with -cpu 1, one core) is what
// the runs cost.
type cpuClock struct {
	b     *testing.B
	start time.Duration
}

func startCPU(b *testing.B) cpuClock { return cpuClock{b, cpuTime(b)} }

func (c cpuClock) report(unit string) {
	c.b.ReportMetric(float64(c.b.N)/c.b.Elapsed().Seconds(), unit+"/s")
	if used := cpuTime(c.b) - c.start; used > 0 {
		c.b.ReportMetric(float64(c.b.N)/used.Seconds(), unit+"/cpu-s")
	}
}

// cpuTime is the user and system time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkJail measures the jail's cost per document: the same documents
// through a Pipeline in this process and through Jailed with its reused
// child, side by side (go test -bench Jail -cpu 1); the difference of each
// pair is the overhead, to compare with the in-process parse of the PDF. A
// child serves jail.DefaultMaxRequests documents before it is replaced, so
// its start is part of the cost too.
func BenchmarkJail(b *testing.B) {
	in := pipeline.New(pipeline.Config{})
	defer in.Close()
	jailed, err := pipeline.NewJailed(pipeline.Config{}, pipeline.JailConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer jailed.Close()
	ctx := context.Background()
	for _, sample := range []string{
		"../../testdata/seeds/000_a91be580dd15950d.txt", // 7.2 KB of text
		"../../testdata/corpus/000.pdf",                 // a 4-page PDF with a text layer
	} {
		data, err := os.ReadFile(sample)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range []struct {
			name   string
			runner pipeline.Runner
		}{{"in-process", in}, {"jailed", jailed}} {
			b.Run(filepath.Ext(sample)[1:]+"/"+r.name, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := r.runner.Bytes(ctx, sample, data); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/doc")
			})
		}
	}
}
