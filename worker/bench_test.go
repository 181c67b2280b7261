package worker_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
)

// BenchmarkQueue measures documents per second through Redis with one and
// two workers (each taking one document at a time), on the text corpus,
// where the queue's own overhead shows, and on the PDF corpus. b.N distinct
// documents are enqueued first; the clock runs from the workers' start to
// the last task's completion.
func BenchmarkQueue(b *testing.B) {
	for _, corpus := range []struct {
		name  string
		match func(string) bool
	}{
		{"text", func(n string) bool { return strings.HasSuffix(n, ".txt") || strings.HasSuffix(n, ".md") }},
		{"pdf", func(n string) bool { return strings.HasSuffix(n, ".pdf") }},
	} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", corpus.name, workers), func(b *testing.B) {
				benchQueue(b, corpus.match, workers)
			})
		}
	}
}

func benchQueue(b *testing.B, match func(string) bool, workers int) {
	var files []string
	for _, dir := range []string{"testdata/corpus", "testdata/seeds"} {
		names, _ := filepath.Glob(filepath.Join(repoRoot, dir, "*"))
		for _, n := range names {
			if match(n) && !strings.HasSuffix(n, "README.md") {
				files = append(files, n)
			}
		}
	}
	if len(files) == 0 {
		b.Skip("no documents of this format in testdata")
	}
	redis := redistest.Start(b)
	opt, _ := asynq.ParseRedisURI(redis.URL())
	dir := b.TempDir()
	client, ins := asynq.NewClient(opt), asynq.NewInspector(opt)
	defer client.Close()
	defer ins.Close()
	enq := &worker.Enqueuer{Client: client, Inspector: ins}
	// Distinct documents: a trailing line (text), or a comment and another
	// %%EOF after the PDF's own, give each copy its own hash and change
	// nothing a reader sees.
	for i := range b.N {
		data, err := os.ReadFile(files[i%len(files)])
		if err != nil {
			b.Fatal(err)
		}
		if strings.HasSuffix(files[i%len(files)], ".pdf") {
			data = fmt.Appendf(data, "\n%% copy %d\n%%%%EOF\n", i)
		} else {
			data = fmt.Appendf(data, "\n%% copy %d\n", i)
		}
		p := filepath.Join(dir, "docs", fmt.Sprintf("%06d%s", i, filepath.Ext(files[i%len(files)])))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		doc := worker.Doc{Path: p, Rel: filepath.Base(p)}
		if ex, err := enq.Enqueue(context.Background(), doc, worker.QueueBulk); err != nil || ex != nil {
			b.Fatalf("enqueue: %v, duplicate %v", err, ex != nil)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, workers)
	b.ResetTimer()
	start := time.Now()
	for range workers {
		go func() {
			done <- worker.Run(ctx, worker.Config{Redis: opt, Out: filepath.Join(dir, "out"), Concurrency: 1,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		}()
	}
	for {
		info, err := ins.GetQueueInfo(worker.QueueBulk)
		if err == nil && info.Completed+info.Archived == b.N {
			if info.Archived > 0 {
				archived, _ := ins.ListArchivedTasks(worker.QueueBulk)
				for _, t := range archived {
					b.Errorf("%s failed: %s", t.Payload, t.LastErr)
				}
			}
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "docs/s")
	cancel()
	for range workers {
		<-done
	}
}
