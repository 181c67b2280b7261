package html

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A page is read with x/net/html's tokenizer (ported to read the page in
// place: see lex.go) into a tree built here rather than by html.Parse: most
// of a portal's page is site chrome, scripts and style sheets, and
// html.Parse builds all of it, attributes and all, only for the walker to
// drop it (four fifths of the time of a page of 80 KB).
// The builder follows the HTML tree construction rules that decide where a
// text's blocks and a table's cells end (implied end tags, end tags matched
// within their scopes, rows and cells of tables implied, text and elements
// misplaced in a table put before it, misnested formatting ended at the
// block it crosses) and drops while it reads what the walker would drop:
// the text of scripts and style sheets, unread elements (see ignored) and,
// outside tables, site chrome. Inside a table everything is built, as
// whether it is a layout table depends on all it holds. What is dropped is
// passed over by scan, which finds its tags without the lexer.
//
// It is not the whole of HTML's rules: formatting elements are not
// reopened in the next block, an SVG image ends at a tag HTML does not
// allow in one or at an HTML tag in its title or description, a template's
// content is skipped whole, and a frameset reads as a body. On pages of
// random tag soup, 0.1% read otherwise than through html.Parse; the corpus,
// the renderings and the real pages read the same.

// maxDepth is how deeply elements may nest, as html.Parse allows (512
// open elements counting <html> and <body>).
const maxDepth = 510

// errTooDeep is returned for pages nested deeper than maxDepth.
var errTooDeep = errors.New("html: open stack of elements exceeds 512 nodes")

// buildMode says what the builder keeps.
type buildMode int

const (
	// dropChrome drops site chrome outside tables.
	dropChrome buildMode = iota
	// keepChrome keeps it, for a page that has no text without it.
	keepChrome
	// keepAll keeps everything but the text of scripts, with the
	// attributes positioned reads: a page converted from PDF.
	keepAll
)

// open is an element on the stack of open elements.
type open struct {
	a    atom.Atom
	name string     // the tag name when a is 0
	node *html.Node // nil when dropped
}

// builder builds the tree of one page.
type builder struct {
	ctx    context.Context
	mode   buildMode
	z      lexer
	doc    *html.Node
	stack  []open
	tables int // tables on the stack

	started     bool // the body has begun
	head        bool // inside <head>
	selfClosing bool // the current start tag ends in "/>"
	scanning    bool // tags come from scan, not the lexer
	undo        undo // the state before scan's last tag
	// kept is how much of the stack is as undo holds it: save copies only
	// what is above, as a tag scan reads seldom changes more than the top.
	kept int
	// quirks is the page's mode, which its doctype (or none, quirks) sets
	// before anything else; moded once it is set.
	quirks, moded bool
	form          bool // a <form> is open
	dropText      bool // the next text is an unread raw text element's
	foster        bool // elements misplaced in a table go before it

	// Skipped content: a template's (its depth of templates) and an SVG
	// image's (its open elements, the first the <svg>).
	template int
	svg      []string

	nodes  *arena     // where nodes are cut from
	name   [32]byte   // the current tag's name, lower case
	attrs  []keptAttr // the current start tag's, as readAttrs keeps them
	tokens int
}

// keptAttr is an attribute kept, its value in the page's text (see arena.text).
type keptAttr struct {
	key string
	val bounds
}

// build reads src into a tree, whose nodes are cut from nodes.
func build(ctx context.Context, src []byte, mode buildMode, nodes *arena) (*html.Node, error) {
	nodes.text, nodes.texts = nodes.text[:0], nodes.texts[:0]
	b := &builder{ctx: ctx, mode: mode, z: lexer{src: src},
		doc: &html.Node{Type: html.DocumentNode}, quirks: true, nodes: nodes}
	for {
		if b.tokens++; b.tokens%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		b.z.allowCDATA = len(b.svg) > 0
		tt := b.z.next()
		var err error
		switch tt {
		case html.ErrorToken:
			// The page has ended: the lexer meets no other error.
			nodes.writeText()
			return b.doc, nil
		case html.DoctypeToken:
			if !b.moded {
				b.moded, b.quirks = true, quirks(b.z.text())
			}
		case html.TextToken:
			t := b.z.text()
			b.moded = b.moded || !isSpace(t)
			err = b.text(t)
		case html.StartTagToken, html.SelfClosingTagToken:
			b.moded = true
			b.dropText = false
			b.selfClosing = tt == html.SelfClosingTagToken
			a, name := b.lookup(b.z.name())
			if err = b.start(a, name); err == nil && b.mode != keepAll && b.skipped() && !rawTag(a) {
				err = b.scan()
			}
		case html.EndTagToken:
			b.moded = true
			b.dropText = false
			err = b.end(b.lookup(b.z.name()))
		}
		if err != nil {
			return nil, err
		}
	}
}

// lookup returns the atom and lower case form of a tag's name, valid until
// the next tag.
func (b *builder) lookup(raw []byte) (atom.Atom, []byte) {
	name := b.name[:0]
	if len(raw) > len(b.name) {
		name = make([]byte, 0, len(raw))
	}
	var packed uint64 // a short name, for the arena's atoms
	for i, c := range raw {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		name = append(name, c)
		packed |= uint64(c) << (8 * (i & 7))
	}
	if len(name) > 7 || len(name) == 0 {
		return lookupAtom(name), name
	}
	packed |= uint64(len(name)) << 56
	e := &b.nodes.atoms[(packed*0x9E3779B97F4A7C15)>>(64-6)]
	if e.name != packed {
		e.name, e.atom = packed, lookupAtom(name)
	}
	return e.atom, name
}

