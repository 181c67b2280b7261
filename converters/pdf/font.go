package pdf

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/pdf/internal/lpdf"
)

// font is what the layout pass needs of a PDF font: how to cut a string into
// character codes, the text of each code and its advance width.
type font struct {
	// multi is set for Type0 (composite) fonts, whose codes are one to four
	// bytes as their CMap's code space says.
	multi bool
	// vertical is set for Type0 fonts with a vertical CMap (…-V): glyphs
	// advance down the page.
	vertical bool
	// space lists the code space ranges of a composite font; nil means two
	// bytes a code (Identity-H/V and the UCS-2 CMaps).
	space []codeRange
	// toUni maps codes to text, from the ToUnicode CMap.
	toUni map[uint32]string
	// uniRanges are the ToUnicode bfranges not expanded into toUni.
	uniRanges []uniRange
	// mapped counts the codes the ToUnicode CMap maps one by one, repeats
	// included, against maxToUnicodeCodes.
	mapped int
	// simple decodes the one-byte codes of a simple font without ToUnicode.
	simple *[256]string
	// cmapText decodes the codes of a composite font without ToUnicode whose
	// CMap is a Unicode or national one; nil when codes are glyph ids.
	cmapText func(code uint32, n int) string
	// Widths, in thousandths of an em.
	first   int
	widths  []float64
	missing float64
	cidW    map[uint32]float64
	dw      float64
	// dw2 is the vertical advance of a vertical font (negative: downwards).
	dw2 float64
	// scale turns glyph-space widths into thousandths of an em: 1 except for
	// Type3 fonts, whose FontMatrix sets it.
	scale float64
	// cache holds decoded codes: ToUnicode lookups through ranges are slow.
	cache map[uint32]string
}

// codeRange is one code space range of a CMap: codes of n bytes in [lo, hi].
type codeRange struct {
	n      int
	lo, hi uint32
}

// uniRange maps codes lo..hi (n bytes) to consecutive text from base, or to
// the strings of list.
type uniRange struct {
	n      int
	lo, hi uint32
	base   []rune
	list   []string
}

// maxExpand bounds how many codes one bfrange is expanded into a map; wider
// ranges are kept as ranges.
const maxExpand = 256

// Bounds of one ToUnicode CMap, checked before a range is expanded: codes
// mapped one by one, repeats counted (two-byte codes number 65536), and wide
// ranges kept,
// which every lookup missing the cache walks. A CMap over either fails the
// file with converters.ErrTooLarge.
const (
	maxToUnicodeCodes  = 1 << 17
	maxToUnicodeRanges = 1 << 12
)

// errCMapTooLarge is panicked by a ToUnicode CMap over its bounds; the
// page's recover turns it into the file's error.
var errCMapTooLarge = fmt.Errorf("%w: a ToUnicode CMap maps more than %d codes or %d ranges", converters.ErrTooLarge, maxToUnicodeCodes, maxToUnicodeRanges)

// newFont reads a font dictionary. It never fails: what it cannot read it
// leaves out, and the glyphs then come out as U+FFFD, which marks the page
// for OCR when most of its text is like that.
func newFont(v lpdf.Value) *font {
	f := &font{toUni: map[uint32]string{}, cache: map[uint32]string{}, dw: 1000, dw2: -1000, scale: 1}
	subtype := v.Key("Subtype").Name()
	if subtype == "Type0" {
		f.multi = true
		f.readComposite(v)
	} else {
		f.readSimple(v, subtype)
	}
	if tu := v.Key("ToUnicode"); tu.Kind() == lpdf.Stream {
		f.readToUnicode(tu, v)
	}
	return f
}

