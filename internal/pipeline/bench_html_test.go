package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
)

// BenchmarkHTMLToRecord measures a report's page as portals publish it,
// 80 to 100 KB: the article of a corpus page inside the site's styles,
// scripts, menus, a list of related articles and a footer of links. The
// target is 2,000 pages a second on one core (go test -bench HTMLToRecord
// -cpu 1). The corpus page alone (11 KB) is run too, for reference.
func BenchmarkHTMLToRecord(b *testing.B) {
	const sample = "../../testdata/corpus/000.html"
	article, err := os.ReadFile(sample)
	if err != nil {
		b.Fatal(err)
	}
	p := pipeline.New(pipeline.Config{})
	ctx := context.Background()
	want, err := p.Bytes(ctx, sample, article)
	if err != nil {
		b.Fatal(err)
	}
	// The article alone is the reference the portal pages are compared with.
	for _, size := range []int{0, 80 << 10, 100 << 10} {
		page, name := article, "article"
		if size > 0 {
			page = portalPage(b, article, size)
			name = fmt.Sprintf("%dKB", len(page)>>10)
		}
		// The chrome changes nothing in the record.
		got, err := p.Bytes(ctx, sample, page)
		if err != nil {
			b.Fatal(err)
		}
		got.Source.SHA256 = want.Source.SHA256
		if !reflect.DeepEqual(got, want) {
			b.Fatalf("the %d KB page gives another record than its article alone", len(page)>>10)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			cpu := startCPU(b)
			for b.Loop() {
				if _, err := p.Bytes(ctx, sample, page); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report("pages")
		})
	}
}

// portalPage wraps a corpus page's article in site chrome until the page
// is about size bytes: a style sheet and scripts in the head, a menu of
// channels before the article, related articles after and a footer holding a list of links.
func portalPage(b *testing.B, page []byte, size int) []byte {
	b.Helper()
	head := bytes.Index(page, []byte("</head>"))
	foot := bytes.Index(page, []byte("<footer>"))
	if head < 0 || foot < 0 {
		b.Fatal("the sample page has no </head> or <footer>")
	}
	var style, script, menu, related, links strings.Builder
	for i := 0; style.Len()+script.Len()+menu.Len()+related.Len()+links.Len() < size-len(page); i++ {
		fmt.Fprintf(&style, ".col-%d .item a:hover{color:#1a5ea8;text-decoration:underline;margin:0 %dpx}\n", i, i%9)
		fmt.Fprintf(&script, "  window.stat && window.stat.push({id:'c%d',channel:'/zwgk/%d/',t:Date.now()});\n", i, i)
		fmt.Fprintf(&menu, `<li><a href="/zwgk/col%d/">政务公开专栏%d</a></li>`, i, i)
		fmt.Fprintf(&related, "<li><a href=\"/zwgk/ndbg/%d.html\">关于印发第%d号工作方案的通知</a><span>2024-%02d-%02d</span></li>\n", i, i, i%12+1, i%28+1)
		fmt.Fprintf(&links, `<a href="http://www.example.gov.cn/%d/" target="_blank">部门网站%d</a> `, i, i)
	}
	var out bytes.Buffer
	out.Write(page[:head])
	fmt.Fprintf(&out, "<style>\n%s</style>\n<script>\n(function(){\n%s})();\n</script>\n", style.String(), script.String())
	body := bytes.Index(page[head:], []byte("<body>")) + head + len("<body>")
	out.Write(page[head:body])
	fmt.Fprintf(&out, "\n<nav class=\"channels\"><ul>%s</ul></nav>\n", menu.String())
	out.Write(page[body:foot])
	fmt.Fprintf(&out, "<aside class=\"related\"><h3>相关文章</h3><ul>\n%s</ul></aside>\n", related.String())
	out.Write(page[foot : foot+len("<footer>")])
	fmt.Fprintf(&out, "<div class=\"links\">友情链接：%s</div>", links.String())
	out.Write(page[foot+len("<footer>"):])
	return out.Bytes()
}