// lookupAtom returns the atom of a tag's lower case name.
func lookupAtom(name []byte) atom.Atom {
	if a := atom.Lookup(name); a != atom.Image {
		return a
	}
	return atom.Img
}

// nameEnd reports whether c ends a tag's name.
func nameEnd(c byte) bool {
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return true
	}
	return false
}

// top returns the current element, or a zero open.
func (b *builder) top() open {
	if len(b.stack) == 0 {
		return open{node: b.doc}
	}
	return b.stack[len(b.stack)-1]
}

// Insertion modes, as far as the builder tells them apart.
type insertion int

const (
	inBody insertion = iota
	inTable
	inTableBody
	inRow
	inCell
	inCaption
)

// insertion returns the mode from the nearest table element on the stack.
func (b *builder) insertion() insertion {
	if b.tables == 0 {
		return inBody
	}
	for i := len(b.stack) - 1; i >= 0; i-- {
		switch b.stack[i].a {
		case atom.Td, atom.Th:
			return inCell
		case atom.Caption:
			return inCaption
		case atom.Tr:
			return inRow
		case atom.Tbody, atom.Thead, atom.Tfoot:
			return inTableBody
		case atom.Table:
			return inTable
		}
	}
	return inBody
}

// tableish reports whether text and elements cannot go in a, so go before
// its table when misplaced.
func tableish(a atom.Atom) bool {
	switch a {
	case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
		return true
	}
	return false
}

// insert adds n as the current element's last child, or before the table
// when it is misplaced in one. It reports false when the place is dropped.
func (b *builder) insert(n *html.Node) bool {
	t := b.top()
	if b.foster && tableish(t.a) {
		for i := len(b.stack) - 1; i >= 0; i-- {
			if b.stack[i].a == atom.Table {
				table := b.stack[i].node
				if table == nil {
					return false
				}
				table.Parent.InsertBefore(n, table)
				return true
			}
		}
	}
	if t.node == nil {
		return false
	}
	t.node.AppendChild(n)
	return true
}

// dropped reports whether what is inserted now is dropped.
func (b *builder) dropped() bool {
	t := b.top()
	if b.foster && tableish(t.a) {
		for i := len(b.stack) - 1; i >= 0; i-- {
			if b.stack[i].a == atom.Table {
				return b.stack[i].node == nil
			}
		}
	}
	return t.node == nil
}

// push opens an element holding attrs; drop drops it with all it will hold.
func (b *builder) push(a atom.Atom, name []byte, drop bool, attrs []keptAttr) error {
	e := open{a: a}
	if a == 0 {
		e.name = string(name)
	}
	if !drop && !b.dropped() {
		data := e.name
		if a != 0 {
			data = a.String()
		}
		n := b.node(html.ElementNode, a, data)
		if len(attrs) > 0 {
			n.Attr = b.nodes.attrs(len(attrs))
			for i, at := range attrs {
				n.Attr[i].Key = at.key
				b.nodes.later(&n.Attr[i].Val, at.val)
			}
		}
		if b.insert(n) {
			e.node = n
		}
	}
	b.started = true
	b.kept = min(b.kept, len(b.stack))
	b.stack = append(b.stack, e)
	if a == atom.Table {
		b.tables++
	}
	if len(b.stack) > maxDepth {
		return errTooDeep
	}
	return nil
}

// nodeBlock is how many nodes are allocated at once: a page has hundreds.
const nodeBlock = 64

// arena is where a page's nodes are cut from, a block at a time. A tree
// lives only while Convert reads it, so its blocks are reused for the next
// page (see arenas) rather than allocated, and scanned for pointers by the
// garbage collector, each time.
type arena struct {
	blocks [][]html.Node
	used   int // blocks cut from, the last possibly in part
	n      int // nodes cut from the last
	// attr is where elements' attributes are cut from; when it is full
	// another is made, the nodes keeping the last.
	attr []html.Attribute
	// text is the text of the tree's text nodes and attribute values,
	// which are made one string when the tree is built (see writeText),
	// not a string each: texts says where each part goes.
	text  []byte
	texts []textPart
	// atoms holds the atoms of tag names of up to 7 bytes looked up on
	// this page or before, by a hash of the name: a page repeats a few
	// names thousands of times.
	atoms [64]struct {
		name uint64 // the name's bytes, the first lowest, and its length in the top byte
		atom atom.Atom
	}
}

// textPart is a part of arena.text and the string it is to be written to.
type textPart struct {
	to  *string
	had bounds
}

// arenas holds arenas between pages. It holds no page: release clears
// what an arena's nodes refer to.
var arenas = sync.Pool{New: func() any { return new(arena) }}

// maxPooledBlocks bounds the arenas pooled: a page of a hostile number of
// nodes leaves its arena to the garbage collector.
const maxPooledBlocks = 256

// node returns a zero node.
func (a *arena) node() *html.Node {
	if a.used == 0 || a.n == nodeBlock {
		if a.used == len(a.blocks) {
			a.blocks = append(a.blocks, make([]html.Node, nodeBlock))
		}
		a.used, a.n = a.used+1, 0
	}
	a.n++
	return &a.blocks[a.used-1][a.n-1]
}

