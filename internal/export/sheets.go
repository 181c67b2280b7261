package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// bom opens reports.csv: without it Excel and WPS take UTF-8 for the local
// code page and garble the Chinese.
const bom = "\uFEFF"

// Leading columns of the records sheet; the flat keys follow, then error.
// reviewed lists the flat keys of the values a person set (review station).
var recordColumns = []string{"file", "agency", "year", "template", "status", "findings", "reviewed"}

var findingColumns = []string{"file", "agency", "year", "rule", "severity", "table", "row", "column", "expected", "actual", "message"}

// recordRows returns the records sheet: a header and one row per document.
// Cells are strings, float64 for numbers, or nil for blanks.
func recordRows(set *Set) [][]any {
	keys := FlatKeys()
	header := make([]any, 0, len(recordColumns)+len(keys)+1)
	for _, c := range recordColumns {
		header = append(header, c)
	}
	for _, k := range keys {
		header = append(header, k)
	}
	header = append(header, "error")
	rows := [][]any{header}
	for _, d := range set.Docs {
		row := make([]any, 0, len(header))
		row = append(row, d.File)
		if d.Record == nil {
			row = append(row, nil, nil, nil, StatusFailed, nil, nil)
			row = append(row, make([]any, len(keys))...)
			rows = append(rows, append(row, d.Failure.Reason))
			continue
		}
		rec := d.Record
		var year any
		if rec.Year != nil {
			year = float64(*rec.Year)
		}
		var reviewed []string
		for _, r := range rec.Reviewed {
			reviewed = append(reviewed, r.Key())
		}
		row = append(row, rec.Agency, year, rec.Template, rec.Status, float64(len(rec.Findings)), strings.Join(reviewed, " "))
		_, values := rec.Flat()
		for _, k := range keys {
			if v, ok := values[k]; ok && v.Valid {
				row = append(row, v.Num)
			} else {
				row = append(row, nil)
			}
		}
		rows = append(rows, append(row, nil))
	}
	return rows
}

// findingRows returns the findings sheet: every record's findings, then the
// archive checks'.
func findingRows(set *Set) [][]any {
	header := make([]any, len(findingColumns))
	for i, c := range findingColumns {
		header[i] = c
	}
	rows := [][]any{header}
	add := func(f Finding) {
		var year, expected, actual any
		if f.Year != nil {
			year = float64(*f.Year)
		}
		if f.Expected != nil && f.Expected.Valid {
			expected = f.Expected.Num
		}
		if f.Actual != nil && f.Actual.Valid {
			actual = f.Actual.Num
		}
		rows = append(rows, []any{f.File, f.Agency, year, f.Rule, f.Severity, f.Table, f.Row, f.Column, expected, actual, f.Message})
	}
	for _, d := range set.Docs {
		if d.Record == nil {
			continue
		}
		for _, f := range d.Record.Findings {
			add(Finding{File: d.File, Agency: d.Record.Agency, Year: d.Record.Year, Finding: f})
		}
	}
	for _, f := range set.Findings {
		add(f)
	}
	return rows
}

// WriteCSV writes the records sheet as CSV, UTF-8 with a byte order mark.
func WriteCSV(w io.Writer, set *Set) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	for i, row := range recordRows(set) {
		cells := make([]string, len(row))
		for j, c := range row {
			switch v := c.(type) {
			case nil:
			case float64:
				cells[j] = strconv.FormatFloat(v, 'f', -1, 64)
			case string:
				cells[j] = v
				if i > 0 {
					cells[j] = defuse(v)
				}
			default:
				cells[j] = fmt.Sprint(v)
			}
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from reading text that comes from a document
// (a title, a file name) as a formula: such text gets a leading apostrophe,
// which Excel and WPS hide.
func defuse(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// Sheet names of reports.xlsx.
const (
	SheetRecords  = "records"
	SheetFindings = "findings"
)

// XLSX returns reports.xlsx: the records sheet and the findings sheet, each
// with a bold, frozen header row.
func XLSX(set *Set) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetRecords); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(SheetFindings); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	reviewed, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#C6EFCE"}}})
	if err != nil {
		return nil, err
	}
	records := recordRows(set)
	markReviewed(records, set, reviewed)
	for _, s := range []struct {
		name string
		rows [][]any
	}{{SheetRecords, records}, {SheetFindings, findingRows(set)}} {
		if err := writeSheet(f, s.name, s.rows, bold); err != nil {
			return nil, fmt.Errorf("export: sheet %s: %w", s.name, err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return b.Bytes(), nil
}

// writeSheet streams the rows into a sheet: the stream writer keeps memory
// flat for exports of tens of thousands of reports.
func writeSheet(f *excelize.File, sheet string, rows [][]any, headerStyle int) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		var opts []excelize.RowOpts
		if i == 0 {
			opts = append(opts, excelize.RowOpts{StyleID: headerStyle})
		}
		if err := sw.SetRow(cell, row, opts...); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// markReviewed gives the values people set in the review station a style
// of their own in the records sheet (rows as recordRows returns them).
func markReviewed(rows [][]any, set *Set, style int) {
	col := map[string]int{}
	for i, h := range rows[0] {
		if k, ok := h.(string); ok {
			col[k] = i
		}
	}
	for i, d := range set.Docs {
		if d.Record == nil {
			continue
		}
		for _, r := range d.Record.Reviewed {
			if j, ok := col[r.Key()]; ok {
				rows[i+1][j] = excelize.Cell{StyleID: style, Value: rows[i+1][j]}
			}
		}
	}
}
