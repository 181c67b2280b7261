package ocr

import (
	"context"
	"encoding/binary"
	"image"
	"slices"
	"sync"

	"github.com/otiai10/gosseract/v2"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/converters/ocr/table"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// Tesseract's models for the two scripts.
const (
	langSimplified  = "chi_sim"
	langTraditional = "chi_tra"
)

// docState is what the pages of one document share: its script, settled by
// the first page with text.
type docState struct {
	mu   sync.Mutex
	lang string
}

func (s *docState) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lang
}

func (s *docState) settle(lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lang == "" {
		s.lang = lang
	}
	return s.lang
}

// minWidth is the narrowest page read as it is: an A4 page scanned below
// about 200 dpi is upscaled, since Tesseract reads small glyphs poorly.
const minWidth = 2400

// page is one page being read: its upright gray image, binary image and
// the tables and ruling lines found on it.
type page struct {
	gray  *image.Gray
	bin   *imgproc.Bin
	found *table.Page
	unit  float64 // pixels per pixel of an A4 page at 300 dpi
	// soft is the page softened, for a black-and-white scan; else nil.
	soft *page
	// frame maps boxes on this page back to the image as given (source.go).
	frame frame
	// lone holds the page's lone glyphs read surely (shapes.go).
	lone *glyphMemo
}