// attrs returns n zero attributes.
func (a *arena) attrs(n int) []html.Attribute {
	if len(a.attr)+n > cap(a.attr) {
		a.attr = make([]html.Attribute, 0, max(2*cap(a.attr), nodeBlock, n))
	}
	s := a.attr[len(a.attr) : len(a.attr)+n : len(a.attr)+n]
	a.attr = a.attr[:len(a.attr)+n]
	return s
}

// addText appends s to the text, leaving out NUL bytes (which the lexer
// leaves in text, and has made U+FFFD in attribute values), and returns
// where it is.
func (a *arena) addText(s []byte) bounds {
	start := len(a.text)
	for {
		i := bytes.IndexByte(s, 0)
		if i < 0 {
			a.text = append(a.text, s...)
			return bounds{start, len(a.text)}
		}
		a.text = append(a.text, s[:i]...)
		s = s[i+1:]
	}
}

// later has to be set to the part had of the text once the tree is built.
func (a *arena) later(to *string, had bounds) {
	a.texts = append(a.texts, textPart{to, had})
}

// writeText makes the text one string and sets the strings of its parts.
func (a *arena) writeText() {
	s := string(a.text)
	for _, p := range a.texts {
		*p.to = s[p.had.start:p.had.end]
	}
	clear(a.texts)
	a.texts = a.texts[:0]
}

// release clears the nodes cut and puts the arena back in arenas.
func (a *arena) release() {
	for i := range a.used {
		clear(a.blocks[i])
	}
	a.used, a.n = 0, 0
	clear(a.attr)
	clear(a.texts)
	a.attr, a.text, a.texts = a.attr[:0], a.text[:0], a.texts[:0]
	if len(a.blocks) <= maxPooledBlocks {
		arenas.Put(a)
	}
}

// node returns a new node of type t, atom a and data.
func (b *builder) node(t html.NodeType, a atom.Atom, data string) *html.Node {
	n := b.nodes.node()
	n.Type, n.DataAtom, n.Data = t, a, data
	if b.scanning {
		b.undo.created = append(b.undo.created, n)
	}
	return n
}

// void adds an element that holds nothing (a <br>, an <hr>).
func (b *builder) void(a atom.Atom) {
	if !b.dropped() {
		b.insert(b.node(html.ElementNode, a, a.String()))
	}
}

// popTo pops elements up to and including the one at i.
func (b *builder) popTo(i int) {
	for j := len(b.stack) - 1; j >= i; j-- {
		if b.stack[j].a == atom.Table {
			b.tables--
		}
	}
	b.stack = b.stack[:i]
	b.kept = min(b.kept, i)
}

// remove takes the element at i off the stack, leaving those above it.
func (b *builder) remove(i int) {
	if b.stack[i].a == atom.Table {
		b.tables--
	}
	b.stack = append(b.stack[:i], b.stack[i+1:]...)
	b.kept = min(b.kept, i)
}

// Scopes, within which an end tag finds its element.
type scope int

const (
	defaultScope scope = iota
	listItemScope
	buttonScope
	tableScope
)

// inScope returns the index of the nearest element matching one of as
// within scope s, or -1.
func (b *builder) inScope(s scope, as ...atom.Atom) int {
	for i := len(b.stack) - 1; i >= 0; i-- {
		a := b.stack[i].a
		for _, m := range as {
			if a == m {
				return i
			}
		}
		switch a {
		case atom.Html, atom.Table, atom.Template:
			return -1
		case atom.Applet, atom.Caption, atom.Td, atom.Th, atom.Marquee, atom.Object, atom.Select:
			if s != tableScope {
				return -1
			}
		case atom.Ol, atom.Ul:
			if s == listItemScope {
				return -1
			}
		case atom.Button:
			if s == buttonScope {
				return -1
			}
		}
	}
	return -1
}

// popScope pops up to the nearest element matching one of as within scope
// s, and reports whether there was one.
func (b *builder) popScope(s scope, as ...atom.Atom) bool {
	i := b.inScope(s, as...)
	if i >= 0 {
		b.popTo(i)
	}
	return i >= 0
}

// closeP ends an open <p>, as block elements do.
func (b *builder) closeP() { b.popScope(buttonScope, atom.P) }

// clearTo pops elements above the nearest of as (or <html>, <template>).
func (b *builder) clearTo(as ...atom.Atom) {
	for i := len(b.stack) - 1; i >= 0; i-- {
		a := b.stack[i].a
		if a == atom.Html || a == atom.Template {
			b.popTo(i + 1)
			return
		}
		for _, m := range as {
			if a == m {
				b.popTo(i + 1)
				return
			}
		}
	}
	b.popTo(0)
}

// text adds a text token.
func (b *builder) text(s []byte) error {
	if b.dropText {
		b.dropText = false
		return nil
	}
	if b.template > 0 || len(b.svg) > 0 {
		return nil
	}
	if b.head && b.mode != keepAll {
		if isSpace(s) {
			return nil
		}
		b.head = false
	}
	t := b.top()
	if tableish(t.a) {
		if isSpace(s) {
			return nil
		}
		b.foster = true
		defer func() { b.foster = false }()
	}
	if (t.a == atom.Pre || t.a == atom.Listing) && t.node != nil && t.node.FirstChild == nil && len(s) > 0 && s[0] == '\n' {
		// A newline right after <pre> is not the text's.
		s = s[1:]
	}
	if len(s) == 0 || b.dropped() {
		return nil
	}
	n := b.node(html.TextNode, 0, "")
	b.nodes.later(&n.Data, b.nodes.addText(s))
	b.insert(n)
	b.started = true
	return nil
}

