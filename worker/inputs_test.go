package worker_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/nianbao/nianbao/internal/export"
	"github.com/nianbao/nianbao/internal/inputfile/inputfiletest"
	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/worker"
	"github.com/nianbao/nianbao/worker/internal/redistest"
	"github.com/nianbao/nianbao/worker/results"
)

// TestHostileDrops drops into a watched folder good reports under names
// that cannot be written as they are, an archive with a GBK name, a
// 100-character name and two entries of one name, and what must not be
// read: a link to a file outside (touched with touch -h), a linked folder, a
// link loop, a FIFO, a FIFO renamed over a just-dropped file, a socket; and
// a report whose writer pauses 5 s mid-file, longer than the settle time.
// Every document ends with a record or a one-line reason, the paused one
// whole, a drop after them all still gets its record, and the records plus
// failures equal the inputs in the output, the export and the metrics.
func TestHostileDrops(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a writer's 5 s pause")
	}
	t.Parallel()
	redis := redistest.Start(t)
	dir := t.TempDir()
	inbox, out, outside := filepath.Join(dir, "inbox"), filepath.Join(dir, "out"), filepath.Join(dir, "outside")
	for _, d := range []string{inbox, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	seed, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seeds/000_a91be580dd15950d.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	report := func() []byte {
		n++
		return append(bytes.Clone(seed), fmt.Sprintf("\n（副本%d）\n", n)...)
	}
	reg := prometheus.NewRegistry()
	runWorker(t, worker.Config{
		Redis: redisOpt(t, redis.URL()), Out: out, Concurrency: 2, Metrics: worker.NewMetrics(reg),
		Watch: worker.WatchConfig{Dir: inbox, Settle: time.Second},
	})

	// The writer that pauses starts first, so its pause spans the rest.
	// Its content is taken here: report is not safe for concurrent use,
	// and two drops of one content would be one document.
	slowDone, slow := make(chan struct{}), report()
	go func() {
		defer close(slowDone)
		writeSlowly(t, filepath.Join(inbox, "slow.txt"), slow, 2, 5*time.Second)
	}()

	good := append([]string{"slow.txt"}, inputfiletest.AwkwardNames(t, inbox, "a.zip", report)...)
	secret, bad := inputfiletest.NotRegular(t, inbox, outside, report)
	// A FIFO renamed over a file dropped an instant before.
	os.WriteFile(filepath.Join(inbox, "victim.txt"), report(), 0o644)
	if err := syscall.Mkfifo(filepath.Join(inbox, ".fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(inbox, ".fifo"), filepath.Join(inbox, "victim.txt")); err != nil {
		t.Fatal(err)
	}
	bad["victim.txt"] = "FIFO"
	// The slow writer is still writing: a drop after all of them.
	time.Sleep(2 * time.Second)
	os.WriteFile(filepath.Join(inbox, "after.txt"), report(), 0o644)
	good = append(good, "after.txt")

	// What out holds: by the name each file says it is of. Results are
	// written whole under their names, so out can be read while they come.
	records, failures := map[string]*record.Record{}, map[string]results.Failure{}
	read := func() {
		clear(records)
		clear(failures)
		set, err := export.Load(out)
		if err != nil {
			return
		}
		for _, d := range set.Docs {
			if d.Record != nil {
				records[d.File] = d.Record
			} else {
				failures[d.File] = *d.Failure
			}
		}
	}
	waitFor(t, 2*time.Minute, "a record or a reason for every input", func() bool {
		read()
		return len(records)+len(failures) >= len(good)+len(bad)
	})
	<-slowDone
	for _, rel := range good {
		rec, ok := records[rel]
		switch {
		case !ok:
			t.Errorf("no record of %q (failure: %+v)", rel, failures[rel])
		case rec.Status != record.Valid:
			t.Errorf("%q: status %s, want valid (read whole)", rel, rec.Status)
		}
	}
	for rel, why := range bad {
		f, ok := failures[rel]
		switch {
		case !ok:
			t.Errorf("no failure of %s", rel)
		case !strings.Contains(f.Reason, why) || strings.Contains(f.Reason, "\n") || f.Kind != results.KindBadInput:
			t.Errorf("%s: reason %q (%s), want one line with %q (bad_input)", rel, f.Reason, f.Kind, why)
		}
		if _, err := os.Lstat(filepath.Join(inbox, worker.FailedDir, rel)); err != nil {
			t.Errorf("%s is not in failed/: %v", rel, err)
		}
	}
	if len(records) != len(good) || len(failures) != len(bad) {
		t.Errorf("%d records and %d failures, want %d and %d", len(records), len(failures), len(good), len(bad))
	}
	secretData, _ := os.ReadFile(secret)
	secretSum := fmt.Sprintf("%x", sha256.Sum256(secretData))
	for _, rec := range records {
		if rec.Source.SHA256 == secretSum {
			t.Error("the file behind the link was read")
		}
	}
	for _, f := range failures {
		if f.SHA256 == secretSum {
			t.Error("the file behind the link was read")
		}
	}

	set, err := export.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Docs) != len(good)+len(bad) {
		t.Errorf("the export lists %d documents, want %d", len(set.Docs), len(good)+len(bad))
	}
	// Each document counted once, done or failed.
	waitFor(t, 10*time.Second, "the metrics", func() bool {
		return documentsCounted(t, reg) == len(good)+len(bad)
	})
}

// documentsCounted sums nianbao_documents_total over every label.
func documentsCounted(t *testing.T, reg *prometheus.Registry) int {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range families {
		if f.GetName() != "nianbao_documents_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			total += int(m.GetCounter().GetValue())
		}
	}
	return total
}
