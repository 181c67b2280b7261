package text

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/nianbao/nianbao/converters"
	"github.com/nianbao/nianbao/internal/layout"
)

const report = "东风区人民政府办公室2023年政府信息公开工作年度报告\n" +
	"\t一、总体情况\n" +
	"| 第二十条第（五）项 | 0 | 0 |\n"

func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q: %v", s, err)
	}
	return b
}

func paras(lines ...string) []layout.Block {
	var bs []layout.Block
	for _, l := range lines {
		if l == "\f" {
			bs = append(bs, layout.Block{Kind: layout.PageBreak})
			continue
		}
		bs = append(bs, layout.Block{Kind: layout.Paragraph, Text: l})
	}
	return bs
}

// randomBinary returns n random bytes, some of them NUL, the same every run.
func randomBinary(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	b[n/2] = 0
	return b
}

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00")

// cases are shared by the tests and the fuzz seed corpus.
func cases(t testing.TB) []struct {
	name string
	in   []byte
	want []layout.Block
	err  error
} {
	reportBlocks := paras(
		"东风区人民政府办公室2023年政府信息公开工作年度报告",
		"\t一、总体情况",
		"| 第二十条第（五）项 | 0 | 0 |",
	)
	return []struct {
		name string
		in   []byte
		want []layout.Block
		err  error
	}{
		{name: "utf-8", in: []byte(report), want: reportBlocks},
		{name: "utf-8 bom", in: append([]byte("\xEF\xBB\xBF"), report...), want: reportBlocks},
		{
			name: "utf-16le bom",
			in:   encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), report),
			want: reportBlocks,
		},
		{
			name: "utf-16be bom",
			in:   encode(t, xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), report),
			want: reportBlocks,
		},
		{
			name: "utf-16le without bom",
			in:   encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), report),
			want: reportBlocks,
		},
		{
			name: "utf-16be without bom",
			in:   encode(t, xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), report),
			want: reportBlocks,
		},
		{name: "utf-16 without bom, unpaired surrogate", in: []byte("a\x00\x00\xd8b\x00"), err: converters.ErrNotText},
		{name: "gbk", in: encode(t, simplifiedchinese.GBK, report), want: reportBlocks},
		{
			// 𠀀 is outside GBK: GB18030 writes it in four bytes.
			name: "gb18030 four-byte",
			in:   encode(t, simplifiedchinese.GB18030, "申请人𠀀\n"),
			want: paras("申请人𠀀"),
		},
		{name: "crlf", in: []byte("第一行\r\n\r\n第二行\r\n"), want: paras("第一行", "第二行")},
		{name: "no final newline", in: []byte("a\nb"), want: paras("a", "b")},
		{
			name: "leading tabs and pipes kept",
			in:   []byte("\t\t项目\t数量\n||||\n  (一) 自然人 |\n"),
			want: paras("\t\t项目\t数量", "||||", "  (一) 自然人 |"),
		},
		{
			name: "empty lines dropped, whitespace lines kept",
			in:   []byte("a\n\n   \n\t\n\u3000\nb\n"),
			want: paras("a", "   ", "\t", "\u3000", "b"),
		},
		{
			name: "form feed",
			in:   []byte("第1页\n\f第2页\n\f"),
			want: paras("第1页", "\f", "第2页", "\f"),
		},
		{name: "form feed mid-line", in: []byte("a\fb\n"), want: paras("a", "\f", "b")},
		{name: "stray control character", in: []byte(strings.Repeat("正文内容。", 30) + "\x1a\n"),
			want: paras(strings.Repeat("正文内容。", 30) + "\x1a")},
		{name: "empty", in: nil, err: converters.ErrEmpty},
		{name: "whitespace only", in: []byte(" \n\t\r\n\f\u3000\n"), err: converters.ErrEmpty},
		{name: "bom only", in: []byte("\xEF\xBB\xBF"), err: converters.ErrEmpty},
		{name: "png", in: pngHeader, err: converters.ErrNotText},
		{name: "random with nul", in: randomBinary(4096), err: converters.ErrNotText},
		{name: "control characters", in: []byte("a\x01b\x02c\x03\n"), err: converters.ErrNotText},
		{name: "c1 control characters", in: []byte("表\u0085格\u009f行\n"), err: converters.ErrNotText},
		{name: "latin-1 letters are not controls", in: []byte("é¡ÿ\n"), want: paras("é¡ÿ")},
		{name: "utf-16 with nul", in: encode(t, xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), "a\x00b"),
			err: converters.ErrNotText},
		{name: "neither utf-8 nor gb18030", in: []byte("abc\xFF\xFF\n"), err: converters.ErrNotText},
	}
}

