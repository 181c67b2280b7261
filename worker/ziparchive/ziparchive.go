// Package ziparchive reads the documents of a .zip archive in place, without
// unpacking it: every entry name is checked (no "..", no absolute paths), and
// sizes are capped, so neither a crafted name nor a zip bomb gets through.
package ziparchive

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/pipeline"
)

// ErrUnsafeName is wrapped when an entry's name would leave the folder it is
// unpacked into: "..", an absolute path, a drive letter or a backslash.
var ErrUnsafeName = errors.New("unsafe entry name")

// Defaults of Limits.
const (
	DefaultMaxEntries   = 100_000
	DefaultMaxEntrySize = pipeline.DefaultMaxFileSize
	DefaultMaxTotalSize = 16 << 30
	DefaultMaxRatio     = 200
)

// Limits caps what an archive may hold. Zero fields take their defaults.
type Limits struct {
	// MaxEntries is the most entries an archive may list. Default 100,000.
	MaxEntries int
	// MaxEntrySize is the largest uncompressed entry, in bytes: the pipeline's
	// own file limit by default.
	MaxEntrySize int64
	// MaxTotalSize caps the sum of the uncompressed sizes. Default 16 GiB.
	MaxTotalSize int64
	// MaxRatio is the largest compression ratio of an entry over 1 MiB; real
	// documents compress less than 20:1, bombs a thousand to one. Default 200.
	MaxRatio int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxEntrySize <= 0 {
		l.MaxEntrySize = DefaultMaxEntrySize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = DefaultMaxTotalSize
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l
}

// Entry is one document in an archive.
type Entry struct {
	Name string // slash-separated, as stored
	Size int64  // uncompressed size, as declared
}

// IsArchive tells whether a file name is a .zip archive's.
func IsArchive(name string) bool {
	return strings.EqualFold(path.Ext(strings.ReplaceAll(name, `\`, "/")), ".zip")
}

// List checks the archive at file and returns its documents: every entry but
// folders and hidden files (names starting with a dot, __MACOSX). One bad
// entry rejects the whole archive, since an archive built to escape its
// folder or to exhaust the disk is not one to trust in part; the error names
// the entry and wraps ErrUnsafeName or one of the converters' sentinels.
func List(file string, lim Limits) ([]Entry, error) {
	lim = lim.withDefaults()
	r, err := openReader(file)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if len(r.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: %d entries, the limit is %d", converters.ErrTooLarge, len(r.File), lim.MaxEntries)
	}
	var (
		entries []Entry
		total   int64
	)
	for _, f := range r.File {
		if err := checkName(f.Name); err != nil {
			return nil, err
		}
		if skip(f) {
			continue
		}
		if err := checkFile(f, lim); err != nil {
			return nil, err
		}
		total += int64(f.UncompressedSize64)
		if total > lim.MaxTotalSize {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", converters.ErrTooLarge, lim.MaxTotalSize)
		}
		entries = append(entries, Entry{Name: f.Name, Size: int64(f.UncompressedSize64)})
	}
	return entries, nil
}

// Open returns a reader of the entry named name in the archive at file. It
// reads at most the declared size, and fails if the entry holds more, so a
// header that lies about the size gets nowhere. Close closes the archive.
func Open(file, name string, lim Limits) (io.ReadCloser, error) {
	lim = lim.withDefaults()
	if err := checkName(name); err != nil {
		return nil, err
	}
	r, err := openReader(file)
	if err != nil {
		return nil, err
	}
	for _, f := range r.File {
		if f.Name != name {
			continue
		}
		if err := checkFile(f, lim); err != nil {
			r.Close()
			return nil, err
		}
		rc, err := f.Open()
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("%s: %w: %v", name, converters.ErrCorrupt, err)
		}
		return &entryReader{r: rc, left: int64(f.UncompressedSize64), name: name, closers: []io.Closer{rc, r}}, nil
	}
	r.Close()
	return nil, fmt.Errorf("%s: no such entry in %s", name, path.Base(file))
}

// ReadFile returns the content of the entry named name.
func ReadFile(file, name string, lim Limits) ([]byte, error) {
	rc, err := Open(file, name, lim)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

type entryReader struct {
	r       io.Reader
	left    int64
	name    string
	closers []io.Closer
}

func (e *entryReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		// archive/zip checks the CRC at EOF; one more byte means the entry
		// is longer than its header says.
		var b [1]byte
		n, err := e.r.Read(b[:])
		if n > 0 || errors.Is(err, zip.ErrFormat) {
			return 0, fmt.Errorf("%s: %w: more data than its declared size", e.name, converters.ErrCorrupt)
		}
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("%s: %w: %v", e.name, converters.ErrCorrupt, err)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w: %v", e.name, converters.ErrCorrupt, err)
	}
	if err == io.EOF && e.left > 0 {
		err = fmt.Errorf("%s: %w: shorter than its declared size", e.name, converters.ErrCorrupt)
	}
	return n, err
}

func (e *entryReader) Close() error {
	var first error
	for _, c := range e.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func openReader(file string) (*zip.ReadCloser, error) {
	r, err := zip.OpenReader(file)
	switch {
	case errors.Is(err, zip.ErrInsecurePath):
		// With GODEBUG=zipinsecurepath=0 the reader refuses such names itself.
		r.Close()
		return nil, fmt.Errorf("%w: %v", ErrUnsafeName, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: %v", converters.ErrCorrupt, err)
	}
	return r, nil
}

// checkName rejects names that would leave the archive's folder.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty name", ErrUnsafeName)
	case strings.Contains(name, `\`):
		return fmt.Errorf("%w: %q holds a backslash", ErrUnsafeName, name)
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("%w: %q is an absolute path", ErrUnsafeName, name)
	case len(name) >= 2 && name[1] == ':':
		return fmt.Errorf("%w: %q starts with a drive letter", ErrUnsafeName, name)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("%w: %q holds a NUL", ErrUnsafeName, name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return fmt.Errorf("%w: %q climbs out with ..", ErrUnsafeName, name)
		}
	}
	return nil
}

// skip tells the entries that are not documents: folders, links and hidden
// files such as the __MACOSX/ resource forks and .DS_Store.
func skip(f *zip.File) bool {
	if strings.HasSuffix(f.Name, "/") || !f.Mode().IsRegular() {
		return true
	}
	for _, part := range strings.Split(f.Name, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			return true
		}
	}
	return false
}

// checkFile checks an entry's flags and declared sizes against the limits.
func checkFile(f *zip.File, lim Limits) error {
	if f.Flags&0x1 != 0 {
		return fmt.Errorf("%s: %w (zip encryption)", f.Name, converters.ErrEncrypted)
	}
	size, packed := int64(f.UncompressedSize64), int64(f.CompressedSize64)
	if size > lim.MaxEntrySize || size < 0 {
		return fmt.Errorf("%s: %w: %d bytes uncompressed, the limit is %d", f.Name, converters.ErrTooLarge, size, lim.MaxEntrySize)
	}
	if size > 1<<20 && size/max(packed, 1) > lim.MaxRatio {
		return fmt.Errorf("%s: %w: compressed %d to 1 (a zip bomb?), the limit is %d to 1",
			f.Name, converters.ErrTooLarge, size/max(packed, 1), lim.MaxRatio)
	}
	return nil
}