func isSpace(s []byte) bool {
	for _, c := range s {
		switch c {
		case ' ', '\t', '\n', '\f', '\r':
		default:
			return false
		}
	}
	return true
}

// keptAttrs are the attributes the walker and positioned read.
var keptAttrs = [...]string{"id", "class", "role", "style", "rowspan", "colspan"}

// readAttrs keeps the attributes of the current start tag that the walker
// and positioned read, and reports whether they make it site chrome.
func (b *builder) readAttrs(a atom.Atom) (chrome bool) {
	cell := a == atom.Td || a == atom.Th
	part := cell || a == atom.Tr || a == atom.Tbody || a == atom.Thead || a == atom.Tfoot || a == atom.Table
	z := &b.z
	seen := 0 // of keptAttrs: the first of a name is read, as by x/net
	for i, kv := range z.attr {
		k := z.src[kv[0].start:kv[0].end]
		n := slices.IndexFunc(keptAttrs[:], func(s string) bool { return equalFold(k, s) })
		if n < 0 || seen&(1<<n) != 0 {
			continue
		}
		seen |= 1 << n
		key := keptAttrs[n]
		switch key {
		case "id", "class", "role":
			check, keep := b.mode == dropChrome, b.mode == keepAll || b.tables > 0 || part
			if !check && !keep {
				continue
			}
			v := z.attrVal(i, key)
			if check && chromeAttr(key, v) {
				chrome = true
			}
			if keep {
				b.keep(key, v)
			}
		case "style":
			if b.mode == keepAll {
				b.keep(key, z.attrVal(i, key))
			}
		case "rowspan", "colspan":
			if cell {
				b.keep(key, z.attrVal(i, key))
			}
		}
	}
	return chrome
}

// keep keeps an attribute of the current start tag.
func (b *builder) keep(key string, val []byte) {
	b.attrs = append(b.attrs, keptAttr{key, b.nodes.addText(val)})
}

// inText reports whether an article or main element is open.
func (b *builder) inText() bool {
	for i := len(b.stack) - 1; i >= 0; i-- {
		if a := b.stack[i].a; a == atom.Article || a == atom.Main {
			return true
		}
	}
	return false
}

// rawUnreadTags are the raw text elements whose text is never read.
var rawUnreadTags = []atom.Atom{atom.Script, atom.Style, atom.Title, atom.Textarea, atom.Noscript, atom.Iframe}

// rawUnread reports whether a is one of rawUnreadTags.
func rawUnread(a atom.Atom) bool { return slices.Contains(rawUnreadTags, a) }

// start handles a start tag.
func (b *builder) start(a atom.Atom, name []byte) error {
	if b.skipping(a, name, true) {
		return nil
	}
	chrome := false
	b.attrs = b.attrs[:0]
	if !b.scanning {
		// scan reads no attributes: where a tag of its ends what is
		// dropped, the lexer reads the tag again.
		chrome = b.readAttrs(a)
	}
	if a == atom.Script || b.mode != keepAll && rawUnread(a) {
		// Its text is never read: positioned reads style sheets, and the
		// text of all of these, but not of scripts.
		if !b.scanning {
			b.dropText = true
		}
		return nil
	}
	if b.mode != keepAll {
		if b.head {
			switch a {
			case atom.Noframes:
				b.dropText = true
				return nil
			case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Head:
				return nil
			}
			b.head = false
		}
		if !b.started {
			switch a {
			case atom.Head:
				b.head = true
				return nil
			case atom.Noframes:
				// It belongs to the head.
				b.dropText = true
				return nil
			}
		}
	}
	return b.dispatch(a, name, chrome, b.attrs)
}

// dispatch handles a start tag by the insertion mode.
func (b *builder) dispatch(a atom.Atom, name []byte, chrome bool, attrs []keptAttr) error {
	switch b.insertion() {
	case inTable:
		return b.startInTable(a, name, chrome, attrs)
	case inTableBody:
		return b.startInTableBody(a, name, chrome, attrs)
	case inRow:
		return b.startInRow(a, name, chrome, attrs)
	case inCell:
		switch a {
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
			if !b.popScope(tableScope, atom.Td, atom.Th) {
				return nil
			}
			return b.dispatch(a, name, chrome, attrs)
		}
	case inCaption:
		switch a {
		case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
			if !b.popScope(tableScope, atom.Caption) {
				return nil
			}
			return b.dispatch(a, name, chrome, attrs)
		}
	}
	return b.startInBody(a, name, chrome, attrs)
}

// startInTable handles a start tag in a table outside its rows.
func (b *builder) startInTable(a atom.Atom, name []byte, chrome bool, attrs []keptAttr) error {
	switch a {
	case atom.Caption:
		b.clearTo(atom.Table)
		return b.push(a, name, false, attrs)
	case atom.Colgroup, atom.Col:
		b.clearTo(atom.Table)
		return nil
	case atom.Tbody, atom.Thead, atom.Tfoot:
		b.clearTo(atom.Table)
		return b.push(a, name, false, attrs)
	case atom.Td, atom.Th, atom.Tr:
		b.clearTo(atom.Table)
		if err := b.push(atom.Tbody, nil, false, nil); err != nil {
			return err
		}
		return b.dispatch(a, name, chrome, attrs)
	case atom.Table:
		if !b.popScope(tableScope, atom.Table) {
			return nil
		}
		return b.dispatch(a, name, chrome, attrs)
	case atom.Style, atom.Script, atom.Template:
		return b.startInBody(a, name, chrome, attrs)
	case atom.Input, atom.Form:
		return nil
	}
	// Not deferred: with this function's many returns, a defer would cost
	// every call.
	b.foster = true
	err := b.startInBody(a, name, chrome, attrs)
	b.foster = false
	return err
}

