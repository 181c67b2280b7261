package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
)

// BenchmarkHTMLToRecord measures a web page of about 90 KB (a corpus report
// inside a site's menus, scripts and footer, as published pages are) from
// bytes to a checked record. The target is 2,000 pages a second on one core
// (go test -bench HTMLToRecord -cpu 1).
func BenchmarkHTMLToRecord(b *testing.B) {
	report, err := os.ReadFile("../../testdata/corpus/000.html")
	if err != nil {
		b.Fatal(err)
	}
	var chrome bytes.Buffer
	chrome.WriteString(`<nav class="menu"><ul>`)
	for i := 0; chrome.Len() < 40<<10; i++ {
		fmt.Fprintf(&chrome, `<li><a href="/col/col%d/index.html" title="栏目%d">政务公开栏目%d</a></li>`, i, i, i)
	}
	chrome.WriteString(`</ul></nav><script>`)
	for chrome.Len() < 80<<10 {
		chrome.WriteString(`var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); })();` + "\n")
	}
	chrome.WriteString(`</script>`)
	i := bytes.Index(report, []byte("<body"))
	i += bytes.IndexByte(report[i:], '>') + 1
	page := append(append(append([]byte{}, report[:i]...), chrome.Bytes()...), report[i:]...)
	p := pipeline.New(pipeline.Config{})
	ctx := context.Background()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Bytes(ctx, "page.html", page); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}
