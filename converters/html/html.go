// Package html converts web pages (.html, .htm) into the layout model: the
// page's text as paragraphs, its data tables as tables, and nothing of the
// site around it (menus, headers, footers, scripts).
//
// Pages are read by x/net/html's tokenizer ported to read the page in place
// (lex.go) rather than by github.com/tdewolff/parse/v2/html, the zero-copy
// lexer of tdewolff/minify: that one lower-cases tag and attribute names in
// the page itself, reads an SVG image as one XML token, reads noscript,
// noembed and noframes as markup and ends raw text, comments and attribute
// names by rules of its own, so pages would read otherwise than through
// html.Parse.
package html

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

// Converter converts HTML pages. The zero value is ready to use.
type Converter struct{}

var _ converters.Converter = Converter{}

// Convert decodes data, parses it as a browser would and returns its blocks
// in document order.
//
// The encoding comes from a byte order mark, else from the page's
// <meta charset> or <meta http-equiv="Content-Type">, else it is UTF-8 if the
// bytes are valid UTF-8 and GB18030 (which covers GBK and GB2312) if not.
// Bytes that are valid UTF-8 are read as UTF-8 whatever the page declares:
// Chinese text in GBK or Big5 is almost never valid UTF-8, and pages saved by
// crawlers and browsers are often re-encoded with the old <meta> left in.
//
// Site chrome is dropped: nav, aside, header and footer elements (but not a
// header or footer inside an article or main element, which belongs to the
// text), and elements whose id, class or role names a part of a site rather
// than of a text (see chromeWords). If that leaves no text, the page is read
// again with the chrome kept, since a page is better read whole than not at
// all.
//
// A page with no text is an error wrapping converters.ErrEmpty, a file with
// NUL bytes (and no UTF-16 byte order mark) one wrapping
// converters.ErrNotText, and a page the HTML parser gives up on (elements
// nested more than 512 deep) one wrapping converters.ErrCorrupt.
func (Converter) Convert(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, converters.ErrEmpty
	}
	src, err := decode(data)
	if err != nil {
		return nil, err
	}
	// A page converted from PDF, of positioned pieces of text, is read
	// whole, as it is laid out by the attributes of all its pieces.
	mode := dropChrome
	if positionedPage(src) {
		mode = keepAll
	}
	nodes := arenas.Get().(*arena)
	defer nodes.release()
	root, err := build(ctx, src, mode, nodes)
	if err != nil {
		return nil, treeError(err)
	}
	var blocks []layout.Block
	if mode == keepAll {
		if blocks, err = positioned(ctx, root); err != nil {
			return nil, err
		}
	}
	if blocks == nil {
		blocks, err = extract(ctx, root, true)
	}
	if err == nil && !hasText(blocks) {
		if mode == dropChrome {
			if root, err = build(ctx, src, keepChrome, nodes); err != nil {
				return nil, treeError(err)
			}
		}
		blocks, err = extract(ctx, root, false)
	}
	if err != nil {
		return nil, err
	}
	if !hasText(blocks) {
		return nil, fmt.Errorf("%w: the page has no text", converters.ErrEmpty)
	}
	return &layout.Document{Blocks: blocks, Method: "html"}, nil
}

// positionedPage reports whether the page has the word "absolute", which
// positioned pieces of text have in their style. It looks for the rarer
// "bsolute" first: IndexByte finds its 'b' far faster than the frequent 'a'.
func positionedPage(src []byte) bool {
	for i := 1; i < len(src); {
		j := bytes.Index(src[i:], []byte("bsolute"))
		if j < 0 {
			return false
		}
		if i += j; src[i-1] == 'a' {
			return true
		}
		i++
	}
	return false
}

// treeError wraps the error of a page the tree builder gives up on.
func treeError(err error) error {
	if errors.Is(err, errTooDeep) {
		return fmt.Errorf("%w: the HTML parser gave up on it: %v", converters.ErrCorrupt, err)
	}
	return err
}

