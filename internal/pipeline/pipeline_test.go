package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

const (
	seeds   = "../../testdata/seeds"
	seed000 = "000_a91be580dd15950d.txt" // simplified, valid
	seed002 = "002_361b891b134c88b9.txt" // traditional, invalid
)

func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(seeds, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// writeFile writes data to a file called name in a new temporary directory
// and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// binaryBytes are bytes that are no format: control bytes and NULs, with no
// byte order mark and no magic number.
var binaryBytes = []byte("\x00\x01\x02\x03\x9c\x7f\x10\x00\xfa\x1b\x05\x00\x80\x81\x06\x07\x00\x11\x12\x13")

const newsParagraph = "新华社北京电 记者从有关部门获悉，今年以来各地区各部门认真贯彻落实党中央决策部署，" +
	"扎实推进各项工作，经济运行总体平稳、稳中有进，人民群众获得感、幸福感、安全感持续增强。\n" +
	"下一步，有关部门将继续加强统筹协调，推动各项政策措施落地见效。\n"

func TestDetect(t *testing.T) {
	text := []byte("东风区人民政府办公室2023年政府信息公开工作年度报告\n一、总体情况\n")
	page := []byte("<!DOCTYPE html>\n<html><head><title>年度报告</title></head><body><p>一、总体情况</p></body></html>")
	for _, tc := range []struct {
		name string
		file string
		data []byte
		want string
	}{
		// Magic numbers beat the extension.
		{"pdf named txt", "report.txt", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), pipeline.FormatPDF},
		{"pdf named html", "report.html", []byte("%PDF-1.4\n"), pipeline.FormatPDF},
		{"pdf no name", "", []byte("%PDF-1.4\n"), pipeline.FormatPDF},
		{"zip named txt", "report.txt", []byte("PK\x03\x04\x14\x00\x06\x00"), pipeline.FormatDOCX},
		{"ole2 doc", "report.doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), pipeline.FormatDOCX},
		{"ole2 wps no extension", "report", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), pipeline.FormatDOCX},
		{"png named pdf", "scan.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), pipeline.FormatImage},
		{"jpeg", "scan", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), pipeline.FormatImage},
		{"tiff little endian", "scan.txt", []byte("II*\x00\x08\x00\x00\x00"), pipeline.FormatImage},
		{"tiff big endian", "scan", []byte("MM\x00*\x00\x00\x00\x08"), pipeline.FormatImage},
		{"gif", "scan", []byte("GIF89a\x01\x00"), pipeline.FormatImage},

		// The extension, in any case, when there is no magic number.
		{"txt", "report.txt", text, pipeline.FormatText},
		{"TXT upper case", "REPORT.TXT", text, pipeline.FormatText},
		{"md", "notes/report.md", text, pipeline.FormatText},
		{"html", "report.html", page, pipeline.FormatHTML},
		{"HTML upper case", "report.HTML", page, pipeline.FormatHTML},
		{"Htm mixed case", "a/b/report.Htm", page, pipeline.FormatHTML},
		{"shtml", "report.shtml", page, pipeline.FormatHTML},
		{"html extension on text", "report.html", text, pipeline.FormatHTML},
		{"txt extension on html", "report.txt", page, pipeline.FormatText},
		{"docx without magic", "report.docx", text, pipeline.FormatDOCX},
		{"pdf extension without magic", "report.PDF", text, pipeline.FormatPDF},
		{"jpg extension", "scan.JPG", binaryBytes, pipeline.FormatImage},
		{"path with dots", "/tmp/2023.年报/report.txt", text, pipeline.FormatText},

		// Else the content.
		{"html content, unknown extension", "report.aspx", page, pipeline.FormatHTML},
		{"html content, no extension", "report", []byte("<html><body><p>报告</p></body></html>"), pipeline.FormatHTML},
		{"html content, no name", "", page, pipeline.FormatHTML},
		{"text content, no extension", "report", text, pipeline.FormatText},
		{"text content, unknown extension", "report.dat", text, pipeline.FormatText},
		{"ascii text, no name", "", []byte("annual report 2023\n"), pipeline.FormatText},
		{"random bytes, no extension", "blob", binaryBytes, ""},
		{"random bytes, unknown extension", "blob.bin", binaryBytes, ""},
		{"a record, not a report", "000.json", []byte(`{"title":"年度报告"}`), ""},
		{"an export", "reports.csv", []byte("file,agency\n"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pipeline.Detect(tc.file, tc.data); got != tc.want {
				t.Errorf("Detect(%q, %q…) = %q, want %q", tc.file, head(tc.data), got, tc.want)
			}
		})
	}
}

