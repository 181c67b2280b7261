// Package inputfile opens the documents nianbao reads, and only regular
// files: a symbolic link is not followed (it could point at /etc/shadow), a
// FIFO is not waited on (open would block until a writer came), and sockets
// and devices are not read. The type is told from the open descriptor
// (Fstat), so a file swapped for something else between a listing and the
// open is caught too. It also tells a file that changed while it was read.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/nianbao/nianbao/converters"
)

// ErrNotRegular is wrapped when a path names something other than a regular
// file: a symbolic link, a FIFO, a socket, a device, a folder. Such an input
// is never read.
var ErrNotRegular = errors.New("not a regular file")

// ErrOtherVolume is wrapped when a file is on another volume than the folder
// it was found in: a mount point inside a drop folder or a walked folder is
// not crossed.
var ErrOtherVolume = errors.New("on another volume than its folder")

// ErrChanged is wrapped when a file's size or modification time changed
// while it was read: it is still being written, and is to be read again
// once it settles.
var ErrChanged = errors.New("changed while it was read (still being written?)")

// Check tells why the file described by info (from Lstat, or Fstat of an
// open file) is not one to read; nil for a regular file.
func Check(info fs.FileInfo) error {
	if info.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%w: %s, not read", ErrNotRegular, Kind(info.Mode()))
}

// Kind names a file's type in words, for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link (links are not followed)"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a file nianbao reads"
}

// File is an open regular file. Its Read reports the end of the file only
// if the file's size and modification time are still as when it was opened,
// and an error wrapping ErrChanged otherwise: a file still being written is
// never taken for a whole one.
type File struct {
	f    *os.File
	info fs.FileInfo
}

// Open opens path for reading if it is a regular file. The last element of
// path is not followed if it is a link (O_NOFOLLOW), and the open does not
// block on a FIFO (O_NONBLOCK, which regular files ignore); the type is
// checked on the open descriptor, and what is not a regular file is closed
// unread.
func Open(path string) (*File, error) {
	// Lstat first only for a clearer reason; the Fstat below decides.
	if info, err := os.Lstat(path); err == nil {
		if err := Check(info); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	switch {
	case errors.Is(err, syscall.ELOOP):
		return nil, fmt.Errorf("%w: %s, not read", ErrNotRegular, Kind(fs.ModeSymlink))
	case errors.Is(err, syscall.ENXIO):
		// What open(2) says of a socket.
		return nil, fmt.Errorf("%w: %s, not read", ErrNotRegular, Kind(fs.ModeSocket))
	case err != nil:
		return nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = Check(info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{f: f, info: info}, nil
}

// Info is the file's Fstat when it was opened.
func (f *File) Info() fs.FileInfo { return f.info }

// Read reads as os.File does; see File for the end of the file.
func (f *File) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	if err == io.EOF {
		if cerr := f.unchanged(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

// ReadAt reads as os.File does, with no check of change: archives are
// read this way, and an entry's checksum tells a change.
func (f *File) ReadAt(p []byte, off int64) (int, error) { return f.f.ReadAt(p, off) }

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

func (f *File) unchanged() error {
	now, err := f.f.Stat()
	if err != nil {
		return err
	}
	if now.Size() != f.info.Size() || !now.ModTime().Equal(f.info.ModTime()) {
		return fmt.Errorf("%w: %d bytes at %s, then %d at %s", ErrChanged, f.info.Size(),
			f.info.ModTime().Format(time.RFC3339Nano), now.Size(), now.ModTime().Format(time.RFC3339Nano))
	}
	return nil
}

// SameVolume tells whether two files are on the same file system.
func SameVolume(a, b fs.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Dev == sb.Dev
}

// ReadFile reads the regular file at path, at most limit bytes (more is an
// error wrapping converters.ErrTooLarge), and fails with ErrChanged when it
// changed while it was read.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if f.info.Size() > limit {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", converters.ErrTooLarge, f.info.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", converters.ErrTooLarge, limit)
	}
	return data, nil
}