// startInTableBody handles a start tag in a thead, tbody or tfoot.
func (b *builder) startInTableBody(a atom.Atom, name []byte, chrome bool, attrs []keptAttr) error {
	switch a {
	case atom.Tr:
		b.clearTo(atom.Tbody, atom.Thead, atom.Tfoot)
		return b.push(a, name, false, attrs)
	case atom.Td, atom.Th:
		b.clearTo(atom.Tbody, atom.Thead, atom.Tfoot)
		if err := b.push(atom.Tr, nil, false, nil); err != nil {
			return err
		}
		return b.dispatch(a, name, chrome, attrs)
	case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Tfoot, atom.Thead:
		if b.inScope(tableScope, atom.Tbody, atom.Thead, atom.Tfoot) < 0 {
			return nil
		}
		b.clearTo(atom.Tbody, atom.Thead, atom.Tfoot)
		b.popTo(len(b.stack) - 1)
		return b.dispatch(a, name, chrome, attrs)
	}
	return b.startInTable(a, name, chrome, attrs)
}

// startInRow handles a start tag in a row outside its cells.
func (b *builder) startInRow(a atom.Atom, name []byte, chrome bool, attrs []keptAttr) error {
	switch a {
	case atom.Td, atom.Th:
		b.clearTo(atom.Tr)
		return b.push(a, name, false, attrs)
	case atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
		if b.inScope(tableScope, atom.Tr) < 0 {
			return nil
		}
		b.clearTo(atom.Tr)
		b.popTo(len(b.stack) - 1)
		return b.dispatch(a, name, chrome, attrs)
	}
	return b.startInTable(a, name, chrome, attrs)
}

// startInBody handles a start tag in the flow of the text.
func (b *builder) startInBody(a atom.Atom, name []byte, chrome bool, attrs []keptAttr) error {
	drop := false
	if b.mode != keepAll && b.tables == 0 {
		drop = ignored(a) || chrome
		if b.mode == dropChrome {
			switch a {
			case atom.Nav, atom.Aside:
				drop = true
			case atom.Header, atom.Footer:
				drop = drop || !b.inText()
			}
		}
	}
	switch a {
	case atom.Html, atom.Body, atom.Frameset, atom.Head,
		atom.Caption, atom.Col, atom.Colgroup, atom.Frame, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
		return nil
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Details, atom.Dialog, atom.Dir,
		atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Header, atom.Hgroup,
		atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Search, atom.Section, atom.Summary, atom.Ul,
		atom.Pre, atom.Listing, atom.Plaintext, atom.Xmp:
		b.closeP()
	case atom.Table:
		if !b.quirks {
			// In quirks mode a table goes inside a <p>, and text misplaced
			// in it joins the <p>'s.
			b.closeP()
		}
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		b.closeP()
		switch b.top().a {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			b.popTo(len(b.stack) - 1)
		}
	case atom.Form:
		if b.form {
			return nil
		}
		b.closeP()
		b.form = true
	case atom.Li, atom.Dd, atom.Dt:
		for i := len(b.stack) - 1; i >= 0; i-- {
			e := b.stack[i].a
			if e == a || a != atom.Li && (e == atom.Dd || e == atom.Dt) {
				b.popTo(i)
				break
			}
			if e != atom.Address && e != atom.Div && e != atom.P && special(e) {
				break
			}
		}
		b.closeP()
	case atom.Button:
		b.popScope(defaultScope, atom.Button)
	case atom.A:
		// A link inside a link ends it.
		for i := len(b.stack) - 1; i >= 0; i-- {
			e := b.stack[i].a
			if e == atom.A {
				b.endFormatting(i)
				break
			}
			if e == atom.Td || e == atom.Th || e == atom.Caption || e == atom.Table {
				break
			}
		}
	case atom.Br, atom.Hr:
		if a == atom.Hr {
			b.closeP()
			if b.inScope(defaultScope, atom.Select) >= 0 {
				b.impliedEnds(false)
			}
		}
		b.void(a)
		return nil
	case atom.Input:
		b.popScope(defaultScope, atom.Select)
		return nil
	case atom.Area, atom.Embed, atom.Img, atom.Keygen, atom.Wbr, atom.Param, atom.Source, atom.Track,
		atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta:
		return nil
	case atom.Select:
		if b.popScope(defaultScope, atom.Select) {
			return nil
		}
	case atom.Template:
		if b.mode != keepAll {
			b.template = 1
			return nil
		}
	case atom.Svg:
		if b.mode != keepAll {
			if !b.selfClosing {
				b.svg = append(b.svg[:0], "svg")
			}
			return nil
		}
	case atom.Option, atom.Optgroup:
		if b.inScope(defaultScope, atom.Select) >= 0 {
			b.impliedEnds(a == atom.Option)
		} else if b.top().a == atom.Option {
			b.popTo(len(b.stack) - 1)
		}
	}
	return b.push(a, name, drop, attrs)
}

