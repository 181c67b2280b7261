// Package jail runs requests in supervised child processes, so that an input
// that crashes its reader (a stack overflow or an out-of-memory, which Go
// cannot recover), loops or exhausts memory ends one child and fails one
// request, instead of ending the caller with every request it holds.
//
// Apache Tika's ForkParser and Gotenberg's supervised processes are the
// models: a child is started from a program that calls Serve (the caller's
// own binary, with a hidden subcommand), serves one request at a time over a
// small framed protocol on its stdin and stdout, and is reused while it stays
// healthy. The parent sets the child's limits with prlimit(2) before it
// serves anything: address space (RLIMIT_AS) and open files (RLIMIT_NOFILE).
// It watches the CPU time each request takes, and the wall time, the
// request's context: a child past either is killed.
//
// It is written here rather than taken from a library: hashicorp/go-plugin,
// the well-kept candidate, speaks gRPC over a socket for long-lived plugins
// and sets no resource limits.
package jail

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Defaults of Config.
const (
	DefaultMaxMemory    = 2 << 30
	DefaultMaxCPU       = 30 * time.Minute
	DefaultMaxOpenFiles = 256
	DefaultMaxRequests  = 1000
	DefaultStartTimeout = 30 * time.Second
)

// MaxMessage caps a request or a reply, in bytes: a frame that claims more is
// a broken protocol, not a message to allocate.
const MaxMessage = 256 << 20

// Config configures a Jail. Zero fields take their defaults.
type Config struct {
	// Command is the child's program and arguments: a program that calls
	// Serve on its stdin and stdout. Required.
	Command []string
	// Env is added to the parent's environment for the child.
	Env []string
	// MaxMemory caps the address space (RLIMIT_AS) a child may map beyond
	// what it maps when it starts, in bytes; the Go runtime of a child is
	// also told to collect its garbage harder as it nears half of it
	// (GOMEMLIMIT). Default DefaultMaxMemory (2 GiB).
	MaxMemory int64
	// MaxCPU is the CPU time one request may take (RLIMIT_CPU; threads add
	// up). Default DefaultMaxCPU (30 minutes).
	MaxCPU time.Duration
	// MaxOpenFiles caps a child's open files (RLIMIT_NOFILE). Default
	// DefaultMaxOpenFiles (256).
	MaxOpenFiles uint64
	// MaxRequests is how many requests a child serves before it is replaced,
	// so that what a long life leaks or fragments is given back. Default
	// DefaultMaxRequests (1000).
	MaxRequests int
	// StartTimeout is how long a new child may take to say it is ready.
	// Default DefaultStartTimeout (30 s).
	StartTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxMemory <= 0 {
		c.MaxMemory = DefaultMaxMemory
	}
	if c.MaxCPU <= 0 {
		c.MaxCPU = DefaultMaxCPU
	}
	if c.MaxOpenFiles == 0 {
		c.MaxOpenFiles = DefaultMaxOpenFiles
	}
	if c.MaxRequests <= 0 {
		c.MaxRequests = DefaultMaxRequests
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	return c
}

// Kinds of Error, as the failure records name them.
const (
	KindCrash         = "crash"
	KindResourceLimit = "resource_limit"
)

// Sentinels an Error wraps, by kind.
var (
	ErrCrash         = errors.New("the child process crashed")
	ErrResourceLimit = errors.New("the child process exceeded a limit")
)

// Error is a request that ended its child: the request's input is at fault,
// and trying it again would end another child the same way.
type Error struct {
	Kind   string // KindCrash or KindResourceLimit
	Reason string // the signal or limit, and the child's last words
}

func (e *Error) Error() string { return e.Kind + ": " + e.Reason }

// Unwrap returns ErrCrash or ErrResourceLimit.
func (e *Error) Unwrap() error {
	if e.Kind == KindResourceLimit {
		return ErrResourceLimit
	}
	return ErrCrash
}

// Stats are what the children of a Jail have done.
type Stats struct {
	Started int   // children started
	Ended   int   // children ended by a request (crashed, killed)
	PeakRSS int64 // the largest resident set of any child, bytes
}

// Jail runs requests in child processes. It is safe for concurrent use: each
// request has a child to itself, and there are as many children as requests
// run at once.
type Jail struct {
	cfg Config

	mu     sync.Mutex
	idle   []*child
	stats  Stats
	closed bool
}

// New returns a Jail; children start when requests need them.
func New(cfg Config) (*Jail, error) {
	if len(cfg.Command) == 0 {
		return nil, errors.New("jail: no command")
	}
	return &Jail{cfg: cfg.withDefaults()}, nil
}

// Stats returns what the children have done so far.
func (j *Jail) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.stats
}

