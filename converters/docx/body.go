package docx

import (
	"bytes"
	"context"

	"github.com/nianbao/nianbao/internal/layout"
)

// walker reads document.xml into blocks, in one pass over its tokens.
//
// Text is what Word shows in its final view: runs (w:r) wherever they sit
// (content controls, tracked insertions, smart tags, hyperlinks, simple
// fields, custom XML), text boxes after the paragraph that anchors them,
// list numbers before their paragraph. Deleted text, field codes, hidden runs,
// placeholder text of empty content controls, and bookmarks, comments and
// note references are left out; headers, footers, comments and notes live in
// other parts and are never read.
type walker struct {
	ctx    context.Context
	s      *scanner
	num    *numbering
	styles *styles
	// sink receives finished blocks: the body's list, a table cell's, or
	// the list of a paragraph whose text boxes follow it.
	sink *[]layout.Block
	// bufs hold the text of the paragraphs being read, innermost last;
	// a text box's paragraphs nest in the one that anchors it.
	bufs  [][]byte
	depth int // paragraphs open
	seen  int // elements read, for checking the context
}

// checkEvery is how many elements pass between checks of the context.
const checkEvery = 4096

// maxSpan caps w:gridSpan; Word allows 63 columns.
const maxSpan = 64

func (w *walker) document() ([]layout.Block, error) {
	var blocks []layout.Block
	w.sink = &blocks
	for {
		if err := w.s.next(); err != nil {
			return nil, err
		}
		switch {
		case w.s.kind == tokEOF:
			return blocks, nil
		case w.s.kind == tokStart && w.s.is(nsW, "body"):
			if err := w.content(); err != nil {
				return nil, err
			}
		}
	}
}

// content reads the children of the element whose start tag is current,
// through its end tag.
func (w *walker) content() error {
	// Character data outside w:t is the file's own whitespace.
	return w.s.descend(func(bool) error { return w.element() })
}

// skipped elements hold nothing shown as text, or text Word does not show.
var skipped = map[string]bool{
	"del": true, "moveFrom": true, "delText": true, "instrText": true, "delInstrText": true,
	"rPr": true, "pPr": true, "tblPr": true, "tblGrid": true, "trPr": true, "tcPr": true,
	"sectPr": true, "sdtPr": true, "sdtEndPr": true, "fldData": true, "customXmlPr": true,
	"smartTagPr": true, "footnoteReference": true, "endnoteReference": true,
	"commentReference": true, "sym": true, "object": true,
}

// element reads one element whose start tag is current, through its end.
func (w *walker) element() error {
	if w.seen++; w.seen%checkEvery == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
	}
	s := w.s
	switch s.ns {
	case nsW:
	case nsMC:
		if string(s.local) == "AlternateContent" {
			return w.alternate()
		}
		return w.content()
	default:
		// Drawings, shapes and VML wrap text boxes: look inside.
		return w.content()
	}
	local := string(s.local)
	switch {
	case skipped[local]:
		return s.skip()
	case local == "p":
		return w.paragraph()
	case local == "tbl":
		return w.table()
	case local == "r":
		return w.run()
	case local == "sdt":
		return w.sdt()
	case w.depth == 0:
		return w.content()
	case local == "t":
		return w.text()
	case local == "tab" || local == "ptab":
		w.write("\t")
	case local == "br" || local == "cr":
		w.write("\n")
	case local == "noBreakHyphen":
		w.write("-")
	}
	return w.content()
}

func (w *walker) write(s string) {
	if w.depth > 0 {
		w.bufs[w.depth-1] = append(w.bufs[w.depth-1], s...)
	}
}

// text reads a w:t into the current paragraph.
func (w *walker) text() error {
	if w.s.selfClose {
		return w.s.skip()
	}
	depth := len(w.s.open)
	for {
		if err := w.s.next(); err != nil {
			return err
		}
		if len(w.s.open) < depth {
			return nil
		}
		switch w.s.kind {
		case tokText:
			w.bufs[w.depth-1] = append(w.bufs[w.depth-1], w.s.text...)
		case tokStart:
			if err := w.s.skip(); err != nil {
				return err
			}
		}
	}
}

// run reads a w:r, leaving it out if its properties hide it.
func (w *walker) run() error {
	return w.s.descend(func(bool) error {
		if !w.s.is(nsW, "rPr") {
			return w.element()
		}
		hidden, err := w.hiddenRun()
		if err == nil && hidden {
			return errStop // skip the rest of the run
		}
		return err
	})
}

