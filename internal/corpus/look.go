package corpus

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"

	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// look is how one report prints: the choices an author, a copied template or
// a tool makes that change the text but not the values.
type look struct {
	halfPunct      bool // ，：；（） printed half-width throughout
	listForm       int  // index in listForms: how table 2 numbers its items
	spacedGroups   bool // 三 、本 年 度 办 理 结 果 and （三） 不予公开
	spacedItems    bool // （一） 予以公开
	typoProhibited bool // 其他法律行政止公开
	typoRecord     bool // 只记这一情形
	shortNormative bool // a 2021 report printing 规范性文件 for 行政规范性文件
	activeHeading  bool // 主动公开政府信息的情况
	appHeading     bool // 收到和处理政府信息申请公开情况
	arabicHeadings bool // 1、总体情况 … 6、其他需要报告的事项
	twoLineTitle   bool
	narrowHeaders  bool // header cells broken over two lines: 商业\n企业
	leads          bool // a sentence above each table

	fullWidth       bool   // table values in full-width digits
	thousands       string // thousands separator: "", "," or "，"
	procurementYuan bool   // 2019: procurement total in whole 元, else 万元
	nullMark        string // how a null cell prints: "/", "—" or blank
	topicForm       int    // how 一、总体情况 heads its five parts

	charset charset
	gb18030 Style

	// Tool artefacts, drawn once the report's text is known.
	bookmarkCell  int     // word: table-1 value that starts with [bookmark: _GoBack], or -1
	bookmarkPara  int     // wordindent: prose paragraph that does, or -1
	indentHeading int     // wordindent: section whose heading is indented with full-width spaces
	wordBlank     [3]bool // word: an empty paragraph before each table
	wrapTitle     bool    // tsv: the title wrapped in the PDF, leaving a space
	shifts        []shift // rows of table 2 that a tool shifted by a cell
}

// A shift moves one printed row of table 2 by a cell in one style, as PDF
// extractors and scrapers do with merged cells.
type shift struct {
	style Style
	row   string
	left  bool
}

// listForms number the items of table 2's groups.
var listForms = []struct{ name, open, close string }{
	{"1.", "", "."},
	{"1、", "", "、"},
	{"（1）", "（", "）"},
}

// nullMarks are how real reports print a value they leave empty.
var nullMarks = []string{"/", "—", ""}

// drawLook draws a report's look. Traditional reports come from sites that
// print half-width punctuation more often.
func drawLook(rng *rand.Rand, r *Report, p plan) look {
	l := look{charset: p.charset, gb18030: p.gb18030, nullMark: p.nullMark, bookmarkCell: -1, bookmarkPara: -1}
	flag := func(num, den int, what string) bool {
		if !chance(rng, num, den) {
			return false
		}
		r.vary("%s", what)
		return true
	}
	if r.Script == textnorm.Traditional {
		l.halfPunct = flag(1, 2, "half-width punctuation")
	} else {
		l.halfPunct = flag(1, 6, "half-width punctuation")
	}
	l.listForm = []int{0, 0, 0, 0, 0, 0, 0, 1, 1, 2}[rng.IntN(10)]
	if l.listForm > 0 {
		r.vary("table 2 items numbered %s", listForms[l.listForm].name)
	}
	l.spacedGroups = flag(1, 8, "spaced group labels (三 、本 年 度…)")
	l.spacedItems = flag(1, 8, "space after item numbers ((一) 予以公开)")
	l.typoProhibited = flag(1, 8, "typo 其他法律行政止公开")
	l.typoRecord = flag(1, 12, "typo 只记这一情形")
	if r.Template == template.V2021 {
		l.shortNormative = flag(1, 4, "规范性文件 for 行政规范性文件")
	}
	l.activeHeading = flag(1, 8, "heading 主动公开政府信息的情况")
	l.appHeading = flag(1, 8, "heading 收到和处理政府信息申请公开情况")
	l.arabicHeadings = flag(1, 8, "headings numbered 1、…6、")
	l.twoLineTitle = flag(1, 4, "title over two lines")
	l.narrowHeaders = flag(1, 3, "header cells broken over two lines")
	l.leads = flag(1, 4, "a sentence above each table")
	l.fullWidth = flag(1, 8, "full-width digits")
	l.thousands = pick(rng, []string{"", "", ",", "，"})
	if l.thousands != "" {
		r.vary("thousands separator %q", l.thousands)
	}
	if r.Template == template.V2019 {
		l.procurementYuan = flag(1, 2, "procurement total in 元")
	}
	l.topicForm = rng.IntN(3)
	switch p.charset {
	case gbkMeta, gbkHTTPEquiv:
		r.vary("HTML in GBK, declared")
	case gbkUndeclared:
		r.vary("HTML in GBK, undeclared")
	}
	if p.gb18030 != HTML {
		r.vary("%s text in GB18030", p.gb18030)
	}
	return l
}

