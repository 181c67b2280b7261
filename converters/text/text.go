// Package text converts plain text files (.txt, .md) into the layout model:
// one paragraph per non-empty line, a page break per form feed, and a table
// for each table drawn with rules or dashed columns (see table.go).
//
// Other lines are kept exactly as written, leading tabs and "|" included,
// because tables printed as text are read from them later.
package text

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

// DefaultMaxBlocks is Config.MaxBlocks's default: a report is a few
// thousand lines.
const DefaultMaxBlocks = 100_000

// Config configures a Converter. The zero value uses the defaults.
type Config struct {
	// MaxBlocks is the most paragraphs and page breaks a file may give; more
	// is an error wrapping converters.ErrTooLarge. Each costs the parser
	// far more than its bytes (a line of pipes splits into as many cells),
	// so this bounds memory where the file's size cannot. Default
	// DefaultMaxBlocks.
	MaxBlocks int
}

// Converter converts plain text. The zero value is ready to use.
type Converter struct {
	Config Config
}

var _ converters.Converter = Converter{}

// checkEvery is how many lines pass between checks of the context.
const checkEvery = 4096

// Convert decodes data and splits it into blocks. The encoding is detected:
// a UTF-8 or UTF-16 byte order mark, else UTF-16 by the pattern of its NULs
// (see UTF16Order), else UTF-8 if the bytes are valid UTF-8,
// else GB18030 (which covers GBK and GB2312) if they decode cleanly as that.
// Anything else, or binary data, is an error wrapping converters.ErrNotText;
// a file with no text but whitespace is one wrapping converters.ErrEmpty.
func (c Converter) Convert(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := decode(data)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(s) == "" {
		if len(data) == 0 {
			return nil, converters.ErrEmpty
		}
		return nil, fmt.Errorf("%w: it holds only whitespace", converters.ErrEmpty)
	}

	maxBlocks := c.Config.MaxBlocks
	if maxBlocks <= 0 {
		maxBlocks = DefaultMaxBlocks
	}
	lines := min(strings.Count(s, "\n")+1, maxBlocks)
	doc := &layout.Document{Method: "text", Blocks: make([]layout.Block, 0, lines)}
	// A page's lines are gathered first, as a table drawn in text is read
	// over several of them.
	page := make([]string, 0, lines)
	n := 0
	for line := range strings.Lines(s) {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if strings.IndexByte(line, '\f') < 0 && len(doc.Blocks)+len(page) < maxBlocks {
			// Most lines hold no page break.
			page = append(page, line)
			continue
		}
		// A form feed may sit mid-line: pdftotext puts it before the first line
		// of the next page.
		first := true
		for part := range strings.SplitSeq(line, "\f") {
			if len(doc.Blocks)+len(page) >= maxBlocks {
				return nil, fmt.Errorf("%w: more than %d lines and page breaks", converters.ErrTooLarge, maxBlocks)
			}
			if !first {
				doc.Blocks = blocks(page, doc.Blocks)
				doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.PageBreak})
				page = page[:0]
			}
			first = false
			// A line of only a tab is kept: it is an empty table cell in
			// Word's text export. Empty lines are kept too: they part the
			// rows of tables drawn in text.
			page = append(page, part)
		}
	}
	doc.Blocks = blocks(page, doc.Blocks)
	return doc, nil
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decode returns data as UTF-8 text, or an error saying why it is not text.
func decode(data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		// A byte order mark declares the encoding, so stray bad bytes are
		// replaced rather than failing the whole file.
		s = strings.ToValidUTF8(string(data[len(bomUTF8):]), string(utf8.RuneError))
	case bytes.HasPrefix(data, bomUTF16LE):
		s = decodeWith(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), data[2:])
	case bytes.HasPrefix(data, bomUTF16BE):
		s = decodeWith(xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), data[2:])
	case bytes.IndexByte(data, 0) >= 0:
		order, ok := UTF16Order(data)
		if !ok {
			return "", fmt.Errorf("%w: it contains NUL bytes, so it is binary", converters.ErrNotText)
		}
		s = decodeWith(xunicode.UTF16(order, xunicode.IgnoreBOM), data)
		if strings.ContainsRune(s, utf8.RuneError) {
			return "", fmt.Errorf("%w: it looks like UTF-16 without a byte order mark but does not decode as that", converters.ErrNotText)
		}
	case utf8.Valid(data):
		s = string(data)
	default:
		s = decodeWith(simplifiedchinese.GB18030, data)
		if strings.ContainsRune(s, utf8.RuneError) {
			return "", fmt.Errorf("%w: it is neither UTF-8 nor GB18030 (GBK) text", converters.ErrNotText)
		}
	}
	if why := binary(s); why != "" {
		return "", fmt.Errorf("%w: it %s, so it is binary", converters.ErrNotText, why)
	}
	return s, nil
}

