// Command genscans makes the OCR test set in testdata/scans from the corpus
// PDFs: each chosen report rendered at 300 or 200 dpi, degraded (tilt,
// noise, blur, specks, JPEG loss, a page turned sideways) and written as an
// image-only PDF, a multi-page TIFF, or single JPEG and PNG pages, with a
// manifest saying which report and damage each file holds.
//
//	go run ./converters/ocr/scans/genscans -in testdata/corpus -out testdata/scans
//
// -conditions makes instead one report per condition archives hold scans
// in (faxes in CCITT G3 and G4 at fax resolutions, gray TIFFs in JPEG, LZW
// and Deflate, 150 dpi pages, colour scans with red seals over the title
// and tables, phone photos, PDFs whose text can be seen but not read), for
// measuring:
//
//	go run ./converters/ocr/scans/genscans -conditions -out /tmp/conditions
//
// The output is deterministic for the same inputs and seed.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/converters/ocr/scans"
)

// Entry is one file of the set, as the manifest lists it.
type Entry struct {
	File      string         `json:"file"`
	Condition string         `json:"condition,omitempty"` // a -conditions file's condition
	Report    string         `json:"report"`              // the corpus report, e.g. "003"
	DPI       int            `json:"dpi"`
	Pages     []int          `json:"pages,omitempty"` // pages of the report held, 1-based; all when empty
	Damage    []scans.Damage `json:"damage"`
}

// plan is one file to make.
type plan struct {
	report, format string
	dpi            int
	pages          []int // 1-based; nil for all
	turnEvery      int
}

// committed is the set kept in testdata/scans: whole reports at both
// resolutions as image-only PDFs and fax-like TIFFs, and two single pages
// (a JPEG turned sideways, a black and white PNG). Simplified and
// traditional script, both templates.
var committed = []plan{
	{report: "002", format: "pdf", dpi: 300, turnEvery: 4},
	{report: "005", format: "tiff", dpi: 300, turnEvery: 5},
	{report: "003", format: "pdf", dpi: 200, turnEvery: 4},
	{report: "001", format: "tiff", dpi: 200, turnEvery: 5},
	{report: "006", format: "pdf", dpi: 200},
	{report: "013", format: "jpeg", dpi: 300, pages: []int{3}, turnEvery: 1},
	{report: "014", format: "png", dpi: 200, pages: []int{3}},
}

// fullReports are the reports -full adds, each at 300 and at 200 dpi.
const fullFirst, fullLast = 10, 27

