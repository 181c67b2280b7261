package jail_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/internal/jail"
)

// The tests' children are this test binary run again with childEnv set, as
// os/exec's own tests do: real processes, serving the requests below.
const childEnv = "JAIL_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		serve := jail.ServeStdio
		if mode == "raw" { // stdout is the protocol's, unguarded
			serve = func(h func([]byte) []byte) error { return jail.Serve(os.Stdin, os.Stdout, h) }
		}
		if err := serve(handle); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// sink keeps what alloc allocates reachable.
var sink [][]byte

// handle serves a test request: a verb, then its argument after a colon.
func handle(req []byte) []byte {
	verb, arg, _ := strings.Cut(string(req), ":")
	switch verb {
	case "echo":
		return []byte(arg)
	case "print": // as a library might, on stdout
		fmt.Println("\xff\xff\xff\xff a library's chatter")
		return []byte(arg)
	case "pid":
		return []byte(strconv.Itoa(os.Getpid()))
	case "alloc": // without bound, touching every page
		for {
			b := make([]byte, 16<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			sink = append(sink, b)
		}
	case "spin":
		for n := 0; ; n++ {
			if n < 0 {
				return nil
			}
		}
	case "sleep":
		time.Sleep(time.Hour)
	case "exit":
		fmt.Fprintln(os.Stderr, "boom")
		os.Exit(3)
	case "recurse": // past a stack limit smaller than the runtime's, to be quick
		debug.SetMaxStack(64 << 20)
		return []byte(strconv.Itoa(recurse(1)))
	case "files":
		for {
			if _, err := os.Open(os.DevNull); err != nil {
				panic(err)
			}
		}
	}
	return []byte("unknown " + verb)
}

func recurse(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	return recurse(n+1) + int(pad[0])
}

func newJail(t *testing.T, cfg jail.Config) *jail.Jail {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Command = []string{exe}
	cfg.Env = append([]string{childEnv + "=1"}, cfg.Env...)
	j, err := jail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func run(t *testing.T, j *jail.Jail, req string) string {
	t.Helper()
	reply, err := j.Run(context.Background(), []byte(req))
	if err != nil {
		t.Fatalf("%s: %v", req, err)
	}
	return string(reply)
}

func TestReusesChild(t *testing.T) {
	j := newJail(t, jail.Config{})
	pid := run(t, j, "pid")
	for i := range 20 {
		if got, want := run(t, j, fmt.Sprintf("echo:%d", i)), strconv.Itoa(i); got != want {
			t.Fatalf("reply %q, want %q", got, want)
		}
	}
	if got := run(t, j, "pid"); got != pid {
		t.Errorf("child %s served the last request, %s the first: not reused", got, pid)
	}
	if s := j.Stats(); s.Started != 1 || s.Ended != 0 {
		t.Errorf("stats %+v, want one child started, none ended", s)
	}
}

func TestReplacesChildAfterMaxRequests(t *testing.T) {
	j := newJail(t, jail.Config{MaxRequests: 3})
	pids := map[string]bool{}
	for range 6 {
		pids[run(t, j, "pid")] = true
	}
	if len(pids) != 2 {
		t.Errorf("6 requests at 3 a child ran in %d children, want 2", len(pids))
	}
}

func TestConcurrentRequests(t *testing.T) {
	j := newJail(t, jail.Config{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				want := fmt.Sprintf("%d-%d", g, i)
				reply, err := j.Run(context.Background(), []byte("echo:"+want))
				if err != nil || string(reply) != want {
					t.Errorf("reply %q, %v; want %q", reply, err, want)
				}
			}
		}()
	}
	wg.Wait()
	if s := j.Stats(); s.Started > 4 {
		t.Errorf("%d children for 4 concurrent callers", s.Started)
	}
}

// TestFaults checks that each way a child can end fails its request with
// the kind and reason the failure records show, and that the jail serves
// the next request with a new child.
func TestFaults(t *testing.T) {
	const memory = 256 << 20
	for _, tc := range []struct {
		name    string
		req     string
		cfg     jail.Config
		timeout time.Duration
		kind    string
		reason  string
	}{
		{"unbounded allocation", "alloc", jail.Config{MaxMemory: memory}, 0, jail.KindResourceLimit, "memory limit of 256 MiB exceeded: runtime: out of memory: cannot allocate 16777216-byte block"},
		{"endless loop", "spin", jail.Config{MaxCPU: time.Second}, 0, jail.KindResourceLimit, "CPU time limit of 1s exceeded"},
		{"wall time", "sleep", jail.Config{}, 300 * time.Millisecond, jail.KindResourceLimit, "wall time limit exceeded (killed after "},
		{"exit", "exit", jail.Config{}, 0, jail.KindCrash, "exited with status 3: boom"},
		{"stack overflow", "recurse", jail.Config{}, 0, jail.KindCrash, "exited with status 2: runtime: goroutine stack exceeds 67108864-byte limit"},
		{"open files", "files", jail.Config{MaxOpenFiles: 32}, 0, jail.KindResourceLimit, "open files limit of 32 exceeded: panic: open /dev/null: too many open files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJail(t, tc.cfg)
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			start := time.Now()
			_, err := j.Run(ctx, []byte(tc.req))
			var jerr *jail.Error
			if !errors.As(err, &jerr) {
				t.Fatalf("error %v (%T), want a *jail.Error", err, err)
			}
			if jerr.Kind != tc.kind || !strings.HasPrefix(jerr.Reason, tc.reason) {
				t.Errorf("got %s: %q\nwant %s: %q", jerr.Kind, jerr.Reason, tc.kind, tc.reason)
			}
			t.Logf("%v after %v; peak RSS of a child %d MiB", err, time.Since(start).Round(time.Millisecond), j.Stats().PeakRSS>>20)
			if got := run(t, j, "echo:after"); got != "after" {
				t.Errorf("next request: %q", got)
			}
			if s := j.Stats(); s.Started != 2 || s.Ended != 1 {
				t.Errorf("stats %+v, want 2 started, 1 ended", s)
			}
			if peak := j.Stats().PeakRSS; peak >= memory && tc.cfg.MaxMemory == memory {
				t.Errorf("peak RSS %d MiB, over the limit", peak>>20)
			}
		})
	}
}

