package parser_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/validate"
)

// TestAgencyMajority: an OCR'd title's agency is weighed against the other
// places the report names it; the reading most places give is kept, with a
// meta.low_confidence warning, and a digital title is left as printed. The
// vote is taken character by character, the place's characters also from
// where the prose names the place alone.
func TestAgencyMajority(t *testing.T) {
	text, err := os.ReadFile("../../testdata/corpus/002.tsv.txt")
	if err != nil {
		t.Fatal(err)
	}
	const right, misread = "禾桥区卫生健康委员会", "禾杨区卫生健康委员合"
	tests := []struct {
		name       string
		conf       float64 // 0: a digital document
		body       string  // what the prose reads for the agency
		wantAgency string
		warned     bool
		// title is the title's reading ("" for misread); readings, how
		// many of the title line's readings (layout.Block.Readings) give
		// each agency.
		title    string
		readings map[string]int
	}{
		{"OCR title misread, prose right", 0.8, right, right, true, "", nil},
		{"OCR title and prose agree", 0.8, misread, misread, false, "", nil},
		{"digital title kept", 0, right, misread, false, "", nil},
		{"stray mark before the title", 0.8, right, right, true, "", nil},
		{"tie: the body's reading wins", 0.8, "tie", right, true, "", nil},
		{"name broken at a line's end", 0.8, "禾桥区卫生\n健康委员会", right, true, "", nil},
		// The title and the two full mentions misread the place alike;
		// the prose names the place three times more, and 禾桥发布 starts
		// like it but is no place (it does not end in 区).
		{"place named again in the prose", 0.8, "place", right, true, "", nil},
		// A title read several ways (an OCR converter's readings of a line
		// printed large) outweighs a misreading the prose repeats; its
		// readings split, the prose decides.
		{"title read several ways, the prose misread alike", 0.8, misread, right, true, right, map[string]int{right: 10, misread: 6}},
		{"title read several ways, all agreeing", 0.8, right, right, false, right, map[string]int{right: 16}},
		{"title readings split, the prose decides", 0.8, right, right, true, misread, map[string]int{misread: 5, right: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title := misread
			if tt.title != "" {
				title = tt.title
			}
			if strings.HasPrefix(tt.name, "stray") {
				title = "”" + misread
			}
			// The title, put in once the body's mentions are.
			const mark = "\x00"
			src := strings.Replace(string(text), right, mark, 1)
			switch tt.body {
			case "place":
				src = strings.ReplaceAll(src, right, "禾杨区卫生健康委员会") +
					strings.Repeat("\n我委通过禾桥区人民政府门户网站公开信息。", 3)
			case "tie":
				// The title and one of three body mentions (the last the
				// signature) misread alike.
				src = strings.Replace(src, right, misread, 1) + "\n" + right
			default:
				src = strings.ReplaceAll(src, right, tt.body)
			}
			doc := textDocument(strings.Replace(src, mark, title, 1))
			for i := range doc.Blocks {
				doc.Blocks[i].Prov.Confidence = tt.conf
			}
			for i := range doc.Blocks {
				if strings.HasPrefix(doc.Blocks[i].Text, title) {
					for agency, n := range tt.readings {
						for range n {
							doc.Blocks[i].Readings = append(doc.Blocks[i].Readings, strings.Replace(doc.Blocks[i].Text, title, agency, 1))
						}
					}
					break
				}
			}
			rec := parser.New(parser.Config{}).Parse(doc)
			if rec.Agency != tt.wantAgency {
				t.Errorf("agency %q, want %q", rec.Agency, tt.wantAgency)
			}
			if !strings.HasPrefix(rec.Title, tt.wantAgency) {
				t.Errorf("title %q does not start with %q", rec.Title, tt.wantAgency)
			}
			warned := false
			for _, f := range rec.Findings {
				if f.Rule == validate.RuleMetaLowConfidence {
					warned = true
					t.Log(f.Message)
				}
			}
			if warned != tt.warned {
				t.Errorf("meta.low_confidence warning %v, want %v", warned, tt.warned)
			}
		})
	}
}

