package html

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// lexCases are pages of the tokenizer's corners: raw text and its end
// tags, script escapes, comments, doctypes, CDATA, attributes and their
// values, self-closing tags, NUL bytes, line breaks, character references
// and pages that end inside each.
var lexCases = []string{
	"",
	"plain text",
	"a < b <3 </ <> </> <!> <? x ?>",
	`<!DOCTYPE html><html lang="zh"><head><meta charset=utf-8><title>标题&amp;</title></head><body><p>正文</p></body></html>`,
	"<!doctype html PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><p>x",
	"<!DOCTYP", "<!DOCTYPE", "<!DOCTYPE ", "<!doctype\x00x>",
	"<script>if (a<b) x = '</scr' + 'ipt>';</script >y",
	"<SCRIPT>x</SCRIPT/>y</script>",
	"<script><!-- document.write('<script>x</script>'); --></script>after",
	"<script><!--<script></script>--></script>z",
	"<script><!-- a --> <!-- <script> </script> --> b</script>c",
	"<script><!--", "<script><!--<scriptx", "<script>abc</scri", "<script>abc</script",
	"<style>p > a { color: red }</style><p>x",
	"<title>a <b> &lt; c</title><textarea>\r\nx&amp;y\x00</textarea>",
	"<xmp><p>&amp;</xmp><noembed>x</noembed><noframes>y</noframes><noscript>z</noscript><iframe>w</iframe>",
	"<plaintext>everything </plaintext> &amp; <p>",
	"<!-- c --><!----><!---><!-->x<!-- a -- b --!>y<!-- --!-->z<!--",
	"<!-- x --", "<!-- x --!", "<!-- x -", "<!-", "<!--",
	"<![CDATA[x]]><svg><![CDATA[a<b]]>\x00</svg>",
	"<?xml version=\"1.0\"?><p>x",
	`<div id="a" class='b c' data-x=<td> title="a>b" =x ==y a=/ b= c/>`,
	"<p a=/>x</p><p a='/'/>y<br/><br / ><img src=x.png/><img src=x.png />",
	`<td ROWSPAN="2" rowspan=3 ColSpan=" 3x" class="nav" CLASS="x">`,
	"<p id=\"a&amp;b&notit;&#x41;&#65&ampx\" class=\"x\r\ny\x00\">z",
	"<a href=\"?a=1&b=2&lt=3&amp=4\">x</a>",
	"<p class='unterminated>x", "<p class=\"x", "<p class=", "<p class", "<p ", "<p", "<", "</p", "</", "</p ",
	"a &amp; b &nbsp; &#12354; &#x3042; &#0; &#xD800; &notin; &notit; &ampx &amp &unknown; & &# &#x; &#;",
	"line\r\nbreaks\rand\r\r\n\n",
	"nul\x00bytes<p>\x00</p><title>\x00</title><script>\x00</script>",
	"<Table><TR><TD>1<TD>2</TABLE>",
	"<div\x00a=1 b\x00=2>x</div\x00>",
	"<p\tid=a\nclass=b\fc=d\re=f>x",
	"<A\xdd CL\xddASS=x>y</A\xdd>",
}

// TestLexer checks that the lexer gives the tokens x/net's tokenizer gives,
// with the same raw bytes, text, names and attributes.
func TestLexer(t *testing.T) {
	for _, src := range lexCases {
		compareLexer(t, []byte(src))
		compareLexer(t, []byte(strings.ToUpper(src)))
	}
}

func FuzzLexer(f *testing.F) {
	for _, src := range lexCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) { compareLexer(t, src) })
}

func compareLexer(t *testing.T, src []byte) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(src))
	l := lexer{src: src}
	for n := 0; ; n++ {
		// CDATA is read as text in some places and a comment in others.
		z.AllowCDATA(n%3 == 0)
		l.allowCDATA = n%3 == 0
		want, got := z.Next(), l.next()
		if want != got {
			t.Fatalf("%q: token %d is %v, want %v", src, n, got, want)
		}
		if want == html.ErrorToken {
			if err := z.Err(); err != io.EOF {
				t.Fatalf("%q: tokenizer error %v", src, err)
			}
			return
		}
		if raw := l.src[l.raw.start:l.raw.end]; !bytes.Equal(raw, z.Raw()) {
			t.Fatalf("%q: token %d is %q, want %q", src, n, raw, z.Raw())
		}
		switch want {
		case html.TextToken, html.CommentToken, html.DoctypeToken:
			if got, want := string(l.text()), string(z.Text()); got != want {
				t.Fatalf("%q: token %d's text is %q, want %q", src, n, got, want)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if got := nulFree(lower(l.name())); got != string(name) {
				t.Fatalf("%q: token %d's name is %q, want %q", src, n, got, name)
			}
			var gotAttrs, wantAttrs []string
			for i, a := range l.attr {
				if l.first(i) {
					key := nulFree(lower(l.src[a[0].start:a[0].end]))
					gotAttrs = append(gotAttrs, key+"="+string(l.attrVal(i, key)))
				}
			}
			for more := true; more; {
				var k, v []byte
				if k, v, more = z.TagAttr(); k != nil {
					wantAttrs = append(wantAttrs, string(k)+"="+string(v))
				}
			}
			if want == html.EndTagToken {
				gotAttrs = nil
			}
			if strings.Join(gotAttrs, "\n") != strings.Join(wantAttrs, "\n") {
				t.Fatalf("%q: token %d's attributes are %q, want %q", src, n, gotAttrs, wantAttrs)
			}
		}
	}
}

// lower returns b with its ASCII letters lower case, as x/net gives names.
func lower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// nulFree returns b with its NUL bytes made U+FFFD, as x/net gives names.
func nulFree(b []byte) string {
	return string(bytes.ReplaceAll(b, []byte{0}, []byte("\ufffd")))
}