// Run sends a request to a child, the concatenation of parts (so that a
// large document is not copied to be framed), and returns its reply. A
// child that dies, is
// killed or exceeds a limit before it replies gives an *Error; a context
// that is done gives an *Error of kind KindResourceLimit when its deadline
// passed (the wall time), its own error when it was cancelled. Other errors
// (a child that cannot start) are the jail's, not the request's.
func (j *Jail) Run(ctx context.Context, parts ...[]byte) ([]byte, error) {
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	if size > MaxMessage {
		return nil, fmt.Errorf("jail: request of %d bytes, the limit is %d", size, MaxMessage)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := j.get()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	reply, err := c.do(ctx, parts, j.cfg.MaxCPU)
	j.observe(c.peakRSS())
	if err == nil {
		j.put(c)
		return reply, nil
	}
	var broke error
	if !errors.Is(err, errKilled) {
		// The pipes failed: the child ended, or wrote what is no frame.
		select {
		case <-c.exited:
		case <-time.After(time.Second):
			broke = err
		}
	}
	c.kill()
	state := c.wait()
	j.mu.Lock()
	j.stats.Ended++
	j.mu.Unlock()
	if state != nil {
		if ru, ok := state.SysUsage().(*syscall.Rusage); ok {
			j.observe(ru.Maxrss * 1024)
		}
	}
	return nil, j.explain(ctx, c, state, broke, time.Since(start))
}

// errKilled is do's error when it killed the child: past its CPU time, or
// its context done.
var errKilled = errors.New("killed")

// explain tells why a child ended without replying; broke is the error of
// a child that was alive but spoke no frame.
func (j *Jail) explain(ctx context.Context, c *child, state *os.ProcessState, broke error, took time.Duration) error {
	switch ctx.Err() {
	case context.DeadlineExceeded:
		return &Error{KindResourceLimit, fmt.Sprintf("wall time limit exceeded (killed after %v)", took.Round(time.Millisecond))}
	case context.Canceled:
		return fmt.Errorf("jail: %w", ctx.Err())
	}
	if broke != nil {
		return &Error{KindCrash, "the child broke the protocol: " + broke.Error()}
	}
	last := prefixed(c.stderr.lastWords())
	if state == nil {
		return &Error{KindCrash, "the child ended without replying" + last}
	}
	ws, _ := state.Sys().(syscall.WaitStatus)
	cpu := state.UserTime() + state.SystemTime()
	switch {
	case c.overCPU || cpu >= c.cpuLimit:
		return &Error{KindResourceLimit, fmt.Sprintf("CPU time limit of %v exceeded", j.cfg.MaxCPU)}
	case ws.Signaled():
		return &Error{KindCrash, fmt.Sprintf("killed by signal %v%s", signalName(ws.Signal()), last)}
	case strings.Contains(last, "out of memory") || strings.Contains(last, "cannot allocate memory"):
		return &Error{KindResourceLimit, fmt.Sprintf("memory limit of %s exceeded%s", size(j.cfg.MaxMemory), last)}
	case strings.Contains(last, "too many open files"):
		return &Error{KindResourceLimit, fmt.Sprintf("open files limit of %d exceeded%s", j.cfg.MaxOpenFiles, last)}
	}
	return &Error{KindCrash, fmt.Sprintf("exited with status %d%s", ws.ExitStatus(), last)}
}

func signalName(s syscall.Signal) string {
	if name := unix.SignalName(s); name != "" {
		return name
	}
	return s.String()
}

// size writes a byte count in the largest binary unit that divides it.
func size(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n>>u.shift > 0 && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

func (j *Jail) observe(rss int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.stats.PeakRSS = max(j.stats.PeakRSS, rss)
}

// get returns an idle child that is still alive, or starts one.
func (j *Jail) get() (*child, error) {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil, errors.New("jail: closed")
	}
	for len(j.idle) > 0 {
		c := j.idle[len(j.idle)-1]
		j.idle = j.idle[:len(j.idle)-1]
		if c.alive() {
			j.mu.Unlock()
			return c, nil
		}
		go c.wait()
	}
	j.stats.Started++
	j.mu.Unlock()
	return start(j.cfg)
}

// put keeps a child for the next request, or ends it when it has served
// its share or the jail is closed.
func (j *Jail) put(c *child) {
	c.served++
	j.mu.Lock()
	if !j.closed && c.served < j.cfg.MaxRequests {
		j.idle = append(j.idle, c)
		j.mu.Unlock()
		return
	}
	j.mu.Unlock()
	c.stop()
}

// Close ends the idle children. Call it once no request is running.
func (j *Jail) Close() error {
	j.mu.Lock()
	idle := j.idle
	j.idle, j.closed = nil, true
	j.mu.Unlock()
	for _, c := range idle {
		c.stop()
	}
	return nil
}

// child is one child process.
type child struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stdout   *bufio.Reader
	stderr   *lastWords
	exited   chan struct{} // closed when the process has been waited for
	state    *os.ProcessState
	cpuLimit time.Duration // of the current request, counted from the child's start
	overCPU  bool          // the current request was killed past cpuLimit
	served   int
}