// readPage reads one page image into blocks in reading order.
func (c *Converter) readPage(ctx context.Context, e *engine, g *image.Gray, num int, st *docState) ([]layout.Block, error) {
	// A phone photo: the page cut out of its surround, squared and lit evenly.
	g, _ = imgproc.Flatten(g)
	bilevel := imgproc.Bilevel(g)
	scale := 1.0
	if w := g.Rect.Dx(); w < minWidth && g.Rect.Dy() > w/2 {
		scale = min(3, float64(minWidth)/float64(w))
		g = imgproc.Scale(g, scale)
	}
	p, pr, err := orient(ctx, e, g)
	if err != nil {
		return nil, err
	}
	p.frame.scale, p.frame.w, p.frame.h = scale, g.Rect.Dx(), g.Rect.Dy()
	if bilevel {
		p.soft = p.softened()
	}
	lang := st.get()
	if lang == "" && pr.img != nil {
		l, err := tellScript(e, c.vocab.norm, p, pr)
		if err != nil {
			return nil, err
		}
		lang = st.settle(l)
	}
	if lang == "" {
		lang = langSimplified
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.blocks(ctx, e, p, num, lang)
}

// Orientation test: a page whose probe reads upright with this mean
// confidence is taken as upright; otherwise the four quarter turns are
// tried and the best read wins, upright given a small lead. Profiles of
// the ink cannot tell: a page of narrow table columns projects as sharply
// down as across. On the scan set and the real report, probes of turned
// pages read at 0.1-0.32 and those of upright pages at 0.5-0.87 (most
// tables at 0.58-0.8; probes of whole lines of prose at 0.83-0.95), so 0.5
// spares most upright pages three more tries.
const (
	uprightConf = 0.5
	uprightLead = 0.05
)

// sureUpright is the mean confidence at or above which one line of body
// text read as simplified script shows its page upright. On the scan sets
// (95 pages, every condition), such lines of upright pages read at
// 0.50-0.95, all but four at 0.65 or more, and of the same pages turned a
// quarter or half turn at 0.50 or less.
const sureUpright = 0.65

// probeRead is what a page was found upright by: one line of body text
// read surely (lines 1), or the probe of several (see probe), with the
// simplified model's mean confidence on it; img is nil on a page without
// text.
type probeRead struct {
	img   *image.Gray
	sim   float64
	lines int
}

// orient returns the page turned upright and deskewed, with what told it
// so. A page whose line with the most ink reads surely (sureUpright) is
// taken as upright without the four-line probe and its turns: most pages
// are, and their probe costs about a seventh of their reading. Other turns
// are tried on turned copies of the page as first straightened, its
// ruling lines with it; only the turn chosen has its tables found again.
func orient(ctx context.Context, e *engine, g *image.Gray) (*page, probeRead, error) {
	p := upright(g)
	if line := p.probe(1); line != nil {
		conf, err := meanConf(e, line, langSimplified)
		if err != nil || conf >= sureUpright {
			return p, probeRead{line, conf, 1}, err
		}
	}
	probe := p.probe(probeLines)
	if probe == nil {
		return p, probeRead{}, nil
	}
	raw, err := meanConf(e, probe, langSimplified)
	if err != nil || raw >= uprightConf {
		return p, probeRead{probe, raw, probeLines}, err
	}
	best, bestProbe, bestConf, bestRaw := 0, probe, raw+uprightLead, raw
	for _, q := range []int{2, 1, 3} {
		if err := ctx.Err(); err != nil {
			return nil, probeRead{}, err
		}
		probe := p.turned(q).probe(probeLines)
		if probe == nil {
			continue
		}
		conf, err := meanConf(e, probe, langSimplified)
		if err != nil {
			return nil, probeRead{}, err
		}
		if conf > bestConf {
			best, bestProbe, bestConf, bestRaw = q, probe, conf, conf
		}
	}
	if best != 0 {
		p = upright(imgproc.Turn(p.gray, best))
		p.frame.quarters = best
	}
	return p, probeRead{bestProbe, bestRaw, probeLines}, nil
}

// turned returns the page turned clockwise by quarter turns, with its
// ruling lines but no tables: enough for a probe.
func (p *page) turned(quarters int) *page {
	g := imgproc.Turn(p.gray, quarters)
	return &page{gray: g, bin: p.bin.Turn(quarters), found: &table.Page{Lines: p.found.Lines.Turn(quarters)},
		unit: float64(g.Rect.Dx()) / 2480}
}

// softened returns the page with its edges softened, for reading again
// the cells of a black-and-white scan: a thin stroke of one breaks into
// dashes, a digit's pieces then no longer join, and Tesseract misreads
// them. A 3-pixel average joins pieces a pixel or two apart; wider, it runs
// the strokes of small characters together. Only cells read doubtfully are
// read again: a fax with whole strokes reads worse softened.
func (p *page) softened() *page {
	g := imgproc.Smooth(imgproc.Smooth(p.gray, 1, false), 1, true)
	return &page{gray: g, bin: imgproc.Binarize(g), found: p.found, unit: p.unit, lone: &glyphMemo{}}
}

// minShear is the least lean of a page's upright lines, in degrees, that is
// straightened. Pages without shear measure up to 0.26 where they have few
// upright lines (prose), whose lean then matters little; faxes made square
// measure 0.8-1.8.
const minShear = 0.3

// upright straightens g's tilt, and its shear when its upright lines
// still lean, and finds its tables.
func upright(g *image.Gray) *page {
	// Turned or slid, the page keeps its size: binarized again over the
	// same image, which is large.
	b := imgproc.Binarize(g)
	if angle := imgproc.Skew(b); angle > 0.04 || angle < -0.04 {
		g = imgproc.Rotate(g, angle)
		imgproc.BinarizeInto(b, g)
	}
	if angle := imgproc.Shear(b); angle > minShear || angle < -minShear {
		g = imgproc.Unshear(g, angle)
		imgproc.BinarizeInto(b, g)
	}
	return &page{gray: g, bin: b, found: table.Find(g, b), unit: float64(g.Rect.Dx()) / 2480, lone: &glyphMemo{}}
}

// script tells the model of the script of the probe, given sim, the
// simplified model's mean confidence on it. Both models read either script
// fairly well: a page the traditional model reads with no more confidence
// is simplified, but the reverse does not hold (a noisy simplified page can
// read with more confidence as traditional). On the characters whose forms
// differ between the scripts, though, the right model is the surer one: on
// the scan sets' probes (whole lines of body text) by 0.016-0.031 on
// traditional pages, by -0.049 to -0.011 on simplified ones. With too few
// such characters read, the traditional model must be clearly more
// confident on the whole probe.
func script(e *engine, norm *textnorm.Tables, probe *image.Gray, sim float64) (string, error) {
	tra, err := meanConf(e, probe, langTraditional)
	if err != nil || tra <= sim {
		return langSimplified, err
	}
	simT, simN, err := tellingConf(e, norm, probe, langSimplified)
	if err != nil {
		return "", err
	}
	traT, traN, err := tellingConf(e, norm, probe, langTraditional)
	if err != nil {
		return "", err
	}
	if simN >= minTelling && traN >= minTelling {
		if traT > simT+tellingLead {
			return langTraditional, nil
		}
		return langSimplified, nil
	}
	if tra > sim+0.05 {
		return langTraditional, nil
	}
	return langSimplified, nil
}

// scriptLead is how much more confidently the simplified model must read
// one line of body text than the traditional one for its page to be taken
// as simplified without the four-line test. On the scan sets (95 pages,
// every condition), such lines of the 19 traditional pages read at most
// 0.009 more surely as simplified; those of 11 of the 17 simplified first
// pages at 0.06 or more.
const scriptLead = 0.06

// tellScript tells the model of the page's script from what told the page
// upright: a line read surely by the simplified model and clearly less
// surely by the traditional one is simplified; otherwise the four-line
// probe decides (script). A traditional page is never told from one line.
func tellScript(e *engine, norm *textnorm.Tables, p *page, pr probeRead) (string, error) {
	if pr.lines == 1 {
		tra, err := meanConf(e, pr.img, langTraditional)
		if err != nil || pr.sim-tra >= scriptLead {
			return langSimplified, err
		}
		probe := p.probe(probeLines)
		if probe == nil {
			return langSimplified, nil
		}
		if pr.sim, err = meanConf(e, probe, langSimplified); err != nil {
			return "", err
		}
		pr.img = probe
	}
	return script(e, norm, pr.img, pr.sim)
}

// The script test on telling characters: how many each model must read,
// and by how much more confident the traditional one must be.
const (
	minTelling  = 5
	tellingLead = 0.005
)

// tellingConf reads img with lang and returns the mean confidence of the
// characters read that exist in one script only, and their number.
func tellingConf(e *engine, norm *textnorm.Tables, img *image.Gray, lang string) (float64, int, error) {
	syms, err := e.read(img, lang, psmBlock, "", gosseract.RIL_SYMBOL)
	if err != nil {
		return 0, 0, err
	}
	sum, n := 0.0, 0
	for _, s := range syms {
		for _, r := range s.text {
			if norm.Simplified(r) != r || norm.Traditional(string(r)) != string(r) {
				sum += s.conf
				n++
			}
		}
	}
	return sum / float64(max(1, n)), n, nil
}

// meanConf is the mean word confidence of a block read of img.
func meanConf(e *engine, img *image.Gray, lang string) (float64, error) {
	words, err := e.read(img, lang, psmBlock, "", gosseract.RIL_WORD)
	if err != nil {
		return 0, err
	}
	if len(words) == 0 {
		return 0, nil
	}
	sum, n := 0.0, 0
	for _, w := range words {
		k := len([]rune(w.text))
		sum += w.conf * float64(k)
		n += k
	}
	return sum / float64(n), nil
}

// probeLines is how many text lines the orientation probe holds.
const probeLines = 4

// probe returns a strip of the page with a few whole lines of body text,
// cleared of ruling lines, for the orientation and script tests; nil on a
// page without ink. The lines are found on the page itself, from its ink
// per row, not from a line pitch assumed: a line cut through reads as
// other characters with less confidence, and then tells the turn or the
// script wrong. Lines as tall as most (the title's, larger and bold, has
// few of the characters whose forms tell the scripts apart) in one block
// (no wider gap between them than twice their height) are taken: the
// group of probeLines of them with the most ink, or when no block holds
// as many, the longest (a heading above a table reads as one line).
func (p *page) probe(lines int) *image.Gray {
	h := p.bin.H
	rows, total := inkRows(p.bin, p.found.Lines)
	if total < int(200*p.unit*p.unit) {
		return nil
	}
	runs := inkRuns(rows, int(minLineHeight*p.unit))
	if len(runs) == 0 {
		return nil
	}
	hs := make([]int, len(runs))
	for i, r := range runs {
		hs[i] = r.hi - r.lo
	}
	slices.Sort(hs)
	body := hs[len(hs)/2]
	isBody := func(r run) bool { return (r.hi-r.lo)*10 >= body*6 && (r.hi-r.lo)*10 <= body*14 }
	best, bestInk, bestN := -1, 0, 0
	for i := range runs {
		ink := 0
		for n := 1; n <= lines && i+n <= len(runs); n++ {
			r := runs[i+n-1]
			if !isBody(r) || n > 1 && r.lo-runs[i+n-2].hi > 2*body {
				break
			}
			ink += r.ink
			if n > bestN || n == bestN && ink > bestInk {
				best, bestInk, bestN = i, ink, n
			}
		}
	}
	if best < 0 {
		return nil
	}
	// From the middle of the gap above the first line to that below the last.
	top, bottom := runs[best], runs[best+bestN-1]
	y0, y1 := max(0, top.lo-body/2), min(h, bottom.hi+body/2)
	if best > 0 {
		y0 = max(y0, (runs[best-1].hi+top.lo)/2)
	}
	if k := best + bestN; k < len(runs) {
		y1 = min(y1, (bottom.hi+runs[k].lo)/2)
	}
	if c := p.clean(image.Rect(0, y0, p.bin.W, y1)); c != nil {
		return c.img
	}
	return nil
}

// inkRows returns the ink of b in each row but where lines has ink, and
// its total.
func inkRows(b, lines *imgproc.Bin) ([]int, int) {
	rows := make([]int, b.H)
	total := 0
	for y := range rows {
		ink, ruled := b.Pix[y*b.W:][:b.W], lines.Pix[y*b.W:][:b.W]
		n, x := 0, 0
		// Eight pixels at a time: the bytes of a word, each 0 or 1, added
		// up in its top byte.
		for le := binary.LittleEndian; x+8 <= len(ink); x += 8 {
			n += int((le.Uint64(ink[x:]) &^ le.Uint64(ruled[x:])) * 0x0101010101010101 >> 56)
		}
		for ; x < len(ink); x++ {
			n += int(ink[x] &^ ruled[x])
		}
		rows[y] = n
		total += n
	}
	return rows, total
}

// minLineHeight is the least height of a line of text, in pixels of an A4
// page at 300 dpi: shorter runs of inked rows are specks and underlines.
const minLineHeight = 12

// run is a stretch of rows lo to hi (excluded) with ink, and its ink.
type run struct{ lo, hi, ink int }

// inkRuns returns the stretches of rows with ink at least minHeight tall,
// top to bottom: the text lines of an upright page. A row holding less
// than a fiftieth of the most inked row's ink is taken as blank, for the
// specks between the lines.
func inkRuns(rows []int, minHeight int) []run {
	most := slices.Max(rows)
	var out []run
	cur := run{lo: -1}
	for y, v := range append(rows, 0) {
		if v*50 > most {
			if cur.lo < 0 {
				cur = run{lo: y}
			}
			cur.ink += v
			continue
		}
		if cur.lo >= 0 && y-cur.lo >= minHeight {
			cur.hi = y
			out = append(out, cur)
		}
		cur.lo = -1
	}
	return out
}
