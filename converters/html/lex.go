// Copyright 2010 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// The lexer below is golang.org/x/net/html's Tokenizer (token.go, v0.62.0)
// ported to read a page held whole in memory: its states and their order
// are x/net's, so that it gives the same tokens, but it reads the page's
// bytes in place rather than through an io.Reader and a buffer they are
// copied into, finds text, quoted values and the ends of raw text with
// bytes.IndexByte rather than a call a byte, and saves attributes as spans
// of the page. What x/net unescapes in place in its buffer is decoded into
// a buffer of the lexer's own, as the page is not the lexer's to change.

package html

import (
	"bytes"

	"golang.org/x/net/html"
)

// bounds are a range of bytes of the page: start inclusive, end exclusive.
type bounds struct {
	start, end int
}

// lexer reads the tokens of a page as html.Tokenizer reads them.
type lexer struct {
	src []byte
	tt  html.TokenType
	// eof is x/net's err: once the page has ended, every token is an
	// ErrorToken.
	eof bool
	// src[raw.start:raw.end] is the current token, src[data.start:data.end]
	// its data: a text's text, a tag's name.
	raw, data   bounds
	pendingAttr [2]bounds
	// attr holds the current start tag's attributes with a name, in order,
	// duplicates too (x/net drops them: see attrs).
	attr [][2]bounds
	// rawTag is the lower case name of the raw text element whose text the
	// next token is, or "".
	rawTag string
	// textIsRaw: the text is not unescaped; convertNUL: its NUL bytes
	// become U+FFFD.
	textIsRaw, convertNUL, allowCDATA bool

	// Buffers of text decoding, and the character references decoded.
	buf, out []byte
	refs     map[string]string
}

// reset starts the lexer anew at i, as a new html.Tokenizer would start.
func (z *lexer) reset(i int) {
	z.raw, z.data = bounds{i, i}, bounds{i, i}
	z.eof, z.rawTag, z.allowCDATA = false, "", false
}

// readByte returns the next byte, or 0 and sets eof at the page's end.
func (z *lexer) readByte() byte {
	if z.raw.end >= len(z.src) {
		z.eof = true
		return 0
	}
	c := z.src[z.raw.end]
	z.raw.end++
	return c
}

// skipWhiteSpace skips past any white space.
func (z *lexer) skipWhiteSpace() {
	if z.eof {
		return
	}
	for ; z.raw.end < len(z.src); z.raw.end++ {
		switch z.src[z.raw.end] {
		case ' ', '\n', '\r', '\t', '\f':
		default:
			return
		}
	}
	z.eof = true
}

// readRawOrRCDATA reads until the next "</foo>", where "foo" is z.rawTag.
func (z *lexer) readRawOrRCDATA() {
	if z.rawTag == "script" {
		z.readScript()
		z.textIsRaw = true
		z.rawTag = ""
		return
	}
	z.readToRawEnd()
	z.data.end = z.raw.end
	// A textarea's or title's RCDATA can contain escaped entities.
	z.textIsRaw = z.rawTag != "textarea" && z.rawTag != "title"
	z.rawTag = ""
}

// readToRawEnd moves to the end tag of z.rawTag that ends raw text, or to
// the page's end, as readRawOrRCDATA's loop of x/net does.
func (z *lexer) readToRawEnd() {
	if k := rawEnd(z.src[z.raw.end:], z.rawTag); k < len(z.src)-z.raw.end {
		z.raw.end += k
		return
	}
	z.raw.end = len(z.src)
	z.eof = true
}

// readRawEndTag attempts to read a tag like "</foo>", where "foo" is
// z.rawTag. If it succeeds, it backs up the input position to reconsume the
// tag and returns true. Otherwise it returns false. The opening "</" has
// already been consumed.
func (z *lexer) readRawEndTag() bool {
	for i := 0; i < len(z.rawTag); i++ {
		c := z.readByte()
		if z.eof {
			return false
		}
		if c != z.rawTag[i] && c != z.rawTag[i]-('a'-'A') {
			z.raw.end--
			return false
		}
	}
	c := z.readByte()
	if z.eof {
		return false
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		// The 3 is 2 for the leading "</" plus 1 for the trailing character c.
		z.raw.end -= 3 + len(z.rawTag)
		return true
	}
	z.raw.end--
	return false
}