// skipping handles a tag inside a template or an SVG image, which nianbao
// does not read, and reports whether it did. A tag that HTML does not
// allow in an image ends it, as do tags inside the image's title or
// description and end tags of no element open in it.
func (b *builder) skipping(a atom.Atom, name []byte, start bool) bool {
	switch {
	case b.template > 0:
		if a == atom.Template {
			if start {
				b.template++
			} else {
				b.template--
			}
		}
		return true
	case len(b.svg) == 0:
		return false
	case start:
		switch b.svg[len(b.svg)-1] {
		case "desc", "title", "foreignobject":
		default:
			if !breakout(a) {
				if !b.selfClosing {
					b.svg = append(b.svg, string(name))
				}
				return true
			}
		}
	default:
		for i := len(b.svg) - 1; i >= 0; i-- {
			if b.svg[i] == string(name) {
				b.svg = b.svg[:i]
				return true
			}
		}
	}
	b.svg = b.svg[:0]
	return false
}

// breakout reports whether a start tag ends an SVG image it is in.
func breakout(a atom.Atom) bool {
	switch a {
	case atom.B, atom.Big, atom.Blockquote, atom.Body, atom.Br, atom.Center, atom.Code, atom.Dd, atom.Div,
		atom.Dl, atom.Dt, atom.Em, atom.Embed, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head,
		atom.Hr, atom.I, atom.Img, atom.Li, atom.Listing, atom.Menu, atom.Meta, atom.Nobr, atom.Ol, atom.P,
		atom.Pre, atom.Ruby, atom.S, atom.Small, atom.Span, atom.Strong, atom.Strike, atom.Sub, atom.Sup,
		atom.Table, atom.Tt, atom.U, atom.Ul, atom.Var:
		return true
	}
	return false
}

// special reports whether a is one of the elements HTML calls special,
// which end tags of other elements do not cross.
func special(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base, atom.Basefont, atom.Bgsound,
		atom.Blockquote, atom.Body, atom.Br, atom.Button, atom.Caption, atom.Center, atom.Col, atom.Colgroup,
		atom.Dd, atom.Details, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Embed, atom.Fieldset, atom.Figcaption,
		atom.Figure, atom.Footer, atom.Form, atom.Frame, atom.Frameset, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.H5, atom.H6, atom.Head, atom.Header, atom.Hgroup, atom.Hr, atom.Html, atom.Iframe, atom.Img,
		atom.Input, atom.Keygen, atom.Li, atom.Link, atom.Listing, atom.Main, atom.Marquee, atom.Menu, atom.Meta,
		atom.Nav, atom.Noembed, atom.Noframes, atom.Noscript, atom.Object, atom.Ol, atom.P, atom.Param,
		atom.Plaintext, atom.Pre, atom.Script, atom.Section, atom.Select, atom.Source, atom.Style, atom.Summary,
		atom.Table, atom.Tbody, atom.Td, atom.Template, atom.Textarea, atom.Tfoot, atom.Th, atom.Thead,
		atom.Title, atom.Tr, atom.Track, atom.Ul, atom.Wbr, atom.Xmp:
		return true
	}
	return false
}

// end handles an end tag.
func (b *builder) end(a atom.Atom, name []byte) error {
	if b.skipping(a, name, false) {
		return nil
	}
	if b.head {
		switch a {
		case atom.Head:
			b.head = false
			return nil
		case atom.Body, atom.Html, atom.Br:
			b.head = false
		default:
			return nil
		}
	}
	switch b.insertion() {
	case inTable, inTableBody, inRow:
		switch a {
		case atom.Table:
			b.popScope(tableScope, atom.Table)
			return nil
		case atom.Tbody, atom.Thead, atom.Tfoot:
			if b.inScope(tableScope, a) >= 0 {
				b.clearTo(atom.Tbody, atom.Thead, atom.Tfoot)
				b.popTo(len(b.stack) - 1)
			}
			return nil
		case atom.Tr:
			if b.inScope(tableScope, atom.Tr) >= 0 {
				b.clearTo(atom.Tr)
				b.popTo(len(b.stack) - 1)
			}
			return nil
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th:
			return nil
		}
		// Not deferred: with this function's many returns, a defer would
		// cost every call.
		b.foster = true
		err := b.endInBody(a, name)
		b.foster = false
		return err
	case inCell:
		switch a {
		case atom.Td, atom.Th:
			b.popScope(tableScope, a)
			return nil
		case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html:
			return nil
		case atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
			if b.inScope(tableScope, a) < 0 {
				return nil
			}
			b.popScope(tableScope, atom.Td, atom.Th)
			return b.end(a, name)
		}
	case inCaption:
		switch a {
		case atom.Caption:
			b.popScope(tableScope, atom.Caption)
			return nil
		case atom.Table:
			if b.popScope(tableScope, atom.Caption) {
				return b.end(a, name)
			}
			return nil
		case atom.Body, atom.Col, atom.Colgroup, atom.Html, atom.Tbody, atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr:
			return nil
		}
	}
	return b.endInBody(a, name)
}

