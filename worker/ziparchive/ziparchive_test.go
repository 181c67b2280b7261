package ziparchive_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/worker/ziparchive"
)

type entry struct {
	name  string
	data  []byte
	flags uint16
	// declared, when set, is the uncompressed size the header claims.
	declared uint64
}

func write(t *testing.T, entries ...entry) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		if e.declared > 0 {
			// A stored entry whose header lies about its size.
			fh := &zip.FileHeader{Name: e.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(e.data),
				CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.declared}
			w, err := zw.CreateRaw(fh)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.data)
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: e.flags})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "a.zip")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestList(t *testing.T) {
	text := []byte("二〇二三年政府信息公开工作年度报告")
	for _, tc := range []struct {
		name    string
		entries []entry
		lim     ziparchive.Limits
		want    []string // entry names listed
		err     error
		errText string
	}{
		{name: "documents", entries: []entry{{name: "a.txt", data: text}, {name: "dir/b.html", data: text}},
			want: []string{"a.txt", "dir/b.html"}},
		{name: "folders and hidden files left out", entries: []entry{
			{name: "dir/"}, {name: "__MACOSX/._a.txt", data: text}, {name: ".DS_Store", data: text},
			{name: "dir/.hidden", data: text}, {name: "dir/a.txt", data: text}},
			want: []string{"dir/a.txt"}},
		{name: "dot dot", entries: []entry{{name: "a.txt", data: text}, {name: "../evil.txt", data: text}},
			err: ziparchive.ErrUnsafeName, errText: "climbs out"},
		{name: "dot dot inside", entries: []entry{{name: "a/../../evil.txt", data: text}}, err: ziparchive.ErrUnsafeName},
		{name: "dot dot hidden folder", entries: []entry{{name: "../.x/evil.txt", data: text}}, err: ziparchive.ErrUnsafeName},
		{name: "absolute", entries: []entry{{name: "/etc/passwd", data: text}}, err: ziparchive.ErrUnsafeName, errText: "absolute"},
		{name: "backslash", entries: []entry{{name: `..\evil.txt`, data: text}}, err: ziparchive.ErrUnsafeName},
		{name: "drive letter", entries: []entry{{name: "C:/evil.txt", data: text}}, err: ziparchive.ErrUnsafeName},
		{name: "encrypted", entries: []entry{{name: "a.txt", data: text, flags: 0x1}}, err: converters.ErrEncrypted},
		{name: "bomb", entries: []entry{{name: "zeros.txt", data: make([]byte, 8<<20)}},
			err: converters.ErrTooLarge, errText: "zip bomb"},
		{name: "entry over the cap", entries: []entry{{name: "a.txt", data: bytes.Repeat(text, 100)}},
			lim: ziparchive.Limits{MaxEntrySize: 1000}, err: converters.ErrTooLarge},
		{name: "declared size over the cap", entries: []entry{{name: "a.txt", data: text, declared: 1 << 40}},
			err: converters.ErrTooLarge},
		{name: "total over the cap", entries: []entry{{name: "a.txt", data: text}, {name: "b.txt", data: text}},
			lim: ziparchive.Limits{MaxTotalSize: int64(len(text)) + 1}, err: converters.ErrTooLarge},
		{name: "too many entries", entries: []entry{{name: "a.txt", data: text}, {name: "b.txt", data: text}},
			lim: ziparchive.Limits{MaxEntries: 1}, err: converters.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ziparchive.List(write(t, tc.entries...), tc.lim)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want %v with %q", err, tc.err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range got {
				names = append(names, e.Name)
			}
			if strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Errorf("entries %v, want %v", names, tc.want)
			}
		})
	}
}

func TestListCorrupt(t *testing.T) {
	p := write(t, entry{name: "a.txt", data: []byte("hello")})
	data, _ := os.ReadFile(p)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated", data[:len(data)/2]},
		{"not a zip", []byte("just text")},
		{"empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.zip")
			os.WriteFile(bad, tc.data, 0o644)
			if _, err := ziparchive.List(bad, ziparchive.Limits{}); !errors.Is(err, converters.ErrCorrupt) {
				t.Errorf("error %v, want ErrCorrupt", err)
			}
		})
	}
	if _, err := ziparchive.List(filepath.Join(t.TempDir(), "missing.zip"), ziparchive.Limits{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing archive: %v, want ErrNotExist", err)
	}
}

func TestReadFile(t *testing.T) {
	text := []byte("一份年度报告")
	p := write(t, entry{name: "dir/a.txt", data: text}, entry{name: "liar.txt", data: bytes.Repeat(text, 10), declared: 5})
	got, err := ziparchive.ReadFile(p, "dir/a.txt", ziparchive.Limits{})
	if err != nil || !bytes.Equal(got, text) {
		t.Errorf("ReadFile = %q, %v; want %q", got, err, text)
	}
	// An entry longer than its header says is cut off with an error, not read
	// past its declared size.
	if _, err := ziparchive.ReadFile(p, "liar.txt", ziparchive.Limits{}); !errors.Is(err, converters.ErrCorrupt) {
		t.Errorf("lying entry: %v, want ErrCorrupt", err)
	}
	for _, name := range []string{"missing.txt", "../dir/a.txt"} {
		if _, err := ziparchive.ReadFile(p, name, ziparchive.Limits{}); err == nil {
			t.Errorf("ReadFile(%q) gave no error", name)
		}
	}
	rc, err := ziparchive.Open(p, "dir/a.txt", ziparchive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		t.Error(err)
	}
	if err := rc.Close(); err != nil {
		t.Error(err)
	}
}

// TestNames: a GBK name in an archive that does not flag UTF-8 is read as
// GB18030, and two entries of one name are both listed, the second renamed,
// and each reads its own content.
func TestNames(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("年度报告/二〇二三年.txt")
	if err != nil {
		t.Fatal(err)
	}
	p := write(t,
		entry{name: gbk, data: []byte("gbk")},
		entry{name: "a.txt", data: []byte("first")},
		entry{name: "a.txt", data: []byte("second")},
		entry{name: "a~2.txt", data: []byte("third")},
		entry{name: "dir/b", data: []byte("fourth")},
		entry{name: "dir/b", data: []byte("fifth")},
	)
	got, err := ziparchive.List(p, ziparchive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, data string
		dup        bool
	}{
		{"年度报告/二〇二三年.txt", "gbk", false},
		{"a.txt", "first", false},
		{"a~2.txt", "second", true},
		{"a~2~2.txt", "third", true},
		{"dir/b", "fourth", false},
		{"dir/b~2", "fifth", true},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		e := got[i]
		if e.Name != w.name || e.Duplicate != w.dup {
			t.Errorf("entry %d: %q (duplicate %v), want %q (%v)", i, e.Name, e.Duplicate, w.name, w.dup)
		}
		rc, err := ziparchive.OpenEntry(p, e, ziparchive.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(data) != w.data {
			t.Errorf("entry %q reads %q, %v; want %q", e.Name, data, err, w.data)
		}
	}
}

// TestOpenEntryChecksum: bytes changed in place are caught by the checksum.
func TestOpenEntryChecksum(t *testing.T) {
	p := write(t, entry{name: "a.txt", data: []byte("二〇二三年政府信息公开工作年度报告")})
	entries, err := ziparchive.List(p, ziparchive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	e.CRC32++
	rc, err := ziparchive.OpenEntry(p, e, ziparchive.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, converters.ErrCorrupt) {
		t.Errorf("error %v, want ErrCorrupt", err)
	}
}