// ready is the frame a child writes once it can serve.
const ready = "ready"

func start(cfg Config) (*child, error) {
	cmd := exec.Command(cfg.Command[0], cfg.Command[1:]...)
	cmd.Env = append(os.Environ(), cfg.Env...)
	if os.Getenv("GOMEMLIMIT") == "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+strconv.FormatInt(cfg.MaxMemory/2, 10))
	}
	// Each C thread's malloc arena reserves 64 MiB of address space, which
	// RLIMIT_AS counts: two arenas are enough for a child that serves one
	// request at a time.
	cmd.Env = append(cmd.Env, "MALLOC_ARENA_MAX=2")
	// Its own process group, so a terminal's ^C reaches the parent, which
	// decides. Not Pdeathsig: it fires when the parent's thread that started
	// the child ends, which the Go runtime may do at any time; Serve watches
	// for the parent's end instead.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("jail: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("jail: %w", err)
	}
	c := &child{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 64<<10), stderr: &lastWords{}, exited: make(chan struct{})}
	cmd.Stderr = c.stderr
	// A grandchild that keeps stderr open must not keep the child unwaited.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("jail: start %s: %w", cfg.Command[0], err)
	}
	go func() {
		c.cmd.Wait()
		c.state = c.cmd.ProcessState
		close(c.exited)
	}()
	// The child is not blamed for a request until it has said it is ready:
	// a child that cannot start is the jail's failure, not the input's.
	hello := make(chan error, 1)
	go func() {
		msg, err := readFrame(c.stdout)
		if err == nil && string(msg) != ready {
			err = fmt.Errorf("said %.40q, not %q", msg, ready)
		}
		hello <- err
	}()
	timer := time.NewTimer(cfg.StartTimeout)
	defer timer.Stop()
	select {
	case err = <-hello:
	case <-timer.C:
		err = fmt.Errorf("not ready after %v", cfg.StartTimeout)
	}
	if err != nil {
		c.kill()
		c.wait()
		return nil, fmt.Errorf("jail: start %s: %w%s", cfg.Command[0], err, prefixed(c.stderr.lastWords()))
	}
	// Limited once its runtime has started, which reserves address space
	// it may never use.
	if err := c.limit(cfg); err != nil {
		c.kill()
		c.wait()
		return nil, err
	}
	return c, nil
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// limit sets the child's address space and open files. MaxMemory is what
// the child may map beyond what it has mapped when ready: a Go runtime
// reserves about a gigabyte of address space at start that it never touches.
func (c *child) limit(cfg Config) error {
	pid := c.cmd.Process.Pid
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return fmt.Errorf("jail: %w", err)
	}
	as := uint64(statusKB(status, "VmPeak:")*1024 + cfg.MaxMemory)
	if err := unix.Prlimit(pid, unix.RLIMIT_AS, &unix.Rlimit{Cur: as, Max: as}, nil); err != nil {
		return fmt.Errorf("jail: limit the address space: %w", err)
	}
	nofile := cfg.MaxOpenFiles
	if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: nofile, Max: nofile}, nil); err != nil {
		return fmt.Errorf("jail: limit the open files: %w", err)
	}
	return nil
}

// do sends one request and reads its reply. Any error leaves the child in
// an unknown state: the caller kills it.
func (c *child) do(ctx context.Context, req [][]byte, cpu time.Duration) ([]byte, error) {
	used, err := cpuTime(c.cmd.Process.Pid)
	if err != nil {
		return nil, err
	}
	c.cpuLimit = used + cpu
	type result struct {
		reply []byte
		err   error
	}
	done := make(chan result, 1)
	go func() {
		if err := writeFrame(c.stdin, req...); err != nil {
			done <- result{nil, err}
			return
		}
		reply, err := readFrame(c.stdout)
		done <- result{reply, err}
	}()
	tick := time.NewTicker(cpuCheck)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			return r.reply, r.err
		case <-tick.C:
			if used, err := cpuTime(c.cmd.Process.Pid); err == nil && used < c.cpuLimit {
				continue
			}
			c.overCPU = true
		case <-ctx.Done():
		}
		// Killing the child closes its pipes, which ends the goroutine.
		c.kill()
		<-done
		return nil, errKilled
	}
}