func TestConvert(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := Converter{}.Convert(context.Background(), tc.name+".txt", tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc.Method != "text" {
				t.Errorf("Method = %q, want text", doc.Method)
			}
			if !reflect.DeepEqual(doc.Blocks, tc.want) {
				t.Errorf("blocks:\n got %+v\nwant %+v", doc.Blocks, tc.want)
			}
		})
	}
}

func TestConvertCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Converter{}.Convert(ctx, "big.txt", []byte(strings.Repeat("行\n", 10*checkEvery)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestSeeds reads the real reports in /work/shared/seeds.
func TestSeeds(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "seeds")
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		t.Skipf("no seed reports in %s", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Converter{}.Convert(context.Background(), f, data)
			if err != nil {
				t.Fatal(err)
			}
			nonEmpty := 0
			for l := range strings.Lines(string(data)) {
				if strings.TrimRight(l, "\r\n") != "" {
					nonEmpty++
				}
			}
			// Seeds have no form feeds: one paragraph per non-empty line.
			if len(doc.Blocks) != nonEmpty || nonEmpty < 50 {
				t.Errorf("%d blocks from %d non-empty lines", len(doc.Blocks), nonEmpty)
			}
			// The title comes first, on one line or two, in either script.
			title := doc.Blocks[0].Text + doc.Blocks[1].Text
			if !strings.Contains(title, "年度报告") && !strings.Contains(title, "年度報告") {
				t.Errorf("first paragraphs %q are not a report title", title)
			}
		})
	}
}

func FuzzConvert(f *testing.F) {
	for _, tc := range cases(f) {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Converter{}.Convert(context.Background(), "fuzz.txt", data)
		if err != nil {
			if !errors.Is(err, converters.ErrEmpty) && !errors.Is(err, converters.ErrNotText) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		checkDocument(t, doc)
	})
}

// checkDocument checks what every converted document must satisfy.
func checkDocument(t *testing.T, doc *layout.Document) {
	t.Helper()
	if len(doc.Blocks) == 0 {
		t.Fatal("no blocks and no error")
	}
	for i, b := range doc.Blocks {
		switch b.Kind {
		case layout.Paragraph:
			if b.Text == "" || !utf8.ValidString(b.Text) {
				t.Fatalf("block %d: bad paragraph %q", i, b.Text)
			}
		case layout.Table:
			for _, row := range b.Table.Rows {
				for _, c := range row {
					if rs, cs := c.Spans(); rs < 1 || cs < 1 {
						t.Fatalf("block %d: spans %d×%d", i, rs, cs)
					}
				}
			}
			b.Table.Place()
		case layout.PageBreak:
		default:
			t.Fatalf("block %d: kind %v", i, b.Kind)
		}
	}
}

// TestBinaryMatchesRunes checks the word-at-a-time scan against the plain
// definition, with controls at every offset across word boundaries.
func TestBinaryMatchesRunes(t *testing.T) {
	reference := func(s string) string {
		runes, controls := 0, 0
		for _, r := range s {
			runes++
			switch {
			case r == 0:
				return "contains NUL characters"
			case r == '\t' || r == '\n' || r == '\r' || r == '\f':
			case unicode.IsControl(r):
				controls++
			}
		}
		if controls*100 > runes {
			return "has too many control characters"
		}
		return ""
	}
	base := "表格a\nb\t·é" + strings.Repeat("x", 9)
	for _, insert := range []string{"\x00", "\x01", "\x1f", "\x7f", "\u0085", "\u009f", "\u00a0", "\t"} {
		for k := 0; k <= len(base); k++ {
			if !utf8.ValidString(base[:k]) {
				continue
			}
			s := base[:k] + insert + base[k:]
			if got, want := binary(s), reference(s); got != want {
				t.Errorf("binary(%q) = %q, want %q", s, got, want)
			}
		}
	}
}