func (f *font) readSimple(v lpdf.Value, subtype string) {
	f.first = int(v.Key("FirstChar").Int64())
	w := v.Key("Widths")
	n := min(w.Len(), 256)
	f.widths = make([]float64, n)
	for i := range n {
		f.widths[i] = w.Index(i).Float64()
	}
	f.missing = v.Key("FontDescriptor").Key("MissingWidth").Float64()
	if n == 0 && f.missing == 0 {
		// The standard 14 fonts may come without widths; an average one
		// keeps glyphs apart, so that 1001 is not read as overprinted 1s.
		f.missing = 500
		if strings.HasPrefix(v.Key("BaseFont").Name(), "Courier") {
			f.missing = 600
		}
	}
	if subtype == "Type3" {
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.scale = m.Index(0).Float64() * 1000
		}
	}
	// The library knows the standard encodings and Differences arrays.
	lf := lpdf.Font{V: v}
	enc := lf.Encoder()
	var table [256]string
	var b [1]byte
	for c := range 256 {
		b[0] = byte(c)
		table[c] = enc.Decode(string(b[:]))
	}
	f.simple = &table
}

func (f *font) readComposite(v lpdf.Value) {
	enc := v.Key("Encoding")
	name := enc.Name()
	switch {
	case enc.Kind() == lpdf.Stream:
		// An embedded CMap: its code space says how long codes are.
		f.space = readCodeSpace(enc, v)
		f.vertical = enc.Key("WMode").Int64() == 1
	case name == "Identity-H" || name == "Identity-V":
		f.vertical = name == "Identity-V"
	default:
		f.vertical = strings.HasSuffix(name, "-V")
		f.cmapText, f.space = predefinedCMap(name)
	}
	d := v.Key("DescendantFonts").Index(0)
	if dw := d.Key("DW"); dw.Kind() == lpdf.Integer || dw.Kind() == lpdf.Real {
		f.dw = dw.Float64()
	}
	if dw2 := d.Key("DW2"); dw2.Len() == 2 {
		f.dw2 = dw2.Index(1).Float64()
	}
	f.cidW = readW(d.Key("W"))
}

// maxWidths bounds the widths read from one W array: a CID font has at
// most 65,536 glyphs.
const maxWidths = 1 << 16

// readW reads a CIDFont's W array: c [w1 w2 …] and c1 c2 w entries.
func readW(w lpdf.Value) map[uint32]float64 {
	m := map[uint32]float64{}
	n := w.Len()
	for i := 0; i < n && len(m) < maxWidths; {
		c := w.Index(i)
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			start := uint32(c.Int64())
			for j := range min(next.Len(), maxWidths) {
				m[start+uint32(j)] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		lo, hi, width := c.Int64(), next.Int64(), w.Index(i+2).Float64()
		if lo >= 0 && hi >= lo && hi-lo < maxWidths {
			for cid := lo; cid <= hi; cid++ {
				m[uint32(cid)] = width
			}
		}
		i += 3
	}
	return m
}

// predefinedCMap returns, for a CMap named by the PDF standard, how its codes
// read as text and its code space (nil: two bytes a code). The Adobe CMaps
// that map codes to CIDs cannot be read without their files, which are not
// embedded; their text comes from the code itself where the code is Unicode
// or a national encoding.
func predefinedCMap(name string) (func(uint32, int) string, []codeRange) {
	switch {
	case strings.Contains(name, "UCS2") || strings.Contains(name, "UTF16"):
		return utf16Code, nil
	case strings.HasPrefix(name, "GBK-EUC") || strings.HasPrefix(name, "GBpc-EUC") ||
		strings.HasPrefix(name, "GB-EUC") || strings.HasPrefix(name, "GBK2K"):
		return nationalCode(simplifiedchinese.GBK), eucSpace
	case strings.HasPrefix(name, "B5pc") || strings.HasPrefix(name, "ETen-B5") || strings.HasPrefix(name, "ETenms-B5") || strings.HasPrefix(name, "HKscs-B5"):
		return nationalCode(traditionalchinese.Big5), eucSpace
	}
	return nil, nil
}

// eucSpace is the code space of the EUC-style CMaps: ASCII single bytes,
// two bytes from a lead byte of 0x81 on.
var eucSpace = []codeRange{{1, 0x00, 0x80}, {2, 0x8140, 0xFEFE}}

func utf16Code(code uint32, n int) string {
	if n != 2 {
		return string(utf8.RuneError)
	}
	return string(utf16.Decode([]uint16{uint16(code)}))
}

func nationalCode(enc encoding.Encoding) func(uint32, int) string {
	return func(code uint32, n int) string {
		var b []byte
		if n == 1 {
			b = []byte{byte(code)}
		} else {
			b = []byte{byte(code >> 8), byte(code)}
		}
		out, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			return string(utf8.RuneError)
		}
		return string(out)
	}
}