// TestStdoutGuarded: what a library prints on stdout in a child goes to
// stderr, and the reply arrives whole; a child whose stdout is not guarded
// breaks the protocol, and that is its request's failure.
func TestStdoutGuarded(t *testing.T) {
	j := newJail(t, jail.Config{})
	if got := run(t, j, "print:ok"); got != "ok" {
		t.Errorf("reply %q, want ok", got)
	}
	raw := newJail(t, jail.Config{Env: []string{childEnv + "=raw"}})
	_, err := raw.Run(context.Background(), []byte("print:ok"))
	var jerr *jail.Error
	if !errors.As(err, &jerr) || jerr.Kind != jail.KindCrash || !strings.HasPrefix(jerr.Reason, "the child broke the protocol: a frame of 4294967295 bytes") {
		t.Errorf("error %v, want a crash: the child broke the protocol", err)
	}
}

// TestKill9 kills a child mid-request as an operator or the kernel's OOM
// killer would.
func TestKill9(t *testing.T) {
	j := newJail(t, jail.Config{})
	pid, _ := strconv.Atoi(run(t, j, "pid"))
	go func() {
		time.Sleep(200 * time.Millisecond)
		syscall.Kill(pid, syscall.SIGKILL)
	}()
	_, err := j.Run(context.Background(), []byte("sleep"))
	var jerr *jail.Error
	if !errors.As(err, &jerr) || jerr.Kind != jail.KindCrash || jerr.Reason != "killed by signal SIGKILL" {
		t.Fatalf("error %v, want crash: killed by signal SIGKILL", err)
	}
	if !errors.Is(err, jail.ErrCrash) {
		t.Errorf("%v does not wrap ErrCrash", err)
	}
	if got := run(t, j, "echo:x"); got != "x" {
		t.Errorf("next request: %q", got)
	}
}

// TestCancel: a request whose context is cancelled (a worker shutting down)
// is not the input's fault.
func TestCancel(t *testing.T) {
	j := newJail(t, jail.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := j.Run(ctx, []byte("sleep"))
	var jerr *jail.Error
	if errors.As(err, &jerr) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled and no *jail.Error", err)
	}
}

func TestChildThatCannotStart(t *testing.T) {
	j, err := jail.New(jail.Config{Command: []string{"/bin/sh", "-c", "echo nope >&2; exit 1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	_, err = j.Run(context.Background(), []byte("x"))
	var jerr *jail.Error
	if err == nil || errors.As(err, &jerr) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("error %v, want the jail's own error naming the child's words", err)
	}
}

// BenchmarkRoundTrip measures a request's cost in a reused child: the
// frames both ways, the CPU check, the peak-RSS read, on 8 KB, the size of
// a text report, and 200 KB, a PDF's.
func BenchmarkRoundTrip(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	j, err := jail.New(jail.Config{Command: []string{exe}, Env: []string{childEnv + "=1"}})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	for _, size := range []int{8 << 10, 200 << 10} {
		req := []byte("echo:" + strings.Repeat("x", size))
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := j.Run(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