// readScript reads until the next </script> tag, following the byzantine
// rules for escaping/hiding the closing tag. Script text without "<!--"
// before its end tag never leaves the script data state, whose end is
// found at once.
func (z *lexer) readScript() {
	defer func() {
		z.data.end = z.raw.end
	}()
	rest := z.src[z.raw.end:]
	if k := rawEnd(rest, "script"); !bytes.Contains(rest[:k], []byte("<!--")) {
		z.raw.end += k
		z.eof = k == len(rest)
		return
	}
	var c byte

scriptData:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '<' {
		goto scriptDataLessThanSign
	}
	goto scriptData

scriptDataLessThanSign:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '/':
		goto scriptDataEndTagOpen
	case '!':
		goto scriptDataEscapeStart
	}
	z.raw.end--
	goto scriptData

scriptDataEndTagOpen:
	if z.readRawEndTag() || z.eof {
		return
	}
	goto scriptData

scriptDataEscapeStart:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	z.raw.end--
	goto scriptData

scriptDataEscapeStartDash:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	z.raw.end--
	goto scriptData

scriptDataEscaped:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '/' {
		goto scriptDataEscapedEndTagOpen
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		goto scriptDataDoubleEscapeStart
	}
	z.raw.end--
	goto scriptData

scriptDataEscapedEndTagOpen:
	if z.readRawEndTag() || z.eof {
		return
	}
	goto scriptDataEscaped

scriptDataDoubleEscapeStart:
	z.raw.end--
	for i := 0; i < len("script"); i++ {
		c = z.readByte()
		if z.eof {
			return
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			z.raw.end--
			goto scriptDataEscaped
		}
	}
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	z.raw.end--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	c = z.readByte()
	if z.eof {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	c = z.readByte()
	if z.eof {
		return
	}
	if c == '/' {
		goto scriptDataDoubleEscapeEnd
	}
	z.raw.end--
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapeEnd:
	if z.readRawEndTag() {
		z.raw.end += len("</script>")
		goto scriptDataEscaped
	}
	if z.eof {
		return
	}
	goto scriptDataDoubleEscaped
}

// readComment reads the next comment token starting with "<!--". The
// opening "<!--" has already been consumed.
func (z *lexer) readComment() {
	z.data.start = z.raw.end
	defer func() {
		if z.data.end < z.data.start {
			// It's a comment with no data, like <!-->.
			z.data.end = z.data.start
		}
	}()

	var dashCount int
	beginning := true
	for {
		c := z.readByte()
		if z.eof {
			z.data.end = z.calculateAbruptCommentDataEnd()
			return
		}
		switch c {
		case '-':
			dashCount++
			continue
		case '>':
			if dashCount >= 2 || beginning {
				z.data.end = z.raw.end - len("-->")
				return
			}
		case '!':
			if dashCount >= 2 {
				c = z.readByte()
				if z.eof {
					z.data.end = z.calculateAbruptCommentDataEnd()
					return
				} else if c == '>' {
					z.data.end = z.raw.end - len("--!>")
					return
				} else if c == '-' {
					dashCount = 1
					beginning = false
					continue
				}
			}
		}
		dashCount = 0
		beginning = false
	}
}

func (z *lexer) calculateAbruptCommentDataEnd() int {
	raw := z.src[z.raw.start:z.raw.end]
	const prefixLen = len("<!--")
	if len(raw) >= prefixLen {
		raw = raw[prefixLen:]
		if bytes.HasSuffix(raw, []byte("--!")) {
			return z.raw.end - 3
		} else if bytes.HasSuffix(raw, []byte("--")) {
			return z.raw.end - 2
		} else if bytes.HasSuffix(raw, []byte("-")) {
			return z.raw.end - 1
		}
	}
	return z.raw.end
}