// hasText reports whether any paragraph or table cell holds text.
func hasText(blocks []layout.Block) bool {
	for _, b := range blocks {
		if b.Kind == layout.Paragraph {
			return true
		}
		if b.Kind == layout.Table {
			for _, row := range b.Table.Rows {
				for _, c := range row {
					if c.Text != "" {
						return true
					}
				}
			}
		}
	}
	return false
}

var boms = []struct {
	bom []byte
	enc encoding.Encoding
}{
	{[]byte{0xEF, 0xBB, 0xBF}, xunicode.UTF8},
	{[]byte{0xFF, 0xFE}, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)},
	{[]byte{0xFE, 0xFF}, xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)},
}

// decode returns the page as UTF-8. Bytes that do not decode become U+FFFD.
func decode(data []byte) ([]byte, error) {
	for _, b := range boms {
		if bytes.HasPrefix(data, b.bom) {
			return decodeWith(b.enc, data[len(b.bom):]), nil
		}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: it contains NUL bytes, so it is not a web page", converters.ErrNotText)
	}
	if utf8.Valid(data) {
		return data, nil
	}
	enc := declared(data)
	if enc == nil || enc == xunicode.UTF8 {
		// Undeclared, or declared UTF-8 but not: Chinese pages that are not
		// UTF-8 are GBK or GB2312, both read right by GB18030.
		s := decodeWith(simplifiedchinese.GB18030, data)
		if enc == nil || !bytes.ContainsRune(s, utf8.RuneError) {
			return s, nil
		}
		return decodeWith(xunicode.UTF8, data), nil
	}
	return decodeWith(enc, data), nil
}

// decodeWith decodes b, replacing what does not decode with U+FFFD.
func decodeWith(e encoding.Encoding, b []byte) []byte {
	// These decoders never fail: they write U+FFFD for bad input.
	out, _ := e.NewDecoder().Bytes(b)
	return out
}

// declared returns the encoding the page's <meta> declares, or nil. Labels
// are read as browsers read them, except that GBK and GB2312 are read as
// GB18030: pages labelled so use its four-byte characters too. Unlike a
// browser's 1024-byte prescan it reads the whole head, as some pages put
// long scripts before their <meta>.
func declared(data []byte) encoding.Encoding {
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return nil
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "head" {
				return nil
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return nil
			case "meta":
				if e := metaEncoding(z, hasAttr); e != nil {
					return e
				}
			}
		}
	}
}

// metaEncoding returns the encoding named by the <meta> tag z is on, or nil.
func metaEncoding(z *html.Tokenizer, hasAttr bool) encoding.Encoding {
	var label, content string
	pragma := false
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch string(k) {
		case "charset":
			label = string(v)
		case "http-equiv":
			pragma = strings.EqualFold(string(v), "content-type")
		case "content":
			content = string(v)
		}
	}
	if label == "" && pragma {
		label = contentCharset(content)
	}
	if label == "" {
		return nil
	}
	e, name := charset.Lookup(label)
	switch {
	case e == nil || name == "replacement":
		return nil
	case name == "utf-8" || strings.HasPrefix(name, "utf-16"):
		// A page read as UTF-16 has no ASCII <meta> to read: browsers take
		// that label to mean UTF-8.
		return xunicode.UTF8
	case name == "gbk" || name == "gb18030":
		return simplifiedchinese.GB18030
	}
	return e
}

// contentCharset returns the charset parameter of a Content-Type value, read
// leniently: "text/html; charset=gb2312", "text/html charset=GBK;" and
// "charset='big5'" all name one.
func contentCharset(s string) string {
	s = strings.ToLower(s)
	for {
		i := strings.Index(s, "charset")
		if i < 0 {
			return ""
		}
		s = strings.TrimLeft(s[i+len("charset"):], " \t\n\f\r")
		if v, ok := strings.CutPrefix(s, "="); ok {
			v = strings.TrimLeft(v, " \t\n\f\r")
			v = strings.TrimLeft(v, `"'`)
			if end := strings.IndexAny(v, "\"'; \t\n\f\r"); end >= 0 {
				v = v[:end]
			}
			return v
		}
	}
}
