package parser

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// A table cell too narrow for its value prints it over several lines, and
// the cell centres them on its row: text laid out in columns then shows the
// value's pieces on lines of their own above and below the row's label
// (２６ / 一、本年新收… / ０ for 260), each piece under the one before.
// stackValues puts such pieces back into their row, by geometry alone:
//
//   - a piece line holds only pieces of values (digits, a number's
//     separators, a note's bracketed text); a row line holds a label;
//   - the piece lines between two row lines are parted between them so that
//     each row's pieces stand as many lines above its label as below, as a
//     centred cell's do, unless a piece could then not start or end a value
//     (a note's closing 件）starts none);
//   - a row's pieces are stacked column by column, a column being the pieces
//     that overlap in display columns; two pieces of one line in a column, or
//     a piece across two columns, leave the row as printed.
//
// The values so joined are checked as every value is: a stack that was
// wrong breaks the row's sums, and is flagged.

// maxStack is the most piece lines a row takes above or below its label.
const maxStack = 3

// valuePiece reports a cell that may be a piece of a value: a number, a
// number cut inside (1,58), or a note's part (208（含修订 7 / 件）, 315（其中修订
// / 55 件）).
func valuePiece(c *cell) bool {
	switch c.val.Class {
	case number.Number, number.Null:
		return true
	case number.Text:
		if numeric(c.raw) {
			return true
		}
		open, closed := brackets(c.raw)
		r := []rune(c.raw)
		// A note's tail: a few characters (件）), or its count (55 件）).
		tail := closed > open && (len(r) <= 4 || number.Parse(strings.TrimRight(c.raw, "）)")).Class == number.Number)
		return open > closed && unicode.IsDigit(r[0]) || tail
	}
	return false
}

// closing reports a piece that can only end a value: it closes a bracket
// it did not open.
func closing(c *cell) bool {
	open, closed := brackets(c.raw)
	return closed > open
}

// brackets counts a text's opening and closing round brackets.
func brackets(s string) (open, closed int) {
	return strings.Count(s, "（") + strings.Count(s, "("), strings.Count(s, "）") + strings.Count(s, ")")
}

// pieceLine reports a line of value pieces only.
func pieceLine(l *line) bool {
	if len(l.cells) == 0 {
		return false
	}
	for k := range l.cells {
		if !valuePiece(&l.cells[k]) {
			return false
		}
	}
	return true
}

// ownPieces returns the value pieces a row line ends with.
func ownPieces(l *line) []cell {
	k := len(l.cells)
	for k > 0 && valuePiece(&l.cells[k-1]) {
		k--
	}
	return l.cells[k:]
}

// labelCol returns where a row line's label starts, or -1 for a line
// without one.
func labelCol(l *line) int {
	if len(l.cells) == 0 || valuePiece(&l.cells[0]) {
		return -1
	}
	return l.cells[0].col
}

// stackValues rejoins the values printed over several lines around their
// rows' labels; other lines pass unchanged.
func (p *Parser) stackValues(run []line) []line {
	hasPieces := false
	for k := range run {
		if pieceLine(&run[k]) {
			hasPieces = true
			break
		}
	}
	if !hasPieces {
		return run
	}
	width := valuesPerRow(run)
	// above[k] and below[k] are the piece lines row line k takes.
	above := make([]int, len(run))
	below := make([]int, len(run))
	var blocks [][2]int
	prev := -1 // the last row line
	for k := 0; k < len(run); {
		if !pieceLine(&run[k]) {
			prev = k
			k++
			continue
		}
		// A block of piece lines, never across a page break.
		j := k + 1
		for j < len(run) && pieceLine(&run[j]) && !run[j].pageStart {
			j++
		}
		next := -1
		if j < len(run) && !pieceLine(&run[j]) && !run[j].pageStart {
			next = j
		}
		if run[k].pageStart {
			prev = -1
		}
		d := split(run, prev, k, j, next, above)
		if prev >= 0 {
			below[prev] = d
		}
		if next >= 0 {
			above[next] = min(j-k-d, maxStack)
		}
		blocks = append(blocks, [2]int{k, j})
		k = j
	}
	var out []line
	take := func(from, to, at int, l line) {
		if out == nil {
			out = make([]line, len(run))
			copy(out, run)
		}
		for i := from; i < to; i++ {
			out[i].cells = nil
		}
		l.chars = run[at].chars
		out[at] = l
	}
	for k := 0; k < len(run); k++ {
		if pieceLine(&run[k]) || above[k]+below[k] == 0 {
			continue
		}
		// A centred cell has pieces on both sides of its label unless some
		// are on the label's line; pieces on one side only are a value
		// line whose label wraps around it.
		if len(ownPieces(&run[k])) == 0 && (above[k] == 0 || below[k] == 0) {
			continue
		}
		l, ok := p.mirrorRow(run[k-above[k]:k+below[k]+1], above[k], width)
		if !ok {
			l, ok = p.stackRow(run[k-above[k]:k+below[k]+1], width)
		}
		if ok {
			take(k-above[k], k+below[k]+1, k, l)
		}
	}
	// A block no row took is a row without a label (a table printed as
	// one row of values): its values' pieces around its middle line, or
	// two lines, one with a few of its values set off.
	for _, b := range blocks {
		n := b[1] - b[0]
		if n < 2 || n > 2*maxStack+1 || n%2 == 0 && n != 2 {
			continue
		}
		taken := false
		for i := b[0]; i < b[1] && out != nil; i++ {
			taken = taken || out[i].cells == nil
		}
		mid := b[0] + n/2
		if taken {
			continue
		}
		if n == 2 {
			if l, ok := p.interleave(&run[b[0]], &run[b[0]+1]); ok {
				take(b[0], b[1], b[0]+1, l)
			}
		} else if l, ok := p.mirrorRow(run[b[0]:b[1]], n/2, width); ok {
			take(b[0], b[1], mid, l)
		}
	}
	if out == nil {
		return run
	}
	kept := out[:0]
	for k := range out {
		if out[k].cells != nil {
			kept = append(kept, out[k])
		}
	}
	return kept
}