// TestTitleBrokenInSubject: a title broken over two lines inside its
// subject, or inside 年度报告 itself, or after its year, is joined.
func TestTitleBrokenInSubject(t *testing.T) {
	text, err := os.ReadFile("../../testdata/corpus/002.tsv.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, broken := range []string{
		"禾桥区卫生健康委员会2025年政府信息公\n开工作年度报告",
		"禾桥区卫生健康委员会2025年政府信息公开工作年\n度报告",
		"禾桥区卫生健康委员会\n2025年政府信息公开工作年度报告",
		"             禾桥区卫生健康委员会 2025\n                      年政府信息公开工作年度报告",
	} {
		src := strings.Replace(string(text), "禾桥区卫生健康委员会 2025 年政府信息公开工作 年度报告", broken, 1)
		rec := parser.New(parser.Config{}).Parse(textDocument(src))
		if rec.Title != "禾桥区卫生健康委员会2025年政府信息公开工作年度报告" || rec.Agency != "禾桥区卫生健康委员会" {
			t.Errorf("%q: title %q, agency %q", broken, rec.Title, rec.Agency)
		}
	}
}

// TestTitleYear: where the title prints 年 without its year (a tool dropped
// a Word field) the year is the report's own naming of itself, or null with
// a warning; the statistics period's year, which may be the one that
// differs, is not taken for it. A title without any year reports on its
// period.
func TestTitleYear(t *testing.T) {
	text, err := os.ReadFile("../../testdata/corpus/002.tsv.txt")
	if err != nil {
		t.Fatal(err)
	}
	const title, opening = "禾桥区卫生健康委员会 2025 年政府信息公开工作 年度报告", "现公布禾桥区卫生健康委员会 2025 年政府信息公开工作年度报告"
	for _, tc := range []struct {
		name, title, opening string
		want                 any // the year, or nil
		missing              bool
	}{
		{"the year printed", title, opening, 2025, false},
		{"the year dropped, named in the opening", "禾桥区卫生健康委员会年政府信息公开工作年度报告", opening, 2025, false},
		{"the year dropped and named nowhere", "禾桥区卫生健康委员会年政府信息公开工作年度报告", "现公布本机关年度报告", nil, true},
		{"no year in the title", "禾桥区卫生健康委员会政府信息公开工作年度报告", "现公布本机关年度报告", 2025, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(string(text), title, tc.title, 1), opening, tc.opening, 1)
			rec := parser.New(parser.Config{}).Parse(textDocument(src))
			var got any
			if rec.Year != nil {
				got = *rec.Year
			}
			missing := false
			for _, f := range rec.Findings {
				missing = missing || f.Rule == validate.RuleMetaMissing
			}
			if got != tc.want || missing != tc.missing {
				t.Errorf("year %v, meta.missing %v; want %v, %v (title %q)", got, missing, tc.want, tc.missing, rec.Title)
			}
		})
	}
}

// TestDoubts: a converter's doubt about the document as a whole (the
// script an OCR'd title was read in) reaches the record as a
// meta.low_confidence warning in its words; a document without doubts has
// none.
func TestDoubts(t *testing.T) {
	text, err := os.ReadFile("../../testdata/corpus/002.tsv.txt")
	if err != nil {
		t.Fatal(err)
	}
	const doubt = "the script of the scanned text could not be told surely"
	for _, doubts := range [][]string{nil, {doubt}} {
		doc := textDocument(string(text))
		doc.Doubts = doubts
		rec := parser.New(parser.Config{}).Parse(doc)
		var got []string
		for _, f := range rec.Findings {
			if f.Rule == validate.RuleMetaLowConfidence {
				got = append(got, f.Message)
			}
		}
		if !slices.Equal(got, doubts) {
			t.Errorf("doubts %q: meta.low_confidence warnings %q", doubts, got)
		}
	}
}
