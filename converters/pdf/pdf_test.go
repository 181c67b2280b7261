package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/converters/pdf"
	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
)

// realDir holds published reports, read but never copied (see the README
// there); it is a sibling of the repository.
var realDir = filepath.Join("..", "..", "..", "shared", "real")

func convert(t testing.TB, data []byte) *layout.Document {
	t.Helper()
	doc, err := pdf.Converter{}.Convert(context.Background(), "test.pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// tables returns the document's tables as rows of cell texts, spans noted
// as "text/rows×cols" where a cell is merged.
func tables(doc *layout.Document) [][][]string {
	var out [][][]string
	for _, b := range doc.Blocks {
		if b.Kind != layout.Table {
			continue
		}
		var rows [][]string
		for _, row := range b.Table.Rows {
			var cells []string
			for _, c := range row {
				s := c.Text
				if r, k := c.Spans(); r > 1 || k > 1 {
					s += fmt.Sprintf("/%d×%d", r, k)
				}
				cells = append(cells, s)
			}
			rows = append(rows, cells)
		}
		out = append(out, rows)
	}
	return out
}

func paragraphs(doc *layout.Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		if b.Kind == layout.Paragraph {
			out = append(out, strings.Split(b.Text, "\n")...)
		}
	}
	return out
}

// TestRealReport reads a report printed to PDF by WPS: its applications
// table runs over a page break, with the label 三、本年度办理结果 set one
// character a line in a tall merged cell. Every value was read by eye from
// the page into testdata/real/hzq2024.json.
func TestRealReport(t *testing.T) {
	path := filepath.Join(realDir, "hzq2024.pdf")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent, so the real report is not checked", path)
	}
	rec := checkRecord(t, path, "../../testdata/real/hzq2024.json")
	if rec.Source.Format != "pdf" || rec.Source.Method != "pdf-text" || rec.Source.Pages != 5 {
		t.Errorf("source = %+v, want format pdf, method pdf-text, 5 pages", rec.Source)
	}

	// The layout itself: one applications table over the page break, its
	// tall label whole, and no page numbers in the text.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := convert(t, data)
	var apps2 *layout.TableGrid
	for _, b := range doc.Blocks {
		if b.Kind == layout.Table && strings.Contains(b.Table.Rows[0][0].Text, "勾稽关系") {
			if apps2 != nil {
				t.Error("the applications table comes in two parts")
			}
			apps2 = b.Table
		}
	}
	if apps2 == nil {
		t.Fatal("no applications table")
	}
	var label, last string
	for _, row := range apps2.Rows {
		for _, c := range row {
			if strings.HasPrefix(c.Text, "三\n、\n本") {
				label = c.Text
			}
		}
		last = row[0].Text
	}
	if want := "三\n、\n本\n年\n度\n办\n理\n结\n果"; label != want {
		t.Errorf("tall label = %q, want %q", label, want)
	}
	if last != "四、结转下年度继续办理" {
		t.Errorf("last row starts %q, want 四、结转下年度继续办理", last)
	}
	for _, p := range paragraphs(doc) {
		if strings.Contains(p, "-3-") || strings.Contains(p, "-1-") {
			t.Errorf("page number left in the text: %q", p)
		}
	}
}

// A ruled table with a merged header cell (no inner line under its span)
// and a label over two rows, continued on the next page under a repeated
// header, with page numbers at the foot of each page and a running header.
func TestTablesOverPages(t *testing.T) {
	b := newBuilder()
	xs := []float64{50, 200, 300, 400}
	page1 := grid(xs, []float64{700, 680, 660, 640, 620}) +
		text(55, 685, 10, "Item") + text(205, 685, 10, "Counts") +
		text(55, 665, 10, "Group A") + text(205, 665, 10, "1") + text(305, 665, 10, "2") +
		text(205, 645, 10, "3") + text(305, 645, 10, "4") +
		text(55, 625, 10, "Other") + text(205, 625, 10, "5") + text(305, 625, 10, "6") +
		text(290, 40, 10, "- 1 -") + text(50, 810, 9, "Running header, page 1")
	// Draw the header row without the vertical at x=300, and the label
	// "Group A" over two rows without the line between them in column 0.
	page1 = replaceOnce(t, page1, "300 700 m 300 620 l S\n", "300 680 m 300 620 l S\n")
	page1 = replaceOnce(t, page1, "50 660 m 400 660 l S\n", "200 660 m 400 660 l S\n")
	b.page(page1, "", nil)
	page2 := grid(xs, []float64{800, 780, 760}) +
		text(55, 785, 10, "Item") + text(205, 785, 10, "Counts") +
		text(55, 765, 10, "Total") + text(205, 765, 10, "15") + text(305, 765, 10, "12") +
		text(290, 40, 10, "- 2 -") + text(50, 810, 9, "Running header, page 2")
	page2 = replaceOnce(t, page2, "300 800 m 300 760 l S\n", "300 780 m 300 760 l S\n")
	b.page(page2, "", nil)
	doc := convert(t, b.bytes())
	want := [][][]string{{
		{"Item", "Counts/1×2"},
		{"Group A/2×1", "1", "2"},
		{"3", "4"},
		{"Other", "5", "6"},
		{"Total", "15", "12"},
	}}
	if got := tables(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("tables:\n got %q\nwant %q", got, want)
	}
	if p := paragraphs(doc); len(p) != 0 {
		t.Errorf("page numbers or running headers kept as text: %q", p)
	}
	if doc.Pages != 2 || doc.Method != "pdf-text" {
		t.Errorf("pages %d, method %q", doc.Pages, doc.Method)
	}
	breaks := 0
	for _, b := range doc.Blocks {
		if b.Kind == layout.PageBreak {
			breaks++
		}
	}
	if breaks != 1 {
		t.Errorf("%d page breaks, want 1", breaks)
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("no %q in the content", old)
	}
	return strings.Replace(s, old, new, 1)
}

