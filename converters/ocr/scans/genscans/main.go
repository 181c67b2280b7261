// Command genscans makes the OCR test set in testdata/scans from the corpus
// PDFs: each chosen report rendered at 300 or 200 dpi, degraded (tilt,
// noise, blur, specks, JPEG loss, a page turned sideways) and written as an
// image-only PDF, a multi-page TIFF, or single JPEG and PNG pages, with a
// manifest saying which report and damage each file holds.
//
//	go run ./converters/ocr/scans/genscans -in testdata/corpus -out testdata/scans
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
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/nianbao/nianbao/converters/ocr/scans"
)

// Entry is one file of the set, as the manifest lists it.
type Entry struct {
	File   string         `json:"file"`
	Report string         `json:"report"` // the corpus report, e.g. "003"
	DPI    int            `json:"dpi"`
	Pages  []int          `json:"pages,omitempty"` // pages of the report held, 1-based; all when empty
	Damage []scans.Damage `json:"damage"`
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