// decorate prints a few values as real reports do: a note beside a number, a
// stray full-width number. It leaves injected, null and blank values alone.
func (l *look) decorate(rng *rand.Rand, r *Report) {
	active := r.table(template.ActiveDisclosure)
	if chance(rng, 1, 3) {
		var docs []*value
		for _, row := range active.rows[:2] { // 规章, 规范性文件
			for i := range row.vals {
				if v := &row.vals[i]; !v.injected && !v.null && !v.blank && v.num >= 2 {
					docs = append(docs, v)
				}
			}
		}
		if len(docs) > 0 {
			v := pick(rng, docs)
			v.note = strings.Replace(pick(rng, notes), "{k}", itoa(between(rng, 1, int(v.num)/2)), 1)
			r.vary("value with a note: %s%s", itoa(int(v.num)), v.note)
		}
	}
	if !l.fullWidth && chance(rng, 1, 3) {
		var all []*value
		for _, t := range r.tables {
			if t == nil {
				continue
			}
			for _, row := range t.rows {
				for i := range row.vals {
					if v := &row.vals[i]; !v.null && !v.blank && v.num >= 10 {
						all = append(all, v)
					}
				}
			}
		}
		for range 2 {
			pick(rng, all).fullWidth = true
		}
		r.vary("two values in full-width digits")
	}
}

// notes are printed beside a count of documents.
var notes = []string{"（其中修订{k}件）", "（含修订{k}件）"}

// drawArtefacts draws what the tools leave in their text.
func (l *look) drawArtefacts(rng *rand.Rand, r *Report) {
	if chance(rng, 1, 2) {
		var ok []int
		i := 0
		for _, row := range r.table(template.ActiveDisclosure).rows {
			for _, v := range row.vals {
				if !v.null && !v.blank {
					ok = append(ok, i)
				}
				i++
			}
		}
		l.bookmarkCell = pick(rng, ok)
	}
	if chance(rng, 1, 2) {
		l.bookmarkPara = rng.IntN(len(r.document().paragraphs()))
	}
	l.indentHeading = rng.IntN(len(template.Sections()))
	l.wordBlank = [3]bool{chance(rng, 1, 4), chance(rng, 3, 4), chance(rng, 3, 4)}
	l.wrapTitle = !l.twoLineTitle && chance(rng, 1, 3)
	app := r.table(template.Applications)
	for _, st := range []Style{Markdown, TSV, CellPipe} {
		for range rng.IntN(3) {
			row := pick(rng, app.rows[2:]) // the rows under 三、本年度办理结果 and 四、
			l.shifts = append(l.shifts, shift{style: st, row: row.def.Key, left: st != CellPipe && chance(rng, 2, 3)})
		}
	}
}

// shifted tells how a style shifts a row: -1 left, 1 right, 0 not.
func (l *look) shifted(st Style, key string) int {
	for _, s := range l.shifts {
		if s.style == st && s.row == key {
			if s.left {
				return -1
			}
			return 1
		}
	}
	return 0
}

// halfWidth are the punctuation marks a half-width report prints as ASCII.
var halfWidth = strings.NewReplacer("，", ",", "：", ":", "；", ";", "（", "(", "）", ")", "！", "!", "？", "?")

// text turns simplified source text into the report's script and punctuation.
func (r *Report) text(s string) string {
	if r.Script == textnorm.Traditional {
		s = r.tn.Traditional(s)
	}
	if r.look.halfPunct {
		s = halfWidth.Replace(s)
	}
	return s
}

// itemLabel prints a label of table 2 in the report's wording, before script
// and punctuation: its list number, its typos, its spaces.
func (l *look) itemLabel(label string) string {
	if n, rest, ok := cutItemNumber(label); ok {
		f := listForms[l.listForm]
		label = f.open + n + f.close + rest
	}
	if l.typoProhibited {
		label = strings.Replace(label, "其他法律行政法规禁止公开", "其他法律行政止公开", 1)
	}
	if l.typoRecord {
		label = strings.Replace(label, "只计这一情形", "只记这一情形", 1)
	}
	if l.spacedItems {
		label = spaceAfterNumber(label)
	}
	return label
}

// groupLabel prints a merged group label of table 2: level 0 is
// 三、本年度办理结果, level 1 （三）不予公开 and its like.
func (l *look) groupLabel(label string, level int) string {
	switch {
	case !l.spacedGroups:
		return label
	case level == 0:
		return spaceRunes(label)
	default:
		return spaceAfterNumber(label)
	}
}

// cutItemNumber splits "1.属于国家秘密" into "1" and "属于国家秘密".
func cutItemNumber(label string) (n, rest string, ok bool) {
	i := strings.IndexByte(label, '.')
	if i < 1 || strings.Trim(label[:i], "0123456789") != "" {
		return "", "", false
	}
	return label[:i], label[i+1:], true
}

// spaceAfterNumber puts a space after a leading （一）.
func spaceAfterNumber(label string) string {
	if !strings.HasPrefix(label, "（") {
		return label
	}
	if i := strings.Index(label, "）"); i > 0 && i+len("）") < len(label) {
		return label[:i+len("）")] + " " + label[i+len("）"):]
	}
	return label
}

// spaceRunes spaces out a label as letter-spaced PDFs print it:
// 三 、本 年 度 办 理 结 果.
func spaceRunes(label string) string {
	var b strings.Builder
	for i, r := range label {
		if i > 0 && !strings.HasSuffix(b.String(), "、") {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// narrow breaks a header label over two lines, as narrow columns do:
// 商业\n企业, 社会公\n益组织. Short labels stay whole.
func (l *look) narrow(label string) string {
	if !l.narrowHeaders {
		return label
	}
	return breakLabel(label)
}

func breakLabel(label string) string {
	n := utf8.RuneCountInString(label)
	if n != 4 && n != 6 {
		return label
	}
	r := []rune(label)
	return string(r[:n/2]) + "\n" + string(r[n/2:])
}
