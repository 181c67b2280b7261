package ocr

import (
	"context"
	"image"
	"slices"
	"strings"
	"testing"

	"github.com/otiai10/gosseract/v2"
)

// TestReadLines checks that a block's lines with their words and
// characters, from one recognition, are what Tesseract gives when asked
// for its lines, then its words, then its characters (three
// recognitions), on a band of prose of a scanned page.
func TestReadLines(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of a scanned page: not in -short")
	}
	g := committedScan(t, "005-300.tif")
	e := newEngine("")
	defer e.close()
	p, _, err := orient(context.Background(), e, g, "")
	if err != nil {
		t.Fatal(err)
	}
	rg := p.clean(image.Rect(0, 0, p.bin.W, p.bin.H/3))
	if rg == nil {
		t.Fatal("no ink in the page's top third")
	}
	got, err := e.readLines(rg.img, langTraditional, psmColumn)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := e.read(rg.img, langTraditional, psmColumn, "", gosseract.RIL_TEXTLINE)
	if err != nil {
		t.Fatal(err)
	}
	syms, err := e.read(rg.img, langTraditional, psmColumn, "", gosseract.RIL_SYMBOL)
	if err != nil {
		t.Fatal(err)
	}
	lines = slices.DeleteFunc(lines, func(l symbol) bool { return strings.TrimSpace(l.text) == "" })
	if len(got) != len(lines) || len(got) < 3 {
		t.Fatalf("%d lines read, Tesseract's own lines %d", len(got), len(lines))
	}
	syms = slices.DeleteFunc(syms, func(s symbol) bool { return strings.TrimSpace(s.text) == "" })
	k := 0
	for i, l := range got {
		want := lines[i]
		// Tesseract joins characters of scripts without spaces, hOCR's
		// words with spaces: the same text once cleaned.
		if cleanLine(l.text) != cleanLine(want.text) || l.box != want.box {
			t.Errorf("line %d: %q %v, want %q %v", i, l.text, l.box, want.text, want.box)
		}
		// A line's confidence is its words' mean; Tesseract's own clips
		// their mean, not each, and differs on lines of words read with
		// none (noise read as text).
		if d := l.conf - want.conf; want.conf > 0.5 && (d > 0.01 || d < -0.01) {
			t.Errorf("line %d: confidence %.3f, want %.3f", i, l.conf, want.conf)
		}
		for _, c := range l.chars {
			if k >= len(syms) || c.text != syms[k].text || c.box != syms[k].box || c.conf-syms[k].conf > 1e-4 || syms[k].conf-c.conf > 1e-4 {
				t.Fatalf("line %d: character %d %+v, Tesseract's own %+v", i, k, c, syms[min(k, len(syms)-1)])
			}
			k++
		}
	}
	if k != len(syms) {
		t.Errorf("%d characters read, Tesseract's own %d", k, len(syms))
	}
	// Words as Tesseract's own, their confidence in whole percent: up to
	// a hundredth below. hOCR leaves out the words read as blanks.
	words, err := e.read(rg.img, langTraditional, psmColumn, "", gosseract.RIL_WORD)
	if err != nil {
		t.Fatal(err)
	}
	words = slices.DeleteFunc(words, func(w symbol) bool { return strings.TrimSpace(w.text) == "" })
	k = 0
	for i, l := range got {
		for _, w := range l.words {
			if k >= len(words) {
				t.Fatalf("line %d: word %+v beyond Tesseract's %d", i, w, len(words))
			}
			want := words[k]
			if d := want.conf - w.conf; w.text != want.text || w.box != want.box || d < 0 || d >= 0.01 {
				t.Errorf("line %d: word %d %+v, Tesseract's own %+v", i, k, w, want)
			}
			k++
		}
	}
	if k != len(words) {
		t.Errorf("%d words read, Tesseract's own %d", k, len(words))
	}
}
