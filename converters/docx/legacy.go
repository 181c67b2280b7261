package docx

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf16"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

// compound reads an OLE2 compound file. Word and WPS save both their old
// binary documents and password-protected .docx files in one; its directory
// tells which.
func (c *Converter) compound(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	streams, err := cfbStreams(data)
	if err != nil {
		return nil, fmt.Errorf("%w: a damaged OLE2 compound file: %v", converters.ErrCorrupt, err)
	}
	switch {
	case streams["EncryptedPackage"] || streams["EncryptionInfo"]:
		return nil, fmt.Errorf("%w: %s is protected by a password; save an unprotected copy to read it", converters.ErrEncrypted, name)
	case streams["Workbook"] || streams["Book"]:
		return nil, fmt.Errorf("%w: %s is an Excel workbook, not a Word document", converters.ErrUnsupported, name)
	case streams["PowerPoint Document"]:
		return nil, fmt.Errorf("%w: %s is a PowerPoint presentation, not a Word document", converters.ErrUnsupported, name)
	}
	return c.legacy(ctx, name, data)
}

// legacy converts a .doc or .wps to .docx with LibreOffice, in a temporary
// directory of its own (with its own LibreOffice profile, so that
// conversions can run side by side), and reads the result.
func (c *Converter) legacy(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	soffice, err := exec.LookPath(c.cfg.Soffice)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is a Word 97–2003 or WPS binary document (.doc, .wps); "+
			"install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) so that soffice is on the PATH to read it",
			converters.ErrUnsupported, name)
	}
	dir, err := os.MkdirTemp("", "nianbao-doc-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".doc" && ext != ".wps" {
		ext = ".doc"
	}
	in := filepath.Join(dir, "in"+ext)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.LegacyTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--nologo", "--convert-to", "docx", "--outdir", dir, in)
	// soffice starts soffice.bin: stop the whole group on cancel.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("converting %s with LibreOffice: %w", name, ctx.Err())
	}
	converted, rerr := os.ReadFile(filepath.Join(dir, "in.docx"))
	if err != nil || rerr != nil {
		msg := strings.TrimSpace(string(out))
		if err == nil {
			err = rerr
		}
		return nil, fmt.Errorf("%w: LibreOffice could not convert %s: %v %s", converters.ErrCorrupt, name, err, msg)
	}
	if int64(len(converted)) > c.cfg.MaxUncompressed {
		return nil, fmt.Errorf("%w: %s converts to a %d-byte .docx", converters.ErrTooLarge, name, len(converted))
	}
	return c.read(ctx, converted)
}

// Compound file constants (MS-CFB).
const (
	cfbEndOfChain = 0xFFFFFFFE
	cfbFree       = 0xFFFFFFFF
	cfbDirEntry   = 128
)

var errCFB = errors.New("bad compound file structure")

// cfbStreams returns the names of the entries in a compound file's
// directory. It follows only the FAT chains it needs and bounds every loop
// by the file's sector count, so a damaged file cannot make it loop.
func cfbStreams(data []byte) (map[string]bool, error) {
	if len(data) < 512 {
		return nil, errCFB
	}
	shift := binary.LittleEndian.Uint16(data[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, fmt.Errorf("%w: sector shift %d", errCFB, shift)
	}
	size := 1 << shift
	// Sector n starts at (n+1)*size: the header takes one sector's room.
	sectors := uint32(0)
	if len(data) > size {
		sectors = uint32((len(data) - size) / size)
	}
	sector := func(n uint32) []byte {
		if n >= sectors {
			return nil
		}
		off := (int(n) + 1) * size
		return data[off : off+size]
	}
	// The FAT's own sectors: 109 listed in the header, the rest in the
	// DIFAT chain.
	var fat []uint32
	for i := range 109 {
		if s := binary.LittleEndian.Uint32(data[0x4C+4*i:]); s < sectors {
			fat = append(fat, s)
		}
	}
	next := binary.LittleEndian.Uint32(data[0x44:])
	for steps := uint32(0); next < sectors && steps <= sectors; steps++ {
		sec := sector(next)
		per := size/4 - 1
		for i := range per {
			if s := binary.LittleEndian.Uint32(sec[4*i:]); s < sectors {
				fat = append(fat, s)
			}
		}
		next = binary.LittleEndian.Uint32(sec[4*per:])
	}
	fatEntry := func(n uint32) uint32 {
		per := uint32(size / 4)
		if int(n/per) >= len(fat) {
			return cfbEndOfChain
		}
		sec := sector(fat[n/per])
		return binary.LittleEndian.Uint32(sec[4*(n%per):])
	}
	names := map[string]bool{}
	dir := binary.LittleEndian.Uint32(data[0x30:])
	for steps := uint32(0); dir != cfbEndOfChain && dir != cfbFree; steps++ {
		sec := sector(dir)
		if sec == nil || steps > sectors {
			return nil, fmt.Errorf("%w: directory chain", errCFB)
		}
		for off := 0; off+cfbDirEntry <= size; off += cfbDirEntry {
			e := sec[off : off+cfbDirEntry]
			n := int(binary.LittleEndian.Uint16(e[0x40:]))
			if e[0x42] == 0 || n < 2 || n > 64 {
				continue // unused entry
			}
			u := make([]uint16, n/2-1)
			for i := range u {
				u[i] = binary.LittleEndian.Uint16(e[2*i:])
			}
			names[string(utf16.Decode(u))] = true
		}
		dir = fatEntry(dir)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: empty directory", errCFB)
	}
	return names, nil
}