// code cuts the next character code from s: the code and its length.
func (f *font) code(s string) (uint32, int) {
	if !f.multi {
		return uint32(s[0]), 1
	}
	if f.space == nil {
		if len(s) < 2 {
			return uint32(s[0]), 1
		}
		return uint32(s[0])<<8 | uint32(s[1]), 2
	}
	var c uint32
	for n := 1; n <= 4 && n <= len(s); n++ {
		c = c<<8 | uint32(s[n-1])
		for _, r := range f.space {
			if r.n == n && c >= r.lo && c <= r.hi {
				return c, n
			}
		}
	}
	// Outside the code space: the shortest range's length, as readers do.
	n := 1
	if len(s) >= 2 && f.space[0].n >= 2 {
		n = 2
	}
	c = 0
	for i := range n {
		c = c<<8 | uint32(s[i])
	}
	return c, n
}

// text returns the Unicode text of a code of n bytes.
func (f *font) text(code uint32, n int) string {
	if t, ok := f.cache[code]; ok {
		return t
	}
	t, ok := f.toUni[code]
	if !ok {
		t, ok = f.fromRanges(code, n)
	}
	if !ok {
		switch {
		case f.simple != nil:
			t = f.simple[code&0xFF]
		case f.cmapText != nil:
			t = f.cmapText(code, n)
		default:
			// A glyph id with no Unicode mapping.
			t = string(utf8.RuneError)
		}
	}
	if len(f.cache) < 1<<16 {
		f.cache[code] = t
	}
	return t
}

func (f *font) fromRanges(code uint32, n int) (string, bool) {
	for i := range f.uniRanges {
		r := &f.uniRanges[i]
		if r.n != n || code < r.lo || code > r.hi {
			continue
		}
		k := code - r.lo
		if r.list != nil {
			if int(k) < len(r.list) {
				return r.list[k], true
			}
			return "", false
		}
		rs := append([]rune(nil), r.base...)
		if len(rs) > 0 {
			rs[len(rs)-1] += rune(k)
		}
		return string(rs), true
	}
	return "", false
}

// width returns a code's advance in thousandths of an em.
func (f *font) width(code uint32) float64 {
	if f.multi {
		if w, ok := f.cidW[code]; ok && f.space == nil && f.cmapText == nil {
			return w
		}
		if f.space != nil || f.cmapText != nil {
			// Codes are not CIDs here: guess from the text, CJK full
			// width and the rest half.
			if r, _ := utf8.DecodeRuneInString(f.text(code, 2)); r >= 0x2E80 {
				return 1000
			}
			return 500
		}
		return f.dw
	}
	i := int(code) - f.first
	if i >= 0 && i < len(f.widths) {
		return f.widths[i] * f.scale
	}
	return f.missing * f.scale
}

// readToUnicode reads a ToUnicode CMap's bfchar and bfrange entries. Codes
// are cut by the font's encoding, not by this map's code space.
func (f *font) readToUnicode(tu, fontDict lpdf.Value) {
	interpretCMap(tu, fontDict, func(op string, args []lpdf.Value) {
		switch op {
		case "endbfchar":
			for i := 0; i+1 < len(args); i += 2 {
				src := args[i].RawString()
				if len(src) == 0 || len(src) > 4 {
					continue
				}
				if f.mapped++; f.mapped > maxToUnicodeCodes {
					panic(errCMapTooLarge)
				}
				f.toUni[codeOf(src)] = dstText(args[i+1])
			}
		case "endbfrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, hi := args[i].RawString(), args[i+1].RawString()
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				f.addRange(len(lo), codeOf(lo), codeOf(hi), args[i+2])
			}
		}
	})
}

