// Package text converts plain text files (.txt, .md) into the layout model:
// one paragraph per non-empty line, a page break per form feed.
//
// Lines are kept exactly as written, leading tabs and "|" included, because
// tables printed as text are read from them later.
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

// Converter converts plain text. The zero value is ready to use.
type Converter struct{}

var _ converters.Converter = Converter{}

// checkEvery is how many lines pass between checks of the context.
const checkEvery = 4096

// Convert decodes data and splits it into blocks. The encoding is detected:
// a UTF-8 or UTF-16 byte order mark, else UTF-8 if the bytes are valid UTF-8,
// else GB18030 (which covers GBK and GB2312) if they decode cleanly as that.
// Anything else, or binary data, is an error wrapping converters.ErrNotText;
// a file with no text but whitespace is one wrapping converters.ErrEmpty.
func (Converter) Convert(ctx context.Context, name string, data []byte) (*layout.Document, error) {
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

	doc := &layout.Document{Method: "text", Blocks: make([]layout.Block, 0, strings.Count(s, "\n")+1)}
	n := 0
	for line := range strings.Lines(s) {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		// A form feed may sit mid-line: pdftotext puts it before the first line
		// of the next page.
		first := true
		for part := range strings.SplitSeq(line, "\f") {
			if !first {
				doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.PageBreak})
			}
			first = false
			// A line of only a tab is kept: it is an empty table cell in
			// Word's text export.
			if part != "" {
				doc.Blocks = append(doc.Blocks, layout.Block{Kind: layout.Paragraph, Text: part})
			}
		}
	}
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
		return "", fmt.Errorf("%w: it contains NUL bytes, so it is binary", converters.ErrNotText)
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
	// 0x80–0x9F.
	runes, controls := 0, 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b&0xC0 != 0x80 {
			runes++
		}
		switch {
		case b == 0:
			return "contains NUL characters"
		case b == '\t' || b == '\n' || b == '\r' || b == '\f':
		case b < 0x20 || b == 0x7F:
			controls++
		case b == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			controls++
		}
	}
	if controls*100 > runes {
		return "has too many control characters"
	}
	return ""
}