// readUntilCloseAngle reads until the next ">".
func (z *lexer) readUntilCloseAngle() {
	z.data.start = z.raw.end
	k := bytes.IndexByte(z.src[z.raw.end:], '>')
	if k < 0 {
		z.raw.end = len(z.src)
		z.eof = true
		z.data.end = z.raw.end
		return
	}
	z.raw.end += k + 1
	z.data.end = z.raw.end - len(">")
}

// readMarkupDeclaration reads the next token starting with "<!". It might
// be a "<!--comment-->", a "<!DOCTYPE foo>", a "<![CDATA[section]]>" or
// "<!a bogus comment". The opening "<!" has already been consumed.
func (z *lexer) readMarkupDeclaration() html.TokenType {
	z.data.start = z.raw.end
	var c [2]byte
	for i := 0; i < 2; i++ {
		c[i] = z.readByte()
		if z.eof {
			// bogus comment
			z.data.end = z.raw.end
			if i == 1 && c[0] == '>' {
				z.data.end--
			}
			return html.CommentToken
		}
	}
	if c[0] == '-' && c[1] == '-' {
		z.readComment()
		return html.CommentToken
	}
	z.raw.end -= 2
	if z.readDoctype() {
		return html.DoctypeToken
	}
	if z.allowCDATA && z.readCDATA() {
		z.convertNUL = true
		return html.TextToken
	}
	// It's a bogus comment.
	z.readUntilCloseAngle()
	return html.CommentToken
}

// readDoctype attempts to read a doctype declaration and returns true if
// successful. The opening "<!" has already been consumed.
func (z *lexer) readDoctype() bool {
	const s = "DOCTYPE"
	for i := 0; i < len(s); i++ {
		c := z.readByte()
		if z.eof {
			// Back up to read the fragment of "DOCTYPE" again, and end
			// the page on the next call.
			z.raw.end = z.data.start
			z.eof = false
			return false
		}
		if c != s[i] && c != s[i]+('a'-'A') {
			// Back up to read the fragment of "DOCTYPE" again.
			z.raw.end = z.data.start
			return false
		}
	}
	if z.skipWhiteSpace(); z.eof {
		z.data.start = z.raw.end
		z.data.end = z.raw.end
		return true
	}
	z.readUntilCloseAngle()
	return true
}

// readCDATA attempts to read a CDATA section and returns true if
// successful. The opening "<!" has already been consumed.
func (z *lexer) readCDATA() bool {
	const s = "[CDATA["
	for i := 0; i < len(s); i++ {
		c := z.readByte()
		if z.eof {
			// Back up to read the fragment of "[CDATA[" again, and end the
			// page on the next call.
			z.raw.end = z.data.start
			z.eof = false
			return false
		}
		if c != s[i] {
			// Back up to read the fragment of "[CDATA[" again.
			z.raw.end = z.data.start
			return false
		}
	}
	z.data.start = z.raw.end
	brackets := 0
	for {
		c := z.readByte()
		if z.eof {
			z.data.end = z.raw.end
			return true
		}
		switch c {
		case ']':
			brackets++
		case '>':
			if brackets >= 2 {
				z.data.end = z.raw.end - len("]]>")
				return true
			}
			brackets = 0
		default:
			brackets = 0
		}
	}
}

// rawText returns the name of the one of rawTags that name is in any case,
// or "". Most names are told from them by their first letter.
func rawText(name []byte) string {
	if len(name) < len("xmp") || len(name) > len("plaintext") {
		return ""
	}
	switch name[0] | 0x20 {
	case 'i', 'n', 'p', 's', 't', 'x':
		for _, a := range rawTags {
			if s := a.String(); equalFold(name, s) {
				return s
			}
		}
	}
	return ""
}