// UTF16Order tells whether data looks like UTF-16 text without a byte order
// mark, and its byte order: text holds ASCII (digits, line ends, spaces),
// whose high byte is NUL, so NULs fall on one parity of the offsets (odd in
// little-endian, even in big-endian), at least one pair in 50, and seldom
// on the other (only characters such as 一, U+4E00, put one there); binary
// data has NULs at both alike. The first 64 KiB decide.
func UTF16Order(data []byte) (xunicode.Endianness, bool) {
	head := data[:min(len(data), 64<<10)&^1]
	var nul [2]int
	for i, b := range head {
		if b == 0 {
			nul[i&1]++
		}
	}
	pairs := len(head) / 2
	switch {
	case pairs == 0:
	case nul[1]*50 >= pairs && nul[1] >= 10*nul[0]:
		return xunicode.LittleEndian, true
	case nul[0]*50 >= pairs && nul[0] >= 10*nul[1]:
		return xunicode.BigEndian, true
	}
	return xunicode.LittleEndian, false
}

// decodeWith decodes b, replacing what does not decode with U+FFFD.
func decodeWith(e encoding.Encoding, b []byte) string {
	// The decoders used here never fail: they write U+FFFD for bad input.
	out, _ := e.NewDecoder().Bytes(b)
	return string(out)
}

// binary says why s is not text, or returns "" if it is: text has no NULs,
// and at most one character in a hundred is a control character other than
// tab, line feed, carriage return and form feed. Text exported from Word or
// old editors does carry the odd stray control character, so a few pass.
func binary(s string) string {
	// s is valid UTF-8, so a byte-wise pass suffices: every control
	// character but C1 is one byte, and C1 (U+0080–U+009F) is 0xC2 then
	// 0x80–0x9F. Eight bytes are tested at once; only words that may hold
	// one go through the byte loop.
	controls := 0
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if !hasLess(w, 0x20) && !hasZero(w^(ones*0x7F)) && !hasZero(w^(ones*0xC2)) {
			continue
		}
		n, nul := controlBytes(s, i, i+8)
		if nul {
			return "contains NUL characters"
		}
		controls += n
	}
	n, nul := controlBytes(s, i, len(s))
	if nul {
		return "contains NUL characters"
	}
	controls += n
	if controls > 0 && controls*100 > utf8.RuneCountInString(s) {
		return "has too many control characters"
	}
	return ""
}

// ones has 0x01 in every byte.
const ones = 0x0101010101010101

// hasLess reports whether a byte of w is less than n (n <= 128).
func hasLess(w, n uint64) bool { return (w-ones*n)&^w&(ones*0x80) != 0 }

// hasZero reports whether a byte of w is zero.
func hasZero(w uint64) bool { return hasLess(w, 1) }

// controlBytes counts the control characters starting in s[from:to] and
// reports a NUL.
func controlBytes(s string, from, to int) (controls int, nul bool) {
	for i := from; i < to; i++ {
		switch b := s[i]; {
		case b == 0:
			return controls, true
		case b == '\t' || b == '\n' || b == '\r' || b == '\f':
		case b < 0x20 || b == 0x7F:
			controls++
		case b == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			controls++
		}
	}
	return controls, false
}
