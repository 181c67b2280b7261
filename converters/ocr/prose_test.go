package ocr

import (
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