// endInBody handles an end tag in the flow of the text.
func (b *builder) endInBody(a atom.Atom, name []byte) error {
	switch a {
	case atom.Body, atom.Html:
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Button, atom.Center, atom.Details,
		atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer,
		atom.Header, atom.Hgroup, atom.Listing, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Pre, atom.Search,
		atom.Section, atom.Select, atom.Summary, atom.Ul,
		atom.Dd, atom.Dt, atom.Applet, atom.Marquee, atom.Object:
		b.popScope(defaultScope, a)
	case atom.Form:
		if b.form {
			b.form = false
			if i := b.inScope(defaultScope, atom.Form); i >= 0 {
				b.remove(i)
			}
		}
	case atom.P:
		if b.inScope(buttonScope, atom.P) < 0 {
			// A </p> with no <p> open ends an empty paragraph.
			if err := b.startInBody(atom.P, nil, false, nil); err != nil {
				return err
			}
		}
		b.closeP()
	case atom.Li:
		b.popScope(listItemScope, atom.Li)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		b.popScope(defaultScope, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6)
	case atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr, atom.S, atom.Small,
		atom.Strike, atom.Strong, atom.Tt, atom.U:
		if i := b.inScope(defaultScope, a); i >= 0 {
			b.endFormatting(i)
		}
	case atom.Br:
		return b.startInBody(atom.Br, name, false, nil)
	default:
		for i := len(b.stack) - 1; i >= 0; i-- {
			e := b.stack[i]
			if e.a == a && (a != 0 || e.name == string(name)) {
				b.popTo(i)
				break
			}
			if special(e.a) {
				break
			}
		}
	}
	return nil
}

// impliedEnds pops the elements whose end tags may be left out, but an
// optgroup if keepOptgroup.
func (b *builder) impliedEnds(keepOptgroup bool) {
	for len(b.stack) > 0 {
		switch b.top().a {
		case atom.Dd, atom.Dt, atom.Li, atom.Option, atom.P, atom.Rb, atom.Rp, atom.Rt, atom.Rtc:
		case atom.Optgroup:
			if keepOptgroup {
				return
			}
		default:
			return
		}
		b.popTo(len(b.stack) - 1)
	}
}

// endFormatting ends the formatting element at i. Where blocks were opened
// inside it, HTML moves them out of it and they stay open; the text reads
// the same if the element is only taken off the stack.
func (b *builder) endFormatting(i int) {
	for j := i + 1; j < len(b.stack); j++ {
		if special(b.stack[j].a) {
			b.remove(i)
			return
		}
	}
	b.popTo(i)
}

// quirks reports whether a page of the doctype doc (<!DOCTYPE doc>) is
// read in quirks mode. Which doctypes are is a long list of old public
// identifiers, which html.Parse is asked rather than copied: it parses a
// <p> holding a <table> only in quirks mode.
func quirks(doc []byte) bool {
	if string(doc) == "html" {
		return false
	}
	root, err := html.Parse(strings.NewReader("<!DOCTYPE " + string(doc) + "><p><table></table>"))
	if err != nil {
		return true
	}
	for n := range root.Descendants() {
		if n.DataAtom == atom.Table {
			return n.Parent.DataAtom == atom.P
		}
	}
	return true
}

// skipped reports whether what the page holds at this point is dropped.
func (b *builder) skipped() bool {
	return b.dropped() || b.template > 0 || len(b.svg) > 0
}

// rawTags are the elements whose text the lexer reads raw, up to their
// end tag (plaintext: to the end of the page).
var rawTags = []atom.Atom{atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext, atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp}

// rawTag reports whether a is one of rawTags.
func rawTag(a atom.Atom) bool { return slices.Contains(rawTags, a) }

// scan reads on from the lexer's position while what the page holds is
// dropped (site chrome, mostly), by finding its tags alone: the lexer
// would read it byte by byte, attributes and all, only for all of it to be
// dropped. Tags, comments and raw text are told apart as the tokenizer
// tells them (see its readTag, readComment and readMarkupDeclaration), and
// each tag goes through the builder's rules, so the dropped part ends
// where it would. The lexer then starts anew where scan stopped.
func (b *builder) scan() error {
	s, i := b.z.src, b.z.raw.end
	b.scanning = true
	defer func() { b.scanning = false }()
tags:
	for n := 0; b.skipped(); n++ {
		if n%checkEvery == checkEvery-1 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
		j := bytes.IndexByte(s[i:], '<')
		if j < 0 || i+j+1 >= len(s) {
			i = len(s)
			break
		}
		i += j
		switch c := s[i+1]; {
		case isLetter(c):
			end := tagEnd(s, i+1)
			if end < 0 {
				i = len(s)
				break tags
			}
			a, name := b.scannedName(s[i+1:])
			b.selfClosing = s[end-2] == '/'
			tag := i
			i = end
			b.save()
			if err := b.start(a, name); err != nil {
				return err
			}
			if !b.skipped() {
				// The tag ends what is dropped: the lexer reads it
				// again, attributes and all.
				b.restore()
				i = tag
				break tags
			}
			if !rawTag(a) {
				continue
			}
			if string(name) == "plaintext" {
				i = len(s)
				continue
			}
			k := rawEnd(s[i:], a.String())
			if string(name) == "script" && b.template == 0 && len(b.svg) == 0 && bytes.Contains(s[i:i+k], []byte("<!--")) {
				// Script text with comments is read by rules of the
				// lexer's own: it goes on from the script's tag, which
				// changed nothing here.
				i = tag
				break tags
			}
			i += k
		case c == '/':
			switch {
			case i+2 >= len(s):
				i = len(s)
			case s[i+2] == '>':
				i += 3
			case isLetter(s[i+2]):
				end := tagEnd(s, i+2)
				if end < 0 {
					i = len(s)
					break tags
				}
				a, name := b.scannedName(s[i+2:])
				i = end
				if err := b.end(a, name); err != nil {
					return err
				}
			default:
				i = closeAngle(s, i+2)
			}
		case c == '!':
			switch {
			case bytes.HasPrefix(s[i+2:], []byte("--")):
				i = commentEnd(s, i+4)
			case len(b.svg) > 0 && bytes.HasPrefix(s[i+2:], []byte("[CDATA[")):
				if k := bytes.Index(s[i+9:], []byte("]]>")); k >= 0 {
					i += 9 + k + 3
				} else {
					i = len(s)
				}
			default:
				i = closeAngle(s, i+2)
			}
		case c == '?':
			i = closeAngle(s, i+1)
		default:
			i++ // a '<' of the text
		}
	}
	b.z.reset(i)
	return nil
}