// hiddenRun reads a run's w:rPr and reports whether it hides the run.
func (w *walker) hiddenRun() (bool, error) {
	hidden := false
	err := w.s.descend(func(child bool) error {
		if child && w.s.is(nsW, "vanish") {
			hidden = onOff(w.s)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return hidden, nil
}

// paraProps is what a paragraph's w:pPr says that the reader uses.
type paraProps struct {
	style   string
	numID   int
	hasNum  bool
	ilvl    int
	hasIlvl bool
}

// paragraph reads a w:p and sends it, then any text boxes it anchors, to
// the sink. Blank paragraphs are dropped.
func (w *walker) paragraph() error {
	saved := w.sink
	var boxes []layout.Block
	w.sink = &boxes
	if w.depth == len(w.bufs) {
		w.bufs = append(w.bufs, nil)
	}
	w.bufs[w.depth] = w.bufs[w.depth][:0]
	w.depth++
	label, err := w.paragraphContent()
	w.depth--
	w.sink = saved
	if err != nil {
		return err
	}
	text := w.bufs[w.depth]
	if len(bytes.TrimSpace(text)) > 0 {
		*w.sink = append(*w.sink, layout.Block{Kind: layout.Paragraph, Text: label + string(text)})
	}
	*w.sink = append(*w.sink, boxes...)
	return nil
}

// paragraphContent reads a paragraph's children and returns its list
// number, as Word shows it.
func (w *walker) paragraphContent() (string, error) {
	var props paraProps
	label, numbered := "", false
	err := w.s.descend(func(bool) error {
		if !numbered && w.s.is(nsW, "pPr") {
			var err error
			props, err = w.paragraphProps()
			return err
		}
		if !numbered {
			// The list counters advance in document order, before any
			// text box this paragraph anchors.
			label, numbered = w.label(props), true
		}
		return w.element()
	})
	if err != nil {
		return "", err
	}
	if !numbered {
		label = w.label(props)
	}
	return label, nil
}

func (w *walker) paragraphProps() (paraProps, error) {
	var p paraProps
	err := w.s.descend(func(bool) error {
		if w.s.ns != nsW {
			return nil
		}
		switch string(w.s.local) {
		case "pStyle":
			p.style, _ = w.s.attr("val")
		case "numId":
			p.numID, p.hasNum = intAttr(w.s, "val")
		case "ilvl":
			p.ilvl, p.hasIlvl = intAttr(w.s, "val")
		case "rPr", "sectPr", "pPrChange", "tabs":
			return w.s.skip()
		}
		return nil
	})
	return p, err
}

// label returns a paragraph's list number, advancing the list's counters:
// its own w:numPr first, else its style's (the default paragraph style's
// when it names none). A w:numId of 0 turns numbering off.
func (w *walker) label(p paraProps) string {
	style := p.style
	if style == "" {
		style = w.styles.def
	}
	numID, ilvl := p.numID, -1
	if p.hasIlvl {
		ilvl = p.ilvl
	}
	fromStyle := !p.hasNum
	if fromStyle {
		var ok bool
		var sl int
		numID, sl, ok = w.styles.numPr(style)
		if !ok {
			return ""
		}
		if ilvl < 0 {
			ilvl = sl
		}
	}
	if numID <= 0 {
		return ""
	}
	if ilvl < 0 {
		// A style's list level is the one linked to the style, else 0.
		ilvl = max(w.num.styleLevel(numID, style), 0)
	}
	return w.num.label(numID, ilvl)
}

// alternate reads mc:AlternateContent: its first choice, or its fallback
// when it has none. Both hold the same text (a text box as a DrawingML
// shape and again as VML), which must be read once.
func (w *walker) alternate() error {
	chosen := false
	return w.s.descend(func(bool) error {
		if !chosen && w.s.ns == nsMC && (string(w.s.local) == "Choice" || string(w.s.local) == "Fallback") {
			chosen = true
			return w.content()
		}
		return w.s.skip()
	})
}

// sdt reads a content control, leaving out the placeholder text an empty
// one shows (单击或点击此处输入文字).
func (w *walker) sdt() error {
	placeholder := false
	// Each child is read whole, so only children are visited.
	return w.s.descend(func(bool) error {
		switch {
		case w.s.is(nsW, "sdtPr"):
			var err error
			placeholder, err = w.showsPlaceholder()
			return err
		case w.s.is(nsW, "sdtContent") && !placeholder:
			return w.content()
		default:
			return w.s.skip()
		}
	})
}

func (w *walker) showsPlaceholder() (bool, error) {
	shows := false
	err := w.s.descend(func(child bool) error {
		if child && w.s.is(nsW, "showingPlcHdr") {
			shows = onOff(w.s)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return shows, nil
}
