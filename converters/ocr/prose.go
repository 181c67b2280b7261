package ocr

import (
	"context"
	"image"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"

	"github.com/nianbao/nianbao/converters/ocr/imgproc"
	"github.com/nianbao/nianbao/internal/layout"
)

// blocks reads a page: the bands of text between its tables as paragraphs,
// and the tables as grids, top to bottom.
func (c *Converter) blocks(ctx context.Context, e *engine, p *page, num int, lang string) ([]layout.Block, error) {
	var out []layout.Block
	for _, pt := range p.parts() {
		if pt.table < 0 {
			paras, err := c.prose(e, p, pt.band, num, lang)
			if err != nil {
				return nil, err
			}
			out = append(out, paras...)
			continue
		}
		t := p.found.Tables[pt.table]
		grid, err := c.readTable(ctx, e, p, t, num, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, layout.Block{Kind: layout.Table, Table: grid,
			Prov: layout.Provenance{Page: num, Box: rectBox(t.Box)}})
	}
	return out, nil
}

// part is a band of prose across the page, or one of its tables (table is
// its index in found.Tables; -1 for a band).
type part struct {
	band  image.Rectangle
	table int
}

// parts returns the page's bands of prose between its tables, and the
// tables, top to bottom.
func (p *page) parts() []part {
	var out []part
	top := 0
	for i, t := range p.found.Tables {
		if t.Box.Min.Y > top {
			out = append(out, part{band: image.Rect(0, top, p.bin.W, t.Box.Min.Y), table: -1})
		}
		out = append(out, part{table: i})
		top = max(top, t.Box.Max.Y)
	}
	if top < p.bin.H {
		out = append(out, part{band: image.Rect(0, top, p.bin.W, p.bin.H), table: -1})
	}
	return out
}

// bandRead is a band of the page read as prose in a script, kept so that
// a band read ahead of blocks (see page.proseConf) is not read twice.
type bandRead struct {
	band  image.Rectangle
	lang  string
	rg    *region
	lines []textLineRead
}

// readBand returns the band cleaned and read as lines of text in the
// script lang, or as orient read it; a nil region for a band without ink.
func (p *page) readBand(e *engine, r image.Rectangle, lang string) (*region, []textLineRead, error) {
	if b := p.read; b != nil && b.band == r && b.lang == lang {
		return b.rg, b.lines, nil
	}
	rg := p.clean(r)
	if rg == nil {
		return nil, nil, nil
	}
	found, err := e.readLines(rg.img, lang, psmColumn)
	if err != nil {
		return nil, nil, err
	}
	return rg, found, nil
}

// textLine is one line of prose as read.
type textLine struct {
	text string
	box  image.Rectangle
	conf float64
	// readings are the line's readings at several sizes by both models,
	// for a line printed large (readLarge); else nil.
	readings []string
	// chars are the line's characters as read among the others.
	chars []symbol
}

// prose reads a band of the page as lines of text and joins them into
// paragraphs: a line continues the one above when that one runs to the
// right edge of the text and this one is not indented.
func (c *Converter) prose(e *engine, p *page, r image.Rectangle, num int, lang string) ([]layout.Block, error) {
	rg, found, err := p.readBand(e, r, lang)
	if rg == nil || err != nil {
		return nil, err
	}
	var lines []textLine
	left, right := rg.img.Rect.Dx(), 0
	for _, s := range found {
		t := cleanLine(s.text)
		if t == "" {
			continue
		}
		lines = append(lines, textLine{text: t, box: s.box, conf: s.conf, chars: s.chars})
		left, right = min(left, s.box.Min.X), max(right, s.box.Max.X)
	}
	if err := c.rereadLarge(e, rg.img, lines, p.unit, lang, r.Min.Y == 0); err != nil {
		return nil, err
	}
	var out []layout.Block
	var para []textLine
	flush := func() {
		if len(para) == 0 {
			return
		}
		conf := 0.0
		box := para[0].box
		for _, l := range para {
			conf += l.conf
			box = box.Union(l.box)
		}
		// The readings of a paragraph are its first line's (a title's
		// first line names the agency), the other lines as read.
		var readings []string
		for _, r := range para[0].readings {
			readings = append(readings, joinLines(r, para[1:]))
		}
		out = append(out, layout.Block{Kind: layout.Paragraph, Text: joinLines(para[0].text, para[1:]), Readings: readings,
			Prov: layout.Provenance{Page: num, Box: rectBox(box.Add(rg.box.Min)), Confidence: max(minConfidence, conf/float64(len(para)))}})
		para = para[:0]
	}
	for _, l := range lines {
		if n := len(para); n > 0 {
			prev := para[n-1]
			em := max(1, prev.box.Dy())
			full := prev.box.Max.X >= right-em*3/2
			indented := l.box.Min.X > left+em/2
			gap := l.box.Min.Y-prev.box.Max.Y > em
			if !full || indented || gap {
				flush()
			}
		}
		para = append(para, l)
	}
	flush()
	return out, nil
}

