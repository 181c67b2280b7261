package corpus

import (
	"slices"

	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/template"
)

// bookmark is what Word's text export leaves where its cursor was saved.
const bookmark = "[bookmark: _GoBack]"

// grid is a table as printed: the layout model, and for each of its rows the
// key of the template row it prints ("" for header rows).
type grid struct {
	layout.TableGrid
	keys []string
}

func (g *grid) add(key string, cells ...layout.Cell) {
	g.Rows = append(g.Rows, cells)
	g.keys = append(g.keys, key)
}

// headerRows is the number of header rows the grid starts with.
func (g *grid) headerRows() int {
	return slices.IndexFunc(g.keys, func(k string) bool { return k != "" })
}

func cell(text string, rows, cols int) layout.Cell {
	return layout.Cell{Text: text, RowSpan: rows, ColSpan: cols}
}

// grid lays a table out as the official template prints it, its text as the
// style prints it.
func (r *Report) grid(t *table, st Style) grid {
	switch t.def.Key {
	case template.ActiveDisclosure:
		return r.activeGrid(t, st)
	case template.Applications:
		return r.applicationsGrid(t, st)
	}
	return r.reviewsGrid(t, st)
}

// activeGrid prints table 1: per article a full-width group row, a header row
// and the rows, the last value of a short row spanning the rest.
func (r *Report) activeGrid(t *table, st Style) grid {
	width := 0
	for _, row := range t.rows {
		width = max(width, 1+len(row.cols))
	}
	var g grid
	group, n := "", 0
	for _, row := range t.rows {
		if row.def.Groups[0] != group {
			group = row.def.Groups[0]
			g.add("", cell(r.text(group), 1, width))
			header := []layout.Cell{cell(r.text(template.HeaderInfo), 1, 1)}
			for i, c := range row.cols {
				header = append(header, cell(r.text(c.Label), 1, lastSpan(i, len(row.cols), width)))
			}
			g.add("", header...)
		}
		cells := []layout.Cell{cell(r.text(r.activeLabel(row)), 1, 1)}
		for i, v := range row.vals {
			text := r.formatValue(v, st, t.def.Key)
			if st == Word && n == r.look.bookmarkCell {
				text = bookmark + text
			}
			n++
			cells = append(cells, cell(text, 1, lastSpan(i, len(row.vals), width)))
		}
		g.add(row.def.Key, cells...)
	}
	return g
}

// lastSpan spans the last of n value cells over the rest of a row of width.
func lastSpan(i, n, width int) int {
	if i == n-1 {
		return width - n
	}
	return 1
}

func (r *Report) activeLabel(row *row) string {
	if row.def.Key == "normative_documents" && r.look.shortNormative {
		return "规范性文件"
	}
	return row.def.Label
}

// applicationsGrid prints table 2: a three-row header, then each row with its
// merged group cells where a group starts.
func (r *Report) applicationsGrid(t *table, st Style) grid {
	cols := t.def.Columns
	last := len(cols) - 1
	var g grid
	g.add("", cell(r.text(template.HeaderCheckNote), 3, template.LabelColumns), cell(r.text(template.HeaderApplicants), 1, len(cols)))
	g.add("", cell(r.text(cols[0].Label), 2, 1), cell(r.text(template.HeaderOrganisations), 1, last-1), cell(r.text(cols[last].Label), 2, 1))
	var orgs []layout.Cell
	for _, c := range cols[1:last] {
		orgs = append(orgs, cell(r.text(r.look.narrow(c.Label)), 1, 1))
	}
	g.add("", orgs...)
	for i, row := range t.rows {
		var cells []layout.Cell
		for level, name := range row.def.Groups {
			if i > 0 && sameGroup(t.rows[i-1], row, level) {
				continue
			}
			n := 1
			for n < len(t.rows)-i && sameGroup(t.rows[i+n], row, level) {
				n++
			}
			cells = append(cells, cell(r.text(r.look.groupLabel(name, level)), n, 1))
		}
		label := r.text(r.look.itemLabel(row.def.Label))
		cells = append(cells, cell(label, 1, template.LabelColumns-len(row.def.Groups)))
		for _, v := range row.vals {
			cells = append(cells, cell(r.formatValue(v, st, t.def.Key), 1, 1))
		}
		g.add(row.def.Key, cells...)
	}
	return g
}

// sameGroup tells whether two rows share their groups down to level.
func sameGroup(a, b *row, level int) bool {
	return len(a.def.Groups) > level && len(b.def.Groups) > level &&
		slices.Equal(a.def.Groups[:level+1], b.def.Groups[:level+1])
}

// reviewsGrid prints table 3: 行政复议 and 行政诉讼 over their parts, the
// column labels, and one row of all values.
func (r *Report) reviewsGrid(t *table, st Style) grid {
	cols := t.def.Columns
	var top, mid, low, values []layout.Cell
	for i, row := range t.rows {
		labels := make([]layout.Cell, len(cols))
		for j, c := range cols {
			label := r.look.narrow(c.Label)
			if st == Markdown || st == TSV || st == CellPipe {
				// Fifteen columns on a page leave each too narrow for its
				// label in every PDF and page these tools read.
				label = breakLabel(c.Label)
			}
			labels[j] = cell(r.text(label), 1, 1)
		}
		if len(row.def.Groups) == 0 {
			top = append(top, cell(r.text(row.def.Label), 1, len(cols)))
			for j := range labels {
				labels[j].RowSpan = 2
			}
			mid = append(mid, labels...)
		} else {
			if i == 0 || !sameGroup(t.rows[i-1], row, 0) {
				n := 1
				for n < len(t.rows)-i && sameGroup(t.rows[i+n], row, 0) {
					n++
				}
				top = append(top, cell(r.text(row.def.Groups[0]), 1, n*len(cols)))
			}
			mid = append(mid, cell(r.text(row.def.Label), 1, len(cols)))
			low = append(low, labels...)
		}
		for _, v := range row.vals {
			values = append(values, cell(r.formatValue(v, st, t.def.Key), 1, 1))
		}
	}
	var g grid
	g.add("", top...)
	g.add("", mid...)
	g.add("", low...)
	// The value row prints every row at once; it takes the first one's key.
	g.add(t.rows[0].def.Key, values...)
	return g
}
