// Package export turns a directory of records (as the worker and the batch
// command write them) into tables people open: reports.csv (UTF-8 with a
// byte order mark, so Excel and WPS read the Chinese right) and reports.xlsx
// (a sheet of records, a sheet of findings). It also checks reports of the
// same agency in consecutive years against each other.
package export

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/review"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/worker/results"
)

// File names Write writes.
const (
	CSVName  = "reports.csv"
	XLSXName = "reports.xlsx"
)

// StatusFailed is the status column of a document that gave no record.
const StatusFailed = "failed"

// Doc is one document of the export: its record, or why it has none.
type Doc struct {
	// File is the document's path relative to the directory, as the record
	// mirrors it (without .json).
	File    string
	Record  *record.Record   // nil when the document failed
	Failure *results.Failure // nil when it gave a record
}

// Set is everything an export holds.
type Set struct {
	Docs []Doc
	// Findings are the archive checks' findings (see Check).
	Findings []Finding
}

// Finding is a finding of one document, with what names it in a sheet.
type Finding struct {
	File   string
	Agency string
	Year   *int
	record.Finding
}

// Load reads every record and failure under dir, in path order, and runs the
// archive checks. Hidden files (temporary files of writes under way) and
// files that are neither are left out.
func Load(dir string) (*Set, error) {
	set := &Set{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		isRecord, isFailure := results.IsResult(d.Name())
		if !isRecord && !isFailure || review.IsSidecar(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if isFailure {
			var f results.Failure
			if err := json.Unmarshal(data, &f); err != nil {
				return fmt.Errorf("export: %s: %w", path, err)
			}
			// The input's full name: the file's own may be shortened.
			file := f.File
			if file == "" {
				file = strings.TrimSuffix(rel, results.ErrorSuffix)
			}
			set.Docs = append(set.Docs, Doc{File: file, Failure: &f})
			return nil
		}
		var rec record.Record
		if err := json.Unmarshal(data, &rec); err != nil {
			return fmt.Errorf("export: %s: %w", path, err)
		}
		if rec.Schema != record.Schema {
			return nil // some other JSON file
		}
		// Values people settled in the review station replace those read.
		doc, err := review.Load(path)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		file := rec.Source.File
		if file == "" {
			file = strings.TrimSuffix(rel, results.RecordSuffix)
		}
		set.Docs = append(set.Docs, Doc{File: file, Record: doc.Reviewed})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	slices.SortStableFunc(set.Docs, func(a, b Doc) int { return strings.Compare(a.File, b.File) })
	set.Findings = Check(set.Docs)
	return set, nil
}

// Summary counts what an export holds.
type Summary struct {
	Records, Failed, ArchiveFindings int
	ByStatus                         map[string]int
}

// Summary counts the documents by status.
func (s *Set) Summary() Summary {
	sum := Summary{ByStatus: map[string]int{}, ArchiveFindings: len(s.Findings)}
	for _, d := range s.Docs {
		if d.Record == nil {
			sum.Failed++
			continue
		}
		sum.Records++
		sum.ByStatus[d.Record.Status]++
	}
	return sum
}

// Write loads the records under dir and writes reports.csv and reports.xlsx
// into outDir (dir when ""), each atomically.
func Write(dir, outDir string) (*Set, error) {
	set, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if outDir == "" {
		outDir = dir
	}
	var csv strings.Builder
	if err := WriteCSV(&csv, set); err != nil {
		return nil, err
	}
	if err := results.WriteFile(filepath.Join(outDir, CSVName), []byte(csv.String())); err != nil {
		return nil, err
	}
	xlsx, err := XLSX(set)
	if err != nil {
		return nil, err
	}
	if err := results.WriteFile(filepath.Join(outDir, XLSXName), xlsx); err != nil {
		return nil, err
	}
	return set, nil
}

// FlatKeys returns the flat key (table.row.column) of every value of every
// template, in template order, 2021's first, then what 2019 adds.
func FlatKeys() []string {
	var keys []string
	seen := map[string]bool{}
	for _, tp := range template.All() {
		for ti := range tp.Tables {
			t := &tp.Tables[ti]
			for ri := range t.Rows {
				r := &t.Rows[ri]
				for _, c := range t.ColumnsOf(r) {
					k := t.Key + "." + r.Key + "." + c.Key
					if !seen[k] {
						seen[k] = true
						keys = append(keys, k)
					}
				}
			}
		}
	}
	return keys
}