// joinLines joins a paragraph's first line, as given, and the lines after
// it, with a space where neither side is Chinese.
func joinLines(first string, rest []textLine) string {
	var b strings.Builder
	b.WriteString(first)
	prev := first
	for _, l := range rest {
		if !joinsWithoutSpace(prev, l.text) {
			b.WriteByte(' ')
		}
		b.WriteString(l.text)
		prev = l.text
	}
	return b.String()
}

// bodyHeight is the height of a line of body text on an A4 page at 300
// dpi (about 12 points), and near enough that of its characters, for a
// band of too few lines to tell them.
const bodyHeight = 50

// minLargeChars is the fewest characters a line printed large has: a
// lone one is a mark or a blot read as a character.
const minLargeChars = 2

// rereadLarge reads again each line printed larger than the body text
// around it (a title, at 18-22 points) with both scripts' models at
// another size (readLarge): large glyphs read as they are come out as
// look-alike characters (淮 as 准, 泽 as 溯). A line is large by its
// characters' height, not its box's. A box that takes in a stray mark, a
// seal's edge or part of the next line is tall about characters of body
// size; such a line was read well among the others, and read alone as one
// line it comes out as a few stray characters. On the scan sets and the
// renderings kept apart from tuning, boxes of body lines were up to 2.7
// times a body line's height, and titles' characters 1.5 to 2.4 times the
// body's. The first maxLargeLines of them at the top of a page (top: the
// band starts there), where a title stands, are read at every size of
// largeHeights, since a title names places whose rare characters one
// model lacks or misreads. The body lines of the band they head (where
// the prose names the same places) are read by both models too (see
// surer).
func (c *Converter) rereadLarge(e *engine, img *image.Gray, lines []textLine, unit float64, lang string, top bool) error {
	isLarge, body := largeLines(lines, unit)
	large := 0
	for i, l := range lines {
		if !isLarge[i] {
			continue
		}
		large++
		sizes := 1
		if top && large <= maxLargeLines {
			sizes = len(largeHeights)
		}
		pad := body / 8
		crop := img.SubImage(image.Rect(l.box.Min.X-pad, l.box.Min.Y-pad, l.box.Max.X+pad, l.box.Max.Y+pad)).(*image.Gray)
		t, conf, readings, err := c.readLarge(e, crop, l.box.Dy(), lang, sizes)
		if err != nil {
			return err
		}
		if t = cleanLine(t); t != "" {
			lines[i].text, lines[i].conf, lines[i].readings = t, conf, nil
			for _, r := range readings {
				lines[i].readings = append(lines[i].readings, cleanLine(r))
			}
		}
	}
	if large == 0 {
		return nil
	}
	for i, l := range lines {
		if isLarge[i] {
			continue
		}
		// Only the unsure characters, with a little of the line on either
		// side, are read again: the other model's reading costs what the
		// width read does.
		chars := slices.Clone(l.chars)
		changed := false
		pad := body / 4
		for _, sp := range unsureSpans(chars) {
			x0, x1 := l.box.Min.X-pad, l.box.Max.X+pad
			if sp[0] > 0 {
				x0 = min(chars[sp[0]].box.Min.X, (chars[sp[0]-1].box.Max.X+chars[sp[0]].box.Min.X)/2)
			}
			if sp[1] < len(chars) {
				x1 = max(chars[sp[1]-1].box.Max.X, (chars[sp[1]-1].box.Max.X+chars[sp[1]].box.Min.X)/2)
			}
			crop := img.SubImage(image.Rect(x0, l.box.Min.Y-pad, x1, l.box.Max.Y+pad)).(*image.Gray)
			alt, err := e.read(crop, otherScript(lang), psmLine, "", gosseract.RIL_SYMBOL)
			if err != nil {
				return err
			}
			if c.surer(chars[sp[0]:sp[1]], alt, lang) {
				changed = true
			}
		}
		if changed {
			var b strings.Builder
			for _, ch := range chars {
				b.WriteString(ch.text)
			}
			lines[i].text = cleanLine(b.String())
		}
	}
	return nil
}

// largeLines tells which lines are printed large (see rereadLarge), and
// returns the height of a body line's box in the band.
func largeLines(lines []textLine, unit float64) ([]bool, int) {
	body, bodyGlyph := int(bodyHeight*unit), int(bodyHeight*unit)
	glyph := make([]int, len(lines))
	for i, l := range lines {
		glyph[i] = glyphHeight(l.chars)
	}
	if len(lines) >= 3 {
		hs, gs := make([]int, len(lines)), slices.Clone(glyph)
		for i, l := range lines {
			hs[i] = l.box.Dy()
		}
		slices.Sort(hs)
		slices.Sort(gs)
		body, bodyGlyph = hs[len(hs)/2], gs[len(gs)/2]
	}
	large := make([]bool, len(lines))
	for i, l := range lines {
		large[i] = glyph[i]*10 >= bodyGlyph*13 && countChars(l.chars) >= minLargeChars
	}
	return large, body
}

