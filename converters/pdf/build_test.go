package pdf_test

import (
	"bytes"
	"fmt"
	"strings"
)

// builder writes small PDF files for tests: pages with content streams,
// Helvetica with widths (F1) and without (F3), a Type0 font without a
// Unicode map (F2), and images. Offsets in the cross-reference table are computed, so the files
// are well formed unless a test breaks them.
type builder struct {
	objs  []string // object bodies, numbered from 1
	pages []int
	// Object numbers of shared resources.
	helv, cid, bare int
}

func newBuilder() *builder {
	b := &builder{}
	b.add("") // 1: catalog, written last
	b.add("") // 2: page tree, written last
	widths := strings.TrimSpace(strings.Repeat("500 ", 95))
	b.helv = b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [%s] >>", widths))
	b.bare = b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	desc := b.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unmapped /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
	b.cid = b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /Unmapped /Encoding /Identity-H /DescendantFonts [%d 0 R] >>", desc))
	return b
}

func (b *builder) add(body string) int {
	b.objs = append(b.objs, body)
	return len(b.objs)
}

func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// page adds a page of the given content. extra is added to the page
// dictionary (/Rotate 90, a /CropBox); xobjects names image objects.
func (b *builder) page(content, extra string, xobjects map[string]int) {
	c := b.add(stream("", content))
	var xo strings.Builder
	for name, n := range xobjects {
		fmt.Fprintf(&xo, "/%s %d 0 R ", name, n)
	}
	p := b.add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s /Contents %d 0 R /Resources << /Font << /F1 %d 0 R /F2 %d 0 R /F3 %d 0 R >> /XObject << %s>> >> >>",
		extra, c, b.helv, b.cid, b.bare, xo.String()))
	b.pages = append(b.pages, p)
}

// jpeg adds a DCTDecode image.
func (b *builder) jpeg(data []byte, w, h int) int {
	return b.add(stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", w, h), string(data)))
}

func (b *builder) bytes() []byte {
	kids := make([]string, len(b.pages))
	for i, p := range b.pages {
		kids[i] = fmt.Sprintf("%d 0 R", p)
	}
	b.objs[0] = "<< /Type /Catalog /Pages 2 0 R >>"
	b.objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(b.pages))
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(b.objs))
	for i, body := range b.objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(b.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n%d\n%%%%EOF\n", len(b.objs)+1, xref)
	return out.Bytes()
}

// text returns content drawing s in Helvetica at (x, y) in size pt.
func text(x, y, size float64, s string) string {
	s = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
	return fmt.Sprintf("BT /F1 %g Tf 1 0 0 1 %g %g Tm (%s) Tj ET\n", size, x, y, s)
}

// grid returns content stroking a table's ruling lines: columns at xs, rows
// at ys (top to bottom, in PDF's upward y).
func grid(xs, ys []float64) string {
	var b strings.Builder
	b.WriteString("0.5 w 0 G\n")
	for _, y := range ys {
		fmt.Fprintf(&b, "%g %g m %g %g l S\n", xs[0], y, xs[len(xs)-1], y)
	}
	for _, x := range xs {
		fmt.Fprintf(&b, "%g %g m %g %g l S\n", x, ys[0], x, ys[len(ys)-1])
	}
	return b.String()
}
