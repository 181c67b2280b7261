package layout

import (
	"slices"
	"testing"
)

func TestPlace(t *testing.T) {
	c := func(rs, cs int) Cell { return Cell{RowSpan: rs, ColSpan: cs} }
	tests := []struct {
		name  string
		rows  [][]Cell
		cols  [][]int
		width int
	}{
		{"plain", [][]Cell{{c(1, 1), c(1, 1)}, {c(1, 1), c(1, 1)}}, [][]int{{0, 1}, {0, 1}}, 2},
		{"merged down and across", [][]Cell{{c(2, 1), c(1, 2)}, {c(1, 1), c(1, 1)}}, [][]int{{0, 1}, {1, 2}}, 3},
		{"two spans side by side", [][]Cell{{c(3, 1), c(1, 1), c(2, 2)}, {c(1, 1)}, {c(1, 1), c(1, 1), c(1, 1)}}, [][]int{{0, 1, 2}, {1}, {1, 2, 3}}, 4},
		{"overlapping spans", [][]Cell{{c(2, 3)}, {c(2, 1)}, {c(1, 1), c(1, 1)}}, [][]int{{0}, {3}, {0, 1}}, 4},
		{"far reaching span stays cheap", [][]Cell{{c(65534, 1000), c(1, 1)}, {c(1, 1)}}, [][]int{{0, 1000}, {1000}}, 1001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			placed, width := (&TableGrid{Rows: tt.rows}).Place()
			var cols [][]int
			for _, row := range placed {
				var r []int
				for _, p := range row {
					r = append(r, p.Col)
				}
				cols = append(cols, r)
			}
			if !slices.EqualFunc(cols, tt.cols, slices.Equal) || width != tt.width {
				t.Errorf("columns %v width %d, want %v width %d", cols, width, tt.cols, tt.width)
			}
		})
	}
}
