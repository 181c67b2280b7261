package docx

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// level is one level of a list definition (w:lvl).
type level struct {
	start   int
	format  string // w:numFmt, e.g. "chineseCounting"
	text    string // w:lvlText, e.g. "%1、"
	restart int    // w:lvlRestart: restart after this level (1-based); -1 when unset
	legal   bool   // w:isLgl: every number in decimal
	suffix  string // what follows the number: "\t", " " or ""
	style   string // w:pStyle: the paragraph style linked to the level
}

const maxLevels = 9

// counters are one list instance's current numbers by level; a level not
// used since its last restart shows its start value next.
type counters struct {
	v    [maxLevels]int
	used [maxLevels]bool
}

// abstractNum is a list definition (w:abstractNum).
type abstractNum struct {
	levels [maxLevels]*level
	// numStyleLink names a numbering style whose list this one uses.
	numStyleLink string
}

// num is a list instance (w:num): a definition and its overrides.
type num struct {
	abstract  int
	overrides [maxLevels]*level // whole levels replaced by w:lvlOverride
	starts    [maxLevels]int    // w:startOverride values, 0 when unset
	hasStart  [maxLevels]bool
}

// numbering holds numbering.xml and the counters of one document's walk.
type numbering struct {
	abstracts map[int]*abstractNum
	nums      map[int]*num
	// counts are the counters by list instance.
	counts map[int]*counters
	styles *styles
}

// readNumbering reads numbering.xml.
func readNumbering(data []byte) (*numbering, error) {
	n := &numbering{abstracts: map[int]*abstractNum{}, nums: map[int]*num{}, counts: map[int]*counters{}}
	if data == nil {
		return n, nil
	}
	s := newScanner(data)
	for {
		if err := s.next(); err != nil {
			return nil, err
		}
		switch {
		case s.kind == tokEOF:
			return n, nil
		case s.kind != tokStart:
		case s.is(nsW, "abstractNum"):
			id, ok := intAttr(s, "abstractNumId")
			a, err := readAbstract(s)
			if err != nil {
				return nil, err
			}
			if ok {
				n.abstracts[id] = a
			}
		case s.is(nsW, "num"):
			id, ok := intAttr(s, "numId")
			m, err := readNum(s)
			if err != nil {
				return nil, err
			}
			if ok {
				n.nums[id] = m
			}
		}
	}
}

func intAttr(s *scanner, name string) (int, bool) {
	v, ok := s.attr(name)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || i < -1<<30 || i > 1<<30 {
		return 0, false
	}
	return i, true
}

// onOff reads a toggle property such as <w:isLgl/> or <w:vanish w:val="0"/>.
func onOff(s *scanner) bool {
	v, ok := s.attr("val")
	return !ok || v == "1" || v == "true" || v == "on"
}