func (c *child) alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// kill ends the child and what it started in its process group.
func (c *child) kill() {
	if c.alive() {
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// wait waits for the child to end and returns how it did.
func (c *child) wait() *os.ProcessState {
	<-c.exited
	return c.state
}

// stop asks the child to end, by closing its stdin, and kills it if it
// does not within a few seconds.
func (c *child) stop() {
	c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(5 * time.Second):
		c.kill()
		<-c.exited
	}
}

// peakRSS returns the child's largest resident set so far (VmHWM), in bytes;
// 0 when it cannot be read.
func (c *child) peakRSS() int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0
	}
	return statusKB(data, "VmHWM:") * 1024
}

// statusKB returns a field of /proc/PID/status, in kB.
func statusKB(status []byte, field string) int64 {
	i := bytes.Index(status, []byte(field))
	if i < 0 {
		return 0
	}
	rest := status[i+len(field):]
	if j := bytes.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
	return kb
}

// cpuCheck is how often a child's CPU time is checked during a request.
// Not RLIMIT_CPU: its hard limit, the one the kernel kills at, cannot be
// raised again for the next request without privileges, and a Go runtime
// ignores the soft limit's SIGXCPU.
const cpuCheck = time.Second

// clockTick is the unit of /proc/PID/stat's times: USER_HZ, 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime returns the CPU time (user and system) a process has used.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("jail: %w", err)
	}
	// The command name, in parentheses, may hold spaces: count fields after it.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, fmt.Errorf("jail: /proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	// utime and stime are fields 14 and 15 of stat(5); f[0] is field 3.
	if len(f) < 13 {
		return 0, fmt.Errorf("jail: /proc/%d/stat: %d fields", pid, len(f)+2)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("jail: /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// lastWords keeps what a child wrote to stderr during its current request:
// the first lines, where a Go runtime's fatal error or panic says why.
type lastWords struct {
	mu  sync.Mutex
	buf []byte
}

const lastWordsSize = 4 << 10

func (l *lastWords) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := lastWordsSize - len(l.buf); room > 0 {
		l.buf = append(l.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *lastWords) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = l.buf[:0]
}

// lastWords returns the line that says why the child died: a Go runtime's
// "fatal error:" or "panic:" line, after the runtime's line before it that
// names the limit (a stack's size, an allocation that failed), else the
// first line written.
func (l *lastWords) lastWords() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(l.buf)), "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "fatal error:") && !strings.HasPrefix(line, "panic:") {
			continue
		}
		for _, before := range lines[:i] {
			if strings.HasPrefix(before, "runtime:") && (strings.Contains(before, "exceeds") || strings.Contains(before, "out of memory")) {
				return before + "; " + line
			}
		}
		return line
	}
	return lines[0]
}

// ServeStdio serves requests on the process's stdin and stdout, as Serve,
// with stdout kept for the protocol alone: file descriptor 1 is pointed at
// stderr, so that what a library prints goes there and cannot break a frame.
func ServeStdio(handle func(req []byte) []byte) error {
	fd, err := unix.Dup(1)
	if err != nil {
		return fmt.Errorf("jail: %w", err)
	}
	proto := os.NewFile(uintptr(fd), "jail-protocol")
	defer proto.Close()
	if err := unix.Dup2(2, 1); err != nil {
		return fmt.Errorf("jail: %w", err)
	}
	return Serve(os.Stdin, proto, handle)
}

// Serve serves requests read from r, one at a time, writing each reply of
// handle to w, until r ends. A child process calls it on its stdin and
// stdout, and must write nothing else to stdout. It ends the process when
// the parent ends, even in the middle of a request.
func Serve(r io.Reader, w io.Writer, handle func(req []byte) []byte) error {
	go watchParent(os.Getppid())
	in := bufio.NewReaderSize(r, 64<<10)
	if err := writeFrame(w, []byte(ready)); err != nil {
		return fmt.Errorf("jail: %w", err)
	}
	for {
		req, err := readFrame(in)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("jail: %w", err)
		}
		if err := writeFrame(w, handle(req)); err != nil {
			return fmt.Errorf("jail: %w", err)
		}
	}
}

// A frame is a message's length, four bytes big-endian, then the message:
// here the concatenation of parts.
func writeFrame(w io.Writer, parts ...[]byte) error {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var head [4]byte
	binary.BigEndian.PutUint32(head[:], uint32(n))
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// readFrame reads one frame; io.EOF when r ends before it begins.
func readFrame(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(head[:])
	if n > MaxMessage {
		return nil, fmt.Errorf("a frame of %d bytes, the limit is %d", n, MaxMessage)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, fmt.Errorf("a frame cut short: %w", io.ErrUnexpectedEOF)
	}
	return msg, nil
}

// watchParent ends the process once its parent has ended (it is then
// adopted by another process), so that no child outlives a killed worker.
func watchParent(ppid int) {
	for {
		time.Sleep(time.Second)
		if os.Getppid() != ppid {
			os.Exit(2)
		}
	}
}
