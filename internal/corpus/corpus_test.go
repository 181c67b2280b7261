package corpus

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/template"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// committed is the corpus as checked in, relative to this package.
const committed = "../../testdata/corpus"

// TestCorpusUpToDate regenerates the corpus and compares it with the
// committed one byte for byte, so the two cannot drift apart.
func TestCorpusUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Generate(DefaultSeed, DefaultCount)); err != nil {
		t.Fatal(err)
	}
	want, got := readTree(t, dir), readTree(t, committed)
	for name, data := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: missing from %s", name, committed)
		} else if !bytes.Equal(g, data) {
			t.Errorf("%s: differs from the generator's output", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok && !rendered(name, want) {
			t.Errorf("%s: not generated", name)
		}
	}
	for name := range want {
		if pdf := strings.TrimSuffix(name, ".docx") + RenderedExt; strings.HasSuffix(name, ".docx") && got[pdf] == nil {
			t.Errorf("%s: missing from %s; render it with make corpus-pdf", pdf, committed)
		}
	}
	if t.Failed() {
		t.Log("regenerate with: go generate ./internal/corpus")
	}
}

// rendered reports whether name is the PDF rendering of a generated DOCX.
func rendered(name string, generated map[string][]byte) bool {
	stem, ok := strings.CutSuffix(name, RenderedExt)
	return ok && generated[stem+".docx"] != nil
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, err := Files(Generate(7, 12))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Files(Generate(7, 12))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a, b, func(x, y File) bool { return x.Name == y.Name && bytes.Equal(x.Data, y.Data) }) {
		t.Error("two runs with one seed differ")
	}
}

// expectedFile is the expected record as the parser's tests read it.
type expectedFile struct {
	Title    string
	Agency   string
	Year     int
	Template string
	Script   string
	Status   string
	Fields   map[string]*float64
	Findings []Finding
}

// TestCorpusSanity checks the committed corpus: every report has all its
// files, its expected record is well formed and full of distinct values,
// and the mix of reports is as planned.
func TestCorpusSanity(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(committed, ExpectedDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 36 {
		t.Fatalf("%d reports, want at least 36", len(names))
	}
	seen := map[string]int{}
	for _, name := range names {
		stem := strings.TrimSuffix(filepath.Base(name), ".json")
		e := readExpected(t, name)
		checkExpected(t, stem, e)
		for _, st := range Styles() {
			text := decode(t, filepath.Join(committed, st.FileName(stem)))
			if !strings.Contains(text, e.Agency) {
				t.Errorf("%s: %s does not name the agency %s", stem, st, e.Agency)
			}
		}
		seen[e.Template]++
		seen[e.Script]++
		seen[e.Status]++
		if seen[e.Agency]++; seen[e.Agency] > 1 {
			t.Errorf("%s: agency %s repeats", stem, e.Agency)
		}
	}
	n := len(names)
	for _, k := range []string{template.V2019, template.V2021, "simplified", "valid", "invalid", "incomplete"} {
		if seen[k] == 0 {
			t.Errorf("no report with %s", k)
		}
	}
	if tr := seen["traditional"]; tr < n/4 || tr > n/2 {
		t.Errorf("%d of %d reports traditional, want about a third", tr, n)
	}
	if bad := seen["invalid"] + seen["incomplete"]; bad < n/5 || bad > n/3 {
		t.Errorf("%d of %d reports with errors, want about a quarter", bad, n)
	}
}

func readExpected(t *testing.T, name string) expectedFile {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e expectedFile
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return e
}

// decode reads a corpus file in whichever encoding it was written; of a
// Word document, the XML of its text.
func decode(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".docx") {
		data = docxPart(t, data, "word/document.xml")
	}
	if utf8.Valid(data) {
		return string(data)
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		t.Fatalf("%s: neither UTF-8 nor GB18030: %v", name, err)
	}
	return string(s)
}

