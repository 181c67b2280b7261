package inputfile_test

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/inputfile"
)

// TestOpen opens every kind of file a folder may hold: only the regular file
// is read, and nothing blocks (a FIFO with no writer would block a plain
// open forever).
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o600)
	regular := filepath.Join(dir, "a.txt")
	os.WriteFile(regular, []byte("report"), 0o644)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	for _, tc := range []struct {
		path string
		err  error
		says string
	}{
		{regular, nil, ""},
		{link, inputfile.ErrNotRegular, "symbolic link"},
		{fifo, inputfile.ErrNotRegular, "FIFO"},
		{sock, inputfile.ErrNotRegular, "socket"},
		{dir, inputfile.ErrNotRegular, "folder"},
		{filepath.Join(dir, "missing.txt"), os.ErrNotExist, ""},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			done := make(chan struct{})
			var (
				data []byte
				err  error
			)
			go func() {
				defer close(done)
				data, err = inputfile.ReadFile(tc.path, 1<<20)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("ReadFile blocked")
			}
			if tc.err == nil {
				if err != nil || string(data) != "report" {
					t.Errorf("ReadFile = %q, %v", data, err)
				}
				return
			}
			if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.says) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want %v saying %q on one line", err, tc.err, tc.says)
			}
			if string(data) == "secret" {
				t.Error("the link was followed")
			}
		})
	}
}

// TestReadFileLimit: a file over the limit is too large.
func TestReadFileLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(p, make([]byte, 100), 0o644)
	if _, err := inputfile.ReadFile(p, 99); !errors.Is(err, converters.ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
}

// TestChanged: a file that grows while it is read is not taken whole.
func TestChanged(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(p, []byte("first half"), 0o644)
	f, err := inputfile.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString(", second half")
	w.Close()
	if _, err := io.ReadAll(f); !errors.Is(err, inputfile.ErrChanged) {
		t.Errorf("error %v, want ErrChanged", err)
	}
}

// TestBeingWritten: a file a process holds open for writing is told apart
// from one closed, however long the writer has paused.
func TestBeingWritten(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.txt")
	w, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w.WriteString("first half")
	f, err := inputfile.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if !f.BeingWritten() {
		t.Error("a file open for writing is not told")
	}
	f.Close()
	w.Close()
	if f, err = inputfile.Open(p); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.BeingWritten() {
		t.Error("a closed file is said to be written")
	}
}
