package worker_test

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// BenchmarkZipEntries lists an archive of n small entries and reads (hashes)
// every one, as enqueue and a dropped archive do: the time per entry must
// not grow with n (it grew linearly when each entry was found by reading
// the archive's directory again). Compare the ns/entry of the two sizes.
func BenchmarkZipEntries(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			p := filepath.Join(b.TempDir(), "many.zip")
			writeManyZip(b, p, n)
			b.ResetTimer()
			for range b.N {
				var read int
				err := worker.Walk(context.Background(), []string{p}, ziparchive.Limits{}, func(doc worker.Doc, err error) error {
					if err != nil {
						return err
					}
					read++
					return doc.Identify(ziparchive.Limits{})
				})
				if err != nil || read != n {
					b.Fatalf("%d entries read, want %d: %v", read, n, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
		})
	}
}

// writeManyZip writes an archive of n entries of a few bytes each, in n/100
// folders.
func writeManyZip(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for i := range n {
		w, err := zw.Create(fmt.Sprintf("d%03d/%06d.txt", i/100, i))
		if err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(w, "%d", i)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}
