package worker_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
	"github.com/nianbao/nianbao/worker/results"
)

// syncBuffer is a log sink the worker's goroutines share with the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runWorker runs a worker in this process until the test ends.
func runWorker(t *testing.T, cfg worker.Config) {
	t.Helper()
	var logs syncBuffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- worker.Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker.Run: %v", err)
		}
		if t.Failed() {
			t.Logf("worker log:\n%s", tail(logs.String()))
		}
	})
}

func redisOpt(t *testing.T, url string) asynq.RedisConnOpt {
	t.Helper()
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		t.Fatal(err)
	}
	return opt
}

// makeZip writes a zip archive of the entries, in order.
func makeZip(t *testing.T, path string, entries ...zipEntry) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: e.flags}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

type zipEntry struct {
	name  string
	data  []byte
	flags uint16
}

// TestBadInput drops bad documents into a watched folder among good ones:
// each fails at once with a clear reason, beside its record's place and in
// failed/, and the worker goes on with the next.
func TestBadInput(t *testing.T) {
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	good := corpusFiles(t, 3)
	report := func(i int) []byte {
		data, err := os.ReadFile(good[i])
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	// A real zip, cut in half.
	var whole bytes.Buffer
	zw := zip.NewWriter(&whole)
	w, _ := zw.Create("a.txt")
	w.Write(report(0))
	zw.Close()

	bad := []struct {
		name   string
		write  func(path string)
		reason string // part of the reason given
		inOut  bool   // the reason is also in the output directory
	}{
		{"garbage.txt", func(p string) { os.WriteFile(p, []byte("\x00\x01\x02\xff binary\x00"), 0o644) }, "not a text file", true},
		{"notice.txt", func(p string) {
			os.WriteFile(p, []byte("会议通知\n\n定于下周一召开全体会议，请各部门准时参加。\n"), 0o644)
		}, "not a government information-disclosure annual report", true},
		{"empty.html", func(p string) { os.WriteFile(p, nil, 0o644) }, "file is empty", true},
		{"truncated.zip", func(p string) { os.WriteFile(p, whole.Bytes()[:whole.Len()/2], 0o644) }, "corrupt", true},
		{"escape.zip", func(p string) {
			makeZip(t, p, zipEntry{name: "ok.txt", data: report(1)}, zipEntry{name: "../../etc/evil.txt", data: report(2)})
		}, "climbs out with ..", true},
		{"absolute.zip", func(p string) { makeZip(t, p, zipEntry{name: "/etc/evil.txt", data: report(2)}) }, "absolute path", true},
		{"encrypted.zip", func(p string) { makeZip(t, p, zipEntry{name: "a.txt", data: report(1), flags: 0x1}) }, "encrypted", true},
		{"bomb.zip", func(p string) { makeZip(t, p, zipEntry{name: "zeros.txt", data: make([]byte, 40<<20)}) }, "zip bomb", true},
	}
	for _, b := range bad {
		b.write(filepath.Join(inbox, b.name))
	}
	runWorker(t, worker.Config{
		Redis: redisOpt(t, redis.URL()), Out: out, Concurrency: 2,
		Watch: worker.WatchConfig{Dir: inbox, Settle: 200 * time.Millisecond},
	})
	// Good documents after the bad ones, and a good archive.
	for i := range 2 {
		os.WriteFile(filepath.Join(inbox, filepath.Base(good[i])), report(i), 0o644)
	}
	makeZip(t, filepath.Join(inbox, "good.zip"), zipEntry{name: "x/" + filepath.Base(good[2]), data: report(2)})

	waitFor(t, 30*time.Second, "every input to be done with", func() bool {
		records, failures := outputs(t, out)
		// The reason is written before the input moves to failed/.
		moved, _ := filepath.Glob(filepath.Join(inbox, worker.FailedDir, "*"+results.ErrorSuffix))
		return len(records) == 3 && len(failures) == len(bad) && len(moved) == len(bad)
	})
	records, failures := outputs(t, out)
	for _, b := range bad {
		f, ok := failures[b.name]
		if !ok {
			t.Errorf("%s: no %s%s", b.name, b.name, results.ErrorSuffix)
			continue
		}
		var fail results.Failure
		data, _ := os.ReadFile(f)
		if err := json.Unmarshal(data, &fail); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if !strings.Contains(fail.Reason, b.reason) || fail.Kind != results.KindBadInput {
			t.Errorf("%s: reason %q (%s), want one with %q (bad_input)", b.name, fail.Reason, fail.Kind, b.reason)
		}
		if _, err := os.Stat(filepath.Join(inbox, worker.FailedDir, b.name)); err != nil {
			t.Errorf("%s is not in failed/: %v", b.name, err)
		}
		if _, err := os.Stat(filepath.Join(inbox, worker.FailedDir, b.name+results.ErrorSuffix)); err != nil {
			t.Errorf("%s has no reason in failed/: %v", b.name, err)
		}
	}
	for _, rel := range []string{filepath.Base(good[0]), filepath.Base(good[1]), "good.zip/x/" + filepath.Base(good[2])} {
		if _, ok := records[rel]; !ok {
			t.Errorf("no record of %s", rel)
		}
	}
	if _, err := os.Stat(filepath.Join(inbox, worker.DoneDir, "good.zip")); err != nil {
		t.Errorf("good.zip is not in done/: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "etc")); err == nil {
		t.Errorf("an entry escaped the output directory")
	}
}

// TestArchiveTwice enqueues the same archive twice, and the same content
// under another name: the second time adds nothing.
func TestArchiveTwice(t *testing.T) {
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	var entries []zipEntry
	for _, f := range corpusFiles(t, 12) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, zipEntry{name: "reports/" + filepath.Base(f), data: data})
	}
	archive := filepath.Join(dir, "reports.zip")
	makeZip(t, archive, entries...)
	copyOf := filepath.Join(dir, "copy", "same.txt")
	os.MkdirAll(filepath.Dir(copyOf), 0o755)
	os.WriteFile(copyOf, entries[0].data, 0o644)

	for _, tc := range []struct {
		paths []string
		want  string
	}{
		{[]string{archive}, "12 enqueued, 0 duplicates, 0 failed\n"},
		{[]string{archive}, "0 enqueued, 12 duplicates, 0 failed\n"},
		{[]string{filepath.Dir(copyOf), archive}, "0 enqueued, 13 duplicates, 0 failed\n"},
	} {
		if got := enqueue(t, redis.URL(), tc.paths...); got != tc.want {
			t.Errorf("enqueue %v: %q, want %q", tc.paths, got, tc.want)
		}
	}
	pending, _, _, _, _ := queueState(t, inspector(t, redis.URL()))
	if pending != 12 {
		t.Errorf("%d tasks pending, want 12", pending)
	}
}

