package main

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkBatchArchive runs batch over n small documents as a folder and as
// one .zip archive: the archive must cost about what the folder does (it
// cost 14 times as much when each entry was found by reading the archive's
// directory again). Compare the two ns/op.
func BenchmarkBatchArchive(b *testing.B) {
	const n = 2000
	dir := b.TempDir()
	folder := filepath.Join(dir, "docs")
	os.MkdirAll(folder, 0o755)
	zf, err := os.Create(filepath.Join(dir, "docs.zip"))
	if err != nil {
		b.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for i := range n {
		name := fmt.Sprintf("d%02d/%05d.txt", i/100, i)
		data := fmt.Appendf(nil, "%d\n", i)
		os.MkdirAll(filepath.Join(folder, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(folder, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
		w, err := zw.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	zf.Close()
	for _, input := range []string{"docs", "docs.zip"} {
		b.Run(input, func(b *testing.B) {
			for i := range b.N {
				out := filepath.Join(b.TempDir(), fmt.Sprint(i))
				code := run(context.Background(), []string{"batch", "-o", out, filepath.Join(dir, input)}, io.Discard, io.Discard)
				if code != exitFailed { // none is a report: each fails
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
