package docx

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// scanner is a small pull tokenizer for the XML of an OOXML part, which is
// always in memory (read under the archive's size cap). encoding/xml reads a
// Word document at about 40 MB/s with an allocation per token; a report's
// document.xml is 100–300 KB, which alone would spend the time budget of a
// whole report. This one reads the subset OOXML uses (elements, attributes,
// character data, the five entities and character references, CDATA,
// comments and processing instructions) without copying, and checks what
// matters for well-formedness: tags nest and close, attributes are quoted,
// names are not empty. A DOCTYPE is refused, as OOXML forbids one.
//
// Names are resolved against their namespace declarations, so a document
// that binds the WordprocessingML namespace to another prefix reads the same.
type scanner struct {
	data []byte
	pos  int

	// The current token.
	kind      tokKind
	ns        nsID   // start and end tags: the element's namespace
	local     []byte // start and end tags: its local name
	selfClose bool   // a start tag that is also its end (<w:br/>)
	attrs     []attr // start tags
	text      []byte // character data, entities decoded

	open     []openTag // elements open, innermost last
	bindings []binding // namespace prefixes in scope, innermost last
	buf      []byte    // decoded character data
	// cache is the last prefix resolved and its namespace, valid while
	// bindings is unchanged (most documents bind every prefix on the root).
	cachePrefix []byte
	cacheNS     nsID
	cacheOK     bool
	pendingEnd  bool // the current token is a self-closed start; its end comes next
}

type tokKind uint8

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
	tokEOF
)

// attr is one attribute; value is raw (entities not yet decoded).
type attr struct {
	ns    nsID
	local []byte
	value []byte
}

type openTag struct {
	name     []byte // qualified name as written, to match its end tag
	ns       nsID
	local    []byte
	bindings int // len(bindings) before this element's declarations
}

type binding struct {
	prefix []byte // nil for the default namespace
	ns     nsID
}

// nsID names the namespaces the reader cares about.
type nsID uint8

const (
	nsNone  nsID = iota // no namespace, or one the reader ignores
	nsW                 // WordprocessingML, transitional or strict
	nsMC                // markup compatibility
	nsR                 // relationships, for r:id and r:embed
	nsOther             // a declared namespace the reader ignores
)

// maxDepth bounds element nesting; real documents stay under 40.
const maxDepth = 512

var errSyntax = errors.New("XML syntax error")

var namespaces = map[string]nsID{
	"http://schemas.openxmlformats.org/wordprocessingml/2006/main":                nsW,
	"http://purl.oclc.org/ooxml/wordprocessingml/main":                            nsW,
	"http://schemas.openxmlformats.org/markup-compatibility/2006":                 nsMC,
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships":         nsR,
	"http://purl.oclc.org/ooxml/officeDocument/relationships":                     nsR,
	"http://schemas.openxmlformats.org/package/2006/relationships":                nsOther,
	"http://schemas.openxmlformats.org/package/2006/content-types":                nsOther,
	"http://schemas.microsoft.com/office/word/2010/wordprocessingShape":           nsOther,
	"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing":      nsOther,
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/package": nsOther,
}

func newScanner(data []byte) *scanner {
	// A byte order mark may open a part.
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	return &scanner{data: data}
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errSyntax, s.pos, fmt.Sprintf(format, args...))
}

// next reads the next token. Character data outside the root element and
// between tags is returned too; callers skip what they do not need.
func (s *scanner) next() error {
	if s.pendingEnd {
		s.pendingEnd = false
		return s.closeTop()
	}
	for {
		if s.pos >= len(s.data) {
			if len(s.open) > 0 {
				return s.errorf("document ends inside <%s>", s.open[len(s.open)-1].name)
			}
			s.kind = tokEOF
			return nil
		}
		if s.data[s.pos] != '<' {
			return s.charData()
		}
		rest := s.data[s.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			if err := s.skipPast("?>"); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := s.skipPast("-->"); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			start := s.pos + len("<![CDATA[")
			end := bytes.Index(s.data[start:], []byte("]]>"))
			if end < 0 {
				return s.errorf("unterminated CDATA section")
			}
			s.pos = start + end + 3
			if len(s.open) == 0 {
				continue
			}
			s.kind, s.text = tokText, s.data[start:start+end]
			return nil
		case bytes.HasPrefix(rest, []byte("<!")):
			return s.errorf("DOCTYPE or other declaration not allowed")
		case bytes.HasPrefix(rest, []byte("</")):
			return s.endTag()
		default:
			return s.startTag()
		}
	}
}

