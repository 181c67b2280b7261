// Package expect compares a record with an expected one, in the format of
// ../shared/seeds/expected: the metadata, every flat value, and the findings
// by rule, table, row and column. Tests of every converter use it.
package expect

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"

	"github.com/nianbao/nianbao/internal/record"
)

// Record is an expected record.
type Record struct {
	Title    string                  `json:"title"`
	Agency   string                  `json:"agency"`
	Year     *int                    `json:"year"`
	Template string                  `json:"template"`
	Script   string                  `json:"script"`
	Status   string                  `json:"status"`
	Fields   map[string]record.Value `json:"fields"`
	Findings []Finding               `json:"findings"`
}

// Finding is an expected finding.
type Finding struct {
	Rule   string `json:"rule"`
	Table  string `json:"table,omitempty"`
	Row    string `json:"row"`
	Column string `json:"column"`
}

// Load reads an expected record from a file.
func Load(path string) (*Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var e Record
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &e, nil
}

// Diff returns every difference between the record and the expected one, one
// line each; none means they agree.
func (e *Record) Diff(r *record.Record) []string {
	var diffs []string
	add := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	for _, m := range []struct{ name, want, got string }{
		{"title", e.Title, r.Title},
		{"agency", e.Agency, r.Agency},
		{"template", e.Template, r.Template},
		{"script", e.Script, r.Script},
		{"status", e.Status, r.Status},
	} {
		if m.want != m.got {
			add("%s: want %q, got %q", m.name, m.want, m.got)
		}
	}
	if fmt.Sprint(deref(e.Year)) != fmt.Sprint(deref(r.Year)) {
		add("year: want %v, got %v", deref(e.Year), deref(r.Year))
	}
	keys, got := r.Flat()
	for _, k := range sortedKeys(e.Fields) {
		g, ok := got[k]
		switch {
		case !ok:
			add("%s: want %s, missing", k, e.Fields[k])
		case g != e.Fields[k]:
			add("%s: want %s, got %s", k, e.Fields[k], g)
		}
	}
	for _, k := range keys {
		if _, ok := e.Fields[k]; !ok {
			add("%s: not expected, got %s", k, got[k])
		}
	}
	// The seeds' expected files name no table; compare tables where they do.
	withTable := false
	for _, f := range e.Findings {
		withTable = withTable || f.Table != ""
	}
	want := make([]string, 0, len(e.Findings))
	for _, f := range e.Findings {
		want = append(want, f.key(withTable))
	}
	gotFindings := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		gotFindings = append(gotFindings, Finding{Rule: f.Rule, Table: f.Table, Row: f.Row, Column: f.Column}.key(withTable))
	}
	sort.Strings(want)
	sort.Strings(gotFindings)
	if !slices.Equal(want, gotFindings) {
		add("findings: want %v, got %v", want, gotFindings)
	}
	return diffs
}

func (f Finding) key(withTable bool) string {
	if withTable {
		return f.Rule + " " + f.Table + "." + f.Row + "." + f.Column
	}
	return f.Rule + " " + f.Row + "." + f.Column
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func sortedKeys(m map[string]record.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