// glyphHeight is the median height of the characters of a line; 0 for
// none.
func glyphHeight(chars []symbol) int {
	var hs []int
	for _, ch := range chars {
		if strings.TrimSpace(ch.text) != "" {
			hs = append(hs, ch.box.Dy())
		}
	}
	if len(hs) == 0 {
		return 0
	}
	slices.Sort(hs)
	return hs[len(hs)/2]
}

// countChars is the number of characters of a line, spaces left out.
func countChars(chars []symbol) int {
	n := 0
	for _, ch := range chars {
		if strings.TrimSpace(ch.text) != "" {
			n++
		}
	}
	return n
}

// spanContext is how many characters on either side of an unsure one are
// read with it, so that the other model reads it among others as in its
// line.
const spanContext = 2

// unsureSpans returns the stretches [from, to) of chars to read again: each
// unsure Chinese character (unsureHan) with spanContext characters on
// either side, stretches that meet made one.
func unsureSpans(chars []symbol) [][2]int {
	var out [][2]int
	for i, ch := range chars {
		if !unsureHan(ch) {
			continue
		}
		from, to := max(0, i-spanContext), min(len(chars), i+spanContext+1)
		if n := len(out); n > 0 && from <= out[n-1][1] {
			out[n-1][1] = to
			continue
		}
		out = append(out, [2]int{from, to})
	}
	return out
}

// largeHeights are the heights, in pixels, a large line is read at: first
// the 48 pixels Tesseract's Chinese models scale a line to, then others
// around it. Each is another sampling of the glyphs, and a model's
// misreading of a rare character (棠 as 常, 岚 as 册) comes and goes with
// the size where the right reading recurs. On the scan set no fewer sizes
// read every title right. The first two decide alone when all their
// readings agree, as on most lines.
var largeHeights = [...]int{48, 28, 20, 64, 24, 40, 32, 56}

// maxLargeLines is how many large lines at the top of a page are read at
// every size of largeHeights: a title has one to three lines. The others
// (headings, lines whose box a bracket or a stray mark made tall) are read
// at the first size only, so that they cost about what they did.
const maxLargeLines = 3

// lineReading is one reading of a line: its characters, in the page's
// script, with their confidences, and the model that read them.
type lineReading struct {
	model string
	text  []rune
	conf  []float64
}

// readLarge reads a line printed large (crop, whose text is tall pixels
// high) at the first sizes of largeHeights with both scripts' models, and
// returns the reading they support character by character (see
// consensus), the share of readings that give its characters, and the
// readings as counted.
func (c *Converter) readLarge(e *engine, crop *image.Gray, tall int, lang string, sizes int) (string, float64, []string, error) {
	var reads []lineReading
	for i, h := range largeHeights[:sizes] {
		img := padded(imgproc.Scale(crop, float64(h)/float64(max(1, tall))))
		for _, model := range []string{lang, otherScript(lang)} {
			syms, err := e.read(img, model, psmLine, "", gosseract.RIL_SYMBOL)
			if err != nil {
				return "", 0, nil, err
			}
			rd := lineReading{model: model}
			for _, s := range syms {
				for _, r := range s.text {
					if unicode.IsSpace(r) {
						continue
					}
					if model != lang {
						r = c.inScript(r, lang)
					}
					rd.text = append(rd.text, r)
					rd.conf = append(rd.conf, s.conf)
				}
			}
			reads = append(reads, rd)
		}
		if i == 1 && !slices.ContainsFunc(reads, func(r lineReading) bool { return !slices.Equal(r.text, reads[0].text) }) {
			break
		}
	}
	t, share, readings := c.consensus(reads, lang)
	return t, share, readings, nil
}