// equalFold reports whether b is s, ASCII letters in any case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// readStartTag reads the next start tag token. The opening "<a" has
// already been consumed, where 'a' means anything in [A-Za-z].
func (z *lexer) readStartTag() html.TokenType {
	z.readTag(true)
	if z.eof {
		return html.ErrorToken
	}
	// Several tags flag the tokenizer's next token as raw.
	z.rawTag = rawText(z.src[z.data.start:z.data.end])
	// Look for a self-closing token (e.g. <br/>), but not where the '/'
	// ends the last attribute's unquoted value (<p a=/>).
	if z.src[z.raw.end-2] == '/' {
		if last := z.lastAttr(); last < 0 || z.raw.end-2 != z.attr[last][1].end-1 {
			return html.SelfClosingTagToken
		}
	}
	return html.StartTagToken
}

// lastAttr returns the index of the last attribute x/net keeps (see attrs),
// or -1.
func (z *lexer) lastAttr() int {
	for i := len(z.attr) - 1; i >= 0; i-- {
		if z.first(i) {
			return i
		}
	}
	return -1
}

// first reports whether attribute i is the first of its name, as x/net
// keeps only that one.
func (z *lexer) first(i int) bool {
	k := z.attr[i][0]
	for j := range i {
		if kj := z.attr[j][0]; kj.end-kj.start == k.end-k.start && foldEq(z.src[kj.start:kj.end], z.src[k.start:k.end]) {
			return false
		}
	}
	return true
}

