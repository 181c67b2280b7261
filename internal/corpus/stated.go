package corpus

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/number"
	"github.com/nianbao/nianbao/internal/template"
)

// Some reports state totals of their tables in words in 一、总体情况
// (全年共收到政府信息公开申请91件); in a few the words disagree with the table,
// which the validator flags as prose.mismatch. The sentences are drawn from
// their own random stream, so reports that state nothing print as before.

const ruleProseMismatch = "prose.mismatch"

// statedSlots name the cells each slot of statedSentences states: their sum.
var statedSlots = map[string]struct {
	table string
	rows  []string
}{
	"{new}":     {template.Applications, []string{template.RowNewReceived}},
	"{carried}": {template.Applications, []string{template.RowCarriedOver}},
	"{done}":    {template.Applications, []string{template.RowProcessedTotal}},
	"{forward}": {template.Applications, []string{template.RowCarriedForward}},
	"{review}":  {template.ReviewsLitigation, []string{"reconsideration"}},
	"{lit}":     {template.ReviewsLitigation, []string{"litigation_direct", "litigation_after"}},
}

// statedSentences are the sentences, in simplified script; {year} and
// {self} are filled as in the rest of the prose.
var statedSentences = []string{
	"全年共收到政府信息公开申请{new}件，上年结转{carried}件，办结{done}件，结转下年度继续办理{forward}件。",
	"{year}年，{self}新收政府信息公开申请{new}件，另有上年结转申请{carried}件。",
	"本年度共受理政府信息公开申请{new}件，均已在法定期限内答复。",
	"全年共办结政府信息公开申请{done}件，结转下一年度继续办理{forward}件。",
	"全年发生政府信息公开行政复议{review}件、行政诉讼{lit}件。",
}

// stating is how a report states its totals.
type stating struct {
	rng      *rand.Rand
	disagree bool // one stated total differs from its table
}

// scanSources are the reports the committed scans (testdata/scans) were made
// from. Their PDFs must keep their pages, which a sentence more can move, so
// they state nothing.
var scanSources = []int{1, 2, 3, 5, 6, 13, 14}

// planStating picks the reports that state totals, a quarter of them, and
// the ones among them that disagree, an eighth of all, from their own stream.
func planStating(seed uint64, ps []plan) {
	rng := rand.New(rand.NewPCG(seed, 0x7374617465))
	var candidates []int
	for _, i := range rng.Perm(len(ps)) {
		if !slices.Contains(scanSources, i) {
			candidates = append(candidates, i)
		}
	}
	agree, disagree := len(ps)/4, len(ps)/8
	for k, i := range candidates[:min(len(candidates), agree+disagree)] {
		ps[i].stating = &stating{rng: rand.New(rand.NewPCG(seed, 0x73746174650000+uint64(i))), disagree: k >= agree}
	}
}

// stateTotals adds the sentences to the paragraph of 依申请公开 in the
// overview, from the values as printed, and declares the finding a
// disagreement implies.
func (r *Report) stateTotals(s *stating) {
	var usable []string
	for _, sent := range statedSentences {
		if r.statable(sent) {
			usable = append(usable, sent)
		}
	}
	if len(usable) == 0 {
		return
	}
	chosen := sentences(s.rng, usable, min(len(usable), between(s.rng, 1, 2)))
	chineseNumerals := chance(s.rng, 1, 3)
	wrong := -1
	if s.disagree {
		wrong = s.rng.IntN(len(chosen))
	}
	var out strings.Builder
	for i, sent := range chosen {
		slots := slotsIn(sent)
		off := -1
		if i == wrong {
			off = s.rng.IntN(len(slots))
		}
		for j, slot := range slots {
			n := int(r.statedValue(slot))
			if j == off {
				n += pick(s.rng, []int{1, 2, 3, 10})
				def := statedSlots[slot]
				r.Findings = append(r.Findings, finding(ruleProseMismatch, def.table, def.rows[0], template.ColumnTotal))
				r.vary("prose states %s as %d, the table %v (prose.mismatch)", slot, n, r.statedValue(slot))
			}
			text := strconv.Itoa(n)
			if chineseNumerals {
				text = number.FormatChinese(n)
			}
			sent = strings.Replace(sent, slot, text, 1)
		}
		out.WriteString(strings.NewReplacer("{year}", strconv.Itoa(r.Year), "{self}", r.from.self).Replace(sent))
	}
	if wrong < 0 {
		r.vary("prose states totals that agree with the tables")
	}
	ps := r.prose.sections[0]
	// The 依申请公开 topic's body is the paragraph after its title, or the
	// one that starts with it.
	at := 2
	if ps[1].sub {
		at = 4
	}
	ps[at].text += out.String()
	r.statesTotals = true
	r.sortFindings()
}

// statable reports whether every slot of the sentence names printed, non-null
// cells, so the statement can be checked.
func (r *Report) statable(sent string) bool {
	for _, slot := range slotsIn(sent) {
		def := statedSlots[slot]
		t := r.table(def.table)
		if t == nil {
			return false
		}
		for _, key := range def.rows {
			row := t.row(key)
			if row == nil {
				return false
			}
			// Prose states whole counts: a null, negative or fractional
			// (injected) total is not stated.
			v := row.col(template.ColumnTotal)
			if v == nil || v.null || v.num < 0 || v.num != float64(int(v.num)) {
				return false
			}
		}
	}
	return true
}

func (r *Report) statedValue(slot string) float64 {
	def := statedSlots[slot]
	total := 0.0
	for _, key := range def.rows {
		total += r.table(def.table).row(key).col(template.ColumnTotal).num
	}
	return total
}

// slotsIn returns the sentence's number slots in order.
func slotsIn(sent string) []string {
	var slots []string
	for rest := sent; ; {
		i := strings.Index(rest, "{")
		if i < 0 {
			return slots
		}
		j := strings.Index(rest[i:], "}")
		if slot := rest[i : i+j+1]; statedSlots[slot].table != "" {
			slots = append(slots, slot)
		}
		rest = rest[i+j+1:]
	}
}
