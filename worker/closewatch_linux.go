package worker

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// inotifyWrites reports IN_CLOSE_WRITE, which fsnotify does not export yet
// (a file closed by a process that had it open for writing), and the
// creations and writes before it, in one stream so that their order holds.
type inotifyWrites struct {
	fd     int
	f      *os.File
	mu     sync.Mutex
	dirs   map[int32]string // watch descriptor to folder
	events chan writeEvent
	done   chan struct{} // closed by Close
}

func newWriteWatch() (writeWatch, error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	// Non-blocking, so reads go through the runtime's poller and Close ends them.
	c := &inotifyWrites{fd: fd, f: os.NewFile(uintptr(fd), "inotify"), dirs: map[int32]string{},
		events: make(chan writeEvent, 256), done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *inotifyWrites) Add(dir string) error {
	wd, err := syscall.InotifyAddWatch(c.fd, dir, syscall.IN_CREATE|syscall.IN_MODIFY|syscall.IN_CLOSE_WRITE|syscall.IN_ONLYDIR|syscall.IN_DONT_FOLLOW)
	if err != nil {
		return fmt.Errorf("inotify %s: %w", dir, err)
	}
	c.mu.Lock()
	c.dirs[int32(wd)] = dir
	c.mu.Unlock()
	return nil
}

func (c *inotifyWrites) Events() <-chan writeEvent { return c.events }

func (c *inotifyWrites) Close() error {
	close(c.done)
	return c.f.Close()
}

// send hands ev on, unless the watch is closed meanwhile.
func (c *inotifyWrites) send(ev writeEvent) bool {
	select {
	case c.events <- ev:
		return true
	case <-c.done:
		return false
	}
}

func (c *inotifyWrites) read() {
	defer close(c.events)
	buf := make([]byte, 64<<10)
	for {
		n, err := c.f.Read(buf)
		if err != nil {
			return
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			wd := int32(binary.NativeEndian.Uint32(buf[off:]))
			mask := binary.NativeEndian.Uint32(buf[off+4:])
			size := int(binary.NativeEndian.Uint32(buf[off+12:]))
			off += syscall.SizeofInotifyEvent
			name := strings.TrimRight(string(buf[off:min(off+size, n)]), "\x00")
			off += size
			c.mu.Lock()
			dir, ok := c.dirs[wd]
			if mask&syscall.IN_IGNORED != 0 {
				delete(c.dirs, wd)
			}
			c.mu.Unlock()
			var ev writeEvent
			switch {
			case mask&syscall.IN_Q_OVERFLOW != 0:
				// ev stays empty: events were lost.
			case !ok || name == "" || mask&syscall.IN_ISDIR != 0:
				continue
			case mask&syscall.IN_CLOSE_WRITE != 0:
				ev = writeEvent{Path: filepath.Join(dir, name), Closed: true}
			case mask&(syscall.IN_CREATE|syscall.IN_MODIFY) != 0:
				ev = writeEvent{Path: filepath.Join(dir, name)}
			default:
				continue
			}
			if !c.send(ev) {
				return
			}
		}
	}
}
