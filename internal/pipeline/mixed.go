package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

// mixedConverter reads text that holds raw HTML tables, as Markdown does
// where its own tables cannot merge cells (pandoc -t gfm or -t markdown of
// a Word report): the text through the text converter, each <table> element
// through the HTML one, in document order.
type mixedConverter struct {
	text, html converters.Converter
}

// htmlTables returns the byte ranges of the outermost <table> elements in
// data, nested tables inside them. Tags are ASCII, so this holds for UTF-8
// and GB18030 text alike.
func htmlTables(data []byte) [][2]int {
	var spans [][2]int
	depth, start := 0, 0
	for i := 0; i < len(data); {
		k := bytes.IndexByte(data[i:], '<')
		if k < 0 {
			break
		}
		i += k
		switch {
		case tagAt(data[i:], "<table"):
			if depth == 0 {
				start = i
			}
			depth++
		case tagAt(data[i:], "</table") && depth > 0:
			if depth--; depth == 0 {
				end := bytes.IndexByte(data[i:], '>')
				if end < 0 {
					return spans
				}
				spans = append(spans, [2]int{start, i + end + 1})
			}
		}
		i++
	}
	return spans
}

// tagAt reports whether b starts with the tag name, case-insensitively,
// followed by the end of the name.
func tagAt(b []byte, tag string) bool {
	if len(b) <= len(tag) || !bytes.EqualFold(b[:len(tag)], []byte(tag)) {
		return false
	}
	switch b[len(tag)] {
	case '>', ' ', '\t', '\n', '\r', '/':
		return true
	}
	return false
}

// Convert converts data's text and tables in turn into one document.
func (m mixedConverter) Convert(ctx context.Context, name string, data []byte) (*layout.Document, error) {
	doc := &layout.Document{Method: "text"}
	last := 0
	add := func(c converters.Converter, part []byte) error {
		d, err := c.Convert(ctx, name, part)
		if errors.Is(err, converters.ErrEmpty) {
			return nil // whitespace between two tables
		}
		if err != nil {
			return err
		}
		doc.Blocks = append(doc.Blocks, d.Blocks...)
		return nil
	}
	for _, sp := range htmlTables(data) {
		if err := add(m.text, data[last:sp[0]]); err != nil {
			return nil, err
		}
		if err := add(m.html, data[sp[0]:sp[1]]); err != nil {
			return nil, fmt.Errorf("the HTML table at byte %d: %w", sp[0], err)
		}
		last = sp[1]
	}
	if err := add(m.text, data[last:]); err != nil {
		return nil, err
	}
	if len(doc.Blocks) == 0 {
		return nil, converters.ErrEmpty
	}
	return doc, nil
}