func head(b []byte) []byte {
	if len(b) > 16 {
		return b[:16]
	}
	return b
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	p := pipeline.New(pipeline.Config{})
	for _, tc := range []struct {
		name string
		file string
		data []byte
		want error
	}{
		{"empty txt", "empty.txt", nil, converters.ErrEmpty},
		{"empty no extension", "empty", nil, converters.ErrEmpty},
		{"empty pdf", "empty.pdf", nil, converters.ErrEmpty},
		{"whitespace only", "blank.txt", []byte(" \n\t\r\n\u3000\n"), converters.ErrEmpty},
		{"html with no text", "blank.html", []byte("<html><body>  </body></html>"), converters.ErrEmpty},
		{"binary named txt", "report.txt", binaryBytes, converters.ErrNotText},
		{"binary named html", "report.html", binaryBytes, converters.ErrNotText},
		{"not utf-8 nor gb18030", "report.txt", []byte("\x81\x30\xff\xff\xfe\x80abc"), converters.ErrNotText},
		{"random bytes, no extension", "blob", binaryBytes, converters.ErrUnsupported},
		{"pdf", "report.pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), converters.ErrCorrupt},
		{"pdf named txt", "report.txt", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), converters.ErrCorrupt},
		{"truncated docx", "report.docx", []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), converters.ErrCorrupt},
		{"truncated png", "scan.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), converters.ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := p.Bytes(ctx, tc.file, tc.data)
			if !errors.Is(err, tc.want) {
				t.Errorf("Bytes: err = %v, want one wrapping %v", err, tc.want)
			}
			if rec != nil {
				t.Errorf("Bytes: got a record with the error")
			}
			path := writeFile(t, tc.file, tc.data)
			rec, err = p.File(ctx, path)
			if !errors.Is(err, tc.want) {
				t.Errorf("File: err = %v, want one wrapping %v", err, tc.want)
			}
			if rec != nil {
				t.Errorf("File: got a record with the error")
			}
		})
	}
}

func TestMaxFileSize(t *testing.T) {
	ctx := context.Background()
	const limit = 64
	p := pipeline.New(pipeline.Config{MaxFileSize: limit})
	at := bytes.Repeat([]byte("a"), limit)
	over := bytes.Repeat([]byte("a"), limit+1)

	if _, err := p.Bytes(ctx, "over.txt", over); !errors.Is(err, converters.ErrTooLarge) {
		t.Errorf("Bytes of %d bytes: err = %v, want ErrTooLarge", len(over), err)
	}
	if _, err := p.File(ctx, writeFile(t, "over.txt", over)); !errors.Is(err, converters.ErrTooLarge) {
		t.Errorf("File of %d bytes: err = %v, want ErrTooLarge", len(over), err)
	}
	// A report over the limit is refused before anything is read.
	if _, err := p.File(ctx, filepath.Join(seeds, seed000)); !errors.Is(err, converters.ErrTooLarge) {
		t.Errorf("File of a seed with a %d-byte limit: err = %v, want ErrTooLarge", limit, err)
	}
	// At the limit the file is read.
	if _, err := p.Bytes(ctx, "at.txt", at); err != nil {
		t.Errorf("Bytes of %d bytes: %v", len(at), err)
	}
	if _, err := p.File(ctx, writeFile(t, "at.txt", at)); err != nil {
		t.Errorf("File of %d bytes: %v", len(at), err)
	}
	// The default limit reads a seed.
	if _, err := pipeline.New(pipeline.Config{MaxFileSize: -1}).File(ctx, filepath.Join(seeds, seed000)); err != nil {
		t.Errorf("File with the default limit: %v", err)
	}
}

func TestFileErrors(t *testing.T) {
	ctx := context.Background()
	p := pipeline.New(pipeline.Config{})
	dir := t.TempDir()
	if rec, err := p.File(ctx, dir); err == nil || rec != nil {
		t.Errorf("File(directory) = %v, %v; want an error", rec, err)
	}
	missing := filepath.Join(dir, "missing.txt")
	if _, err := p.File(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("File(missing) err = %v, want one wrapping fs.ErrNotExist", err)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := pipeline.New(pipeline.Config{})
	_, err := p.Bytes(ctx, seed000, readSeed(t, seed000))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Bytes with a canceled context: err = %v, want context.Canceled", err)
	}
}

func TestNotAReport(t *testing.T) {
	p := pipeline.New(pipeline.Config{})
	rec, err := p.File(context.Background(), writeFile(t, "news.txt", []byte(newsParagraph)))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != record.Incomplete {
		t.Errorf("status = %q, want %q", rec.Status, record.Incomplete)
	}
	var missing []string
	for _, f := range rec.Findings {
		if f.Rule == validate.RuleTableMissing {
			missing = append(missing, f.Table)
		}
		if f.Severity == record.Error && f.Rule != validate.RuleTableMissing {
			t.Errorf("unexpected error finding %+v", f)
		}
	}
	want := []string{template.ActiveDisclosure, template.Applications, template.ReviewsLitigation}
	if strings.Join(missing, ",") != strings.Join(want, ",") {
		t.Errorf("table.missing for %v, want %v", missing, want)
	}
	if rec.ActiveDisclosure != nil || rec.Applications != nil || rec.ReviewsLitigation != nil {
		t.Errorf("tables found in a news paragraph")
	}
}