// undo is the builder's state before a tag scan read.
type undo struct {
	stack         []open
	svg           []string
	tables, templ int
	form, started bool
	created       []*html.Node
}

// save keeps the state before a tag scan reads, for restore.
func (b *builder) save() {
	// Most tags scan reads change none of these slices, which are then
	// not copied.
	u := &b.undo
	u.stack = u.stack[:b.kept]
	if b.kept < len(b.stack) {
		u.stack = append(u.stack, b.stack[b.kept:]...)
	}
	b.kept = len(b.stack)
	if len(u.svg) > 0 || len(b.svg) > 0 {
		u.svg = append(u.svg[:0], b.svg...)
	}
	u.tables, u.templ, u.form, u.started = b.tables, b.template, b.form, b.started
	if len(u.created) > 0 {
		clear(u.created)
		u.created = u.created[:0]
	}
}

// restore returns to the state save kept, taking the nodes made since out
// of the tree.
func (b *builder) restore() {
	u := &b.undo
	b.stack = append(b.stack[:b.kept], u.stack[b.kept:]...)
	b.kept = len(b.stack)
	b.svg = append(b.svg[:0], u.svg...)
	b.tables, b.template, b.form, b.started = u.tables, u.templ, u.form, u.started
	for i := len(u.created) - 1; i >= 0; i-- {
		if n := u.created[i]; n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// scannedName returns the atom and lower case name of the tag whose name
// starts s.
func (b *builder) scannedName(s []byte) (atom.Atom, []byte) {
	n := 0
	for n < len(s) && !nameEnd(s[n]) {
		n++
	}
	return b.lookup(s[:n])
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isWhite(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

// skipWhite returns the offset of the first byte at or after i that is not
// whitespace.
func skipWhite(s []byte, i int) int {
	for i < len(s) && isWhite(s[i]) {
		i++
	}
	return i
}

// closeAngle returns the offset just past the first '>' at or after i, or
// len(s): the end of a bogus comment or a doctype.
func closeAngle(s []byte, i int) int {
	if k := bytes.IndexByte(s[i:], '>'); k >= 0 {
		return i + k + 1
	}
	return len(s)
}

// tagEnd returns the offset just past the '>' that ends the tag whose name
// starts at i, or -1 when the page ends first, reading its attributes as
// html.Tokenizer's readTag does: a '>' in a quoted value ends nothing.
func tagEnd(s []byte, i int) int {
	for i < len(s) && !nameEnd(s[i]) {
		i++
	}
	for {
		if i = skipWhite(s, i); i >= len(s) {
			return -1
		}
		if s[i] == '>' {
			return i + 1
		}
		// The attribute's name; a leading '=' is part of it.
		for k := i; i < len(s); i++ {
			if c := s[i]; isWhite(c) || c == '/' || c == '>' || c == '=' && i > k {
				break
			}
		}
		if i = skipWhite(s, i); i >= len(s) {
			return -1
		}
		switch s[i] {
		case '/':
			i++
			continue
		case '=':
		default:
			continue
		}
		if i = skipWhite(s, i+1); i >= len(s) {
			return -1
		}
		switch q := s[i]; q {
		case '>':
		case '\'', '"':
			k := bytes.IndexByte(s[i+1:], q)
			if k < 0 {
				return -1
			}
			i += 1 + k + 1
		default:
			for i < len(s) && !isWhite(s[i]) && s[i] != '>' {
				i++
			}
		}
	}
}

// commentEnd returns the offset just past the end of the comment whose text
// starts at i, after "<!--", as html.Tokenizer's readComment ends it:
// at "-->" or "--!>", or at once for "<!-->" and "<!--->".
func commentEnd(s []byte, i int) int {
	dashes, beginning := 0, true
	for ; i < len(s); i++ {
		switch s[i] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return i + 1
			}
		case '!':
			if dashes >= 2 {
				if i++; i >= len(s) {
					return len(s)
				}
				if s[i] == '>' {
					return i + 1
				}
				if s[i] == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return len(s)
}

// rawEnd returns the offset of the end tag "</tag" that ends raw text s, or
// len(s): one followed by whitespace, '/' or '>' (see html.Tokenizer).
func rawEnd(s []byte, tag string) int {
	for i := 0; ; {
		j := bytes.Index(s[i:], []byte("</"))
		if j < 0 {
			return len(s)
		}
		i += j
		k := i + 2 + len(tag)
		if k < len(s) && equalFold(s[i+2:k], tag) && nameEnd(s[k]) {
			return i
		}
		i += 2
	}
}
