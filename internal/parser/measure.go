package parser

import "unicode/utf8"

// Tools that lay text out in columns count a CJK character differently:
// one that renders to a terminal (w3m) as two columns, as the character
// is wide; one that places text by its position on the page (pdftotext
// -layout) as one, padding with spaces to where the next text starts. The
// lines' cells are measured in display columns as they are read;
// charsAlign tells which count a run's values were laid out in by the one
// evidence there is, the rows' values standing in columns: rows whose
// labels differ in length put their values in the same columns only in the
// count the tool used. Labels wrapped over lines are placed by display
// columns all the same: pdftotext centres a label's lines in their cell by
// their width on the page, which display columns follow.

// charsAlign reports whether a run's rows' values stand in columns more
// closely counted in characters than in display columns.
func charsAlign(run []line) bool {
	width := valuesPerRow(run)
	if width == 0 {
		return false
	}
	// Each value's columns' spread over the rows that print width values,
	// in display columns (0) and in characters (1).
	lo := [2][]int{make([]int, width), make([]int, width)}
	hi := [2][]int{make([]int, width), make([]int, width)}
	rows := 0
	for k := range run {
		l := &run[k]
		own := ownPieces(l)
		if labelCol(l) < 0 || len(own) != width {
			continue
		}
		shift := 0
		for _, c := range l.cells[:len(l.cells)-width] {
			shift += wideExtra(c.raw)
		}
		for i, c := range own {
			for m, col := range [2]int{c.col, c.col - shift} {
				if rows == 0 || col < lo[m][i] {
					lo[m][i] = col
				}
				if rows == 0 || col > hi[m][i] {
					hi[m][i] = col
				}
			}
			shift += wideExtra(c.raw)
		}
		rows++
	}
	spread := [2]int{}
	for m := range spread {
		for i := range width {
			spread[m] += hi[m][i] - lo[m][i]
		}
	}
	return rows >= 2 && spread[1] < spread[0]
}

// recount counts a run's cells' columns in characters (chars set) or back
// in display columns.
func recount(run []line, chars bool) {
	for k := range run {
		l := &run[k]
		if l.chars == chars {
			continue
		}
		sign := 1
		if !chars {
			sign = -1
		}
		shift := 0
		for i := range l.cells {
			c := &l.cells[i]
			extra := wideExtra(c.raw)
			c.col -= sign * shift
			c.end -= sign * (shift + extra)
			shift += extra
		}
		l.chars = chars
	}
}

// wideExtra is how many display columns more than characters a text
// takes: one for each wide character.
func wideExtra(s string) int {
	return textWidth(s) - utf8.RuneCountInString(s)
}
