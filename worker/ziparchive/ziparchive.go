// Package ziparchive reads the documents of a .zip archive in place, without
// unpacking it: every entry name is checked (no "..", no absolute paths), and
// sizes are capped, so neither a crafted name nor a zip bomb gets through.
package ziparchive

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"path"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/inputfile"
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

// Entry is one document in an archive, with where its bytes are, so that it
// is opened by offset without reading the archive's directory again.
type Entry struct {
	// Name is slash-separated and UTF-8: as stored, or decoded from GB18030
	// when the archive does not mark it UTF-8 and it is not (Windows tools
	// in China write GBK names); a second entry of a name already listed
	// gets a ~2 (~3…) before its extension, and Duplicate set.
	Name      string `json:"name"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Size      int64  `json:"size"`   // uncompressed, as declared
	Offset    int64  `json:"offset"` // of its (compressed) data in the archive
	Packed    int64  `json:"packed"` // compressed size
	Method    uint16 `json:"method"`
	CRC32     uint32 `json:"crc32"`
}

// IsArchive tells whether a file name is a .zip archive's.
func IsArchive(name string) bool {
	return strings.EqualFold(path.Ext(strings.ReplaceAll(name, `\`, "/")), ".zip")
}

// List checks the archive at file and returns its documents: every entry but
// folders and hidden files (names starting with a dot, __MACOSX), in one
// pass over its central directory. One bad entry rejects the whole archive,
// since an archive built to escape its folder or to exhaust the disk is not
// one to trust in part; the error names the entry and wraps ErrUnsafeName or
// one of the converters' sentinels. Entries that share a name are all
// listed, the later ones renamed (see Entry.Name).
func List(file string, lim Limits) ([]Entry, error) {
	lim = lim.withDefaults()
	r, closer, err := openReader(file)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	if len(r.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w: %d entries, the limit is %d", converters.ErrTooLarge, len(r.File), lim.MaxEntries)
	}
	var (
		entries []Entry
		total   int64
		seen    = make(map[string]bool, len(r.File))
	)
	for _, f := range r.File {
		name := entryName(f)
		if err := checkName(name); err != nil {
			return nil, err
		}
		if skip(f, name) {
			continue
		}
		if err := checkFile(f, name, lim); err != nil {
			return nil, err
		}
		total += int64(f.UncompressedSize64)
		if total > lim.MaxTotalSize {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", converters.ErrTooLarge, lim.MaxTotalSize)
		}
		offset, err := f.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %v", name, converters.ErrCorrupt, err)
		}
		e := Entry{Name: name, Size: int64(f.UncompressedSize64), Offset: offset,
			Packed: int64(f.CompressedSize64), Method: f.Method, CRC32: f.CRC32}
		if seen[name] {
			e.Name, e.Duplicate = unique(name, seen), true
		}
		seen[e.Name] = true
		entries = append(entries, e)
	}
	return entries, nil
}

// entryName returns an entry's name as UTF-8: GB18030 (a superset of GBK)
// is what a name is in when the archive does not flag it UTF-8 and it is not
// valid UTF-8; a name flagged UTF-8 that is not keeps its bad bytes as
// U+FFFD.
func entryName(f *zip.File) string {
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	if f.Flags&0x800 == 0 {
		if s, err := simplifiedchinese.GB18030.NewDecoder().String(f.Name); err == nil && utf8.ValidString(s) {
			return s
		}
	}
	return strings.ToValidUTF8(f.Name, "\uFFFD")
}

// unique returns name with a ~N before its extension that no name in seen
// has.
func unique(name string, seen map[string]bool) string {
	ext := path.Ext(name)
	if strings.Contains(ext, "/") {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	for n := 2; ; n++ {
		if c := fmt.Sprintf("%s~%d%s", stem, n, ext); !seen[c] {
			return c
		}
	}
}

// Open returns a reader of the entry named name (as List names it) in the
// archive at file. It lists the archive to find it: to read many entries,
// List once and OpenEntry each.
func Open(file, name string, lim Limits) (io.ReadCloser, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	entries, err := List(file, lim)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Name == name {
			return OpenEntry(file, e, lim)
		}
	}
	return nil, fmt.Errorf("%s: no such entry in %s", name, path.Base(file))
}

// OpenEntry returns a reader of the entry e of the archive at file, found by
// its offset. It reads at most the declared size, and fails if the entry
// holds more or its checksum differs, so a header that lies about the size
// gets nowhere. Close closes the archive.
func OpenEntry(file string, e Entry, lim Limits) (io.ReadCloser, error) {
	lim = lim.withDefaults()
	if e.Size > lim.MaxEntrySize || e.Size < 0 {
		return nil, fmt.Errorf("%s: %w: %d bytes uncompressed, the limit is %d", e.Name, converters.ErrTooLarge, e.Size, lim.MaxEntrySize)
	}
	f, err := inputfile.Open(file)
	if err != nil {
		return nil, err
	}
	data := io.NewSectionReader(f, e.Offset, e.Packed)
	var rc io.ReadCloser
	switch e.Method {
	case zip.Store:
		rc = io.NopCloser(data)
	case zip.Deflate:
		rc = newInflater(data)
	default:
		f.Close()
		return nil, fmt.Errorf("%s: %w: zip compression method %d", e.Name, converters.ErrUnsupported, e.Method)
	}
	return &entryReader{r: rc, left: e.Size, name: e.Name, crc: crc32.NewIEEE(), want: e.CRC32,
		closers: []io.Closer{rc, f}}, nil
}

// inflaters keeps decompressors for reuse: each holds a 32 KiB window,
// which for an archive of small entries cost more than reading them.
var inflaters sync.Pool

// inflater is a pooled decompressor; Close returns it to the pool.
type inflater struct{ io.ReadCloser }

func newInflater(r io.Reader) io.ReadCloser {
	if z, ok := inflaters.Get().(io.ReadCloser); ok {
		if err := z.(flate.Resetter).Reset(r, nil); err == nil {
			return inflater{z}
		}
	}
	return inflater{flate.NewReader(r)}
}

func (z inflater) Close() error {
	err := z.ReadCloser.Close()
	inflaters.Put(z.ReadCloser)
	return err
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
	crc     hash.Hash32
	want    uint32
	closers []io.Closer
}

func (e *entryReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, e.end()
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	e.crc.Write(p[:n])
	switch {
	case err == io.EOF && e.left > 0:
		err = fmt.Errorf("%s: %w: shorter than its declared size", e.name, converters.ErrCorrupt)
	case err == io.EOF:
		err = e.end()
	case err != nil:
		err = fmt.Errorf("%s: %w: %v", e.name, converters.ErrCorrupt, err)
	}
	return n, err
}

// end checks an entry read to its declared size: one more byte means it is
// longer than its header says, and its checksum must match.
func (e *entryReader) end() error {
	var b [1]byte
	n, err := e.r.Read(b[:])
	switch {
	case n > 0:
		return fmt.Errorf("%s: %w: more data than its declared size", e.name, converters.ErrCorrupt)
	case err != nil && err != io.EOF:
		return fmt.Errorf("%s: %w: %v", e.name, converters.ErrCorrupt, err)
	case e.crc.Sum32() != e.want:
		return fmt.Errorf("%s: %w: checksum mismatch", e.name, converters.ErrCorrupt)
	}
	return io.EOF
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

// openReader opens the archive at file, which must be a regular file (see
// inputfile), and reads its central directory.
func openReader(file string) (*zip.Reader, io.Closer, error) {
	f, err := inputfile.Open(file)
	if err != nil {
		return nil, nil, err
	}
	r, err := zip.NewReader(f, f.Info().Size())
	switch {
	case errors.Is(err, zip.ErrInsecurePath):
		// With GODEBUG=zipinsecurepath=0 the reader refuses such names itself.
		f.Close()
		return nil, nil, fmt.Errorf("%w: %v", ErrUnsafeName, err)
	case err != nil:
		f.Close()
		return nil, nil, fmt.Errorf("%w: %v", converters.ErrCorrupt, err)
	}
	return r, f, nil
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
func skip(f *zip.File, name string) bool {
	if strings.HasSuffix(name, "/") || !f.Mode().IsRegular() {
		return true
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || part == "__MACOSX" {
			return true
		}
	}
	return false
}

// checkFile checks an entry's flags and declared sizes against the limits.
func checkFile(f *zip.File, name string, lim Limits) error {
	if f.Flags&0x1 != 0 {
		return fmt.Errorf("%s: %w (zip encryption)", name, converters.ErrEncrypted)
	}
	size, packed := int64(f.UncompressedSize64), int64(f.CompressedSize64)
	if size > lim.MaxEntrySize || size < 0 {
		return fmt.Errorf("%s: %w: %d bytes uncompressed, the limit is %d", name, converters.ErrTooLarge, size, lim.MaxEntrySize)
	}
	if size > 1<<20 && size/max(packed, 1) > lim.MaxRatio {
		return fmt.Errorf("%s: %w: compressed %d to 1 (a zip bomb?), the limit is %d to 1",
			name, converters.ErrTooLarge, size/max(packed, 1), lim.MaxRatio)
	}
	return nil
}