func readAbstract(s *scanner) (*abstractNum, error) {
	a := &abstractNum{}
	err := s.descend(func(bool) error {
		switch {
		case s.is(nsW, "lvl"):
			i, ok := intAttr(s, "ilvl")
			l, err := readLevel(s)
			if err != nil {
				return err
			}
			if ok && i >= 0 && i < maxLevels {
				a.levels[i] = l
			}
		case s.is(nsW, "numStyleLink"):
			a.numStyleLink, _ = s.attr("val")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func readLevel(s *scanner) (*level, error) {
	l := &level{start: 1, format: "decimal", restart: -1, suffix: "\t"}
	err := s.descend(func(child bool) error {
		if !child || s.ns != nsW {
			return nil
		}
		v, _ := s.attr("val")
		switch string(s.local) {
		case "start":
			if i, ok := intAttr(s, "val"); ok && i >= 0 {
				l.start = i
			}
		case "numFmt":
			l.format = v
		case "lvlText":
			l.text = v
			if len(v) > maxLabel {
				l.text = truncate(v, maxLabel)
			}
		case "lvlRestart":
			if i, ok := intAttr(s, "val"); ok {
				l.restart = i
			}
		case "isLgl":
			l.legal = onOff(s)
		case "suff":
			switch v {
			case "space":
				l.suffix = " "
			case "nothing":
				l.suffix = ""
			}
		case "pStyle":
			l.style = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

func readNum(s *scanner) (*num, error) {
	m := &num{abstract: -1}
	ilvl := -1 // the w:lvlOverride being read
	var visit func(bool) error
	visit = func(bool) error {
		if s.ns != nsW {
			return nil
		}
		switch string(s.local) {
		case "abstractNumId":
			if i, ok := intAttr(s, "val"); ok {
				m.abstract = i
			}
		case "lvlOverride":
			ilvl = -1
			if i, ok := intAttr(s, "ilvl"); ok && i >= 0 && i < maxLevels {
				ilvl = i
			}
			// Its contents see its level; what follows its end, none.
			err := s.descend(visit)
			ilvl = -1
			return err
		case "startOverride":
			if i, ok := intAttr(s, "val"); ok && ilvl >= 0 && i >= 0 {
				m.starts[ilvl], m.hasStart[ilvl] = i, true
			}
		case "lvl":
			l, err := readLevel(s)
			if err != nil {
				return err
			}
			if ilvl >= 0 {
				m.overrides[ilvl] = l
			}
		}
		return nil
	}
	if err := s.descend(visit); err != nil {
		return nil, err
	}
	return m, nil
}

// abstractOf returns the definition a list instance uses, following a
// numbering style link (w:numStyleLink) to the definition it names.
func (n *numbering) abstractOf(numID int) *abstractNum {
	m := n.nums[numID]
	if m == nil {
		return nil
	}
	a := n.abstracts[m.abstract]
	for hops := 0; a != nil && a.numStyleLink != "" && hops < 4; hops++ {
		linked, _, ok := n.styles.numPr(a.numStyleLink)
		if !ok || n.nums[linked] == nil {
			break
		}
		a = n.abstracts[n.nums[linked].abstract]
	}
	return a
}

// levelOf returns level ilvl of list instance numID, overrides applied.
func (n *numbering) levelOf(numID, ilvl int) *level {
	m := n.nums[numID]
	if m == nil || ilvl < 0 || ilvl >= maxLevels {
		return nil
	}
	if l := m.overrides[ilvl]; l != nil {
		return l
	}
	if a := n.abstractOf(numID); a != nil {
		return a.levels[ilvl]
	}
	return nil
}

// styleLevel returns the level of list numID linked to paragraph style id,
// or -1.
func (n *numbering) styleLevel(numID int, id string) int {
	a := n.abstractOf(numID)
	if a == nil || id == "" {
		return -1
	}
	for i, l := range a.levels {
		if l != nil && l.style == id {
			return i
		}
	}
	return -1
}

// label advances the counters for a paragraph of list numID at level ilvl
// and returns its number as Word shows it, suffix included, or "" when the
// list or level is not defined.
func (n *numbering) label(numID, ilvl int) string {
	l := n.levelOf(numID, ilvl)
	if l == nil {
		return ""
	}
	m := n.nums[numID]
	counts := n.counts[numID]
	if counts == nil {
		counts = new(counters)
		n.counts[numID] = counts
	}
	if counts.used[ilvl] {
		counts.v[ilvl]++
	} else {
		counts.v[ilvl], counts.used[ilvl] = n.start(m, l, ilvl), true
	}
	// Lower levels restart, unless their w:lvlRestart says otherwise.
	for j := ilvl + 1; j < maxLevels; j++ {
		lj := n.levelOf(numID, j)
		if lj == nil || lj.restart < 0 || lj.restart > ilvl {
			counts.used[j] = false
		}
	}
	if l.format == "none" {
		return ""
	}
	if l.format == "bullet" {
		return "•" + l.suffix
	}
	var b strings.Builder
	text := l.text
	for b.Len() < maxLabel {
		i := strings.IndexByte(text, '%')
		if i < 0 || i+1 >= len(text) {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		d := text[i+1]
		text = text[i+2:]
		if d < '1' || d > '9' {
			continue
		}
		k := int(d - '1')
		lk := n.levelOf(numID, k)
		if lk == nil {
			continue
		}
		v := counts.v[k]
		if !counts.used[k] {
			v = n.start(m, lk, k)
		}
		format := lk.format
		if l.legal && k < ilvl {
			format = "decimal"
		}
		b.WriteString(formatNumber(v, format))
	}
	if b.Len() == 0 {
		return ""
	}
	b.WriteString(l.suffix)
	if b.Len() > maxLabel {
		return truncate(b.String(), maxLabel)
	}
	return b.String()
}

// maxLabel bounds a list label in bytes: a level text of thousands of "%1"
// would otherwise print its counter that many times on every paragraph.
const maxLabel = 256

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (n *numbering) start(m *num, l *level, ilvl int) int {
	if m.hasStart[ilvl] {
		return m.starts[ilvl]
	}
	return l.start
}
