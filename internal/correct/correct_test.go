package correct_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/converters/text"
	"github.com/nianbao/nianbao/internal/correct"
	"github.com/nianbao/nianbao/internal/layout"
	"github.com/nianbao/nianbao/internal/parser"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/validate"
)

// fake reads a cell again as told, counting its calls.
type fake struct {
	readings []layout.Reading
	calls    int
	err      error
}

func (f *fake) Reread(context.Context) ([]layout.Reading, error) {
	f.calls++
	return f.readings, f.err
}

// ocrd returns corpus report 016, whose arithmetic holds, as if OCR had read
// it: every value of tables 2 and 3 with a re-reader giving nothing new,
// save those of misread (flat key: its first reading), and those of reads
// (flat key: what a re-reading gives).
func ocrd(t *testing.T, misread map[string]float64, reads map[string][]string) (*record.Record, []parser.Reread, map[string]*fake) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "corpus", "016.tsv.txt"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := text.Converter{}.Convert(context.Background(), "016.tsv.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	rec, rereads := parser.New(parser.Config{}).ParseRereads(doc)
	if len(rereads) != 0 {
		t.Fatalf("a text file gave %d values to read again, want none", len(rereads))
	}
	fakes := map[string]*fake{}
	for _, key := range []string{template.Applications, template.ReviewsLitigation} {
		tbl := rec.TableOf(key)
		for _, rowKey := range tbl.Keys() {
			row, _ := tbl.Get(rowKey)
			for _, col := range row.Keys() {
				flat := key + "." + rowKey + "." + col
				if v, ok := misread[flat]; ok {
					row.Set(col, record.Num(v))
				}
				v, _ := row.Get(col)
				f := &fake{}
				for _, r := range reads[flat] {
					f.readings = append(f.readings, layout.Reading{Text: r, Confidence: 0.9})
				}
				fakes[flat] = f
				rereads = append(rereads, parser.Reread{Table: key, Row: rowKey, Column: col, Raw: v.String(), Rereader: f})
			}
		}
	}
	return rec, rereads, fakes
}

