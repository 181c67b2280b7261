package worker_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/internal/hostile"
	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/jail/jailtest"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
	"github.com/nianbao/nianbao/worker/results"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

// childMemoryMiB is the children's memory in the fault tests: a normal
// report needs a fraction of it, bigText four times more.
const childMemoryMiB = 100

// bigText is a text report of 60 MB, under the largest file read (64 MB):
// reading it takes more than childMemoryMiB.
func bigText(t *testing.T) []byte { return bigReport(t, 60<<20, 0) }

// TestJailFaults drops into a real worker's folder a document whose child
// is killed with SIGKILL mid-document, one that takes more memory than a
// child may, and good reports after them: the two fail once each, as crash
// and resource_limit with their reasons, and are recorded as poison; the
// worker keeps going and the good reports get their records. A worker
// started afresh (new Redis, same output) fails the poison at once without
// reading it again.
func TestJailFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a worker process")
	}
	// Not parallel: 70 MB read in children would slow the timed tests.
	redis := redistest.Start(t)
	opt := redisOpt(t, redis.URL())
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"--redis", redis.URL(), "--out", out, "--watch", inbox, "--settle", "300ms",
		"--concurrency", "2", "--max-memory", fmt.Sprint(childMemoryMiB)}
	w := startWorker(t, "w", args...)
	peaks := jailtest.Watch(w.cmd.Process.Pid, 20*time.Millisecond)
	ins := asynq.NewInspector(opt)
	defer ins.Close()

	// A report of 8 MB keeps its child busy for seconds: long enough to be
	// killed in the middle of it.
	write(t, filepath.Join(inbox, "killed.txt"), bigReport(t, 8<<20, 1))
	stop := make(chan struct{})
	time.AfterFunc(time.Minute, func() { close(stop) })
	if jailtest.KillWhenReading(w.cmd.Process.Pid, 4<<20, stop) == 0 {
		t.Fatal("no child read killed.txt within a minute")
	}

	write(t, filepath.Join(inbox, "huge.txt"), bigText(t))
	want := map[string][]byte{}
	for _, f := range corpusFiles(t, 6) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want[filepath.Base(f)] = data
		write(t, filepath.Join(inbox, filepath.Base(f)), data)
	}
	waitFor(t, 3*time.Minute, "every document to be done or failed", func() bool {
		_, _, _, archived, completed := queueState(t, ins)
		return archived+completed == len(want)+2
	})
	parentPeak, childPeak := peaks.Stop()

	for name, kind := range map[string]string{"killed.txt": jail.KindCrash, "huge.txt": jail.KindResourceLimit} {
		f := jailtest.Failure(t, filepath.Join(inbox, worker.FailedDir, name+results.ErrorSuffix))
		if f.Kind != kind {
			t.Errorf("%s: kind %q, want %q (%s)", name, f.Kind, kind, f.Reason)
		}
		t.Logf("%s: %s: %s", name, f.Kind, f.Reason)
		if _, err := os.Stat(filepath.Join(out, name+results.ErrorSuffix)); err != nil {
			t.Errorf("%s: no NAME.error.json in the output: %v", name, err)
		}
		if p, err := (&results.Sink{Dir: out}).Poison(f.SHA256); err != nil || p.Task != worker.TaskID(f.SHA256) {
			t.Errorf("%s: not recorded as poison with its task: %+v, %v", name, p, err)
		}
		if n := strings.Count(w.logText(), "msg=failed file="+name); n != 1 {
			t.Errorf("%s failed %d times, want once", name, n)
		}
	}
	for _, reason := range []string{
		"killed.txt: text: crash: killed by signal SIGKILL",
		fmt.Sprintf("huge.txt: text: resource_limit: memory limit of %d MiB exceeded", childMemoryMiB),
	} {
		name, prefix, _ := strings.Cut(reason, ": ")
		if f := jailtest.Failure(t, filepath.Join(out, name+results.ErrorSuffix)); !strings.HasPrefix(f.Reason, prefix) {
			t.Errorf("%s: reason %q, want %q…", name, f.Reason, prefix)
		}
	}
	records, _ := outputs(t, out)
	for rel, data := range want {
		got, err := os.ReadFile(records[rel])
		if err != nil {
			t.Errorf("no record of %s: %v", rel, err)
			continue
		}
		if exp := expected(t, rel, data); string(got) != string(exp) {
			t.Errorf("record of %s differs from the pipeline's", rel)
		}
	}
	if _, _, retry, archived, completed := queueState(t, ins); retry != 0 || archived != 2 || completed != len(want) {
		t.Errorf("queues: %d retrying, %d archived, %d completed; want 0, 2, %d", retry, archived, completed, len(want))
	}
	select {
	case <-w.done:
		t.Fatalf("the worker ended:\n%s", tail(w.logText()))
	default:
	}
	t.Logf("peak RSS: worker %d MiB, a child %d MiB (each child may map %d MiB beyond its start)", parentPeak>>20, childPeak>>20, childMemoryMiB)
	if parentPeak >= 1<<30 {
		t.Errorf("the worker's peak RSS is %d MiB, want under 1 GiB", parentPeak>>20)
	}

	// The poison, dropped again to a worker that never saw it (new Redis,
	// same output), fails at once: no child reads it.
	w.stop(syscall.SIGTERM)
	redis2 := redistest.Start(t)
	inbox2 := filepath.Join(dir, "inbox2")
	if err := os.MkdirAll(inbox2, 0o755); err != nil {
		t.Fatal(err)
	}
	w2 := startWorker(t, "w2", "--redis", redis2.URL(), "--out", out, "--watch", inbox2, "--settle", "300ms",
		"--concurrency", "1", "--max-memory", fmt.Sprint(childMemoryMiB))
	killed, err := os.ReadFile(filepath.Join(inbox, worker.FailedDir, "killed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(inbox2, "again.txt"), killed)
	reason := filepath.Join(inbox2, worker.FailedDir, "again.txt"+results.ErrorSuffix)
	waitFor(t, time.Minute, "the poison to fail again", func() bool {
		_, err := os.Stat(reason)
		return err == nil
	})
	if f := jailtest.Failure(t, reason); f.Kind != jail.KindCrash || !strings.Contains(f.Reason, "not read again") {
		t.Errorf("poison dropped again: %s: %q", f.Kind, f.Reason)
	}
	if strings.Contains(w2.logText(), "msg=processed") || len(jailtest.Children(w2.cmd.Process.Pid)) > 0 {
		t.Errorf("the second worker read the poison:\n%s", tail(w2.logText()))
	}
	if t.Failed() {
		t.Logf("worker:\n%s", tail(w.logText()))
	}
}

// TestProcessPoison: content recorded as poison fails at once, with the
// recorded kind and reason, and no child is started to read it.
func TestProcessPoison(t *testing.T) {
	dir := t.TempDir()
	sink := &results.Sink{Dir: filepath.Join(dir, "out")}
	data := []byte(strings.Repeat("一、总体情况\n", 10))
	path := filepath.Join(dir, "a.txt")
	write(t, path, data)
	doc := worker.Doc{Path: path, Rel: "a.txt"}
	if err := doc.Identify(ziparchive.Limits{}); err != nil {
		t.Fatal(err)
	}
	if err := sink.WritePoison(results.Failure{File: "b.txt", SHA256: doc.SHA256, Kind: jail.KindResourceLimit,
		Reason: "text: resource_limit: memory limit of 2 GiB exceeded", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	jailed, err := pipeline.NewJailed(pipeline.Config{}, pipeline.JailConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer jailed.Close()
	proc := &worker.Processor{Pipeline: jailed, Sink: sink}
	_, err = proc.Process(context.Background(), doc)
	if !worker.BadInput(err) || worker.FailureKind(err) != jail.KindResourceLimit || !strings.Contains(err.Error(), "memory limit of 2 GiB exceeded") {
		t.Errorf("error %v (kind %s), want the recorded resource limit", err, worker.FailureKind(err))
	}
	if s := jailed.Stats(); s.Started != 0 {
		t.Errorf("%d children started for poison", s.Started)
	}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWorkerHostile drops the hostile corpus (its sizes cut down, no
// images, no special files: the watcher's own tests have those) into a
// real worker process's folder, then good reports: every case ends in
// failed/ with a one-line reason or in done/ with a record, none is
// retried, the good reports get their records, and the worker stays under
// 1 GiB.
func TestWorkerHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a worker process over the hostile corpus")
	}
	// Not parallel: its bombs would slow the timed tests.
	redis := redistest.Start(t)
	opt := redisOpt(t, redis.URL())
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	cases, err := hostile.Write(filepath.Join(dir, "hostile"), hostile.Options{TextBytes: 2 << 20, BombBytes: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	w := startWorker(t, "w", "--redis", redis.URL(), "--out", out, "--watch", inbox, "--settle", "300ms",
		"--concurrency", "2", "--max-memory", "512")
	peaks := jailtest.Watch(w.cmd.Process.Pid, 20*time.Millisecond)
	ins := asynq.NewInspector(opt)
	defer ins.Close()
	n := 0
	for _, c := range cases {
		if c.Format == "special" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, "hostile", c.Name))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(inbox, c.Name), data)
		n++
	}
	want := map[string][]byte{}
	for _, f := range corpusFiles(t, 4) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want[filepath.Base(f)] = data
		write(t, filepath.Join(inbox, filepath.Base(f)), data)
	}
	waitFor(t, 5*time.Minute, "every document to be done or failed", func() bool {
		_, _, _, archived, completed := queueState(t, ins)
		return archived+completed == n+len(want)
	})
	parentPeak, childPeak := peaks.Stop()
	for _, c := range cases {
		if c.Format == "special" {
			continue
		}
		if _, err := os.Stat(filepath.Join(inbox, worker.DoneDir, c.Name)); err == nil {
			t.Logf("%-30s a record", c.Name)
			continue
		}
		f := jailtest.Failure(t, filepath.Join(inbox, worker.FailedDir, c.Name+results.ErrorSuffix))
		t.Logf("%-30s %s: %s", c.Name, f.Kind, f.Reason)
		if f.Reason == "" || strings.Contains(f.Reason, "\n") {
			t.Errorf("%s: reason %q, want one line", c.Name, f.Reason)
		}
	}
	records, _ := outputs(t, out)
	for rel := range want {
		if _, ok := records[rel]; !ok {
			t.Errorf("no record of %s, a good report after the hostile ones", rel)
		}
	}
	if _, _, retry, _, _ := queueState(t, ins); retry != 0 {
		t.Errorf("%d tasks retrying", retry)
	}
	t.Logf("peak RSS: worker %d MiB, a child %d MiB", parentPeak>>20, childPeak>>20)
	if parentPeak >= 1<<30 {
		t.Errorf("the worker's peak RSS is %d MiB, want under 1 GiB", parentPeak>>20)
	}
	if t.Failed() {
		t.Logf("worker:\n%s", tail(w.logText()))
	}
}
