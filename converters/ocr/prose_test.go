package ocr

import (
	"image"
	"slices"
	"testing"
)

func TestUnsureSpans(t *testing.T) {
	// sure and unsure Chinese characters, and an unsure digit, which is
	// not read again.
	line := func(confs ...float64) []symbol {
		out := make([]symbol, len(confs))
		for i, c := range confs {
			out[i] = symbol{text: "字", conf: c}
			if c < 0 {
				out[i] = symbol{text: "7", conf: -c}
			}
		}
		return out
	}
	tests := []struct {
		name  string
		chars []symbol
		want  [][2]int
	}{
		{"all sure", line(0.99, 0.98, 0.99), nil},
		{"unsure digit", line(0.99, -0.5, 0.99), nil},
		{"one in the middle", line(0.99, 0.99, 0.99, 0.5, 0.99, 0.99, 0.99, 0.99), [][2]int{{1, 6}}},
		{"at the start", line(0.5, 0.99, 0.99, 0.99, 0.99), [][2]int{{0, 3}}},
		{"at the end", line(0.99, 0.99, 0.99, 0.99, 0.9), [][2]int{{2, 5}}},
		{"two that meet", line(0.99, 0.9, 0.99, 0.99, 0.99, 0.99, 0.9, 0.99), [][2]int{{0, 8}}},
		{"two apart", line(0.9, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.9), [][2]int{{0, 3}, {5, 8}}},
	}
	for _, tt := range tests {
		if got := unsureSpans(tt.chars); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestLargeLines tells lines printed large by their characters' height:
// a title's, not a body line whose box took in a mark or the next line,
// nor a lone blot.
func TestLargeLines(t *testing.T) {
	// line returns a line of n characters h pixels tall in a box tall
	// pixels high.
	line := func(n, h, tall int) textLine {
		l := textLine{box: image.Rect(0, 0, 60*n, tall)}
		for i := range n {
			l.chars = append(l.chars, symbol{text: "字", box: image.Rect(60*i, 0, 60*i+50, h)})
		}
		return l
	}
	tests := []struct {
		name string
		line textLine
		want bool
	}{
		{"title", line(17, 83, 85), true},
		{"title's short second line", line(3, 86, 87), true},
		{"body line", line(29, 53, 60), false},
		{"body line in a box taller with a mark", line(19, 62, 172), false},
		{"a lone blot", line(1, 175, 175), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := []textLine{line(28, 52, 62), line(29, 54, 65), line(27, 52, 61), tt.line}
			large, _ := largeLines(lines, 1)
			if large[3] != tt.want || large[0] || large[1] || large[2] {
				t.Errorf("large %v, want the last %v alone", large, tt.want)
			}
		})
	}
}