// Columns without ruling lines are read from where the text lines up.
func TestAlignedColumns(t *testing.T) {
	b := newBuilder()
	b.page(text(50, 750, 10, "Heading of the report")+
		text(50, 700, 10, "Row one")+text(250, 700, 10, "10")+text(350, 700, 10, "20")+
		text(50, 685, 10, "Row two")+text(250, 685, 10, "30")+text(350, 685, 10, "40"), "", nil)
	doc := convert(t, b.bytes())
	want := [][][]string{{{"Row one", "10", "20"}, {"Row two", "30", "40"}}}
	if got := tables(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("tables = %q, want %q", got, want)
	}
	if p := paragraphs(doc); !reflect.DeepEqual(p, []string{"Heading of the report"}) {
		t.Errorf("paragraphs = %q", p)
	}
}

// A page turned by /Rotate reads as displayed, and a crop box hides what
// lies outside it.
func TestRotateAndCrop(t *testing.T) {
	b := newBuilder()
	// Text drawn running up the page reads left to right once the page is
	// turned a quarter clockwise; the line at the smaller x is on top.
	b.page("BT /F1 12 Tf 0 1 -1 0 100 100 Tm (First line) Tj ET\n"+
		"BT /F1 12 Tf 0 1 -1 0 120 100 Tm (Second line) Tj ET\n", "/Rotate 90", nil)
	b.page(text(50, 700, 12, "Inside")+text(50, 100, 12, "Outside"), "/CropBox [0 400 595 842]", nil)
	// Text turned to read upwards on an upright page: one character a line,
	// in reading order.
	b.page("BT /F1 12 Tf 0 1 -1 0 300 400 Tm (Up) Tj ET\n", "", nil)
	doc := convert(t, b.bytes())
	want := []string{"First line", "Second line", "Inside", "U", "p"}
	if got := paragraphs(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("paragraphs = %q, want %q", got, want)
	}
}

