package corpus

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/template"
)

// prose is a report's text in simplified script, before it is printed.
type prose struct {
	intro    string
	sections [][]para // by section, in template.Sections order
	leads    []string // by section: a sentence above its table, or ""
}

// para is one paragraph; sub marks a subheading line such as （一）主动公开情况.
type para struct {
	text string
	sub  bool
}

// drawProse writes a report's paragraphs from the phrase tables.
func drawProse(rng *rand.Rand, r *Report) prose {
	a := r.from
	year := strconv.Itoa(r.Year)
	period := strings.ReplaceAll(pick(rng, periods), "{p}", strconv.Itoa(r.PeriodYear))
	f := &filler{rng: rng, vars: []string{
		"{agency}", a.name, "{self}", a.self, "{site}", a.site, "{area}", a.area, "{level}", a.level,
		"{year}", year, "{prev}", strconv.Itoa(r.Year - 1), "{period}", period,
	}}
	var p prose
	p.intro = f.fill(pick(rng, intros))
	sections := template.Sections()
	p.sections = make([][]para, len(sections))
	p.leads = make([]string, len(sections))
	p.sections[0] = overview(rng, f, r.look.topicForm)
	for i, t := range r.tmpl.Tables {
		si := sectionIndex(t.Section)
		if r.look.leads {
			p.leads[si] = f.fill(tableLeads[i])
		}
		if r.tables[i] == nil {
			p.sections[si] = []para{{text: f.fill(noReviews)}}
		}
	}
	p.sections[4] = problemsSection(rng, f)
	other := pick(rng, others)
	if r.Year >= 2020 && chance(rng, 1, 3) {
		other = feeNotice
	}
	p.sections[5] = []para{{text: f.fill(other)}}
	return p
}

func sectionIndex(key string) int {
	for i, s := range template.Sections() {
		if s.Key == key {
			return i
		}
	}
	panic("corpus: no section " + key)
}

// overview writes 一、总体情况: a lead, then the five parts, headed in one of
// three ways real reports use.
func overview(rng *rand.Rand, f *filler, form int) []para {
	ps := []para{{text: f.fill(pick(rng, overviewLeads))}}
	for i, t := range topics {
		title := pick(rng, t.titles)
		body := strings.Join(sentences(rng, t.sentences, between(rng, 2, 3)), "")
		body = f.fill(body)
		switch form {
		case 0:
			ps = append(ps, para{text: "（" + numerals[i] + "）" + title, sub: true}, para{text: body})
		case 1:
			ps = append(ps, para{text: "（" + numerals[i] + "）" + title + "。" + body})
		default:
			ps = append(ps, para{text: numerals[i] + "是" + title + "。" + body})
		}
	}
	return ps
}

// problemsSection writes 五、存在的主要问题及改进情况.
func problemsSection(rng *rand.Rand, f *filler) []para {
	var ps []para
	if chance(rng, 1, 3) {
		ps = append(ps, para{text: f.fill(lastYearFixed)})
	}
	ps = append(ps,
		para{text: f.fill(pick(rng, problemsLeads)) + enumerate(sentences(rng, problems, between(rng, 2, 3)))},
		para{text: f.fill(pick(rng, improvementsLeads)) + enumerate(sentences(rng, improvements, between(rng, 2, 3)))},
	)
	return ps
}

// blockKind tells what a block of the printed document holds.
type blockKind int

const (
	titleBlock blockKind = iota
	headingBlock
	paraBlock
	tableBlock
)

// block is one unit of the printed document, its text in the report's script
// and punctuation. Styles lay blocks out each in their own way.
type block struct {
	kind    blockKind
	lines   []string // title: its lines as set
	text    string   // paragraph, or heading without its number
	sub     bool     // a subheading line
	section int      // heading: its index
	table   *table
}

// document returns the report as printed, block by block.
func (r *Report) document() docBlocks {
	line1 := r.text(r.from.name + strconv.Itoa(r.Year) + "年")
	line2 := r.text("政府信息公开工作年度报告")
	doc := docBlocks{{kind: titleBlock, lines: []string{line1, line2}}}
	doc = append(doc, block{kind: paraBlock, text: r.text(r.prose.intro)})
	for i := range template.Sections() {
		doc = append(doc, block{kind: headingBlock, text: r.text(r.headingName(i)), section: i})
		for _, p := range r.prose.sections[i] {
			doc = append(doc, block{kind: paraBlock, text: r.text(p.text), sub: p.sub})
		}
		if t := r.sectionTable(i); t != nil {
			if lead := r.prose.leads[i]; lead != "" {
				doc = append(doc, block{kind: paraBlock, text: r.text(lead)})
			}
			doc = append(doc, block{kind: tableBlock, table: t})
		}
	}
	return doc
}

type docBlocks []block

// paragraphs returns the prose paragraphs, subheadings included.
func (d docBlocks) paragraphs() []block {
	var ps []block
	for _, b := range d {
		if b.kind == paraBlock {
			ps = append(ps, b)
		}
	}
	return ps
}

func (r *Report) sectionTable(i int) *table {
	key := template.Sections()[i].Key
	for _, t := range r.tables {
		if t != nil && t.def.Section == key {
			return t
		}
	}
	return nil
}

// headingName is a section's heading without its number, in the report's
// wording.
func (r *Report) headingName(i int) string {
	s := template.Sections()[i]
	_, name, _ := strings.Cut(s.Heading, "、")
	switch {
	case s.Key == template.ActiveDisclosure && r.look.activeHeading:
		return "主动公开政府信息的情况"
	case s.Key == template.Applications && r.look.appHeading:
		return "收到和处理政府信息申请公开情况"
	}
	return name
}

// headingNumber numbers a section's heading: 一、 or, in some reports, 1、.
func (r *Report) headingNumber(i int) string {
	if r.look.arabicHeadings {
		return strconv.Itoa(i+1) + "、"
	}
	return numerals[i] + "、"
}