// split parts the piece lines [from, to) between the row line above (prev,
// or -1) and the one below (next, or -1): it returns how many the row above
// takes. A centred row takes as many below its label as it took above; a
// piece that closes a bracket ends a value, so the row below cannot start
// with it. Each row takes at most maxStack, the nearest.
func split(run []line, prev, from, to, next int, above []int) int {
	n := to - from
	rowAbove := prev >= 0 && labelCol(&run[prev]) >= 0 && (above[prev] > 0 || len(ownPieces(&run[prev])) > 0)
	rowBelow := next >= 0 && labelCol(&run[next]) >= 0
	switch {
	case !rowAbove:
		return 0
	case !rowBelow:
		return min(n, above[prev])
	}
	best, bestScore := 0, -1
	for d := 0; d <= min(n, maxStack); d++ {
		score := abs(d - above[prev])
		if d < n && closing(&run[from+d].cells[0]) {
			score += 2 * maxStack
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// column is one column of a row's stacked pieces.
type column struct {
	col, end int
	last     int // the line of its last piece
	text     strings.Builder
	pieces   int
	// forced is set when a piece is no value alone (1, / 208（含修订 7),
	// so that the pieces can only be one value.
	forced bool
}

func allNumbers(cells []cell) bool {
	for i := range cells {
		if cells[i].val.Class != number.Number {
			return false
		}
	}
	return true
}

// mirrorRow stacks a row's pieces where they stand as a centred cell puts
// them: the piece lines at one distance above and below the label hold the
// same number of pieces, taken in order (text laid out in columns squeezes
// a sparse line's pieces, so where they stand says less than their order).
// A level of one piece each is a wider value's top and bottom, and may take
// a piece of the row's line as its middle. A stack goes among the row's own
// pieces where it stands, or one place off where a squeezed line moved it.
// Of these readings only one whose values add up (each group of values
// followed by its sum, as the template's totals are) is taken, and only
// where it is the one reading that does.
func (p *Parser) mirrorRow(ls []line, at, width int) (line, bool) {
	up, down := at, len(ls)-at-1
	if up != down || up == 0 {
		return line{}, false
	}
	row := &ls[at]
	own := ownPieces(row)
	var stacks, lone []stack
	for d := 1; d <= up; d++ {
		a, b := ls[at-d].cells, ls[at+d].cells
		if len(a) != len(b) {
			return line{}, false
		}
		for k := range a {
			st := stack{top: a[k].raw, bottom: b[k].raw, mid: float64(a[k].col+a[k].end+b[k].col+b[k].end) / 4,
				forced: a[k].val.Class != number.Number || b[k].val.Class != number.Number}
			if len(a) == 1 {
				lone = append(lone, st)
			} else {
				stacks = append(stacks, st)
			}
		}
	}
	if len(lone) > 1 {
		return line{}, false
	}
	label := row.cells[:len(row.cells)-len(own)]
	var acc rowReadings
	try := func(middle int) {
		base := make([]stack, len(own))
		for k, c := range own {
			base[k] = stack{top: c.raw, mid: float64(c.col+c.end) / 2}
			if k == middle {
				base[k].top, base[k].bottom = lone[0].top+c.raw, lone[0].bottom
			}
		}
		ins := slices.Clone(stacks)
		moved := 0
		if middle < 0 {
			ins = append(ins, lone...)
		} else {
			moved = len(own) - 1 - middle // a total's middle is the last
		}
		p.insert(&acc, label, base, ins, moved, middle < 0 && len(lone) == 0, row.text)
	}
	if len(lone) == 1 {
		for k := range own {
			try(k)
		}
	}
	try(-1)
	// Levels of several pieces each pair up by their order, which a
	// squeezed line keeps, so the reading where they stand is asked for.
	if l, ok := acc.reading(); ok {
		return l, true
	}
	if acc.n == 0 && len(lone) == 1 && len(stacks) == 0 && len(own) > 0 && standsLast(lone[0], row, label, own) {
		// One wider value's top and bottom: the row's total wrapped, where
		// nothing else adds up.
		total := p.newCell(lone[0].top+lone[0].bottom, 0)
		total.col, total.end = int(lone[0].mid), int(lone[0].mid)+1
		total.unconfirmed = !lone[0].forced
		vals := append(slices.Clone(own), total)
		stacked := make([]bool, len(vals))
		stacked[len(own)] = true
		if wrappedTotal(vals, stacked, width) {
			return line{cells: append(slices.Clone(label), vals...), placed: true, text: row.text}, true
		}
	}
	return line{}, false
}

// rowReadings gathers the readings of a row whose values add up, keeping the
// nearest to where the stacks stand; two as near that differ are no
// reading.
type rowReadings struct {
	n       int // readings as near as the nearest
	nearest int // how far the nearest moved its stacks
	found   []float64
	best    line
	// geo is the reading that leaves the stacks where they stand, when
	// asked for, and geoSums whether it adds up.
	geo     line
	geoSums bool
}

// reading returns the row's reading: where the stacks stand if asked for
// and it adds up, else the one that adds up; where none does (a report's own
// error), where the stacks stand if asked for, for the checks to flag.
func (acc *rowReadings) reading() (line, bool) {
	switch {
	case acc.geoSums, acc.n == 0 && acc.geo.cells != nil:
		return acc.geo, true
	case acc.n == 1:
		return acc.best, true
	}
	return line{}, false
}

// insert reads a row as its base values with stacks put among them where
// they stand, or a place or two off for a few stacks, into acc. extra is
// how far the base itself was moved from where it stands.
func (p *Parser) insert(acc *rowReadings, label []cell, base, ins []stack, extra int, geo bool, text string) {
	slices.SortStableFunc(ins, func(a, b stack) int { return cmp.Compare(a.mid, b.mid) })
	at := make([]int, len(ins))
	for k, st := range ins {
		for at[k] < len(base) && base[at[k]].mid < st.mid {
			at[k]++
		}
	}
	r := 0
	switch {
	case len(ins) <= 2:
		r = 2
	case len(ins) <= maxInserted:
		r = 1
	}
	baseCells, baseVals, ok := p.stackCells(base)
	insCells, insVals, ok2 := p.stackCells(ins)
	if !ok || !ok2 {
		return
	}
	pos := make([]int, len(ins))
	cells := make([]cell, 0, len(base)+len(ins))
	vals := make([]float64, 0, len(base)+len(ins))
	// merge lays the stacks among the base values at pos; mark tells
	// the stacks placed with no sum to confirm them.
	merge := func(mark bool) {
		cells, vals = cells[:0], vals[:0]
		k := 0
		for b := 0; b <= len(base); b++ {
			for ; k < len(ins) && pos[k] == b; k++ {
				c := insCells[k]
				c.unconfirmed = mark && !ins[k].forced
				cells, vals = append(cells, c), append(vals, insVals[k])
			}
			if b < len(base) {
				cells, vals = append(cells, baseCells[b]), append(vals, baseVals[b])
			}
		}
	}
	for tries := range pow(2*r+1, len(ins)) {
		ok := true
		for k, t := 0, tries; k < len(ins); k, t = k+1, t/(2*r+1) {
			pos[k] = at[k] + t%(2*r+1) - r
			ok = ok && pos[k] >= 0 && pos[k] <= len(base) && (k == 0 || pos[k] >= pos[k-1])
		}
		if !ok {
			continue
		}
		merge(false)
		sums := addsUp(vals)
		if geo && tries == zero(r, len(ins)) {
			if !sums {
				merge(true)
			}
			acc.geo = line{cells: append(slices.Clone(label), cells...), placed: true, text: text}
			acc.geoSums = sums
		}
		if !sums {
			continue
		}
		moved := extra
		for k := range ins {
			moved += abs(pos[k] - at[k])
		}
		switch {
		case acc.n == 0 || moved < acc.nearest:
			acc.n, acc.nearest = 1, moved
		case moved == acc.nearest && !slices.Equal(vals, acc.found):
			acc.n++
			continue
		default:
			continue
		}
		acc.found = slices.Clone(vals)
		acc.best = line{cells: append(slices.Clone(label), cells...), placed: true, text: text}
	}
}

// interleave reads two lines of values without a label as one row: the
// few values of one (a row's totals, set a line off by the tool) go among
// the other's where they stand, or near, as the one reading that adds up;
// where none does, where they stand if that is clear (see apart).
func (p *Parser) interleave(a, b *line) (line, bool) {
	if len(a.cells) > len(b.cells) {
		a, b = b, a
	}
	if len(a.cells) > maxInserted || len(b.cells) < 2*len(a.cells) {
		return line{}, false
	}
	stacks := func(cells []cell) []stack {
		out := make([]stack, len(cells))
		for k, c := range cells {
			out[k] = stack{top: c.raw, mid: float64(c.col+c.end) / 2}
		}
		return out
	}
	var acc rowReadings
	p.insert(&acc, nil, stacks(b.cells), stacks(a.cells), 0, apart(a.cells, b.cells), b.text)
	return acc.reading()
}

// apart reports whether every cell of few stands clear of all of many's, in
// a gap between two of them or beyond them: where it stands then says
// where it goes.
func apart(few, many []cell) bool {
	for _, a := range few {
		for _, b := range many {
			if a.col < b.end && b.col < a.end {
				return false
			}
		}
	}
	return true
}

// zero returns the reading of tries that leaves every stack where it
// stands: each digit r in base 2r+1.
func zero(r, n int) int {
	t := 0
	for range n {
		t = t*(2*r+1) + r
	}
	return t
}

// maxInserted is the most stacks placed among a row's own pieces that are
// also tried one place off.
const maxInserted = 4

// stack is a value's pieces: what stands above the row's line (and on it),
// and below.
type stack struct {
	top, bottom string
	mid         float64
	// forced is set when a piece is no value alone (208（含修订 7 / 件）),
	// so that the pieces can only be one value.
	forced bool
}

// stackCells reads stacks as values; it fails where one is no number.
func (p *Parser) stackCells(seq []stack) ([]cell, []float64, bool) {
	cells := make([]cell, 0, len(seq))
	vals := make([]float64, 0, len(seq))
	for _, st := range seq {
		c := p.newCell(st.top+st.bottom, 0)
		c.col, c.end = int(st.mid), int(st.mid)+1
		if c.val.Class != number.Number || st.bottom != "" && leadingZero(c.raw) {
			return nil, nil, false
		}
		cells = append(cells, c)
		vals = append(vals, c.val.Num)
	}
	return cells, vals, true
}

// leadingZero reports a number written with a zero before its other digits
// (00, ０５): no count is printed so, so pieces that join to one were never
// one value (a row of zeros above a row of zeros adds up all the same).
func leadingZero(raw string) bool {
	rs := []rune(textnorm.FoldWidth(raw))
	return len(rs) > 1 && rs[0] == '0' && unicode.IsDigit(rs[1])
}

// addsUp reports whether values part into runs, each of two or more values
// followed by their sum: a row of the template's counts with its totals.
func addsUp(vals []float64) bool {
	if len(vals) < 3 {
		return false
	}
	ok := make([]bool, len(vals)+1) // ok[i]: vals[i:] part so
	ok[len(vals)] = true
	for i := len(vals) - 1; i >= 0; i-- {
		sum := 0.0
		for j := i; j < len(vals); j++ {
			if j-i >= 2 && math.Abs(vals[j]-sum) < 1e-6 && ok[j+1] {
				ok[i] = true
				break
			}
			sum += vals[j]
		}
	}
	return ok[0]
}

// pow returns b to the n, at most maxTries.
func pow(b, n int) int {
	r := 1
	for range n {
		r = min(r*b, maxTries)
	}
	return r
}

// maxTries bounds the rowReadings of a row tried.
const maxTries = 4096

// standsLast reports a stack that stands right of where the row's last
// value starts. Where the run's count was not told (see charsAlign), a row
// line's values, behind its CJK label, stand further right in display
// columns than in characters, while a piece line of digits is the same in
// both: the stack is taken as last where it is so in either count.
func standsLast(st stack, row *line, label, own []cell) bool {
	shift := 0
	if !row.chars {
		for _, c := range label {
			shift += wideExtra(c.raw)
		}
	}
	start := own[len(own)-1].col
	return st.mid >= float64(start-shift)
}

// wrappedTotal reports a row's values whose one stacked value (stacked[i]:
// joined from pieces on several lines) is its total wrapped in its cell,
// whether or not it adds up: it is the last value, it has more digits than
// any other value of the row (why it wrapped where they did not), and the
// row then has the width the run's rows print. Every value of the row is
// then there for its sum to check, so a report's own wrong total is flagged
// rather than lost.
func wrappedTotal(vals []cell, stacked []bool, width int) bool {
	last := len(vals) - 1
	if len(vals) != width || width < 3 || !stacked[last] || !allNumbers(vals) {
		return false
	}
	digits := func(c cell) int { return len(strconv.FormatFloat(math.Abs(c.val.Num), 'f', -1, 64)) }
	for i := range vals[:last] {
		if stacked[i] || digits(vals[i]) >= digits(vals[last]) {
			return false
		}
	}
	return true
}

// valuesPerRow returns how many values the run's rows most often print on
// their label's line, the table's width in values (the wider of two as
// common); 0 where no row prints three or more.
func valuesPerRow(run []line) int {
	counts := map[int]int{}
	width := 0
	for k := range run {
		if labelCol(&run[k]) < 0 {
			continue
		}
		n := len(ownPieces(&run[k]))
		if n < 3 {
			continue
		}
		counts[n]++
		if counts[n] > counts[width] || counts[n] == counts[width] && n > width {
			width = n
		}
	}
	return width
}

// stackRow makes one line of a row line and its piece lines: the label's
// cells, then each column's pieces joined top to bottom. It fails where the
// pieces do not fall into columns cleanly. width is the run's values per
// row (see valuesPerRow).
func (p *Parser) stackRow(ls []line, width int) (line, bool) {
	var row *line
	var cols []*column
	for k := range ls {
		l := &ls[k]
		pieces := l.cells
		if !pieceLine(l) {
			row = l
			pieces = ownPieces(l)
		}
		for _, c := range pieces {
			var hit *column
			for _, col := range cols {
				if c.col < col.end && col.col < c.end {
					if hit != nil || col.last == k {
						return line{}, false
					}
					hit = col
				}
			}
			if hit == nil {
				hit = &column{col: c.col, end: c.end, last: -1}
				cols = append(cols, hit)
			}
			hit.text.WriteString(c.raw)
			hit.col, hit.end, hit.last = min(hit.col, c.col), max(hit.end, c.end), k
			hit.pieces++
			hit.forced = hit.forced || c.val.Class != number.Number
		}
	}
	// A row is no wider than the run's rows print: more columns are two
	// rows' values side by side.
	if row == nil || width > 0 && len(cols) > width {
		return line{}, false
	}
	// Columns in order; one that overlaps the next after growing is not one.
	for i := 1; i < len(cols); i++ {
		for j := i; j > 0 && cols[j].col < cols[j-1].col; j-- {
			cols[j], cols[j-1] = cols[j-1], cols[j]
		}
	}
	for i := 1; i < len(cols); i++ {
		if cols[i].col < cols[i-1].end {
			return line{}, false
		}
	}
	label := row.cells[:len(row.cells)-len(ownPieces(row))]
	cells := make([]cell, 0, len(label)+len(cols))
	cells = append(cells, label...)
	// Whole numbers stacked could be two values as well as one: they are
	// taken only where the row then adds up, its last value the sum of
	// the others, as a row with a total does, or as a wrapped total that
	// does not (see wrappedTotal).
	check := false
	sum := 0.0
	stacked := make([]bool, len(cols))
	for i, col := range cols {
		stacked[i] = col.pieces > 1
		c := p.newCell(col.text.String(), 0)
		c.col, c.end = col.col, col.end
		cells = append(cells, c)
		if (c.val.Class != number.Number || leadingZero(c.raw)) && col.pieces > 1 {
			return line{}, false
		}
		check = check || col.pieces > 1 && !col.forced
		if i < len(cols)-1 {
			sum += c.val.Num
		}
	}
	if check && (len(cols) < 3 || !allNumbers(cells[len(label):])) {
		return line{}, false
	}
	if check && math.Abs(sum-cells[len(cells)-1].val.Num) > 1e-6 {
		if !wrappedTotal(cells[len(label):], stacked, width) {
			return line{}, false
		}
		cells[len(cells)-1].unconfirmed = true
	}
	return line{cells: cells, placed: true, text: row.text}, true
}