// TestShutdown stops a worker with documents in hand: the stop waits for
// them, and none is lost or left half written.
func TestShutdown(t *testing.T) {
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	docs, out := filepath.Join(dir, "docs"), filepath.Join(dir, "out")
	want := stageDocs(t, docs, 30, 2)
	enqueue(t, redis.URL(), docs)
	ins := inspector(t, redis.URL())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	cfg := worker.Config{Redis: redisOpt(t, redis.URL()), Out: out, Concurrency: 2,
		Logger: slog.New(slog.NewTextHandler(&syncBuffer{}, nil))}
	go func() { done <- worker.Run(ctx, cfg) }()
	waitFor(t, 20*time.Second, "a document in hand", func() bool {
		active, _ := ins.ListActiveTasks(worker.QueueBulk)
		return len(active) > 0
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_, active, _, _, completed := queueState(t, ins)
	if active != 0 || completed == 0 {
		t.Errorf("after the stop: %d active, %d completed; want 0 active", active, completed)
	}
	// A second run finishes the rest.
	runWorker(t, cfg)
	waitFor(t, 30*time.Second, "every task to complete", func() bool {
		_, _, _, _, completed := queueState(t, ins)
		return completed == len(want)
	})
	checkRecords(t, out, want)
}

// TestObservability serves the metrics, the health check and the dashboard
// of a worker that has processed a document.
func TestObservability(t *testing.T) {
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	docs, out := filepath.Join(dir, "docs"), filepath.Join(dir, "out")
	want := stageDocs(t, docs, 2, 0)
	enqueue(t, redis.URL(), docs)
	opt := redisOpt(t, redis.URL())
	obs := worker.NewObservability(opt)
	defer obs.Close()
	srv := httptest.NewServer(obs.Handler)
	defer srv.Close()
	runWorker(t, worker.Config{Redis: opt, Out: out, Concurrency: 1, Metrics: obs.Metrics, Health: obs.Health})
	ins := inspector(t, redis.URL())
	waitFor(t, 20*time.Second, "the documents", func() bool {
		_, _, _, _, completed := queueState(t, ins)
		return completed == len(want)
	})
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/healthz", []string{"ok"}},
		{"/metrics", []string{
			`nianbao_documents_total{format="`,
			`status="valid"} `,
			`nianbao_document_duration_seconds_count{format="`,
			`asynq_tasks_enqueued_total{queue="bulk",state="completed"} 2`,
		}},
		{worker.MonitorPath + "/", []string{"<html"}},
		{worker.MonitorPath + "/api/queues", []string{`"queue":"bulk"`}},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", tc.path, resp.Status)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s does not hold %q:\n%.2000s", tc.path, w, body)
			}
		}
	}
}
