package corpus

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// charset is how a page is encoded and whether it says so.
type charset int

const (
	utf8Meta      charset = iota
	gbkMeta               // GBK, <meta charset="gbk">
	gbkHTTPEquiv          // GBK, <meta http-equiv="Content-Type" …>
	gbkUndeclared         // GBK, with no declaration at all
)

var charsetMeta = []string{
	utf8Meta:      `<meta charset="utf-8">`,
	gbkMeta:       `<meta charset="gbk">`,
	gbkHTTPEquiv:  `<meta http-equiv="Content-Type" content="text/html; charset=GBK">`,
	gbkUndeclared: "",
}

// menu is the portal's navigation; the last entry names the area.
var menu = []struct{ href, text string }{
	{"/", "首页"}, {"/zwgk/", "政务公开"}, {"/zwfw/", "政务服务"}, {"/hdjl/", "互动交流"}, {"/zjwm/", "走进{area}"},
}

// renderHTML prints the report as its page on the area's portal: site
// chrome around the article, tables with the template's merged cells.
func (r *Report) renderHTML() ([]byte, error) {
	var b strings.Builder
	title := r.text(r.titleText())
	site := r.text(r.from.site)
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n")
	if m := charsetMeta[r.look.charset]; m != "" {
		b.WriteString(m + "\n")
	}
	fmt.Fprintf(&b, "<title>%s-%s</title>\n", esc(title), esc(site))
	b.WriteString("<link rel=\"stylesheet\" href=\"/css/article.css\">\n</head>\n<body>\n")
	fmt.Fprintf(&b, "<div class=\"top\"><a class=\"logo\" href=\"/\">%s</a></div>\n", esc(site))
	b.WriteString("<nav class=\"menu\"><ul>")
	for _, m := range menu {
		text := strings.ReplaceAll(m.text, "{area}", r.from.area)
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>", m.href, esc(r.text(text)))
	}
	b.WriteString("</ul></nav>\n")
	fmt.Fprintf(&b, "<div class=\"breadcrumb\">%s<a href=\"/\">%s</a> &gt; <a href=\"/zwgk/\">%s</a> &gt; <a href=\"/zwgk/ndbg/\">%s</a></div>\n",
		esc(r.text("当前位置：")), esc(r.text("首页")), esc(r.text("政务公开")), esc(r.text("政府信息公开年报")))
	b.WriteString("<div class=\"article\">\n")
	r.writeArticle(&b)
	b.WriteString("</div>\n")
	r.writeFooter(&b, site)
	b.WriteString("</body>\n</html>\n")
	if r.look.charset == utf8Meta {
		return []byte(b.String()), nil
	}
	return simplifiedchinese.GBK.NewEncoder().Bytes([]byte(b.String()))
}

func (r *Report) writeArticle(b *strings.Builder) {
	for _, blk := range r.document() {
		switch blk.kind {
		case titleBlock:
			if r.look.twoLineTitle {
				for _, l := range blk.lines {
					fmt.Fprintf(b, "<p class=\"title\">%s</p>\n", esc(l))
				}
			} else {
				fmt.Fprintf(b, "<h1>%s</h1>\n", esc(strings.Join(blk.lines, "")))
			}
			fmt.Fprintf(b, "<div class=\"info\">%s%d-01-%02d\u3000%s%s</div>\n<div class=\"content\">\n",
				esc(r.text("发布日期：")), r.Year+1, 10+r.Num%20, esc(r.text("来源：")), esc(r.Agency))
		case headingBlock:
			fmt.Fprintf(b, "<p><strong>%s</strong></p>\n", esc(r.heading(blk, HTML)))
		case paraBlock:
			if blk.sub {
				fmt.Fprintf(b, "<p><strong>%s</strong></p>\n", esc(blk.text))
			} else {
				fmt.Fprintf(b, "<p style=\"text-indent:2em\">%s</p>\n", esc(blk.text))
			}
		case tableBlock:
			writeHTMLTable(b, r.grid(blk.table, HTML))
		}
	}
	b.WriteString("</div>\n")
}

func writeHTMLTable(b *strings.Builder, g grid) {
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\">\n<tbody>\n")
	for _, row := range g.Rows {
		b.WriteString("<tr>")
		for _, c := range row {
			b.WriteString("<td")
			if rows, cols := c.Spans(); rows > 1 || cols > 1 {
				if rows > 1 {
					fmt.Fprintf(b, " rowspan=\"%d\"", rows)
				}
				if cols > 1 {
					fmt.Fprintf(b, " colspan=\"%d\"", cols)
				}
			}
			b.WriteString(">" + strings.ReplaceAll(esc(c.Text), "\n", "<br>") + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

func (r *Report) writeFooter(b *strings.Builder, site string) {
	// The site code and ICP number are drawn from the report's number, so
	// that they stay put whatever else changes.
	code := strconv.Itoa(2100000000 + r.Num*7919)
	icp := fmt.Sprintf("%s%s%08d%s", provinces[r.Num%len(provinces)], "ICP备", 10000000+r.Num*104729, "号")
	fmt.Fprintf(b, "<footer><p>%s%s\u3000%s%s%s</p><p>%s%s\u3000%s</p></footer>\n",
		esc(r.text("版权所有：")), esc(site), esc(r.text("主办：")), esc(site), esc(r.text("办公室")),
		esc(r.text("网站标识码：")), code, esc(r.text(icp)))
}

func esc(s string) string { return html.EscapeString(s) }
