package worker_test

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
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

// BenchmarkZipEnqueue enqueues every entry of an archive of n small entries
// into a real Redis as `nianbao enqueue` does (Walk, then Enqueuer.Enqueue on
// each document): the time per entry must not grow with n, so the total of
// 100,000 entries is about 10 times that of 10,000. Redis is emptied between
// iterations, off the clock, so every entry is a new task, never a
// duplicate.
func BenchmarkZipEnqueue(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			p := filepath.Join(b.TempDir(), "many.zip")
			writeManyZip(b, p, n)
			redis := redistest.Start(b)
			opt, err := asynq.ParseRedisURI(redis.URL())
			if err != nil {
				b.Fatal(err)
			}
			client, ins := asynq.NewClient(opt), asynq.NewInspector(opt)
			defer client.Close()
			defer ins.Close()
			enq := &worker.Enqueuer{Client: client, Inspector: ins}
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				var enqueued int
				err := worker.Walk(ctx, []string{p}, ziparchive.Limits{}, func(doc worker.Doc, err error) error {
					if err != nil {
						return err
					}
					ex, err := enq.Enqueue(ctx, doc, worker.QueueBulk)
					if err == nil && ex != nil {
						err = fmt.Errorf("%s: taken for a duplicate of %s", doc.Rel, ex.Doc.Rel)
					}
					enqueued++
					return err
				})
				if err != nil || enqueued != n {
					b.Fatalf("%d entries enqueued, want %d: %v", enqueued, n, err)
				}
				b.StopTimer()
				if info, err := ins.GetQueueInfo(worker.QueueBulk); err != nil || info.Pending != n {
					b.Fatalf("queue info %+v, %v: want %d pending", info, err, n)
				}
				if reply, err := redis.Do("FLUSHALL"); err != nil || reply != "+OK" {
					b.Fatalf("FLUSHALL: %q, %v", reply, err)
				}
				b.StartTimer()
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
