package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/jail"
	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/worker/results"
)

// This test binary serves as the jailed pipeline's child.
func TestMain(m *testing.M) {
	pipeline.ServeChildIfAsked()
	os.Exit(m.Run())
}

func newJailed(t testing.TB, jc pipeline.JailConfig) *pipeline.Jailed {
	t.Helper()
	p, err := pipeline.NewJailed(pipeline.Config{}, jc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestJailedMatchesInProcess: a record made in a child is the record made
// in this process, byte for byte as written, for a document of every format;
// and a bad input's error keeps its message and its sentinel.
func TestJailedMatchesInProcess(t *testing.T) {
	in := pipeline.New(pipeline.Config{})
	defer in.Close()
	jailed := newJailed(t, pipeline.JailConfig{})
	ctx := context.Background()
	for _, name := range []string{"000.cellpipe.txt", "000.html", "000.docx", "000.pdf", "001.markdown.md"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/corpus", name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := in.Bytes(ctx, name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := jailed.Bytes(ctx, name, data)
		if err != nil {
			t.Fatalf("%s jailed: %v", name, err)
		}
		wj, _ := results.Marshal(want)
		gj, _ := results.Marshal(got)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s: the jailed record differs:\n got %.300s\nwant %.300s", name, gj, wj)
		}
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty.txt", nil, converters.ErrEmpty},
		{"cut.pdf", []byte("%PDF-1.7\n1 0 obj\n<<"), converters.ErrCorrupt},
		{"data.bin", binaryBytes, converters.ErrUnsupported},
	} {
		_, wantErr := in.Bytes(ctx, tc.name, tc.data)
		_, err := jailed.Bytes(ctx, tc.name, tc.data)
		if !errors.Is(err, tc.want) || err.Error() != wantErr.Error() {
			t.Errorf("%s: jailed error %q, in process %q; want both to wrap %v", tc.name, err, wantErr, tc.want)
		}
	}
	if s := jailed.Stats(); s.Started != 1 || s.Ended != 0 {
		t.Errorf("stats %+v: want one child for every document", s)
	}
}

// TestJailedTimeout: a document past its format's wall time fails as a
// resource limit, and the next is served.
func TestJailedTimeout(t *testing.T) {
	data, err := os.ReadFile("../../testdata/corpus/000.pdf")
	if err != nil {
		t.Fatal(err)
	}
	jailed := newJailed(t, pipeline.JailConfig{Timeout: func(format string, _ int) time.Duration {
		if format == pipeline.FormatPDF {
			return time.Millisecond
		}
		return 0
	}})
	_, err = jailed.Bytes(context.Background(), "a.pdf", data)
	var jerr *jail.Error
	if !errors.As(err, &jerr) || jerr.Kind != jail.KindResourceLimit {
		t.Fatalf("error %v, want a resource limit", err)
	}
	t.Log(err)
	if _, err := jailed.Bytes(context.Background(), seed000, readSeed(t, seed000)); err != nil {
		t.Errorf("the next document: %v", err)
	}
}

// fuzzJailed is the jailed pipeline a fuzzing process shares across inputs.
var fuzzJailed = sync.OnceValues(func() (*pipeline.Jailed, error) {
	return pipeline.NewJailed(pipeline.Config{}, pipeline.JailConfig{
		Timeout: func(string, int) time.Duration { return 20 * time.Second },
	})
})

// FuzzJailed runs every converter and the parser on arbitrary content
// through the jail, as batch and the worker do: whatever the input, the
// caller gets a record or an error. An input that crashes the child or
// exceeds a limit (make fuzz: 2 GiB, 20 s) is a finding, reported with the
// child's reason, where in process it would have ended the fuzzer.
func FuzzJailed(f *testing.F) {
	exts := []string{".txt", ".html", ".docx", ".pdf", ".png", ".md"}
	for i, name := range []string{"000.cellpipe.txt", "000.html", "000.docx", "000.pdf", "001.markdown.md"} {
		data, err := os.ReadFile(filepath.Join("../../testdata/corpus", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(4), []byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, ext uint8, data []byte) {
		p, err := fuzzJailed()
		if err != nil {
			t.Fatal(err)
		}
		rec, err := p.Bytes(context.Background(), "fuzz"+exts[int(ext)%len(exts)], data)
		var jerr *jail.Error
		switch {
		case errors.As(err, &jerr):
			t.Fatalf("the input ended its child: %v", err)
		case err == nil && rec == nil:
			t.Fatal("neither a record nor an error")
		}
	})
}
