package ocr

import "testing"

func TestHalf(t *testing.T) {
	tests := []struct{ read, want string }{
		{"00", "0"},
		{"-2-2", "-2"},
		{"11", "1"},
		{"1", ""}, // the two glyphs read as one
		{"06", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := half(tt.read); got != tt.want {
			t.Errorf("half(%q) = %q, want %q", tt.read, got, tt.want)
		}
	}
}

func TestNumberText(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"3208320", true},
		{"1,725", true},
		{"-6", true},
		{"33(其中修订7件)", false},
		{"其他", false},
		{"-", false},
	}
	for _, tt := range tests {
		if got := numberText(tt.s); got != tt.want {
			t.Errorf("numberText(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"1.878", true},
		{"12.345.678", true},
		{"-1.514", true},
		{"656.04", false},
		{"0.125", false},
		{"1.8789", false},
		{"1234.567", false},
		{"1,878", false},
		{"1.878.", false},
		{"12", false},
	}
	for _, tt := range tests {
		if got := thousands(tt.s); got != tt.want {
			t.Errorf("thousands(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