func main() {
	in := flag.String("in", "testdata/corpus", "directory of the corpus PDFs (NNN.pdf)")
	out := flag.String("out", "testdata/scans", "output directory")
	seed := flag.Uint64("seed", 20241122, "random seed")
	conds := flag.Bool("conditions", false, "make one report per archive condition instead (faxes, compressed TIFFs, 150 dpi, seals, unreadable text layers; tiffcp and gs needed)")
	only := flag.String("only", "", "with -conditions, the conditions to make, comma-separated (default all)")
	full := flag.Bool("full", false, "also reports 010-027 at 300 and 200 dpi, as image-only PDFs and TIFFs (about 40 MB: for measuring, not for committing)")
	flag.Parse()
	plans := committed
	if *full {
		for i := fullFirst; i <= fullLast; i++ {
			format := "pdf"
			if i%3 == 0 {
				format = "tiff"
			}
			for _, dpi := range []int{300, 200} {
				plans = append(plans, plan{report: fmt.Sprintf("%03d", i), format: format, dpi: dpi, turnEvery: 6})
			}
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	r := rand.New(rand.NewPCG(*seed, 1))
	var manifest []Entry
	if *conds {
		plans = nil
		for _, c := range conditions {
			if *only != "" && !slices.Contains(strings.Split(*only, ","), c.name) {
				continue
			}
			e, err := c.make(*in, *out, r)
			if err != nil {
				log.Fatalf("%s: %v", c.name, err)
			}
			manifest = append(manifest, e)
			fmt.Println(e.File)
		}
	}
	for _, p := range plans {
		e, err := make1(*in, *out, p, r)
		if err != nil {
			log.Fatal(err)
		}
		manifest = append(manifest, e)
		fmt.Println(e.File)
	}
	data, _ := json.MarshalIndent(manifest, "", "  ")
	if err := os.WriteFile(filepath.Join(*out, "manifest.json"), append(data, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func make1(in, out string, p plan, r *rand.Rand) (Entry, error) {
	pages, err := scans.Render(filepath.Join(in, p.report+".pdf"), p.dpi)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Report: p.report, DPI: p.dpi, Pages: p.pages}
	if p.pages != nil {
		var sel []*image.Gray
		for _, n := range p.pages {
			sel = append(sel, pages[n-1])
		}
		pages = sel
	}
	var damaged []*image.Gray
	for _, g := range pages {
		d := scans.RandomDamage(r, p.turnEvery)
		switch p.format {
		case "tiff":
			d = d.Fax()
		case "png":
			d.Quality = 0
		}
		dg, err := d.Apply(g, r)
		if err != nil {
			return e, err
		}
		e.Damage = append(e.Damage, d)
		damaged = append(damaged, dg)
	}
	var data []byte
	name := fmt.Sprintf("%s-%d", p.report, p.dpi)
	if p.pages != nil {
		name += fmt.Sprintf("-p%d", p.pages[0])
	}
	switch p.format {
	case "pdf":
		data, err = scans.PDF(damaged, 50, p.dpi)
		name += ".pdf"
	case "tiff":
		data, err = scans.TIFF(damaged, p.dpi)
		name += ".tif"
	case "jpeg":
		data, err = scans.JPEG(damaged[0], 50)
		name += ".jpg"
	case "png":
		// Black and white, as most scanned PNGs are, so it stays small.
		var buf bytes.Buffer
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, bilevel(damaged[0]))
		data = buf.Bytes()
		name += ".png"
	}
	if err != nil {
		return e, err
	}
	e.File = name
	return e, os.WriteFile(filepath.Join(out, name), data, 0o644)
}

// bilevel thresholds a page into a two-colour image.
func bilevel(g *image.Gray) *image.Paletted {
	p := image.NewPaletted(g.Rect, color.Palette{color.Gray{0}, color.Gray{255}})
	for i, v := range g.Pix {
		if v >= 150 {
			p.Pix[i] = 1
		}
	}
	return p
}

// condition is one way archives hold scans, made from one report.
type condition struct {
	name, report string
	dpi          int
	make1        func(pdf string, r *rand.Rand) (data []byte, ext string, err error)
}

// conditions are the -conditions set: both templates and scripts.
var conditions = []condition{
	{"fax-g3-fine", "010", 204, tiffScan(204, 196, true, "-c", "g3:2d")},
	{"fax-g3-normal", "011", 204, tiffScan(204, 98, true, "-c", "g3:1d")},
	{"fax-g4", "012", 300, tiffScan(300, 300, true, "-c", "g4")},
	{"tiff-jpeg", "013", 200, tiffScan(200, 200, false, "-c", "jpeg:60")},
	{"tiff-lzw", "014", 300, tiffScan(300, 300, false, "-c", "lzw")},
	{"tiff-deflate", "015", 200, tiffScan(200, 200, false, "-c", "zip")},
	{"150dpi", "016", 150, grayPDF(150)},
	{"150dpi-b", "017", 150, grayPDF(150)},
	{"seal", "018", 300, sealed(300)},
	{"seal-200", "019", 200, sealed(200)},
	{"photo", "022", 250, photos(250)},
	{"photo-b", "023", 250, photos(250)},
	{"nomap", "020", 300, noUnicode},
	{"outlines", "021", 300, outlines},
}

func (c condition) make(in, out string, r *rand.Rand) (Entry, error) {
	data, ext, err := c.make1(filepath.Join(in, c.report+".pdf"), r)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{File: c.report + "-" + c.name + ext, Condition: c.name, Report: c.report, DPI: c.dpi}
	return e, os.WriteFile(filepath.Join(out, e.File), data, 0o644)
}

// damaged renders the report at xdpi by ydpi and damages each page.
func damaged(pdf string, xdpi, ydpi int, r *rand.Rand, fax bool) ([]*image.Gray, error) {
	pages, err := scans.RenderXY(pdf, xdpi, ydpi)
	if err != nil {
		return nil, err
	}
	for i, g := range pages {
		d := scans.RandomDamage(r, 5)
		if fax {
			d = d.Fax()
		}
		// The paper's tilt, seen on pixels taller than wide, leans less.
		d.Tilt = math.Atan(math.Tan(d.Tilt*math.Pi/180)*float64(ydpi)/float64(xdpi)) * 180 / math.Pi
		if pages[i], err = d.Apply(g, r); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// tiffScan is a TIFF at xdpi by ydpi in tiffcp's compression: black and
// white when fax, else gray.
func tiffScan(xdpi, ydpi int, fax bool, compression ...string) func(string, *rand.Rand) ([]byte, string, error) {
	return func(pdf string, r *rand.Rand) ([]byte, string, error) {
		pages, err := damaged(pdf, xdpi, ydpi, r, fax)
		if err != nil {
			return nil, "", err
		}
		data, err := scans.Retiff(pages, xdpi, ydpi, fax, compression...)
		return data, ".tif", err
	}
}

// grayPDF is an image-only PDF of gray pages at dpi.
func grayPDF(dpi int) func(string, *rand.Rand) ([]byte, string, error) {
	return func(pdf string, r *rand.Rand) ([]byte, string, error) {
		pages, err := damaged(pdf, dpi, dpi, r, false)
		if err != nil {
			return nil, "", err
		}
		data, err := scans.PDF(pages, 50, dpi)
		return data, ".pdf", err
	}
}

// sealed is a colour scan with a red seal over the title on the first
// page, over the middle of every other page (where the tables are), as an
// image-only PDF of colour JPEGs.
func sealed(dpi int) func(string, *rand.Rand) ([]byte, string, error) {
	return func(pdf string, r *rand.Rand) ([]byte, string, error) {
		pages, err := damaged(pdf, dpi, dpi, r, false)
		if err != nil {
			return nil, "", err
		}
		colour := make([]*image.RGBA, len(pages))
		for i, g := range pages {
			w, h := g.Rect.Dx(), g.Rect.Dy()
			cx, cy := w/2+r.IntN(w/5)-w/10, h/2+r.IntN(h/5)-h/10
			if i == 0 {
				cx, cy = w/2+r.IntN(w/5)-w/10, h/8
			}
			colour[i] = scans.Seal(g, cx, cy, dpi*210/254, r) // 42 mm across
		}
		data, err := scans.ColourPDF(colour, 60, dpi)
		return data, ".pdf", err
	}
}

// photos is a phone app's PDF of photos of the pages, taken at about dpi.
func photos(dpi int) func(string, *rand.Rand) ([]byte, string, error) {
	return func(pdf string, r *rand.Rand) ([]byte, string, error) {
		pages, err := scans.Render(pdf, dpi)
		if err != nil {
			return nil, "", err
		}
		for i, g := range pages {
			pages[i] = scans.Photo(g, r)
		}
		data, err := scans.PDF(pages, 70, dpi)
		return data, ".pdf", err
	}
}

// noUnicode is the report's own PDF with its fonts' Unicode maps struck
// out: its text is seen but reads as nothing.
func noUnicode(pdf string, _ *rand.Rand) ([]byte, string, error) {
	data, err := os.ReadFile(pdf)
	// Same length, so the cross-reference offsets still hold.
	return bytes.ReplaceAll(data, []byte("/ToUnicode"), []byte("/ToUnicodX")), ".pdf", err
}

// outlines is the report's PDF with its text drawn as outlines by
// ghostscript.
func outlines(pdf string, _ *rand.Rand) ([]byte, string, error) {
	dir, err := os.MkdirTemp("", "genscans")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.pdf")
	if b, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dNoOutputFonts", "-sDEVICE=pdfwrite", "-o", out, pdf).CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("gs: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	return data, ".pdf", err
}
