package ocr

import (
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"slices"
	"sync"
	"unicode/utf8"

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
// the first page with text, and why that script is in doubt ("" when it
// was told surely).
type docState struct {
	mu    sync.Mutex
	lang  string
	doubt string
}

func (s *docState) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lang
}

func (s *docState) settle(lang, doubt string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lang == "" {
		s.lang, s.doubt = lang, doubt
	}
	return s.lang
}

// doubts returns why the document's script is in doubt, if it is.
func (s *docState) doubts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.doubt == "" {
		return nil
	}
	return []string{s.doubt}
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
	// read is the band of prose orient read (proseConf), which blocks
	// does not read again.
	read *bandRead
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
	lang := st.get()
	p, pr, err := orient(ctx, e, g, lang)
	if err != nil {
		return nil, err
	}
	p.frame.scale, p.frame.w, p.frame.h = scale, g.Rect.Dx(), g.Rect.Dy()
	if bilevel {
		p.soft = p.softened()
	}
	if lang == "" && pr.img != nil {
		l, sure, err := tellScript(e, c.vocab.norm, p, pr)
		if err != nil {
			return nil, err
		}
		doubt := ""
		if !sure {
			doubt = fmt.Sprintf(scriptDoubt, scriptNames[l], scriptNames[otherScript(l)])
		}
		lang = st.settle(l, doubt)
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

// Orientation from prose: once the document's script is known, the band
// of prose holding the page's most inked line of body text is read as
// prose first, in that script, and a band read with this mean confidence
// over at least minUprightChars characters shows the page upright. The
// band is read once, for the page's text too, and the probe is not read
// at all. On the scan sets and the real report (79 pages, every
// condition, each in its four quarter turns, read as simplified; the 19
// pages of traditional reports again in their script), such bands of
// upright pages read at 0.82-0.93 and those of turned pages at 0.27 or
// less.
const (
	uprightProse    = 0.65
	minUprightChars = 20
)

// probeRead is what a page was found upright by: one line of body text
// read surely (lines 1), or the probe of several (see probe), with the
// simplified model's read of it, which the script test weighs again; img
// is nil on a page without text.
type probeRead struct {
	img   *image.Gray
	sim   blockRead
	lines int
}

// orient returns the page turned upright and deskewed, with what told it
// so. With the document's script known (lang), a page whose band of prose
// reads surely (uprightProse) is upright, and nothing more is read; the
// probe is empty then. A page whose line with the most ink reads surely
// (sureUpright) is taken as upright without the four-line probe and its
// turns: most pages are, and their probe costs about a seventh of their
// reading. Other turns are tried on turned copies of the page as first
// straightened, its ruling lines with it; only the turn chosen has its
// tables found again.
func orient(ctx context.Context, e *engine, g *image.Gray, lang string) (*page, probeRead, error) {
	p := upright(g)
	if lang != "" {
		conf, err := p.proseConf(e, lang)
		if err != nil || conf >= uprightProse {
			return p, probeRead{}, err
		}
	}
	if line := p.probe(1); line != nil {
		rd, err := readBlock(e, line, langSimplified)
		if err != nil || rd.conf >= sureUpright {
			return p, probeRead{line, rd, 1}, err
		}
	}
	probe := p.probe(probeLines)
	if probe == nil {
		return p, probeRead{}, nil
	}
	raw, err := readBlock(e, probe, langSimplified)
	if err != nil || raw.conf >= uprightConf {
		return p, probeRead{probe, raw, probeLines}, err
	}
	best, bestProbe, bestConf, bestRaw := 0, probe, raw.conf+uprightLead, raw
	for _, q := range []int{2, 1, 3} {
		if err := ctx.Err(); err != nil {
			return nil, probeRead{}, err
		}
		probe := p.turned(q).probe(probeLines)
		if probe == nil {
			continue
		}
		rd, err := readBlock(e, probe, langSimplified)
		if err != nil {
			return nil, probeRead{}, err
		}
		if rd.conf > bestConf {
			best, bestProbe, bestConf, bestRaw = q, probe, rd.conf, rd
		}
	}
	if best != 0 {
		p = upright(imgproc.Turn(p.gray, best))
		p.frame.quarters = best
	}
	return p, probeRead{bestProbe, bestRaw, probeLines}, nil
}

// proseConf reads the band of prose holding the page's most inked line of
// body text (as probe(1) finds it) in the script lang, and returns the
// mean confidence of its characters; 0 when no band holds that line (it
// is in a table) or the band has fewer than minUprightChars characters.
func (p *page) proseConf(e *engine, lang string) (float64, error) {
	tl := p.textLines()
	if tl == nil {
		return 0, nil
	}
	best := tl.mostInked()
	if best < 0 {
		return 0, nil
	}
	y := (tl.runs[best].lo + tl.runs[best].hi) / 2
	for _, pt := range p.parts() {
		if pt.table >= 0 || y < pt.band.Min.Y || y >= pt.band.Max.Y {
			continue
		}
		rg, lines, err := p.readBand(e, pt.band, lang)
		if err != nil {
			return 0, err
		}
		p.read = &bandRead{band: pt.band, lang: lang, rg: rg, lines: lines}
		sum, n := 0.0, 0
		for _, l := range lines {
			k := countChars(l.chars)
			sum += l.conf * float64(k)
			n += k
		}
		if n < minUprightChars {
			return 0, nil
		}
		return sum / float64(n), nil
	}
	return 0, nil
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
// simplified model's read of it, and whether it was told surely. Both models
// read either script fairly well, and neither test alone tells every page.
// The mean confidence on the whole probe: a page the traditional model reads
// with no more confidence is mostly simplified. On the characters whose
// forms differ between the scripts, the right model is mostly the surer one:
// on the scan sets' probes by -0.019 to 0.087 on traditional pages, by
// -0.114 to 0.009 on simplified ones. A page is traditional when both say
// so. When they disagree it is taken as simplified, the script of nearly
// every report, but not surely: a traditional report rendered by LibreOffice
// (a check kept apart from tuning) read 0.011 more surely as simplified on
// the whole and 0.012 more surely as traditional on the telling characters.
// With too few telling characters read, the traditional model must be
// clearly more confident on the whole probe.
func script(e *engine, norm *textnorm.Tables, probe *image.Gray, sim blockRead) (lang string, sure bool, err error) {
	tra, err := readBlock(e, probe, langTraditional)
	if err != nil {
		return "", false, err
	}
	simT, simN := tellingConf(norm, sim.chars)
	traT, traN := tellingConf(norm, tra.chars)
	lang, sure = scriptOf(scriptTests{sim: sim.conf, tra: tra.conf, simTelling: simT, traTelling: traT, simN: simN, traN: traN})
	return lang, sure, nil
}

// scriptTests are the two models' mean confidences on a probe, and on its
// characters of one script only, with their numbers.
type scriptTests struct {
	sim, tra               float64
	simTelling, traTelling float64
	simN, traN             int
}

// scriptOf tells the script from the tests (see script).
func scriptOf(t scriptTests) (lang string, sure bool) {
	if t.simN < minTelling || t.traN < minTelling {
		if t.tra > t.sim+0.05 {
			return langTraditional, true
		}
		return langSimplified, true
	}
	byMean := t.tra > t.sim
	byTelling := t.traTelling > t.simTelling+tellingLead
	switch {
	case byMean && byTelling:
		return langTraditional, true
	case byMean != byTelling:
		return langSimplified, false
	}
	return langSimplified, true
}

// scriptDoubt is the doubt a document's script told unsurely leaves, for
// people: the script its text was read in, and the other.
const scriptDoubt = "the script of the scanned text could not be told surely; it was read as %s, so its title and agency are given in %[1]s characters though the report may be printed in %s. Check the title against the page."

// scriptNames names the models' scripts for people.
var scriptNames = map[string]string{langSimplified: "simplified", langTraditional: "traditional"}

// scriptLead is how much more confidently the simplified model must read
// one line of body text than the traditional one for its page to be taken
// as simplified without the four-line test. On the scan sets (95 pages,
// every condition), such lines of the 19 traditional pages read at most
// 0.009 more surely as simplified; those of 11 of the 17 simplified first
// pages at 0.06 or more.
const scriptLead = 0.06

// A page whose line with the most ink does not tell its script may have
// its next lines tell it, one at a time, up to scriptLines in all; each
// must lead by laterScriptLead. Less inked lines are shorter and their
// confidences vary more: on the scan sets, the second and third lines of
// the 14 traditional pages read at most 0.035 more surely as simplified
// (0.045 for any of their six most inked lines). With them, 14 of the 17
// simplified first pages are told without the four-line test.
const (
	scriptLines     = 3
	laterScriptLead = 0.1
)

// tellScript tells the model of the page's script from what told the page
// upright: a line read surely by the simplified model and clearly less
// surely by the traditional one is simplified, and so is one whose next
// lines read so; otherwise the four-line probe decides (script), surely
// or not. A traditional page is never told from single lines.
func tellScript(e *engine, norm *textnorm.Tables, p *page, pr probeRead) (lang string, sure bool, err error) {
	if pr.lines == 1 {
		tra, err := readBlock(e, pr.img, langTraditional)
		if err != nil || pr.sim.conf-tra.conf >= scriptLead {
			return langSimplified, true, err
		}
		if lines := p.bodyLines(scriptLines); len(lines) > 1 {
			for _, line := range lines[1:] {
				lead, err := simplifiedLead(e, line)
				if err != nil || lead >= laterScriptLead {
					return langSimplified, true, err
				}
			}
		}
		probe := p.probe(probeLines)
		if probe == nil {
			return langSimplified, true, nil
		}
		if pr.sim, err = readBlock(e, probe, langSimplified); err != nil {
			return "", false, err
		}
		pr.img = probe
	}
	return script(e, norm, pr.img, pr.sim)
}

// simplifiedLead is how much more confidently the simplified model reads
// img than the traditional one.
func simplifiedLead(e *engine, img *image.Gray) (float64, error) {
	sim, err := readBlock(e, img, langSimplified)
	if err != nil {
		return 0, err
	}
	tra, err := readBlock(e, img, langTraditional)
	return sim.conf - tra.conf, err
}

// The script test on telling characters: how many each model must read,
// and by how much more confident the traditional one must be.
const (
	minTelling  = 5
	tellingLead = 0.005
)

// tellingConf returns the mean confidence of the characters read (chars)
// that exist in one script only, and their number.
func tellingConf(norm *textnorm.Tables, chars []symbol) (float64, int) {
	sum, n := 0.0, 0
	for _, s := range chars {
		for _, r := range s.text {
			if norm.Simplified(r) != r || norm.Traditional(string(r)) != string(r) {
				sum += s.conf
				n++
			}
		}
	}
	return sum / float64(max(1, n)), n
}

// blockRead is an image read as a block by one model: the mean confidence
// of its words, each weighted by its characters, and its characters.
type blockRead struct {
	conf  float64
	chars []symbol
}

// readBlock reads img as a block with lang. Words and characters come from
// one recognition (hOCR): the script test weighs both on the same probe,
// and reading it for each would recognise it twice. hOCR gives a word's
// confidence in whole percent, up to a hundredth below Tesseract's own,
// alike for both models, and leaves out words read as blanks.
func readBlock(e *engine, img *image.Gray, lang string) (blockRead, error) {
	lines, err := e.readLines(img, lang, psmBlock)
	if err != nil {
		return blockRead{}, err
	}
	var rd blockRead
	sum, n := 0.0, 0
	for _, l := range lines {
		for _, w := range l.words {
			k := utf8.RuneCountInString(w.text)
			sum += w.conf * float64(k)
			n += k
		}
		rd.chars = append(rd.chars, l.chars...)
	}
	if n > 0 {
		rd.conf = sum / float64(n)
	}
	return rd, nil
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
	tl := p.textLines()
	if tl == nil {
		return nil
	}
	best, bestInk, bestN := -1, 0, 0
	for i := range tl.runs {
		ink := 0
		for n := 1; n <= lines && i+n <= len(tl.runs); n++ {
			r := tl.runs[i+n-1]
			if !tl.isBody(r) || n > 1 && r.lo-tl.runs[i+n-2].hi > 2*tl.body {
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
	return tl.strip(p, best, best+bestN)
}

// bodyLines returns up to n single lines of body text of the page, as
// probe(1) finds its line, the most inked first.
func (p *page) bodyLines(n int) []*image.Gray {
	tl := p.textLines()
	if tl == nil {
		return nil
	}
	var idx []int
	for i, r := range tl.runs {
		if tl.isBody(r) {
			idx = append(idx, i)
		}
	}
	// Stable, so that of lines as inked the first is taken, as by probe.
	slices.SortStableFunc(idx, func(a, b int) int { return tl.runs[b].ink - tl.runs[a].ink })
	var out []*image.Gray
	for _, i := range idx[:min(n, len(idx))] {
		if line := tl.strip(p, i, i+1); line != nil {
			out = append(out, line)
		}
	}
	return out
}

// textLines is an upright page's runs of inked rows and the height of
// most of them, a line of body text's.
type textLines struct {
	runs []run
	body int
	h    int
}

// textLines returns the page's lines from its ink per row, ruling lines
// left out; nil on a page without ink.
func (p *page) textLines() *textLines {
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
	return &textLines{runs: runs, body: hs[len(hs)/2], h: h}
}

// mostInked returns the index of the line of body text with the most ink,
// the first of those with as much; -1 for none.
func (tl *textLines) mostInked() int {
	best := -1
	for i, r := range tl.runs {
		if tl.isBody(r) && (best < 0 || r.ink > tl.runs[best].ink) {
			best = i
		}
	}
	return best
}

// isBody reports whether r is about as tall as a line of body text.
func (tl *textLines) isBody(r run) bool {
	return (r.hi-r.lo)*10 >= tl.body*6 && (r.hi-r.lo)*10 <= tl.body*14
}

// strip returns the page's lines runs[first:last], cleared of ruling
// lines: from the middle of the gap above the first to that below the
// last.
func (tl *textLines) strip(p *page, first, last int) *image.Gray {
	top, bottom := tl.runs[first], tl.runs[last-1]
	y0, y1 := max(0, top.lo-tl.body/2), min(tl.h, bottom.hi+tl.body/2)
	if first > 0 {
		y0 = max(y0, (tl.runs[first-1].hi+top.lo)/2)
	}
	if last < len(tl.runs) {
		y1 = min(y1, (bottom.hi+tl.runs[last].lo)/2)
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