// foldEq reports whether a and b are equal but for the case of ASCII
// letters.
func foldEq(a, b []byte) bool {
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// readTag reads the next tag token and its attributes. If saveAttr, those
// with a name are saved in z.attr, otherwise z.attr is emptied. The opening
// "<a" or "</a" has already been consumed.
func (z *lexer) readTag(saveAttr bool) {
	z.attr = z.attr[:0]
	// Read the tag name and attribute key/value pairs.
	z.readTagName()
	if z.skipWhiteSpace(); z.eof {
		return
	}
	for {
		c := z.readByte()
		if z.eof || c == '>' {
			break
		}
		z.raw.end--
		z.readTagAttrKey()
		z.readTagAttrVal()
		if saveAttr && z.pendingAttr[0].start != z.pendingAttr[0].end {
			z.attr = append(z.attr, z.pendingAttr)
		}
		if z.skipWhiteSpace(); z.eof {
			break
		}
	}
}

// readTagName sets z.data to the "div" in "<div k=v>". Its first byte has
// already been consumed.
func (z *lexer) readTagName() {
	z.data.start = z.raw.end - 1
	for {
		c := z.readByte()
		if z.eof {
			z.data.end = z.raw.end
			return
		}
		switch c {
		case ' ', '\n', '\r', '\t', '\f':
			z.data.end = z.raw.end - 1
			return
		case '/', '>':
			z.raw.end--
			z.data.end = z.raw.end
			return
		}
	}
}

// readTagAttrKey sets z.pendingAttr[0] to the "k" in "<div k=v>".
func (z *lexer) readTagAttrKey() {
	z.pendingAttr[0].start = z.raw.end
	for {
		c := z.readByte()
		if z.eof {
			z.pendingAttr[0].end = z.raw.end
			return
		}
		switch c {
		case '=':
			if z.pendingAttr[0].start+1 == z.raw.end {
				// An equals sign before the name begins is part of it.
				continue
			}
			fallthrough
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			z.raw.end--
			z.pendingAttr[0].end = z.raw.end
			return
		}
	}
}

// readTagAttrVal sets z.pendingAttr[1] to the "v" in "<div k=v>".
func (z *lexer) readTagAttrVal() {
	z.pendingAttr[1].start = z.raw.end
	z.pendingAttr[1].end = z.raw.end
	if z.skipWhiteSpace(); z.eof {
		return
	}
	c := z.readByte()
	if z.eof {
		return
	}
	if c == '/' {
		// After the attribute's name, '/' starts the self-closing state.
		return
	}
	if c != '=' {
		z.raw.end--
		return
	}
	if z.skipWhiteSpace(); z.eof {
		return
	}
	quote := z.readByte()
	if z.eof {
		return
	}
	switch quote {
	case '>':
		z.raw.end--
		return

	case '\'', '"':
		z.pendingAttr[1].start = z.raw.end
		k := bytes.IndexByte(z.src[z.raw.end:], quote)
		if k < 0 {
			z.raw.end = len(z.src)
			z.eof = true
			z.pendingAttr[1].end = z.raw.end
			return
		}
		z.raw.end += k + 1
		z.pendingAttr[1].end = z.raw.end - 1

	default:
		z.pendingAttr[1].start = z.raw.end - 1
		for {
			c := z.readByte()
			if z.eof {
				z.pendingAttr[1].end = z.raw.end
				return
			}
			switch c {
			case ' ', '\n', '\r', '\t', '\f':
				z.pendingAttr[1].end = z.raw.end - 1
				return
			case '>':
				z.raw.end--
				z.pendingAttr[1].end = z.raw.end
				return
			}
		}
	}
}

// next scans the next token and returns its type.
func (z *lexer) next() html.TokenType {
	z.raw.start = z.raw.end
	z.data.start = z.raw.end
	z.data.end = z.raw.end
	if z.eof {
		z.tt = html.ErrorToken
		return z.tt
	}
	if z.rawTag != "" {
		if z.rawTag == "plaintext" {
			// Read everything up to the end.
			z.raw.end = len(z.src)
			z.eof = true
			z.data.end = z.raw.end
			z.textIsRaw = true
		} else {
			z.readRawOrRCDATA()
		}
		if z.data.end > z.data.start {
			z.tt = html.TextToken
			z.convertNUL = true
			return z.tt
		}
	}
	z.textIsRaw = false
	z.convertNUL = false

loop:
	for {
		k := bytes.IndexByte(z.src[z.raw.end:], '<')
		if k < 0 {
			z.raw.end = len(z.src)
			z.eof = true
			break loop
		}
		z.raw.end += k + 1

		// Check if the '<' we have just read is part of a tag, comment
		// or doctype. If not, it's part of the accumulated text token.
		c := z.readByte()
		if z.eof {
			break loop
		}
		var tokenType html.TokenType
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tokenType = html.StartTagToken
		case c == '/':
			tokenType = html.EndTagToken
		case c == '!' || c == '?':
			// CommentToken means any of "<!--actual comments-->",
			// "<!DOCTYPE declarations>" and "<?xml processing instructions?>".
			tokenType = html.CommentToken
		default:
			// Reconsume the current character.
			z.raw.end--
			continue
		}

		// A non-text token after some text: the text is returned first,
		// the token on the next call.
		if x := z.raw.end - len("<a"); z.raw.start < x {
			z.raw.end = x
			z.data.end = x
			z.tt = html.TextToken
			return z.tt
		}
		switch tokenType {
		case html.StartTagToken:
			z.tt = z.readStartTag()
			return z.tt
		case html.EndTagToken:
			c = z.readByte()
			if z.eof {
				break loop
			}
			if c == '>' {
				// "</>" is no token at all: x/net gives an empty comment.
				z.tt = html.CommentToken
				return z.tt
			}
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				z.readTag(false)
				if z.eof {
					z.tt = html.ErrorToken
				} else {
					z.tt = html.EndTagToken
				}
				return z.tt
			}
			z.raw.end--
			z.readUntilCloseAngle()
			z.tt = html.CommentToken
			return z.tt
		case html.CommentToken:
			if c == '!' {
				z.tt = z.readMarkupDeclaration()
				return z.tt
			}
			z.raw.end--
			z.readUntilCloseAngle()
			z.tt = html.CommentToken
			return z.tt
		}
	}
	if z.raw.start < z.raw.end {
		z.data.end = z.raw.end
		z.tt = html.TextToken
		return z.tt
	}
	z.tt = html.ErrorToken
	return z.tt
}

