package docx

// style is what the reader needs of a style in styles.xml: its parent and
// the list numbering it gives its paragraphs.
type style struct {
	basedOn string
	numID   int
	hasNum  bool
	ilvl    int
	hasIlvl bool
}

// styles are a document's paragraph and numbering styles by id.
type styles struct {
	byID map[string]*style
	// def is the default paragraph style, used where a paragraph names none.
	def string
}

// maxBasedOn bounds the w:basedOn chain followed, against loops.
const maxBasedOn = 16

func readStyles(data []byte) (*styles, error) {
	st := &styles{byID: map[string]*style{}}
	if data == nil {
		return st, nil
	}
	s := newScanner(data)
	for {
		if err := s.next(); err != nil {
			return nil, err
		}
		if s.kind == tokEOF {
			return st, nil
		}
		if s.kind != tokStart || !s.is(nsW, "style") {
			continue
		}
		typ, _ := s.attr("type")
		id, _ := s.attr("styleId")
		def := false
		if v, ok := s.attr("default"); ok {
			def = v == "1" || v == "true" || v == "on"
		}
		one, err := readStyle(s)
		if err != nil {
			return nil, err
		}
		if typ != "paragraph" && typ != "numbering" || id == "" {
			continue
		}
		st.byID[id] = one
		if def && typ == "paragraph" {
			st.def = id
		}
	}
}

func readStyle(s *scanner) (*style, error) {
	one := &style{}
	err := s.descend(func(bool) error {
		if s.ns != nsW {
			return nil
		}
		switch string(s.local) {
		case "basedOn":
			one.basedOn, _ = s.attr("val")
		case "numId":
			one.numID, one.hasNum = intAttr(s, "val")
		case "ilvl":
			one.ilvl, one.hasIlvl = intAttr(s, "val")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return one, nil
}

// numPr returns the list instance and level style id gives its paragraphs,
// following w:basedOn. ilvl is -1 when no style in the chain sets it.
func (st *styles) numPr(id string) (numID, ilvl int, ok bool) {
	ilvl = -1
	if st == nil {
		return 0, -1, false
	}
	for hops := 0; id != "" && hops < maxBasedOn; hops++ {
		s := st.byID[id]
		if s == nil {
			break
		}
		if s.hasIlvl && ilvl < 0 {
			ilvl = s.ilvl
		}
		if s.hasNum && !ok {
			numID, ok = s.numID, true
		}
		id = s.basedOn
	}
	return numID, ilvl, ok
}