// withoutTable3 returns the seed without the lines between the headings of
// sections 四 and 五 (the text and table of 行政复议、行政诉讼), headings kept.
func withoutTable3(t *testing.T, data []byte) []byte {
	t.Helper()
	lines := strings.SplitAfter(string(data), "\n")
	from, to := -1, -1
	for i, l := range lines {
		switch {
		case from < 0 && strings.HasPrefix(l, "四、政府信息公开行政复议"):
			from = i
		case from >= 0 && strings.HasPrefix(l, "五、存在的主要问题"):
			to = i
		}
		if to >= 0 {
			break
		}
	}
	if from < 0 || to < 0 || to-from < 10 {
		t.Fatalf("seed: headings 四 and 五 not found as expected (lines %d, %d)", from, to)
	}
	kept := append(append([]string{}, lines[:from+1]...), lines[to:]...)
	return []byte(strings.Join(kept, ""))
}

func TestReportWithoutTable3(t *testing.T) {
	ctx := context.Background()
	p := pipeline.New(pipeline.Config{})
	full, err := p.Bytes(ctx, seed000, readSeed(t, seed000))
	if err != nil {
		t.Fatal(err)
	}
	if full.Status != record.Valid || full.ReviewsLitigation == nil {
		t.Fatalf("the whole seed: status %q, reviews table %v; want valid with the table", full.Status, full.ReviewsLitigation)
	}
	cut := withoutTable3(t, readSeed(t, seed000))
	rec, err := p.Bytes(ctx, "cut.txt", cut)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != record.Incomplete {
		t.Errorf("status = %q, want %q", rec.Status, record.Incomplete)
	}
	var errs []string
	for _, f := range rec.Findings {
		if f.Severity == record.Error {
			errs = append(errs, f.Rule+" "+f.Table)
		}
	}
	if want := "table.missing reviews_litigation"; len(errs) != 1 || errs[0] != want {
		t.Errorf("error findings = %q, want only %q", errs, want)
	}
	if rec.ReviewsLitigation != nil {
		t.Errorf("reviews_litigation read from a text without it: %v", rec.ReviewsLitigation.Keys())
	}
	// The other tables read as in the whole seed.
	fullKeys, fullValues := full.Flat()
	keys, values := rec.Flat()
	n := 0
	for _, k := range fullKeys {
		if strings.HasPrefix(k, template.ReviewsLitigation+".") {
			continue
		}
		n++
		if values[k] != fullValues[k] {
			t.Errorf("%s = %v, want %v as in the whole seed", k, values[k], fullValues[k])
		}
	}
	if len(keys) != n {
		t.Errorf("%d values, want %d", len(keys), n)
	}
	if rec.Title != full.Title || rec.Agency != full.Agency || *rec.Year != *full.Year {
		t.Errorf("meta %q %q %v, want %q %q %v", rec.Title, rec.Agency, *rec.Year, full.Title, full.Agency, *full.Year)
	}
}

func TestFileSource(t *testing.T) {
	ctx := context.Background()
	p := pipeline.New(pipeline.Config{})
	for _, tc := range []struct {
		seed, script, status string
	}{
		{seed000, "simplified", record.Valid},
		{seed002, "traditional", record.Invalid},
	} {
		t.Run(tc.seed, func(t *testing.T) {
			data := readSeed(t, tc.seed)
			path := writeFile(t, tc.seed, data)
			rec, err := p.File(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			want := record.Source{File: path, SHA256: hex.EncodeToString(sum[:]), Format: "text", Method: "text"}
			if rec.Source != want {
				t.Errorf("Source = %+v, want %+v", rec.Source, want)
			}
			if rec.Script != tc.script || rec.Status != tc.status || rec.Template != template.V2021 {
				t.Errorf("script %q, status %q, template %q; want %q, %q, 2021", rec.Script, rec.Status, rec.Template, tc.script, tc.status)
			}
			// The record File gives is the one Bytes gives.
			byBytes, err := p.Bytes(ctx, path, data)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(rec)
			b, _ := json.Marshal(byBytes)
			if !bytes.Equal(a, b) {
				t.Errorf("File and Bytes give different records:\n%s\n%s", a, b)
			}
		})
	}
}

// TestHTMLReport runs a seed laid out as a web page, one <p> a line.
func TestHTMLReport(t *testing.T) {
	ctx := context.Background()
	p := pipeline.New(pipeline.Config{})
	data := readSeed(t, seed000)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>年度报告</title></head><body>\n")
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString("<p>" + html.EscapeString(l) + "</p>\n")
		}
	}
	b.WriteString("</body></html>\n")
	page := []byte(b.String())

	// Named .htm, and with no extension at all: detected by content.
	for _, name := range []string{"report.htm", "report"} {
		t.Run(name, func(t *testing.T) {
			rec, err := p.File(ctx, writeFile(t, name, page))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Source.Format != pipeline.FormatHTML || rec.Source.Method != "html" {
				t.Errorf("format %q, method %q; want html, html", rec.Source.Format, rec.Source.Method)
			}
			if rec.Status != record.Valid {
				t.Errorf("status = %q, want valid; findings %+v", rec.Status, rec.Findings)
			}
			if rec.Agency != "东风区人民政府办公室" || rec.Year == nil || *rec.Year != 2023 {
				t.Errorf("agency %q, year %v", rec.Agency, rec.Year)
			}
		})
	}
}
