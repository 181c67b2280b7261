package parser_test

import (
	"os"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/validate"
)

// TestOCRConfidence checks the two thresholds on values read by OCR: a
// doubtful value is kept with a warning, one below the floor is not used.
func TestOCRConfidence(t *testing.T) {
	text, err := os.ReadFile("../../testdata/corpus/002.tsv.txt")
	if err != nil {
		t.Fatal(err)
	}
	doc := textDocument(string(text))
	lineConf := map[string]float64{
		"予以公开":     0.5, // doubtful: kept, warned
		"本机关不掌握相关": 0.2, // below the floor: null
	}
	for i, b := range doc.Blocks {
		for phrase, conf := range lineConf {
			if strings.Contains(b.Text, phrase) {
				doc.Blocks[i].Prov.Confidence = conf
			}
		}
	}
	rec := parser.New(parser.Config{}).Parse(doc)
	validate.Check(rec)

	value := func(row, col string) record.Value {
		r, _ := rec.Applications.Get(row)
		v, _ := r.Get(col)
		return v
	}
	if v := value("disclosed", "natural_person"); !v.Valid || v.Num != 7 {
		t.Errorf("disclosed.natural_person = %v, want 7 kept", v)
	}
	if v := value("unavailable_not_held", "total"); v.Valid {
		t.Errorf("unavailable_not_held.total = %v, want null below the floor", v)
	}
	warned := map[string]int{}
	for _, f := range rec.Findings {
		if f.Rule == validate.RuleLowConfidence {
			warned[f.Row]++
		}
	}
	// Each row prints seven values, all non-blank.
	if warned["disclosed"] != 7 || warned["unavailable_not_held"] != 7 {
		t.Errorf("ocr.low_confidence findings by row = %v, want 7 for each doubtful row", warned)
	}
	if !hasFinding(rec, validate.RuleValueMissing, "unavailable_not_held") {
		t.Errorf("no value.missing for the unreadable row; findings: %+v", rec.Findings)
	}
	if rec.Status == record.Valid {
		t.Errorf("status = valid with values too doubtful to use")
	}
	noted := 0
	for _, n := range rec.Notes {
		if n.Row == "unavailable_not_held" {
			noted++
		}
	}
	if noted != 7 {
		t.Errorf("%d notes keep what OCR read in the unreadable row, want 7", noted)
	}
}

func hasFinding(rec *record.Record, rule, row string) bool {
	for _, f := range rec.Findings {
		if f.Rule == rule && f.Row == row {
			return true
		}
	}
	return false
}