// consensus returns the reading reads support, character by character,
// among those of the most common length (a reading that split or merged a
// character cannot be lined up with the others). At each character, a
// candidate is beaten by one more readings give, counting only the
// readings of models that can output both (knows): a model lacking a
// character reads it as a look-alike, which is no evidence against it
// (chi_sim reads 璟 as 环 at every size, chi_tra reads it right at most).
// The unbeaten candidate most readings give is kept (on a tie, the one
// read with more confidence), and readings by a model lacking it count as
// giving it. It returns the text, the mean share of readings giving its
// characters, and the readings as counted.
func (c *Converter) consensus(reads []lineReading, lang string) (string, float64, []string) {
	lens := map[int]int{}
	n := 0
	for _, r := range reads {
		lens[len(r.text)]++
		if k := len(r.text); lens[k] > lens[n] || lens[k] == lens[n] && k > n {
			n = k
		}
	}
	if n == 0 {
		return "", 0, nil
	}
	reads = slices.DeleteFunc(slices.Clone(reads), func(r lineReading) bool { return len(r.text) != n })
	for i := range reads {
		reads[i].text = slices.Clone(reads[i].text)
	}
	out := make([]rune, n)
	share := 0.0
	for i := range n {
		count := map[rune]int{}
		sure := map[rune]float64{}
		for _, r := range reads {
			count[r.text[i]]++
			sure[r.text[i]] += r.conf[i]
		}
		// beats counts, over the models that can output both, the
		// readings giving a and those giving b.
		beats := func(a, b rune) bool {
			na, nb := 0, 0
			for _, r := range reads {
				if !c.knows(r.model, lang, a) || !c.knows(r.model, lang, b) {
					continue
				}
				switch r.text[i] {
				case a:
					na++
				case b:
					nb++
				}
			}
			return na > nb
		}
		best, found := rune(0), false
		for a := range count {
			beaten := false
			for b := range count {
				if b != a && beats(b, a) {
					beaten = true
					break
				}
			}
			if beaten {
				continue
			}
			if !found || count[a] > count[best] || count[a] == count[best] && (sure[a] > sure[best] || sure[a] == sure[best] && a < best) {
				best, found = a, true
			}
		}
		if !found {
			// A cycle: the character most readings give.
			for a := range count {
				if !found || count[a] > count[best] || count[a] == count[best] && a < best {
					best, found = a, true
				}
			}
		}
		out[i] = best
		given := 0
		for _, r := range reads {
			if r.text[i] != best && !c.knows(r.model, lang, best) {
				r.text[i] = best
			}
			if r.text[i] == best {
				given++
			}
		}
		share += float64(given) / float64(len(reads))
	}
	texts := make([]string, len(reads))
	for i, r := range reads {
		texts[i] = string(r.text)
	}
	return string(out), share / float64(n), texts
}

// otherScript returns the model of the other script.
func otherScript(lang string) string {
	if lang == langTraditional {
		return langSimplified
	}
	return langTraditional
}

// inScript returns r written in script lang (a model's), as the other
// script's model read it or as a model of lang would output it; r itself
// where lang writes it as more than one character.
func (c *Converter) inScript(r rune, lang string) rune {
	if lang == langSimplified {
		return c.vocab.norm.Simplified(r)
	}
	if t := []rune(c.vocab.norm.Traditional(string(r))); len(t) == 1 {
		return t[0]
	}
	return r
}

// sureHan is the confidence at or above which the page's model reads
// every Chinese character of a line for the other model not to be asked
// (see unsureSpans): a character one model lacks is read by it as a
// look-alike with less confidence. On the scan set the
// other model's fixes of place names (环 for 璟) came on lines whose least
// sure character read at 0.76-0.956, and over half the lines read above
// 0.97.
const sureHan = 0.97

// surer merges into own, characters as the page's model read them, the
// other script's model's reading of the same stretch of line (alt): where
// both read as many characters, each character becomes the surer reading
// (the other model's put into the page's script), since each model lacks
// characters the other has (chi_sim has no 璟, chi_tra no 岚) and reads
// them as a look-alike with less confidence. The characters are lined up
// by their order only, so nothing changes where the counts differ. It
// reports whether any character changed.
func (c *Converter) surer(own, alt []symbol, lang string) bool {
	if len(alt) != len(own) {
		return false
	}
	changed := false
	for i, s := range own {
		if alt[i].conf > s.conf && utf8.RuneCountInString(alt[i].text) == 1 && utf8.RuneCountInString(s.text) == 1 {
			r, _ := utf8.DecodeRuneInString(alt[i].text)
			if t := string(c.inScript(r, lang)); t != s.text {
				own[i].text, own[i].conf, changed = t, alt[i].conf, true
			}
		}
	}
	return changed
}

// unsureHan reports whether s is a Chinese character read with less
// confidence than sureHan.
func unsureHan(s symbol) bool {
	r, n := utf8.DecodeRuneInString(s.text)
	return n == len(s.text) && unicode.Is(unicode.Han, r) && s.conf < sureHan
}

// cleanLine removes the spaces Tesseract puts between Chinese characters
// and the bars a stray line stub reads as.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '|' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	fields := strings.Fields(s)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 && !joinsWithoutSpace(fields[i-1], f) {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// joinsWithoutSpace reports whether two pieces of text meet without a
// space: where either side is Chinese (or full-width punctuation).
func joinsWithoutSpace(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return true
	}
	return wide(ra[len(ra)-1]) || wide(rb[0])
}

func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		r == '“' || r == '”' || r == '‘' || r == '’' || r == '—' || r == '…'
}