func (s *scanner) skipPast(end string) error {
	i := bytes.Index(s.data[s.pos:], []byte(end))
	if i < 0 {
		return s.errorf("unterminated %q", end)
	}
	s.pos += i + len(end)
	return nil
}

// charData reads text up to the next tag, decoding entities.
func (s *scanner) charData() error {
	start := s.pos
	end := bytes.IndexByte(s.data[start:], '<')
	if end < 0 {
		end = len(s.data)
	} else {
		end += start
	}
	s.pos = end
	raw := s.data[start:end]
	if len(s.open) == 0 {
		// Only whitespace may stand outside the root element.
		if len(bytes.TrimSpace(raw)) > 0 {
			return s.errorf("text outside the root element")
		}
		return s.next()
	}
	text, err := s.decode(raw)
	if err != nil {
		return err
	}
	s.kind, s.text = tokText, text
	return nil
}

// decode returns raw with its entity and character references replaced. It
// returns raw itself when it holds none.
func (s *scanner) decode(raw []byte) ([]byte, error) {
	amp := bytes.IndexByte(raw, '&')
	if amp < 0 {
		return raw, nil
	}
	out := append(s.buf[:0], raw[:amp]...)
	for i := amp; i < len(raw); {
		c := raw[i]
		if c != '&' {
			j := bytes.IndexByte(raw[i:], '&')
			if j < 0 {
				j = len(raw) - i
			}
			out = append(out, raw[i:i+j]...)
			i += j
			continue
		}
		semi := bytes.IndexByte(raw[i:], ';')
		if semi < 2 || semi > 12 {
			return nil, s.errorf("bad entity reference")
		}
		ref := raw[i+1 : i+semi]
		i += semi + 1
		switch string(ref) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			r, ok := charRef(ref)
			if !ok {
				return nil, s.errorf("unknown entity &%s;", ref)
			}
			out = utf8.AppendRune(out, r)
		}
	}
	s.buf = out
	return out, nil
}

// charRef reads #123 or #x7B.
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	base, digits := 10, ref[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	var n rune
	for _, c := range digits {
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		n = n*rune(base) + d
		if n > utf8.MaxRune {
			return 0, false
		}
	}
	if !utf8.ValidRune(n) {
		return 0, false
	}
	return n, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// name reads a name at pos: everything up to whitespace, '/', '>' or '='.
func (s *scanner) name() []byte {
	start := s.pos
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if isSpace(c) || c == '/' || c == '>' || c == '=' || c == '<' {
			break
		}
		s.pos++
	}
	return s.data[start:s.pos]
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.pos++
	}
}

