package results_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/worker/results"
)

func TestSink(t *testing.T) {
	dir := t.TempDir()
	s := &results.Sink{Dir: dir}
	for _, rel := range []string{"../x.txt", "/etc/x.txt", "a/../../x.txt", ""} {
		if _, err := s.RecordPath(rel); err == nil {
			t.Errorf("RecordPath(%q) gave no error", rel)
		}
	}
	if _, _, err := s.Record("a/b.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Record of nothing: %v, want ErrNotExist", err)
	}
	if err := s.WriteFailure("a/b.txt", results.Failure{File: "a/b.txt", Reason: "first try failed"}); err != nil {
		t.Fatal(err)
	}
	rec := &record.Record{Schema: record.Schema, Agency: "东风区人民政府办公室", Status: record.Valid,
		Source: record.Source{File: "a/b.txt", SHA256: "abc"}}
	data, err := s.WriteRecord("a/b.txt", rec)
	if err != nil {
		t.Fatal(err)
	}
	got, gotData, err := s.Record("a/b.txt")
	if err != nil || got.Agency != rec.Agency || string(gotData) != string(data) {
		t.Errorf("Record = %+v, %v", got, err)
	}
	// The record replaces the failure of an earlier attempt, and no
	// temporary file is left.
	entries, _ := os.ReadDir(filepath.Join(dir, "a"))
	if len(entries) != 1 || entries[0].Name() != "b.txt.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("a/ holds %v, want only b.txt.json", names)
	}
}

func TestIsResult(t *testing.T) {
	for _, tc := range []struct {
		name              string
		isRecord, isError bool
	}{
		{"a.txt.json", true, false},
		{"a.txt.error.json", false, true},
		{".a.txt.json.tmp-123", false, false},
		{".hidden.json", false, false},
		{"reports.csv", false, false},
	} {
		r, e := results.IsResult(tc.name)
		if r != tc.isRecord || e != tc.isError {
			t.Errorf("IsResult(%q) = %v, %v; want %v, %v", tc.name, r, e, tc.isRecord, tc.isError)
		}
	}
}