// name returns the current tag's name as it is in the page.
func (z *lexer) name() []byte { return z.src[z.data.start:z.data.end] }

// text returns the text of the current text or doctype token as x/net's
// Text does: line breaks made "\n", NUL bytes of raw text made U+FFFD and,
// but in raw text, character references decoded. Text that needs none of
// these is the page's own bytes; the rest is decoded into a buffer valid
// until the next call.
func (z *lexer) text() []byte {
	s := z.src[z.data.start:z.data.end]
	cr := bytes.IndexByte(s, '\r') >= 0
	nul := (z.convertNUL || z.tt == html.CommentToken) && bytes.IndexByte(s, 0) >= 0
	amp := !z.textIsRaw && bytes.IndexByte(s, '&') >= 0
	if !cr && !nul && !amp {
		return s
	}
	z.buf = append(z.buf[:0], s...)
	s = convertNewlines(z.buf)
	if nul {
		z.out = z.out[:0]
		for _, c := range s {
			if c == 0 {
				z.out = append(z.out, "\ufffd"...)
			} else {
				z.out = append(z.out, c)
			}
		}
		z.buf, z.out = z.out, z.buf
		s = z.buf
	}
	if amp {
		s = z.unescape(s)
	}
	return s
}

// unescape decodes the character references of s (not an attribute's)
// into z.out. Each reference, from its '&' to the last byte x/net's
// unescape could read of it ('&', then letters, digits and '#', then ';'),
// is decoded by html.UnescapeString, which reads no further than that: the
// table of named references is x/net's. A page repeats its few references
// (&nbsp;), so each is decoded once a page.
func (z *lexer) unescape(s []byte) []byte {
	out := z.out[:0]
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			out = append(out, s...)
			break
		}
		out = append(out, s[:i]...)
		j := i + 1
		for j < len(s) && (isLetter(s[j]) || '0' <= s[j] && s[j] <= '9' || s[j] == '#') {
			j++
		}
		if j < len(s) && s[j] == ';' {
			j++
		}
		ref := s[i:j]
		d, ok := z.refs[string(ref)]
		if !ok {
			if z.refs == nil {
				z.refs = make(map[string]string)
			}
			d = html.UnescapeString(string(ref))
			z.refs[string(ref)] = d
		}
		out = append(out, d...)
		s = s[j:]
	}
	z.out = out
	return out
}

// convertNewlines converts "\r" and "\r\n" in s to "\n", in place.
func convertNewlines(s []byte) []byte {
	for i, c := range s {
		if c != '\r' {
			continue
		}

		src := i + 1
		if src >= len(s) || s[src] != '\n' {
			s[i] = '\n'
			continue
		}

		dst := i
		for src < len(s) {
			if s[src] == '\r' {
				if src+1 < len(s) && s[src+1] == '\n' {
					src++
				}
				s[dst] = '\n'
			} else {
				s[dst] = s[src]
			}
			src++
			dst++
		}
		return s[:dst]
	}
	return s
}

// attrVal returns the value of attribute i, whose lower case name is key,
// as x/net's TagAttr does: NUL bytes made U+FFFD, line breaks "\n",
// character references decoded by the rules of attribute values. A value
// that needs none of these is the page's own bytes; the rare rest is read
// by x/net's tokenizer from the tag alone, as those rules are not exported.
func (z *lexer) attrVal(i int, key string) []byte {
	a := z.attr[i]
	v := z.src[a[1].start:a[1].end]
	if bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, '\r') < 0 && bytes.IndexByte(v, 0) < 0 {
		return v
	}
	t := html.NewTokenizer(bytes.NewReader(z.src[z.raw.start:z.raw.end]))
	t.Next()
	for {
		k, val, more := t.TagAttr()
		if string(k) == key {
			return val
		}
		if !more {
			return nil
		}
	}
}
