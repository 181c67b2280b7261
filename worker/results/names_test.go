package results_test

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/worker/results"
)

func TestOutputName(t *testing.T) {
	long250 := strings.Repeat("报", 83) + ".t" // 251 bytes
	han100 := strings.Repeat("政", 100) + ".txt"
	shared := strings.Repeat("年", 80) // 240 bytes
	nfc := "\u00e9\u5e74\u62a5.txt"
	nfd := norm.NFD.String(nfc)
	for _, tc := range []struct {
		name string
		rels []string // each gets an output of its own
		fold results.Folding
	}{
		{"short names kept", []string{"a.txt", "2023/报告.pdf"}, results.FoldNone},
		{"250 bytes", []string{"in/" + long250}, results.FoldNone},
		{"100 Chinese characters", []string{"in/" + han100}, results.FoldNone},
		{"long names sharing 240 bytes", []string{shared + "甲.txt", shared + "乙.txt"}, results.FoldNone},
		{"newline and control characters", []string{"a\nb.txt", "a\rb.txt", "a\x01b.txt"}, results.FoldNone},
		{"invalid UTF-8", []string{"\xb1\xa8\xb8\xe6.txt", "\xb1\xa8\xb8\xe7.txt"}, results.FoldNone},
		{"long folder", []string{strings.Repeat("夹", 90) + "/a.txt", strings.Repeat("夹", 90) + "/b.txt"}, results.FoldNone},
		{"case on a folding file system", []string{"Report.txt", "report.txt", "REPORT.txt"}, results.FoldNames},
		{"NFC and NFD on a folding file system", []string{nfc, nfd}, results.FoldNames},
		{"NFC and NFD elsewhere", []string{nfc, nfd}, results.FoldNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]string{}
			for _, rel := range tc.rels {
				for _, suffix := range []string{results.RecordSuffix, results.ErrorSuffix} {
					out := results.OutputName(rel, suffix, tc.fold)
					for _, elem := range strings.Split(out, "/") {
						if len(elem) > results.MaxNameBytes {
							t.Errorf("%q: element of %d bytes", rel, len(elem))
						}
						if !utf8.ValidString(elem) || strings.ContainsAny(elem, "\n\r\x01") {
							t.Errorf("%q: element %q cannot be written as it is", rel, elem)
						}
					}
					if !strings.HasSuffix(out, suffix) || strings.HasSuffix(out, results.ErrorSuffix) != (suffix == results.ErrorSuffix) {
						t.Errorf("%q: %q does not end in %s", rel, out, suffix)
					}
					key := out
					if tc.fold == results.FoldNames {
						key = norm.NFC.String(cases.Fold().String(out))
					}
					if other, ok := seen[key]; ok {
						t.Errorf("%q and %q share the output %q", rel, other, out)
					}
					seen[key] = rel
				}
				if out := results.OutputName(rel, ".json", tc.fold); len(rel) < 200 && utf8.ValidString(rel) &&
					!strings.ContainsAny(rel, "\n\r\x01") && tc.fold == results.FoldNone && out != rel+".json" {
					t.Errorf("%q became %q, want it kept", rel, out)
				}
			}
		})
	}
	// The extension stays visible in a shortened name.
	if out := results.OutputName(han100, ".json", results.FoldNone); path.Ext(strings.TrimSuffix(out, ".json")) != ".txt" {
		t.Errorf("shortened name %q lost its .txt", out)
	}
}

// TestSinkLongName writes a record and a failure whose names are too long
// as they are, and reads them back by the input's name.
func TestSinkLongName(t *testing.T) {
	dir := t.TempDir()
	s := &results.Sink{Dir: dir}
	rel := "in/" + strings.Repeat("政", 84) + "\n.txt"
	if err := s.WriteFailure(rel, results.Failure{File: rel, Reason: "page 2: bad\npage 3: bad"}); err != nil {
		t.Fatal(err)
	}
	rec := &record.Record{Schema: record.Schema, Source: record.Source{File: rel}}
	if _, err := s.WriteRecord(rel, rec); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.Record(rel)
	if err != nil || got.Source.File != rel {
		t.Fatalf("Record = %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "in"))
	if len(entries) != 1 {
		t.Errorf("in/ holds %d files, want the record alone", len(entries))
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain 报告":            "plain 报告",
		"a\nb":                `a\nb`,
		"page 1: x\r\npage 2": `page 1: x\r\npage 2`,
		"bell\x07":            `bell\x07`,
	} {
		if got := results.OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProbeFolding(t *testing.T) {
	// Linux file systems as usually made fold nothing; the probe leaves no
	// file behind.
	dir := t.TempDir()
	s := &results.Sink{Dir: dir}
	if _, err := s.WriteRecord("Ab.txt", &record.Record{Schema: record.Schema}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "Ab.txt.json")); err != nil {
		t.Errorf("name changed on a file system that does not fold: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files left, want 1", len(entries))
	}
}