func TestApply(t *testing.T) {
	const (
		disclosed   = "applications.disclosed.natural_person"     // 11
		reconTotal  = "reviews_litigation.reconsideration.total"  // 13
		reconUpheld = "reviews_litigation.reconsideration.upheld" // 9
		directUp    = "reviews_litigation.litigation_direct.upheld"
	)
	for _, tt := range []struct {
		name    string
		misread map[string]float64
		reads   map[string][]string
		cfg     correct.Config
		want    map[string]float64 // the values corrected, with the first readings
		status  string             // after validation
	}{
		{
			name:    "one reading fits",
			misread: map[string]float64{disclosed: 17},
			reads:   map[string][]string{disclosed: {"71", "11", "17"}},
			want:    map[string]float64{disclosed: 17},
			status:  record.Valid,
		},
		{
			name:    "two readings of two cells fit: none is taken",
			misread: map[string]float64{reconTotal: 18},
			reads:   map[string][]string{reconTotal: {"13"}, reconUpheld: {"14"}},
			status:  record.Invalid,
		},
		{
			name:    "a reading of another cell that does not fit is no rival",
			misread: map[string]float64{reconTotal: 18},
			reads:   map[string][]string{reconTotal: {"13", "16"}, reconUpheld: {"8"}},
			want:    map[string]float64{reconTotal: 18},
			status:  record.Valid,
		},
		{
			name:    "no reading fits",
			misread: map[string]float64{disclosed: 17},
			reads:   map[string][]string{disclosed: {"71", "12"}},
			status:  record.Invalid,
		},
		{
			name:    "two misreadings, one set fits",
			misread: map[string]float64{disclosed: 17, directUp: 1},
			reads:   map[string][]string{disclosed: {"11"}, directUp: {"7", "4"}},
			want:    map[string]float64{disclosed: 17, directUp: 1},
			status:  record.Valid,
		},
		{
			name:    "two misreadings, but one change at most",
			misread: map[string]float64{disclosed: 17, directUp: 1},
			reads:   map[string][]string{disclosed: {"11"}, directUp: {"7"}},
			cfg:     correct.Config{MaxChanges: 1},
			status:  record.Invalid,
		},
		{
			name:    "out of trials before every set is tried",
			misread: map[string]float64{disclosed: 17, directUp: 1},
			reads:   map[string][]string{disclosed: {"11"}, directUp: {"4", "7"}},
			cfg:     correct.Config{MaxTrials: 1},
			status:  record.Invalid,
		},
		{
			name:    "a reading below the confidence taken is not tried",
			misread: map[string]float64{disclosed: 17},
			reads:   map[string][]string{disclosed: {"11"}},
			cfg:     correct.Config{MinConfidence: 0.95},
			status:  record.Invalid,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec, rereads, fakes := ocrd(t, tt.misread, tt.reads)
			changed, err := correct.New(tt.cfg).Apply(context.Background(), rec, rereads)
			if err != nil {
				t.Fatal(err)
			}
			validate.Check(rec)
			if changed != (len(tt.want) > 0) {
				t.Errorf("changed %v, want %v", changed, len(tt.want) > 0)
			}
			if rec.Status != tt.status {
				t.Errorf("status %s, want %s; findings %+v", rec.Status, tt.status, rec.Findings)
			}
			_, flat := rec.Flat()
			got := map[string]float64{}
			for _, f := range rec.Findings {
				if f.Rule != validate.RuleCorrected {
					continue
				}
				if f.Severity != record.Warning || f.Actual == nil || !strings.Contains(f.Message, "first read") {
					t.Errorf("finding %+v: want a warning with the first reading as actual", f)
				}
				got[f.Table+"."+f.Row+"."+f.Column] = f.Actual.Num
			}
			if len(got) != len(tt.want) {
				t.Errorf("ocr.corrected on %v, want %v", got, tt.want)
			}
			for k, first := range tt.want {
				if got[k] != first {
					t.Errorf("%s: actual %v, want the first reading %v", k, got[k], first)
				}
				if v := flat[k]; v == record.Num(first) {
					t.Errorf("%s: still %v", k, v)
				}
			}
			if len(tt.want) == 0 {
				for k, first := range tt.misread {
					if flat[k] != record.Num(first) {
						t.Errorf("%s: %v, want the first reading %v kept", k, flat[k], first)
					}
				}
			}
			// Only cells of failing sums are read again.
			for k, f := range fakes {
				if f.calls > 1 {
					t.Errorf("%s read again %d times", k, f.calls)
				}
				if f.calls > 0 && !strings.HasPrefix(k, "applications.disclosed.") && !strings.HasPrefix(k, "applications.processed_total.") &&
					!strings.HasSuffix(k, ".natural_person") && !strings.HasPrefix(k, "reviews_litigation.reconsideration.") &&
					!strings.HasPrefix(k, "reviews_litigation.litigation_direct.") && !strings.HasSuffix(k, ".total") {
					t.Errorf("%s read again, though no failing sum adds it up", k)
				}
			}
		})
	}
}

// A one-change fit reads only the cells every failing sum adds up.
func TestApplyReadsFewCells(t *testing.T) {
	rec, rereads, fakes := ocrd(t, map[string]float64{"applications.disclosed.natural_person": 17},
		map[string][]string{"applications.disclosed.natural_person": {"11"}})
	if _, err := correct.New(correct.Config{}).Apply(context.Background(), rec, rereads); err != nil {
		t.Fatal(err)
	}
	for k, f := range fakes {
		if f.calls > 0 && k != "applications.disclosed.natural_person" {
			t.Errorf("%s read again", k)
		}
	}
}

func TestApplyNothingToDo(t *testing.T) {
	// Arithmetic that holds: nothing is read again.
	rec, rereads, fakes := ocrd(t, nil, nil)
	if changed, err := correct.New(correct.Config{}).Apply(context.Background(), rec, rereads); err != nil || changed {
		t.Fatalf("changed %v, %v", changed, err)
	}
	for k, f := range fakes {
		if f.calls > 0 {
			t.Errorf("%s read again", k)
		}
	}
	// A digital record has nothing to read again: a failing sum stays.
	rec, _, _ = ocrd(t, map[string]float64{"applications.disclosed.natural_person": 17}, nil)
	if changed, err := correct.New(correct.Config{}).Apply(context.Background(), rec, nil); err != nil || changed {
		t.Fatalf("changed %v, %v", changed, err)
	}
	validate.Check(rec)
	if rec.Status != record.Invalid {
		t.Errorf("status %s, want invalid", rec.Status)
	}
}