func (s *scanner) startTag() error {
	s.pos++ // '<'
	qname := s.name()
	if len(qname) == 0 {
		return s.errorf("empty element name")
	}
	if len(s.open) >= maxDepth {
		return s.errorf("elements nested more than %d deep", maxDepth)
	}
	s.attrs = s.attrs[:0]
	mark := len(s.bindings)
	for {
		s.skipSpace()
		if s.pos >= len(s.data) {
			return s.errorf("document ends inside a tag")
		}
		c := s.data[s.pos]
		if c == '>' || c == '/' {
			break
		}
		an := s.name()
		if len(an) == 0 {
			return s.errorf("bad attribute in <%s>", qname)
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '=' {
			return s.errorf("attribute %s has no value", an)
		}
		s.pos++
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' && s.data[s.pos] != '\'' {
			return s.errorf("attribute %s is not quoted", an)
		}
		q := s.data[s.pos]
		s.pos++
		end := bytes.IndexByte(s.data[s.pos:], q)
		if end < 0 {
			return s.errorf("unterminated attribute %s", an)
		}
		val := s.data[s.pos : s.pos+end]
		s.pos += end + 1
		switch {
		case string(an) == "xmlns":
			s.bind(nil, val)
		case bytes.HasPrefix(an, []byte("xmlns:")):
			s.bind(an[len("xmlns:"):], val)
		default:
			s.attrs = append(s.attrs, attr{local: an, value: val})
		}
	}
	s.selfClose = s.data[s.pos] == '/'
	if s.selfClose {
		s.pos++
		if s.pos >= len(s.data) || s.data[s.pos] != '>' {
			return s.errorf("bad end of <%s>", qname)
		}
	}
	s.pos++ // '>'
	// Attributes are resolved once all the tag's declarations are read.
	for i := range s.attrs {
		a := &s.attrs[i]
		if p, l, ok := bytes.Cut(a.local, []byte(":")); ok {
			a.ns, a.local = s.resolve(p), l
		}
	}
	prefix, local := splitName(qname)
	s.kind, s.ns, s.local = tokStart, s.resolve(prefix), local
	s.open = append(s.open, openTag{name: qname, ns: s.ns, local: local, bindings: mark})
	s.pendingEnd = s.selfClose
	return nil
}

func splitName(qname []byte) (prefix, local []byte) {
	if p, l, ok := bytes.Cut(qname, []byte(":")); ok {
		return p, l
	}
	return nil, qname
}

func (s *scanner) bind(prefix, uri []byte) {
	ns, ok := namespaces[string(uri)]
	if !ok {
		ns = nsOther
	}
	s.bindings = append(s.bindings, binding{prefix: prefix, ns: ns})
	s.cacheOK = false
}

// resolve returns the namespace a prefix is bound to; nil is the default.
func (s *scanner) resolve(prefix []byte) nsID {
	if s.cacheOK && bytes.Equal(prefix, s.cachePrefix) && (prefix == nil) == (s.cachePrefix == nil) {
		return s.cacheNS
	}
	ns := nsNone
	for i := len(s.bindings) - 1; i >= 0; i-- {
		b := s.bindings[i]
		if bytes.Equal(b.prefix, prefix) && (b.prefix == nil) == (prefix == nil) {
			ns = b.ns
			break
		}
	}
	s.cachePrefix, s.cacheNS, s.cacheOK = prefix, ns, true
	return ns
}

func (s *scanner) endTag() error {
	s.pos += 2 // "</"
	qname := s.name()
	s.skipSpace()
	if s.pos >= len(s.data) || s.data[s.pos] != '>' {
		return s.errorf("bad end tag </%s", qname)
	}
	s.pos++
	if len(s.open) == 0 {
		return s.errorf("end tag </%s> with nothing open", qname)
	}
	if top := s.open[len(s.open)-1]; !bytes.Equal(top.name, qname) {
		return s.errorf("</%s> closes <%s>", qname, top.name)
	}
	return s.closeTop()
}

// closeTop makes the innermost open element the current end token.
func (s *scanner) closeTop() error {
	top := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	if len(s.bindings) != top.bindings {
		s.bindings = s.bindings[:top.bindings]
		s.cacheOK = false
	}
	s.kind, s.ns, s.local, s.selfClose = tokEnd, top.ns, top.local, false
	return nil
}

// is reports whether the current tag is the element ns:local.
func (s *scanner) is(ns nsID, local string) bool {
	return s.ns == ns && string(s.local) == local
}

// attr returns the value of the current start tag's attribute ns:local,
// decoded, and whether it is there. Attributes with no prefix count as in
// the WordprocessingML namespace, as some writers leave it off.
func (s *scanner) attr(local string) (string, bool) {
	for _, a := range s.attrs {
		if (a.ns == nsW || a.ns == nsNone) && string(a.local) == local {
			v, err := s.decode(a.value)
			if err != nil {
				return "", false
			}
			return string(v), true
		}
	}
	return "", false
}

// errStop, returned by a descend visit function, ends descend early: the
// rest of the element is consumed and descend returns nil.
var errStop = errors.New("stop descending")

// descend calls visit at each start tag inside the element whose start tag
// is current, until that element's end tag has been read. visit may consume
// the element it is at (skip it or read it whole); if it does not, descend
// goes on into it. child tells a direct child from a deeper element. visit
// returns errStop to skip the rest of the element.
func (s *scanner) descend(visit func(child bool) error) error {
	if s.selfClose {
		return s.skip()
	}
	depth := len(s.open)
	for {
		if err := s.next(); err != nil {
			return err
		}
		if len(s.open) < depth {
			return nil
		}
		if s.kind != tokStart {
			continue
		}
		err := visit(len(s.open) == depth+1)
		if errors.Is(err, errStop) {
			return s.skipTo(depth)
		}
		if err != nil {
			return err
		}
	}
}

// skip consumes the rest of the element whose start tag is current.
func (s *scanner) skip() error {
	return s.skipTo(len(s.open))
}

// skipTo reads on until fewer than depth elements are open.
func (s *scanner) skipTo(depth int) error {
	for len(s.open) >= depth {
		if err := s.next(); err != nil {
			return err
		}
	}
	return nil
}