// docxPart returns a part of a Word document.
func docxPart(t *testing.T, docx []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func checkExpected(t *testing.T, stem string, e expectedFile) {
	t.Helper()
	tmpl := template.Lookup(e.Template)
	if tmpl == nil {
		t.Fatalf("%s: template %q", stem, e.Template)
	}
	if !strings.Contains(e.Title, e.Agency) || e.Year < 2019 || e.Year > 2025 {
		t.Errorf("%s: title %q, agency %q, year %d", stem, e.Title, e.Agency, e.Year)
	}
	if want := wantKeys(tmpl, e.Findings); !slices.Equal(sortedKeys(e.Fields), want) {
		t.Errorf("%s: fields %v, want %v", stem, sortedKeys(e.Fields), want)
	}
	distinct := map[float64]bool{}
	for _, v := range e.Fields {
		if v != nil && *v != 0 {
			distinct[*v] = true
		}
	}
	if len(distinct) < 40 {
		t.Errorf("%s: %d distinct non-zero values, want at least 40", stem, len(distinct))
	}
	if got := recheck(tmpl, e.Fields); !slices.Equal(got, arithmetic(e.Findings)) {
		t.Errorf("%s: the values imply findings %v, the file declares %v", stem, got, arithmetic(e.Findings))
	}
	r := Report{Findings: e.Findings}
	if r.Status() != e.Status {
		t.Errorf("%s: status %s, findings imply %s", stem, e.Status, r.Status())
	}
	for _, f := range e.Findings {
		if f.Table == "" && f.Rule != ruleYearMismatch {
			t.Errorf("%s: finding %v names no table", stem, f)
		}
	}
}

// wantKeys lists the flat keys a report of the template has: every row it
// prints, the single （六）其他处理 row in place of its parts on a deviation,
// no table 3 where it is missing.
func wantKeys(tmpl *template.Template, findings []Finding) []string {
	has := func(rule string) bool {
		return slices.ContainsFunc(findings, func(f Finding) bool { return f.Rule == rule })
	}
	var keys []string
	for i := range tmpl.Tables {
		tbl := &tmpl.Tables[i]
		if tbl.Key == template.ReviewsLitigation && has(ruleTableMissing) {
			continue
		}
		for _, row := range newTable(tbl, has(ruleDeviation) && tbl.Key == template.Applications).rows {
			for _, c := range row.cols {
				keys = append(keys, tbl.Key+"."+row.def.Key+"."+c.Key)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

func sortedKeys(m map[string]*float64) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// arithmetic returns the findings of the rules recheck knows, sorted.
func arithmetic(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		switch f.Rule {
		case ruleBalance, ruleProcessedTotal, ruleRowTotal, ruleReviewsTotal, ruleInvalid, ruleMissing:
			out = append(out, f)
		}
	}
	return sortFindings(out)
}

func sortFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, func(a, b Finding) int {
		return strings.Compare(a.Rule+a.Table+a.Row+a.Column, b.Rule+b.Table+b.Row+b.Column)
	})
	return fs
}

// recheck is a small validator over the expected values, run only here to
// confirm that each injection declared exactly the findings it implies.
func recheck(tmpl *template.Template, fields map[string]*float64) []Finding {
	var out []Finding
	get := func(tbl, row, col string) (float64, bool) {
		v := fields[tbl+"."+row+"."+col]
		if v == nil {
			return 0, false
		}
		return *v, true
	}
	// sumEquals compares want with the sum of the values; a null among them
	// skips the check.
	sumEquals := func(want float64, ok bool, vals ...func() (float64, bool)) bool {
		var s float64
		for _, v := range vals {
			n, vok := v()
			if !vok {
				return true
			}
			s += n
		}
		return !ok || math.Abs(s-want) < 1e-9
	}
	cell := func(tbl, row, col string) func() (float64, bool) {
		return func() (float64, bool) { return get(tbl, row, col) }
	}
	for i := range tmpl.Tables {
		tbl := &tmpl.Tables[i]
		var printed []string
		for _, row := range tbl.Rows {
			if _, ok := fields[tbl.Key+"."+row.Key+"."+tbl.ColumnsOf(&row)[0].Key]; ok {
				printed = append(printed, row.Key)
			}
		}
		for _, rk := range printed {
			for _, c := range tbl.ColumnsOf(tbl.Row(rk)) {
				v := fields[tbl.Key+"."+rk+"."+c.Key]
				if v == nil {
					out = append(out, finding(ruleMissing, tbl.Key, rk, c.Key))
				} else if c.Kind == template.Count && (*v < 0 || *v != math.Trunc(*v)) {
					out = append(out, finding(ruleInvalid, tbl.Key, rk, c.Key))
				}
			}
		}
		switch tbl.Key {
		case template.Applications:
			applicantKeys := tbl.Columns[:len(tbl.Columns)-1]
			for _, rk := range printed {
				var parts []func() (float64, bool)
				for _, c := range applicantKeys {
					parts = append(parts, cell(tbl.Key, rk, c.Key))
				}
				if total, ok := get(tbl.Key, rk, template.ColumnTotal); !sumEquals(total, ok, parts...) {
					out = append(out, appFinding(ruleRowTotal, rk, template.ColumnTotal))
				}
			}
			for _, c := range tbl.Columns {
				var outcomes []func() (float64, bool)
				for _, rk := range printed {
					switch rk {
					case template.RowNewReceived, template.RowCarriedOver, template.RowProcessedTotal, template.RowCarriedForward:
					default:
						outcomes = append(outcomes, cell(tbl.Key, rk, c.Key))
					}
				}
				total, ok := get(tbl.Key, template.RowProcessedTotal, c.Key)
				if !sumEquals(total, ok, outcomes...) {
					out = append(out, appFinding(ruleProcessedTotal, template.RowProcessedTotal, c.Key))
				}
				in, inOK := get(tbl.Key, template.RowNewReceived, c.Key)
				over, overOK := get(tbl.Key, template.RowCarriedOver, c.Key)
				if inOK && overOK && !sumEquals(in+over, true, cell(tbl.Key, template.RowProcessedTotal, c.Key), cell(tbl.Key, template.RowCarriedForward, c.Key)) {
					out = append(out, appFinding(ruleBalance, template.RowProcessedTotal, c.Key))
				}
			}
		case template.ReviewsLitigation:
			for _, rk := range printed {
				var parts []func() (float64, bool)
				for _, c := range tbl.Columns[:len(tbl.Columns)-1] {
					parts = append(parts, cell(tbl.Key, rk, c.Key))
				}
				if total, ok := get(tbl.Key, rk, template.ColumnTotal); !sumEquals(total, ok, parts...) {
					out = append(out, finding(ruleReviewsTotal, tbl.Key, rk, template.ColumnTotal))
				}
			}
		}
	}
	return sortFindings(out)
}
