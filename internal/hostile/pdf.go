package hostile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// pdf builds a file of numbered objects (objs[i] is object i+1) with a
// classic cross-reference table and trailer extra (besides /Size, /Root 1).
// xrefAt, when set, rewrites the xref section from its own offset.
type pdf struct {
	objs  []string
	extra string
	// xref, when set, writes the cross-reference section itself, given the
	// objects' offsets and its own offset.
	xref func(b *bytes.Buffer, offs []int, at int)
}

func (p pdf) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(p.objs))
	for i, o := range p.objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	at := b.Len()
	if p.xref != nil {
		p.xref(&b, offs, at)
	} else {
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(p.objs)+1)
		for _, o := range offs {
			fmt.Fprintf(&b, "%010d 00000 n \n", o)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\n", len(p.objs)+1, strings.ReplaceAll(p.extra, "SELF", fmt.Sprint(at)))
	}
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", at)
	return b.Bytes()
}

func stream(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// goodObjs is a one-page document saying a few words.
func goodObjs() []string {
	return []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		stream("", []byte("BT /F1 12 Tf 72 720 Td (2023 annual report) Tj ET")),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
}

func pdfGood() []byte { return pdf{objs: goodObjs()}.bytes() }

func pdfPrevLoop() []byte { return pdf{objs: goodObjs(), extra: "/Prev SELF"}.bytes() }

func pdfSubsectionHuge() []byte {
	return pdf{objs: goodObjs(), xref: func(b *bytes.Buffer, offs []int, _ int) {
		fmt.Fprintf(b, "xref\n0 4000000000\n0000000000 65535 f \n")
		for _, o := range offs {
			fmt.Fprintf(b, "%010d 00000 n \n", o)
		}
		fmt.Fprintf(b, "trailer\n<< /Size 6 /Root 1 0 R >>\n")
	}}.bytes()
}

// xrefStream writes a cross-reference stream as object n: entries[i] is
// object i's (type, field 2, field 3); dict adds to its dictionary.
func xrefStream(b *bytes.Buffer, n int, entries [][3]int, dict string) {
	var data bytes.Buffer
	for _, e := range entries {
		data.WriteByte(byte(e[0]))
		binary.Write(&data, binary.BigEndian, uint32(e[1]))
		binary.Write(&data, binary.BigEndian, uint16(e[2]))
	}
	fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", n, stream(fmt.Sprintf("/Type /XRef /W [1 4 2] /Root 1 0 R %s", dict), data.Bytes()))
}

func pdfXrefSizeHuge() []byte {
	return pdf{objs: goodObjs(), xref: func(b *bytes.Buffer, offs []int, at int) {
		e := [][3]int{{0, 0, 65535}}
		for _, o := range offs {
			e = append(e, [3]int{1, o, 0})
		}
		e = append(e, [3]int{1, at, 0})
		xrefStream(b, len(offs)+1, e, "/Size 10000000000 /Index [0 7]")
	}}.bytes()
}

// objStmPDF is the good document with its catalog (object 1) listed as
// object 0 of object stream 6, which dict6 describes holding body6, and
// object stream 7 when dict7 is set; entry6 is object 6's xref entry.
func objStmPDF(dict6, body6, dict7 string, entry6 [3]int) []byte {
	objs := goodObjs()
	objs = append(objs, stream("/Type /ObjStm "+dict6, []byte(body6)))
	if dict7 != "" {
		objs = append(objs, stream("/Type /ObjStm "+dict7, []byte("9 0 ")))
	}
	return pdf{objs: objs, xref: func(b *bytes.Buffer, offs []int, at int) {
		e := [][3]int{{0, 0, 65535}, {2, 6, 0}}
		for i, o := range offs[1:] {
			if i+2 == 6 {
				if entry6 != [3]int{} {
					e = append(e, entry6)
					continue
				}
			}
			e = append(e, [3]int{1, o, 0})
		}
		e = append(e, [3]int{1, at, 0})
		xrefStream(b, len(offs)+1, e, fmt.Sprintf("/Size %d", len(e)))
	}}.bytes()
}

func pdfObjStmSelf() []byte {
	return objStmPDF("/N 1 /First 4", "1 0 << /Type /Catalog /Pages 2 0 R >>", "", [3]int{2, 6, 1})
}

func pdfExtendsLoop() []byte {
	return objStmPDF("/N 1 /First 4 /Extends 7 0 R", "9 0 ", "/N 1 /First 4 /Extends 6 0 R", [3]int{})
}

func pdfHugeN() []byte {
	return objStmPDF("/N 1000000000000 /First 4", "9 0 ", "", [3]int{})
}

// pdfContentBomb is a page whose content stream inflates to n bytes of unit.
func pdfContentBomb(unit string, n int) []byte {
	objs := goodObjs()
	objs[3] = stream("/Filter /FlateDecode", deflate(unit, n))
	return pdf{objs: objs}.bytes()
}

// pdfToUnicode is a page in a Type0 font whose ToUnicode CMap has n
// bfranges of width+1 codes each, or of 4-byte codes spanning everything
// when width < 0.
func pdfToUnicode(n, width int) []byte {
	var cm strings.Builder
	cm.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	for i := range n {
		// Sections of 100, as the standard has them.
		if i%100 == 0 {
			if i > 0 {
				cm.WriteString("endbfrange\n")
			}
			fmt.Fprintf(&cm, "%d beginbfrange\n", min(100, n-i))
		}
		if width < 0 {
			cm.WriteString("<00000000> <FFFFFFFF> <0041>\n")
			continue
		}
		lo := (i * 256) & 0xFFFF
		fmt.Fprintf(&cm, "<%04X> <%04X> <4E00>\n", lo, lo+width)
	}
	cm.WriteString("endbfrange\nendcmap CMapName currentdict /CMap defineresource pop end end\n")
	objs := goodObjs()
	objs[3] = stream("", []byte("BT /F1 12 Tf 72 720 Td <0041> Tj ET"))
	objs[4] = "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 6 0 R /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>] >>"
	objs = append(objs, stream("/Filter /FlateDecode", deflate(cm.String(), len(cm.String()))))
	return pdf{objs: objs}.bytes()
}

// pdfImageBomb is a scanned page (no text, one image of side x side gray
// pixels, or as many as its bytes when side is 0) whose image inflates to n
// bytes: the image goes to OCR, taken out by pdfcpu.
func pdfImageBomb(n, side int) []byte {
	if side == 0 {
		for side*side < n {
			side++
		}
	}
	objs := goodObjs()
	objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>"
	objs[3] = stream("", []byte("q 595 0 0 842 0 0 cm /Im1 Do Q"))
	objs[4] = stream(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", side, side), deflate("\x00", n))
	return pdf{objs: objs}.bytes()
}

func pdfDeepNesting() []byte {
	objs := goodObjs()
	objs[2] = "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /X " + strings.Repeat("[", 1_000_000) + " >>"
	return pdf{objs: objs}.bytes()
}

func pdfPageTreeLoop() []byte {
	objs := goodObjs()
	objs[1] = "<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 1 >>"
	return pdf{objs: objs}.bytes()
}