func (f *font) addRange(n int, lo, hi uint32, dst lpdf.Value) {
	if hi < lo {
		return
	}
	switch dst.Kind() {
	case lpdf.String:
		base := []rune(utf16Text(dst.RawString()))
		if hi-lo < maxExpand {
			if f.mapped += int(hi-lo) + 1; f.mapped > maxToUnicodeCodes {
				panic(errCMapTooLarge)
			}
			for c := lo; c <= hi; c++ {
				rs := append([]rune(nil), base...)
				if len(rs) > 0 {
					rs[len(rs)-1] += rune(c - lo)
				}
				f.toUni[c] = string(rs)
			}
			return
		}
		f.addWide(uniRange{n: n, lo: lo, hi: hi, base: base})
	case lpdf.Array:
		list := make([]string, min(dst.Len(), maxExpand))
		for i := range list {
			list[i] = dstText(dst.Index(i))
		}
		f.addWide(uniRange{n: n, lo: lo, hi: hi, list: list})
	}
}

func (f *font) addWide(r uniRange) {
	if len(f.uniRanges) >= maxToUnicodeRanges {
		panic(errCMapTooLarge)
	}
	f.uniRanges = append(f.uniRanges, r)
}

// dstText is a ToUnicode destination: UTF-16BE bytes, or a glyph name.
func dstText(v lpdf.Value) string {
	if v.Kind() == lpdf.Name {
		return v.Name()
	}
	return utf16Text(v.RawString())
}

func utf16Text(s string) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	if len(s)%2 == 1 {
		// One byte: some producers write single-byte destinations.
		u = append(u, uint16(s[len(s)-1]))
	}
	return string(utf16.Decode(u))
}

func codeOf(s string) uint32 {
	var c uint32
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

// readCodeSpace reads the code space ranges of an embedded CMap stream.
func readCodeSpace(cmap, fontDict lpdf.Value) []codeRange {
	var space []codeRange
	interpretCMap(cmap, fontDict, func(op string, args []lpdf.Value) {
		if op != "endcodespacerange" {
			return
		}
		for i := 0; i+1 < len(args); i += 2 {
			lo, hi := args[i].RawString(), args[i+1].RawString()
			if len(lo) == len(hi) && len(lo) >= 1 && len(lo) <= 4 {
				space = append(space, codeRange{len(lo), codeOf(lo), codeOf(hi)})
			}
		}
	})
	if len(space) == 0 {
		return nil
	}
	return space
}

// interpretCMap runs a CMap program, calling do with each operator that ends
// a section and the operands since the section began. findresource and
// defineresource are answered with a scratch dictionary: the library's
// interpreter needs a dictionary to begin, and the CMap's own definitions
// are not needed.
func interpretCMap(strm, scratch lpdf.Value, do func(op string, args []lpdf.Value)) {
	var args []lpdf.Value
	lpdf.Interpret(strm, func(stk *lpdf.Stack, op string) {
		switch op {
		case "findresource", "defineresource":
			args = popAll(stk, args)
			stk.Push(scratch)
		case "endcodespacerange", "endbfchar", "endbfrange":
			args = popAll(stk, args)
			do(op, args)
		default:
			// begin… operators leave a count; others leave nothing used.
			args = popAll(stk, args)
		}
	})
}

// popAll empties the stack into buf, bottom first, and returns it.
func popAll(stk *lpdf.Stack, buf []lpdf.Value) []lpdf.Value {
	n := stk.Len()
	buf = slices.Grow(buf[:0], n)[:n]
	for i := n - 1; i >= 0; i-- {
		buf[i] = stk.Pop()
	}
	return buf
}
