package hostile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strings"
)

const wNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// docxZip packs parts (document.xml defaulting to a short paragraph) with
// the parts Word needs.
func docxZip(parts map[string][]byte) []byte {
	all := map[string][]byte{
		"[Content_Types].xml":          []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`),
		"_rels/.rels":                  []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`),
		"word/_rels/document.xml.rels": []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>`),
		"word/document.xml":            docBody(`<w:p><w:r><w:t>2023 annual report</w:t></w:r></w:p>`),
	}
	for k, v := range parts {
		all[k] = v
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml", "word/numbering.xml"} {
		if v, ok := all[name]; ok {
			w, _ := z.Create(name)
			w.Write(v)
			delete(all, name)
		}
	}
	for name, v := range all {
		w, _ := z.Create(name)
		w.Write(v)
	}
	z.Close()
	return b.Bytes()
}

func docBody(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wNS + `><w:body>` + body + `</w:body></w:document>`)
}

func docxGood() []byte { return docxZip(nil) }

func docxNumbering() []byte {
	num := `<?xml version="1.0"?><w:numbering ` + wNS + `><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="2000000000"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="` +
		strings.Repeat("%1", 5000) + `"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`
	p := `<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>`
	return docxZip(map[string][]byte{"word/numbering.xml": []byte(num), "word/document.xml": docBody(strings.Repeat(p, 20000))})
}

func docxLaughs() []byte {
	var dtd strings.Builder
	dtd.WriteString(`<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&dtd, `<!ENTITY l%d "%s">`, i, strings.Repeat(fmt.Sprintf("&l%d;", i-1), 10))
	}
	dtd.WriteString(`]><w:document ` + wNS + `><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>`)
	return docxZip(map[string][]byte{"word/document.xml": []byte(dtd.String())})
}

func docxSlip() []byte {
	return docxZip(map[string][]byte{"../../../../tmp/nianbao-zip-slip": []byte("escaped"), "/etc/nianbao-zip-slip": []byte("escaped")})
}

func docxDeep() []byte {
	const n = 100000
	open := `<w:tbl><w:tr><w:tc>`
	return docxZip(map[string][]byte{"word/document.xml": docBody(strings.Repeat(open, n) + `<w:p/>` + strings.Repeat(`</w:tc></w:tr></w:tbl>`, n))})
}

// docxEncrypted is the start of an OLE compound file, the container of an
// encrypted DOCX (and of .doc), with nothing readable after it.
func docxEncrypted() []byte {
	b := append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 504)...)
	return append(b, noise(4096)...)
}

func htmlSpans() []byte {
	var b strings.Builder
	b.WriteString(`<html><body><table><tr><td>label</td><td rowspan="65535" colspan="1000">x</td>` + strings.Repeat("<td>1</td>", 1000) + `</tr>`)
	b.WriteString(strings.Repeat("<tr><td>1</td></tr>", 70000))
	b.WriteString(`</table></body></html>`)
	return []byte(b.String())
}

func htmlDeep() []byte {
	return []byte("<html><body>" + strings.Repeat("<div>", 200000) + "x" + strings.Repeat("</div>", 200000) + "</body></html>")
}

// pngPixelBomb is a PNG header of 100000 x 100000 RGBA pixels with a tiny,
// broken image stream: a decoder that trusts the header allocates 40 GB.
func pngPixelBomb() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6
	chunk("IHDR", ihdr)
	chunk("IDAT", deflate("\x00", 1<<20))
	chunk("IEND", nil)
	return b.Bytes()
}

// tiffPages is an uncompressed bilevel TIFF of n pages of w x h pixels with
// black bars, as a fax of text would be.
func tiffPages(n, w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("II*\x00")
	binary.Write(&b, binary.LittleEndian, uint32(8))
	row := (w + 7) / 8
	img := make([]byte, row*h)
	for y := 200; y < h-200; y += 60 {
		for yy := y; yy < y+20; yy++ {
			for x := 25; x < row-25; x++ {
				img[yy*row+x] = 0xFF
			}
		}
	}
	for p := range n {
		ifd := b.Len()
		const entries = 8
		dataAt := ifd + 2 + entries*12 + 4
		tag := func(t, typ uint16, v uint32) {
			binary.Write(&b, binary.LittleEndian, t)
			binary.Write(&b, binary.LittleEndian, typ)
			binary.Write(&b, binary.LittleEndian, uint32(1))
			binary.Write(&b, binary.LittleEndian, v)
		}
		binary.Write(&b, binary.LittleEndian, uint16(entries))
		tag(256, 4, uint32(w))
		tag(257, 4, uint32(h))
		tag(258, 3, 1)
		tag(259, 3, 1)
		tag(262, 3, 0)
		tag(273, 4, uint32(dataAt))
		tag(278, 4, uint32(h))
		tag(279, 4, uint32(len(img)))
		next := uint32(0)
		if p < n-1 {
			next = uint32(dataAt + len(img))
		}
		binary.Write(&b, binary.LittleEndian, next)
		b.Write(img)
	}
	return b.Bytes()
}