// Lines that wrap at the right margin are one line again; an indented line
// starts a new one.
func TestReflow(t *testing.T) {
	b := newBuilder()
	line := strings.Repeat("x", 80) // 80 glyphs of 5 pt: 50 to 450
	b.page(text(50, 700, 10, line)+text(50, 688, 10, "tail")+
		text(70, 676, 10, "New paragraph")+text(50, 600, 10, "Far below")+
		"BT /F3 10 Tf 50 500 Td (1001 in a font without widths) Tj ET\n", "", nil)
	doc := convert(t, b.bytes())
	want := []string{line + " tail", "New paragraph", "Far below", "1001 in a font without widths"}
	if got := paragraphs(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("paragraphs = %q, want %q", got, want)
	}
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A page that is only an image, and one whose font maps to no Unicode,
// go to Scans with the image as embedded.
func TestScans(t *testing.T) {
	jpg := jpegBytes(t)
	b := newBuilder()
	im := b.jpeg(jpg, 16, 16)
	b.page(text(50, 750, 12, "A page with text"), "", nil)
	b.page("q 595 0 0 842 0 0 cm /Im1 Do Q\n", "", map[string]int{"Im1": im})
	b.page("q 595 0 0 842 0 0 cm /Im1 Do Q\nBT /F2 12 Tf 50 700 Td <0001000200030004000500060007000800090010001100120013001400150016001700180019002000210022> Tj ET\n", "", map[string]int{"Im1": im})
	doc := convert(t, b.bytes())
	if len(doc.Scans) != 2 {
		t.Fatalf("%d scans, want 2", len(doc.Scans))
	}
	for i, s := range doc.Scans {
		if s.Page != i+2 || !bytes.Equal(s.Image, jpg) || s.Reason == "" {
			t.Errorf("scan %d: page %d, %d bytes, reason %q; want page %d and the JPEG as embedded", i, s.Page, len(s.Image), s.Reason, i+2)
		}
	}
	if got := paragraphs(doc); !reflect.DeepEqual(got, []string{"A page with text"}) {
		t.Errorf("paragraphs = %q", got)
	}
}

// Pages whose text can be seen but not read, with no image to read it
// from, go to Scans rendered: fonts stripped of their Unicode maps, and
// text drawn as outlines by ghostscript.
func TestUnreadableTextRendered(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed")
	}
	orig, err := os.ReadFile("../../testdata/corpus/002.pdf")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"fonts without Unicode maps", func(t *testing.T) []byte {
			// Same length, so the cross-reference offsets still hold.
			return bytes.ReplaceAll(orig, []byte("/ToUnicode"), []byte("/ToUnicodX"))
		}},
		{"text as outlines", func(t *testing.T) []byte {
			if _, err := exec.LookPath("gs"); err != nil {
				t.Skip("ghostscript is not installed")
			}
			out := filepath.Join(t.TempDir(), "paths.pdf")
			if b, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNoOutputFonts", "-sDEVICE=pdfwrite", "-o", out, "../../testdata/corpus/002.pdf").CombinedOutput(); err != nil {
				t.Fatalf("gs: %v: %s", err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			return data
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A low resolution: what is checked is that every page is rendered.
			doc, err := pdf.New(pdf.Config{RenderDPI: 72}).Convert(context.Background(), "x.pdf", tt.data(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Scans) != doc.Pages || doc.Pages == 0 {
				t.Fatalf("%d scans of %d pages, want every page", len(doc.Scans), doc.Pages)
			}
			for _, s := range doc.Scans {
				if !bytes.HasPrefix(s.Image, []byte("II*\x00")) || s.Reason != "text layer unreadable" {
					t.Errorf("page %d: %d bytes, reason %q; want a TIFF rendering", s.Page, len(s.Image), s.Reason)
				}
			}
		})
	}
	// Without the renderer, a clear error.
	c := pdf.New(pdf.Config{Renderer: "no-such-pdftoppm"})
	_, err = c.Convert(context.Background(), "x.pdf", bytes.ReplaceAll(orig, []byte("/ToUnicode"), []byte("/ToUnicodX")))
	if !errors.Is(err, converters.ErrUnsupported) {
		t.Fatalf("without pdftoppm: %v, want ErrUnsupported", err)
	}
	t.Log(err)
}

// encrypt encrypts data with AES-256 (read through pdfcpu) or RC4-128 (read
// by the PDF library itself).
func encrypt(t testing.TB, data []byte, user string, aes bool) []byte {
	t.Helper()
	api.DisableConfigDir()
	conf := model.NewAESConfiguration(user, "owner-secret", 256)
	if !aes {
		conf = model.NewRC4Configuration(user, "owner-secret", 128)
	}
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(data), &out, conf); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestEncrypted(t *testing.T) {
	b := newBuilder()
	b.page(text(50, 750, 12, "Copying forbidden"), "", nil)
	plain := b.bytes()
	for _, aes := range []bool{true, false} {
		doc := convert(t, encrypt(t, plain, "", aes))
		if got := paragraphs(doc); !reflect.DeepEqual(got, []string{"Copying forbidden"}) {
			t.Errorf("AES %v: paragraphs = %q", aes, got)
		}
		_, err := pdf.Converter{}.Convert(context.Background(), "x.pdf", encrypt(t, plain, "user-secret", aes))
		if !errors.Is(err, converters.ErrEncrypted) || !strings.Contains(err.Error(), "password") {
			t.Errorf("AES %v: err = %v, want ErrEncrypted naming the password", aes, err)
		}
	}
}

