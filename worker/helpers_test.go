package worker_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/results"
)

// repoRoot is the repository, two levels up from this package.
const repoRoot = ".."

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/nianbao once for the tests that run worker processes.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nianbao-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nianbao")
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(gobin, "build", "-o", binPath, filepath.Join(repoRoot, "cmd", "nianbao")).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	// This test binary serves as the workers' jailed child.
	pipeline.ServeChildIfAsked()
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// proc is one `nianbao worker` process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// startWorker starts a worker process; the test's end stops it.
func startWorker(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), append([]string{"worker"}, args...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop(syscall.SIGTERM) })
	return p
}

// stop sends sig and waits for the process to end.
func (p *proc) stop(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("worker %d did not stop within 20 s of %v", p.cmd.Process.Pid, sig)
	}
}

func (p *proc) logText() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

// everyFormat returns n report files of testdata as corpusFiles does, one
// of them a page image read by OCR (slow, so a single page: the scan of an
// applications table), so that every format goes through the workers.
func everyFormat(t *testing.T, n int) []string {
	t.Helper()
	var images []string
	for _, pattern := range []string{"testdata/scans/*.jpg"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, pattern))
		if err != nil || len(m) == 0 {
			t.Fatalf("no %s: %v", pattern, err)
		}
		images = append(images, m[0])
	}
	return append(corpusFiles(t, n-len(images)), images...)
}

// corpusFiles returns n report files of testdata, the generated corpus and
// the seeds, each content once, of every format this build reads: the text
// styles, HTML, and DOCX and PDF where their converters are in.
func corpusFiles(t *testing.T, n int) []string {
	t.Helper()
	pipe := pipeline.New(pipeline.Config{})
	defer pipe.Close()
	var files []string
	seen := map[[32]byte]bool{}
	for _, dir := range []string{"testdata/corpus", "testdata/seeds"} {
		entries, err := os.ReadDir(filepath.Join(repoRoot, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || e.Name() == "README.md" {
				continue
			}
			p := filepath.Join(repoRoot, dir, e.Name())
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := pipe.Bytes(context.Background(), e.Name(), data); errors.Is(err, converters.ErrUnsupported) {
				continue
			}
			if sum := sha256.Sum256(data); !seen[sum] {
				seen[sum] = true
				files = append(files, p)
			}
		}
	}
	if len(files) < n {
		t.Fatalf("testdata holds %d distinct reports, want %d", len(files), n)
	}
	return files[:n]
}

// bigReport returns a valid report padded with prose to about size bytes,
// so that a worker takes a noticeable while over it; seed makes each one's
// content its own.
func bigReport(t *testing.T, size, seed int) []byte {
	t.Helper()
	base, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seeds/000_a91be580dd15950d.txt"))
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("本机关坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。", 20) + "\n")
	var filler bytes.Buffer
	fmt.Fprintf(&filler, "（第%d份）\n", seed)
	for filler.Len() < size {
		filler.Write(line)
	}
	mark := []byte("二、主动公开")
	i := bytes.Index(base, mark)
	if i < 0 {
		t.Fatal("seed 000 has no 二、主动公开")
	}
	return slices.Concat(base[:i], filler.Bytes(), base[i:])
}

// expected returns the record the pipeline gives for data named rel, as the
// worker writes it.
func expected(t *testing.T, rel string, data []byte) []byte {
	t.Helper()
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	rec, err := p.Bytes(context.Background(), rel, data)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	out, err := results.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// outputs lists the result files under out by path relative to out.
func outputs(t *testing.T, out string) (records, failures map[string]string) {
	t.Helper()
	records, failures = map[string]string{}, map[string]string{}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		isRecord, isFailure := results.IsResult(d.Name())
		switch {
		case isRecord:
			records[strings.TrimSuffix(rel, results.RecordSuffix)] = p
		case isFailure:
			failures[strings.TrimSuffix(rel, results.ErrorSuffix)] = p
		}
		return nil
	})
	return records, failures
}

// checkRecords checks that out holds exactly the records of want (by
// relative path), each as the pipeline makes it, and no failure.
func checkRecords(t *testing.T, out string, want map[string][]byte) {
	t.Helper()
	records, failures := outputs(t, out)
	for rel, p := range failures {
		b, _ := os.ReadFile(p)
		t.Errorf("%s failed: %s", rel, b)
	}
	for rel, data := range want {
		p, ok := records[rel]
		if !ok {
			t.Errorf("no record of %s", rel)
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
			continue
		}
		if exp := expected(t, rel, data); !bytes.Equal(got, exp) {
			t.Errorf("record of %s differs from the pipeline's:\n got %.300s\nwant %.300s", rel, got, exp)
		}
	}
	for rel := range records {
		if _, ok := want[rel]; !ok {
			t.Errorf("unexpected record %s", rel)
		}
	}
}

// queueState sums the tasks of every document queue by state.
func queueState(t *testing.T, in *asynq.Inspector) (pending, active, retry, archived, completed int) {
	t.Helper()
	for q := range worker.DefaultQueues {
		info, err := in.GetQueueInfo(q)
		if err != nil {
			continue // the queue has never held a task
		}
		pending += info.Pending + info.Scheduled
		active += info.Active
		retry += info.Retry
		archived += info.Archived
		completed += info.Completed
	}
	return
}

// writeSlowly writes data to path in pieces, pausing between them, as a slow
// copy over the network does.
func writeSlowly(t *testing.T, path string, data []byte, pieces int, pause time.Duration) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	step := (len(data) + pieces - 1) / pieces
	for i := 0; i < len(data); i += step {
		if _, err := f.Write(data[i:min(i+step, len(data))]); err != nil {
			t.Error(err)
			return
		}
		time.Sleep(pause)
	}
}
