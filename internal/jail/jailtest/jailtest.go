// Package jailtest finds and watches the child processes of a jail, for
// tests that kill them or measure their memory (real processes, read from
// /proc), and reads the failures they leave.
package jailtest

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/worker/results"
)

// Children returns the processes whose parent is pid.
func Children(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var kids []int
	for _, p := range stats {
		f := statFields(p)
		// f[1] is the parent (field 4 of stat(5)).
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			kid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			kids = append(kids, kid)
		}
	}
	return kids
}

// CPUTime returns the CPU time a process has used; 0 when it is gone.
func CPUTime(pid int) time.Duration {
	f := statFields("/proc/" + strconv.Itoa(pid) + "/stat")
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ is 100
}

// BytesRead returns how many bytes a process has read, from files and pipes
// (rchar of /proc/PID/io): a child that has read more than a request's
// size is working on that request. 0 when it is gone.
func BytesRead(pid int) int64 { return procField(pid, "io", "rchar:") }

// KillWhenReading kills with SIGKILL the first child of pid seen to have
// read more than n bytes (its request), checking every few milliseconds
// until it does or stop is closed, and returns the child's pid, 0 if none.
func KillWhenReading(pid int, n int64, stop <-chan struct{}) int {
	for {
		for _, kid := range Children(pid) {
			if BytesRead(kid) > n {
				syscall.Kill(kid, syscall.SIGKILL)
				return kid
			}
		}
		select {
		case <-stop:
			return 0
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// statFields returns the fields of /proc/PID/stat after the command name:
// f[0] is field 3 of stat(5).
func statFields(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(data[i+1:]))
}

// PeakRSS returns a process's largest resident set so far (VmHWM), in
// bytes; 0 when it is gone.
func PeakRSS(pid int) int64 { return procField(pid, "status", "VmHWM:") << 10 }

// procField returns the number of a "key value" line of /proc/PID/file
// (a unit after the number is dropped); 0 when there is none.
func procField(pid int, file, key string) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + file)
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// Peaks samples the peak resident sets of a process and of its children
// until Stop: children that live briefly are seen as long as they live
// longer than the sampling interval.
type Peaks struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	parent int64
	child  int64
}

// Watch starts sampling pid and its children every interval.
func Watch(pid int, interval time.Duration) *Peaks {
	p := &Peaks{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			p.sample()
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *Peaks) sample() {
	parent := PeakRSS(p.pid)
	var child int64
	for _, kid := range Children(p.pid) {
		child = max(child, PeakRSS(kid))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.parent, p.child = max(p.parent, parent), max(p.child, child)
}

// Stop ends the sampling and returns the peaks seen, in bytes: of the
// process, and of the largest of its children.
func (p *Peaks) Stop() (parent, child int64) {
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.parent, p.child
}

// Failure reads a failure record (NAME.error.json) that a test expects.
func Failure(t testing.TB, path string) results.Failure {
	t.Helper()
	f, err := results.ReadFailure(path)
	if err != nil {
		t.Errorf("failure record: %v", err)
		return results.Failure{}
	}
	return *f
}