func TestApplyError(t *testing.T) {
	rec, rereads, fakes := ocrd(t, map[string]float64{"applications.disclosed.natural_person": 17}, nil)
	boom := errors.New("engine gone")
	fakes["applications.disclosed.natural_person"].err = boom
	if _, err := correct.New(correct.Config{}).Apply(context.Background(), rec, rereads); !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
}

// Values left null as too doubtful to use are filled where a sum lacking
// them alone settles them.
func TestApplyFills(t *testing.T) {
	const (
		disclosed = "applications.disclosed.natural_person"       // 11
		total     = "applications.disclosed.total"                // 59
		processed = "applications.processed_total.natural_person" // 373
	)
	for _, tt := range []struct {
		name   string
		nulls  map[string]string   // cells left null, with their first readings
		reads  map[string][]string // re-readings
		want   map[string]float64  // values filled
		reread bool                // whether a cell is read again
	}{
		{
			name:  "the first reading fits",
			nulls: map[string]string{disclosed: "11"},
			want:  map[string]float64{disclosed: 11},
		},
		{
			name:   "one re-reading fits",
			nulls:  map[string]string{disclosed: "4"},
			reads:  map[string][]string{disclosed: {"71", "11"}},
			want:   map[string]float64{disclosed: 11},
			reread: true,
		},
		{
			name:   "no reading fits",
			nulls:  map[string]string{disclosed: "4"},
			reads:  map[string][]string{disclosed: {"71"}},
			reread: true,
		},
		{
			// The balance settles the column's total, which then leaves
			// the column's sum lacking one value, which leaves its row's
			// lacking the total.
			name:  "one fill completes the sums of the next",
			nulls: map[string]string{disclosed: "11", total: "59", processed: "373"},
			want:  map[string]float64{disclosed: 11, total: 59, processed: 373},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec, rereads, fakes := ocrd(t, nil, tt.reads)
			_, flat := rec.Flat()
			for i, rr := range rereads {
				k := rr.Table + "." + rr.Row + "." + rr.Column
				raw, ok := tt.nulls[k]
				if !ok {
					continue
				}
				if w := tt.want[k]; w != 0 && flat[k] != record.Num(w) {
					t.Fatalf("%s is %v in the report, not %v", k, flat[k], w)
				}
				row, _ := rec.TableOf(rr.Table).Get(rr.Row)
				row.Set(rr.Column, record.Value{})
				rereads[i].Raw = raw
			}
			changed, err := correct.New(correct.Config{}).Apply(context.Background(), rec, rereads)
			if err != nil {
				t.Fatal(err)
			}
			validate.Check(rec)
			if changed != (len(tt.want) > 0) {
				t.Errorf("changed %v, want %v", changed, len(tt.want) > 0)
			}
			_, flat = rec.Flat()
			got := map[string]bool{}
			for _, f := range rec.Findings {
				if f.Rule == validate.RuleCorrected {
					k := f.Table + "." + f.Row + "." + f.Column
					got[k] = true
					if f.Severity != record.Warning || f.Actual == nil || f.Actual.String() != tt.nulls[k] {
						t.Errorf("finding %+v: want a warning with the first reading %s as actual", f, tt.nulls[k])
					}
				}
			}
			for k := range tt.nulls {
				w, filled := tt.want[k]
				switch {
				case filled && flat[k] != record.Num(w):
					t.Errorf("%s: %v, want %v", k, flat[k], w)
				case !filled && flat[k].Valid:
					t.Errorf("%s: %v, want null", k, flat[k])
				}
				if got[k] != filled {
					t.Errorf("%s: ocr.corrected %v, want %v", k, got[k], filled)
				}
			}
			if want := record.Valid; len(tt.want) < len(tt.nulls) {
				if rec.Status == want {
					t.Errorf("status %s with a value null", rec.Status)
				}
			} else if rec.Status != want {
				t.Errorf("status %s, want %s: %+v", rec.Status, want, rec.Findings)
			}
			reread := false
			for _, f := range fakes {
				reread = reread || f.calls > 0
			}
			if reread != tt.reread {
				t.Errorf("read again %v, want %v", reread, tt.reread)
			}
		})
	}
}