func TestBadInput(t *testing.T) {
	b := newBuilder()
	b.page(text(50, 750, 12, "Some text"), "", nil)
	good := b.bytes()
	xref := bytes.LastIndex(good, []byte("xref\n"))
	badXref := bytes.Clone(good)
	copy(badXref[xref:], "xrex\n")
	loop := bytes.Replace(bytes.Clone(good), []byte("/Kids ["), []byte("/Kids [2 0 R 2 0 R "), 1)
	wrongOffsets := bytes.ReplaceAll(bytes.Clone(good), []byte(" 00000 n "), []byte(" 00000 f "))

	many := newBuilder()
	for i := range 2000 {
		many.page(text(50, 400, 12, fmt.Sprintf("Page %d of the text", i+1)), "", nil)
	}
	blank := newBuilder()
	blank.page("", "", nil)

	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, converters.ErrEmpty},
		{"not a PDF", []byte("hello, world"), converters.ErrCorrupt},
		{"header only", []byte("%PDF-1.7\n"), converters.ErrCorrupt},
		{"truncated", good[:len(good)/2], converters.ErrCorrupt},
		{"truncated before EOF", good[:len(good)-8], converters.ErrCorrupt},
		{"corrupt xref", badXref, converters.ErrCorrupt},
		{"xref entries free", wrongOffsets, converters.ErrCorrupt},
		{"page tree loops", loop, converters.ErrCorrupt},
		{"2,000 pages", many.bytes(), converters.ErrTooLarge},
		{"blank page", blank.bytes(), converters.ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pdf.Converter{}.Convert(context.Background(), "bad.pdf", tc.data)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}

	// Below the cap, many pages are read; MaxPages sets it.
	// Bytes after %%EOF and a PDF 2.0 header are read.
	for name, data := range map[string][]byte{
		"trailing bytes": append(bytes.Clone(good), bytes.Repeat([]byte("junk "), 100)...),
		"PDF 2.0":        append([]byte("%PDF-2.0"), good[8:]...),
	} {
		if _, err := (pdf.Converter{}).Convert(context.Background(), name, data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	doc, err := pdf.New(pdf.Config{MaxPages: 3000}).Convert(context.Background(), "many.pdf", many.bytes())
	if err != nil || doc.Pages != 2000 {
		t.Errorf("2,000 pages under a cap of 3,000: %v", err)
	}
}

func TestContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := newBuilder()
	b.page(text(50, 750, 12, "x"), "", nil)
	if _, err := (pdf.Converter{}).Convert(ctx, "x.pdf", b.bytes()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// A corpus report printed by LibreOffice with rows kept whole and page
// numbers at the foot (scripts/pagebreak-pdf.sh): its applications table
// breaks after 2.没有现成信息需要另行制作, the last row on page 3, while the
// merged group （四）无法提供 runs on to page 4, a page number between. The
// row is kept, and every value is right.
func TestPageBreakInGroup(t *testing.T) {
	rec := checkRecord(t, "../../testdata/pagebreak/006.pdf", "../../testdata/corpus/expected/006.json")
	_, values := rec.Flat()
	if v := values["applications.unavailable_to_create.total"]; !v.Valid || v.Num != 73 {
		t.Errorf("没有现成信息需要另行制作 total = %+v, want 73", v)
	}
}

// checkRecord parses the PDF at path into a record and reports every
// difference from the expected record in the file expected.
func checkRecord(t *testing.T, path, expected string) *record.Record {
	t.Helper()
	want, err := expect.Load(expected)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := pipeline.New(pipeline.Config{}).File(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range want.Diff(rec) {
		t.Error(d)
	}
	return rec
}

// A row at the top of a page whose value cells are printed blank (zeros
// left empty) is a row of its own, not the rest of the row above broken by
// the page: that row's label ended its line short of the cell's side. A row
// whose label runs to the cell's side and goes on atop the next page, its
// values all above the break, is one row.
func TestBlankRowAfterPageBreak(t *testing.T) {
	xs := []float64{50, 200, 300, 400}
	// Helvetica glyphs here are 5 pt wide at 10 pt: the broken label's 25
	// glyphs run from 55 to 180 in the label cell, 50 to 200, as a line
	// wrapped in a padded cell does; "Row A" stops at 80.
	const broken = "Row A continues on and on"
	for _, tc := range []struct {
		name        string
		last, first string // page 1's last label; the label atop page 2, its values blank
		want        [][]string
	}{
		{"blank row", "Row A", "Row B", [][]string{
			{"Item", "One", "Two"}, {"Row A", "1", "2"}, {"Row B", "", ""}, {"Total", "1", "2"},
		}},
		{"broken label", broken, "to the next page", [][]string{
			{"Item", "One", "Two"}, {broken + "\nto the next page", "1", "2"}, {"Total", "1", "2"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBuilder()
			b.page(grid(xs, []float64{700, 680, 660})+
				text(55, 685, 10, "Item")+text(205, 685, 10, "One")+text(305, 685, 10, "Two")+
				text(55, 665, 10, tc.last)+text(205, 665, 10, "1")+text(305, 665, 10, "2")+
				text(290, 40, 10, "- 1 -"), "", nil)
			b.page(grid(xs, []float64{800, 780, 760})+
				text(55, 785, 10, tc.first)+
				text(55, 765, 10, "Total")+text(205, 765, 10, "1")+text(305, 765, 10, "2")+
				text(290, 40, 10, "- 2 -"), "", nil)
			want := [][][]string{tc.want}
			if got := tables(convert(t, b.bytes())); !reflect.DeepEqual(got, want) {
				t.Errorf("tables:\n got %q\nwant %q", got, want)
			}
		})
	}
}
