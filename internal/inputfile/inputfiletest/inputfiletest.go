// Package inputfiletest writes the awkward and hostile inputs that batch and
// the worker's watched folder must both survive, so that their tests drop
// the same files.
package inputfiletest

import (
	"archive/zip"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/unicode/norm"
)

// Names no output may lose.
var (
	Name250 = strings.Repeat("报", 82) + ".txt"    // 250 bytes
	LongA   = strings.Repeat("年", 80) + "甲甲甲.txt" // 253 bytes, sharing its first 240 with LongB
	LongB   = strings.Repeat("年", 80) + "乙乙乙.txt"
	Newline = "第一行\n第二行.txt"
	NFC     = norm.NFC.String("\u00e9年报.txt")
	NFD     = norm.NFD.String(NFC)              // the same name, decomposed
	Han100  = strings.Repeat("政", 100) + ".txt" // 304 bytes: only an archive entry can be named so
)

// Archive entry names: GBKEntry is stored as GBK bytes without the UTF-8
// flag, DupEntry twice (the second is read as DupSecond).
const (
	GBKEntry  = "二〇二三年度报告.txt"
	DupEntry  = "dup.txt"
	DupSecond = "dup~2.txt"
)

// AwkwardNames writes a report (each from report, so none is a duplicate)
// under each awkward name into dir, and an archive named zipName holding a
// GBK name, Han100 and two entries of one name. It returns the paths,
// relative to dir, that must each give a record.
func AwkwardNames(t testing.TB, dir, zipName string, report func() []byte) []string {
	t.Helper()
	var good []string
	for _, name := range []string{Name250, LongA, LongB, Newline, NFC, NFD} {
		if err := os.WriteFile(filepath.Join(dir, name), report(), 0o644); err != nil {
			t.Fatal(err)
		}
		good = append(good, name)
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(GBKEntry)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{gbk, Han100, DupEntry, DupEntry} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, NonUTF8: name == gbk})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(report())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, zipName), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, entry := range []string{GBKEntry, Han100, DupEntry, DupSecond} {
		good = append(good, zipName+"/"+entry)
	}
	return good
}

// NotRegular puts into dir what is not a regular file: a link to a report
// outside it (outside/secret.txt, mode 0600, the link's own time set with
// touch -h), a link to the folder outside (which holds inner.txt), a link
// loop, a FIFO and a socket, closed at the test's end. It returns the
// secret's path and, by name, the words each one's reason must hold.
func NotRegular(t testing.TB, dir, outside string, report func() []byte) (secret string, reasons map[string]string) {
	t.Helper()
	secret = filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, report(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "inner.txt"), report(), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"shadow.txt": secret, "linked": outside, "loop.txt": "loop.txt"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("touch", "-h", filepath.Join(dir, "shadow.txt")).CombinedOutput(); err != nil {
		t.Fatalf("touch -h: %v %s", err, out)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "s.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return secret, map[string]string{
		"shadow.txt": "symbolic link", "linked": "symbolic link", "loop.txt": "symbolic link",
		"pipe.txt": "FIFO", "s.sock": "socket",
	}
}
