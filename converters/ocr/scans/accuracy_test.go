package scans_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/nianbao/nianbao/converters/pdf"
	"github.com/nianbao/nianbao/internal/expect"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/validate"
)

// corpusDir holds the reports the scans are made from, with their expected
// records.
const corpusDir = "../../../testdata/corpus"

// pageFields returns the numeric fields the given pages of a corpus report
// hold: its PDF's text layer parsed with the cells holding digits on
// other pages taken away: labels (1.属于…) blanked, values made unreadable
// (read with a confidence too low to use), since a blank value reads as 0.
// Other labels stay, so a table running over a page break keeps its rows.
func pageFields(t *testing.T, report string, pages []int) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, report+".pdf"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := pdf.New(pdf.Config{}).Convert(context.Background(), report+".pdf", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range doc.Blocks {
		if b.Kind != layout.Table {
			continue
		}
		for _, row := range b.Table.Rows {
			for i, c := range row {
				if !slices.Contains(pages, c.Prov.Page) && strings.ContainsAny(c.Text, "0123456789") {
					if strings.IndexFunc(c.Text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
						row[i].Text = ""
					} else {
						row[i].Prov.Confidence = 0.01
					}
				}
			}
		}
	}
	_, flat := parser.New(parser.Config{}).Parse(doc).Flat()
	held := map[string]bool{}
	for k, v := range flat {
		if v.Valid {
			held[k] = true
		}
	}
	return held
}

// entry is one file of testdata/scans/manifest.json.
type entry struct {
	File      string `json:"file"`
	Condition string `json:"condition"`
	Report    string `json:"report"`
	DPI       int    `json:"dpi"`
	Pages     []int  `json:"pages"`
}

// tally counts numeric fields by resolution, or by condition for the
// files genscans -conditions makes.
type tally struct {
	fields, right, docs, silent int
	corrected                   int // values taken from a re-reading (ocr.corrected)
	titles, agencies            int // whole reports with the title, the agency right
	silentTitles                int // whole reports with a wrong title or agency no warning flags
	pages                       int
	elapsed                     time.Duration
}

// TestScanAccuracy reads every file of the scan set (SCANS_DIR, default
// testdata/scans; a fuller set comes from genscans -full) and compares each value read with the corpus's expected
// record: a field is right when its number equals the expected one, and
// one left null is wrong. A file holding a whole report must not be
// "valid" when any field is wrong (no silent errors); a file holding some
// pages scores the fields those pages hold.
func TestScanAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("OCR of the scan set: not in -short")
	}
	dir := os.Getenv("SCANS_DIR")
	if dir == "" {
		dir = "../../../testdata/scans"
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Skipf("no scan set: %v", err)
	}
	var set []entry
	if err := json.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	byDPI := map[string]*tally{}
	for _, e := range set {
		want, err := expect.Load(filepath.Join(corpusDir, "expected", e.Report+".json"))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rec, err := p.File(context.Background(), filepath.Join(dir, e.File))
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		key := fmt.Sprint(e.DPI)
		if e.Condition != "" {
			key = e.Condition
		}
		tl := byDPI[key]
		if tl == nil {
			tl = &tally{}
			byDPI[key] = tl
		}
		tl.elapsed += time.Since(start)
		tl.pages += rec.Source.Pages
		_, got := rec.Flat()
		var held map[string]bool
		if e.Pages != nil {
			held = pageFields(t, e.Report, e.Pages)
		}
		var wrong []string
		n := 0
		for k, w := range want.Fields {
			if !w.Valid || (held != nil && !held[k]) {
				continue
			}
			n++
			if g := got[k]; g != w {
				wrong = append(wrong, fmt.Sprintf("%s=%v (want %v)", k, g, w))
			}
		}
		tl.fields += n
		tl.right += n - len(wrong)
		// A value taken from a re-reading must be the printed one.
		for _, f := range rec.Findings {
			if f.Rule != validate.RuleCorrected {
				continue
			}
			tl.corrected++
			if k := f.Table + "." + f.Row + "." + f.Column; got[k] != want.Fields[k] {
				t.Errorf("%s: %s corrected from %v to %v, want %v", e.File, k, f.Actual, got[k], want.Fields[k])
			}
		}
		whole := e.Pages == nil
		if whole {
			tl.docs++
			if rec.Title == want.Title {
				tl.titles++
			}
			if rec.Agency == want.Agency {
				tl.agencies++
			}
			// A wrong title must carry a meta.low_confidence warning.
			if (rec.Title != want.Title || rec.Agency != want.Agency) && !slices.ContainsFunc(rec.Findings, func(f record.Finding) bool {
				return f.Rule == validate.RuleMetaLowConfidence
			}) {
				tl.silentTitles++
				t.Errorf("%s: silent error: title %q, agency %q (want %q, %q) with no %s warning",
					e.File, rec.Title, rec.Agency, want.Title, want.Agency, validate.RuleMetaLowConfidence)
			}
			if len(wrong) > 0 && rec.Status == record.Valid {
				tl.silent++
				t.Errorf("%s: silent errors: status valid with %d wrong fields: %s", e.File, len(wrong), strings.Join(wrong, ", "))
			}
		}
		t.Logf("%s (%d dpi): %d/%d fields right, status %s (expected %s), title %q (want %q), agency %q, %.1f s; wrong: %s",
			e.File, e.DPI, n-len(wrong), n, rec.Status, want.Status, rec.Title, want.Title, rec.Agency, time.Since(start).Seconds(), strings.Join(wrong, ", "))
	}
	// The targets: at least this share of numeric fields right.
	// The conditions' are measured and logged, not enforced (see the
	// README of testdata/scans).
	targets := map[string]float64{"300": 0.995, "200": 0.98}
	for key, tl := range byDPI {
		rate := float64(tl.right) / float64(max(1, tl.fields))
		t.Logf("%s: %d/%d numeric fields right (%.2f%%), %d whole reports (title right %d, agency right %d, %d wrong unflagged), %d silent, %d corrected by re-reading; %.2f s per page",
			key, tl.right, tl.fields, 100*rate, tl.docs, tl.titles, tl.agencies, tl.silentTitles, tl.silent, tl.corrected, tl.elapsed.Seconds()/float64(max(1, tl.pages)))
		if want, ok := targets[key]; ok && rate < want {
			t.Errorf("%s dpi: %.2f%% of numeric fields right, the target is %.1f%%", key, 100*rate, 100*want)
		}
	}
}
