package worker_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
)

// TestEndToEnd drops 200 reports into a folder that two worker processes
// watch, ten of them copied in slowly in pieces: every record appears once,
// as the pipeline makes it, and every input ends in done/.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs worker processes")
	}
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	inbox, out := filepath.Join(dir, "inbox"), filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(inbox, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := everyFormat(t, 200)
	// A few files are there before the workers start: they are taken at start.
	want := map[string][]byte{}
	place := func(i int) (rel string, data []byte) {
		data, err := os.ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		rel = filepath.Base(files[i])
		if i%3 == 0 {
			rel = "sub/" + rel
		}
		return rel, data
	}
	for i := range 20 {
		rel, data := place(i)
		want[rel] = data
		if err := os.WriteFile(filepath.Join(inbox, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"--redis", redis.URL(), "--out", out, "--watch", inbox, "--settle", "400ms", "--concurrency", "2"}
	a := startWorker(t, "a", args...)
	b := startWorker(t, "b", args...)

	var wg sync.WaitGroup
	for i := 20; i < len(files); i++ {
		rel, data := place(i)
		want[rel] = data
		dst := filepath.Join(inbox, rel)
		if i%19 == 0 {
			// Slow copies, written in pieces under the final name.
			wg.Add(1)
			go func() {
				defer wg.Done()
				writeSlowly(t, dst, data, 5, 150*time.Millisecond)
			}()
			continue
		}
		// The usual way a finished file arrives: a hidden temporary file,
		// renamed when complete. The temporary file must not be taken.
		tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".part")
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, dst); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()

	waitFor(t, 60*time.Second, "every input to move to done/", func() bool {
		n := 0
		filepath.WalkDir(filepath.Join(inbox, worker.DoneDir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n == len(want)
	})
	checkRecords(t, out, want)
	for rel := range want {
		if _, err := os.Stat(filepath.Join(inbox, worker.DoneDir, rel)); err != nil {
			t.Errorf("%s is not in done/: %v", rel, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(inbox, "*.*"))
	if len(left) > 0 {
		t.Errorf("inputs left in the inbox: %v", left)
	}
	if t.Failed() {
		t.Logf("worker a:\n%s\nworker b:\n%s", tail(a.logText()), tail(b.logText()))
	}
}

// TestKillWorker kills a worker with SIGKILL while it processes documents,
// then starts another and restarts the killed one: Asynq's lease recovery
// hands the killed worker's tasks on, and every document ends processed
// once, with nothing lost. It takes about a minute: asynq reclaims a lease
// 30 s after it expires, and a lease lasts 30 s; neither can be shortened.
func TestKillWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("runs worker processes and waits for lease recovery")
	}
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	docs, out := filepath.Join(dir, "docs"), filepath.Join(dir, "out")
	want := stageDocs(t, docs, 80, 4)

	enqueue(t, redis.URL(), docs)
	args := []string{"--redis", redis.URL(), "--out", out, "--concurrency", "2"}
	a := startWorker(t, "a", args...)

	// Only a runs, so the tasks active now are a's; wait for a big one.
	ins := inspector(t, redis.URL())
	var killed []string
	waitFor(t, 30*time.Second, "worker a to take a big document", func() bool {
		active, err := ins.ListActiveTasks(worker.QueueBulk)
		if err != nil {
			return false
		}
		for _, ti := range active {
			if strings.Contains(string(ti.Payload), "big-") {
				for _, ti := range active {
					killed = append(killed, ti.ID)
				}
				return true
			}
		}
		return false
	})
	a.stop(syscall.SIGKILL)
	t.Logf("killed worker a while it held %d tasks", len(killed))

	time.Sleep(time.Second)
	startWorker(t, "b", args...)
	time.Sleep(2 * time.Second)
	startWorker(t, "a2", args...)

	waitFor(t, leaseRecovery, "every task to complete", func() bool {
		pending, active, retry, archived, completed := queueState(t, ins)
		return pending+active+retry+archived == 0 && completed == len(want)
	})
	checkRecords(t, out, want)
	for _, id := range killed {
		ti, err := ins.GetTaskInfo(worker.QueueBulk, id)
		if err != nil {
			t.Errorf("task %s of the killed worker: %v", id, err)
			continue
		}
		if ti.State != asynq.TaskStateCompleted || ti.Retried < 1 || !strings.Contains(ti.LastErr, "lease expired") {
			t.Errorf("task %s of the killed worker: state %v, retried %d, last error %q; want completed after lease recovery",
				id, ti.State, ti.Retried, ti.LastErr)
		}
	}
}

// leaseRecovery bounds the wait for an orphaned task to be handed out again:
// asynq v0.26 lets its 30 s lease expire, reclaims it 30 s later, and looks
// once a minute, so up to two minutes, plus processing on a loaded machine.
const leaseRecovery = 150 * time.Second

// TestRedisOutage stops Redis for 10 s while two workers are busy, then
// starts it again: the workers recover and finish every document.
func TestRedisOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs worker processes")
	}
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	docs, out := filepath.Join(dir, "docs"), filepath.Join(dir, "out")
	want := stageDocs(t, docs, 150, 8)
	enqueue(t, redis.URL(), docs)

	args := []string{"--redis", redis.URL(), "--out", out, "--concurrency", "2"}
	a := startWorker(t, "a", args...)
	startWorker(t, "b", args...)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("worker a:\n%s", tail(a.logText()))
		}
	})
	waitFor(t, 30*time.Second, "the first records", func() bool {
		records, _ := outputs(t, out)
		return len(records) >= 10
	})
	redis.Stop()
	records, _ := outputs(t, out)
	t.Logf("Redis stopped with %d of %d records written", len(records), len(want))
	time.Sleep(10 * time.Second)
	redis.Start()

	ins := inspector(t, redis.URL())
	restarted := time.Now()
	last := time.Now()
	waitFor(t, leaseRecovery, "every task to complete", func() bool {
		pending, active, retry, archived, completed := queueState(t, ins)
		if time.Since(last) > 10*time.Second {
			last = time.Now()
			t.Logf("%v: pending %d active %d retry %d archived %d completed %d", time.Since(restarted).Round(time.Second), pending, active, retry, archived, completed)
		}
		return pending+active+retry+archived == 0 && completed == len(want)
	})
	// Tasks Redis handed out as it went down are reclaimed by lease
	// recovery, about a minute later.
	t.Logf("all done %v after Redis came back", time.Since(restarted).Round(time.Second))
	checkRecords(t, out, want)
}

// stageDocs writes n small reports and big ones (about 12 MB each, a
// noticeable while to process) into dir, and returns them by the relative
// path enqueue gives them.
func stageDocs(t *testing.T, dir string, n, big int) map[string][]byte {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{}
	base := filepath.Base(dir)
	for i, f := range corpusFiles(t, n) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if i < big {
			data = bigReport(t, 12<<20, i)
			f = fmt.Sprintf("big-%d.txt", i)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
		want[base+"/"+filepath.Base(f)] = data
	}
	return want
}

// enqueue runs `nianbao enqueue` on paths.
func enqueue(t *testing.T, redisURL string, paths ...string) string {
	t.Helper()
	out, err := exec.Command(binary(t), append([]string{"enqueue", "--redis", redisURL}, paths...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("nianbao enqueue: %v\n%s", err, out)
	}
	return string(out)
}

func inspector(t *testing.T, redisURL string) *asynq.Inspector {
	t.Helper()
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	ins := asynq.NewInspector(opt)
	t.Cleanup(func() { ins.Close() })
	return ins
}

func tail(s string) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}
