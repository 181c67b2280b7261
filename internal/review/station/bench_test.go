package station_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/review/station"
	"github.com/nianbao/nianbao/worker/results"
)

// benchRecords is the size of the folder the list must show in under a
// second.
const benchRecords = 10000

// benchFolder writes benchRecords records, made from corpus reports, under
// 100 subfolders.
func benchFolder(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	p := pipeline.New(pipeline.Config{})
	defer p.Close()
	var recs []*record.Record
	for _, f := range []string{"027.html", "035.html", "000.html", "015.html"} {
		rec, err := p.File(b.Context(), "../../../testdata/corpus/"+f)
		if err != nil {
			b.Fatal(err)
		}
		recs = append(recs, rec)
	}
	for i := range benchRecords {
		rec := *recs[i%len(recs)]
		rec.Agency = fmt.Sprintf("%s%d", rec.Agency, i)
		data, err := json.Marshal(&rec)
		if err != nil {
			b.Fatal(err)
		}
		sub := filepath.Join(dir, fmt.Sprintf("%02d", i%100))
		os.MkdirAll(sub, 0o755)
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("r%05d.html%s", i, results.RecordSuffix)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func getList(b *testing.B, st *station.Station) {
	rw := httptest.NewRecorder()
	st.ServeHTTP(rw, httptest.NewRequest("GET", "/", nil))
	if rw.Code != 200 {
		b.Fatalf("list: %d", rw.Code)
	}
	io.Copy(io.Discard, rw.Body)
}

// BenchmarkList measures the list page of benchRecords records: cold (a
// new station reads every record) and warm (the station has read them and
// checks only that their files did not change), beside the reference of
// reading and decoding every record once, as export does.
func BenchmarkList(b *testing.B) {
	dir := benchFolder(b)
	b.Run("reference-decode", func(b *testing.B) {
		for b.Loop() {
			n := 0
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				var rec record.Record
				if err := json.Unmarshal(data, &rec); err != nil {
					return err
				}
				n++
				return nil
			})
			if n != benchRecords {
				b.Fatalf("%d records", n)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			st, err := station.New(station.Config{Dir: dir})
			if err != nil {
				b.Fatal(err)
			}
			getList(b, st)
		}
	})
	b.Run("warm", func(b *testing.B) {
		st, err := station.New(station.Config{Dir: dir})
		if err != nil {
			b.Fatal(err)
		}
		getList(b, st)
		for b.Loop() {
			getList(b, st)
		}
	})
}
