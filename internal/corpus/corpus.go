// Package corpus generates the test corpus the report parser is checked
// against: annual reports (政府信息公开工作年度报告) with known, mostly non-zero
// values, each printed as an HTML page and in the five text styles of the seed
// reports (../../shared/seeds), with the record a correct parse gives.
//
// Generation is deterministic: the same seed and count give the same bytes.
// Everything that varies between real reports (script, punctuation, label
// wording, number printing, encodings, tool artefacts) varies here, and about
// a quarter of the reports carry deliberate errors whose findings the
// injection declares.
package corpus

//go:generate go run ./gencorpus -out ../../testdata/corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

// The committed corpus is Generate(DefaultSeed, DefaultCount).
const (
	DefaultSeed  = 20240117
	DefaultCount = 40
)

// Report is one generated report: its values, its prose and how it prints.
type Report struct {
	Num        int    // position in the corpus; names its files
	Agency     string // as printed, in the report's script
	Year       int    // the title's year
	PeriodYear int    // the statistics period's year; differs on meta.year_mismatch
	Template   string // template.V2019 or template.V2021
	Script     string // textnorm.Simplified or textnorm.Traditional
	Findings   []Finding
	// Variations lists, for people, what this report does differently.
	Variations []string

	tmpl   *template.Template
	tables []*table // in template order; nil for a table left out
	from   agency   // who publishes it, in simplified script
	prose  prose
	look   look
	tn     *textnorm.Tables
	// statesTotals is set when its prose states table totals in words.
	statesTotals bool
}

// StatesTotals reports whether the report's prose states table totals in
// words: changing its values would make the prose disagree.
func (r *Report) StatesTotals() bool { return r.statesTotals }

// Name is the report's file stem: its number in three digits.
func (r *Report) Name() string { return fmt.Sprintf("%03d", r.Num) }

// Title is the title as the record keeps it: as printed, without whitespace.
func (r *Report) Title() string {
	return textnorm.RemoveSpace(r.text(r.titleText()))
}

// titleText is the title in simplified script.
func (r *Report) titleText() string {
	return r.from.name + strconv.Itoa(r.Year) + "年政府信息公开工作年度报告"
}

// Status is the record's status implied by the findings: invalid on any error
// but a missing value or table, incomplete on those, else valid.
func (r *Report) Status() string {
	status := "valid"
	for _, f := range r.Findings {
		switch {
		case warningRules[f.Rule]:
		case f.Rule == ruleMissing || f.Rule == ruleTableMissing:
			status = "incomplete"
		default:
			return "invalid"
		}
	}
	return status
}

// Generate returns n reports drawn from seed.
func Generate(seed uint64, n int) []Report {
	rng := rand.New(rand.NewPCG(seed, 0x6e69616e62616f))
	plans := makePlans(rng, n)
	planStating(seed, plans)
	names := newNamer(rng)
	tn := textnorm.New()
	reports := make([]Report, n)
	for i := range reports {
		// Each report draws from its own stream, so that changing how one
		// report is drawn leaves the others as they were.
		own := rand.New(rand.NewPCG(seed, uint64(i)+1))
		reports[i] = newReport(i, plans[i], names.next(), own, tn)
	}
	return reports
}

// plan holds the choices made across the corpus, so that each kind of report
// occurs a set number of times rather than by luck.
type plan struct {
	template    string
	traditional bool
	deviation   bool // a 2021 report printing the single （六）其他处理 row
	mismatch    bool // the statistics period names another year
	injections  []injection
	nullMark    string // how the report prints a value it leaves empty
	charset     charset
	gb18030     Style    // a text style written in GB18030; HTML for none
	stating     *stating // totals stated in words; nil for none
}

func makePlans(rng *rand.Rand, n int) []plan {
	ps := make([]plan, n)
	for i := range ps {
		ps[i].template = template.V2021
	}
	for _, i := range rng.Perm(n)[:n*3/10] {
		ps[i].template = template.V2019
	}
	for _, i := range rng.Perm(n)[:n/3] {
		ps[i].traditional = true
	}
	for k, i := range rng.Perm(n)[:min(n, len(scenarios))] {
		// Cycling the marks over the scenarios prints the few null values
		// in every way.
		ps[i].injections, ps[i].nullMark = scenarios[k], nullMarks[k%len(nullMarks)]
	}
	deviations := n / 10
	for _, i := range rng.Perm(n) {
		if deviations > 0 && ps[i].template == template.V2021 {
			ps[i].deviation = true
			deviations--
		}
	}
	for _, i := range rng.Perm(n)[:min(n, 2)] {
		ps[i].mismatch = true
	}
	// Legacy encodings: GBK pages are simplified-script sites; GB18030 text
	// files come from tools run on Chinese Windows.
	gbk := []charset{gbkMeta, gbkHTTPEquiv, gbkMeta, gbkHTTPEquiv, gbkUndeclared}
	for _, i := range rng.Perm(n) {
		if len(gbk) > 0 && !ps[i].traditional {
			ps[i].charset, gbk = gbk[0], gbk[1:]
		}
	}
	gb := []Style{Word, CellPipe, WordIndent, TSV}
	for k, i := range rng.Perm(n)[:min(n, len(gb))] {
		ps[i].gb18030 = gb[k]
	}
	return ps
}

func newReport(num int, p plan, a agency, rng *rand.Rand, tn *textnorm.Tables) Report {
	r := Report{Num: num, Template: p.template, Script: textnorm.Simplified, tn: tn, from: a}
	r.tmpl = template.Lookup(p.template)
	if p.traditional {
		r.Script = textnorm.Traditional
	}
	r.Year = between(rng, 2021, 2025)
	if p.template == template.V2019 {
		r.Year = between(rng, 2019, 2020)
	}
	r.PeriodYear = r.Year
	if p.mismatch {
		r.PeriodYear = r.Year - 1
		r.Findings = append(r.Findings, Finding{Rule: ruleYearMismatch})
		r.vary("statistics period states %d (meta.year_mismatch)", r.PeriodYear)
	}
	r.look = drawLook(rng, &r, p)
	r.Agency = r.text(a.name)
	r.fillTables(rng, p.deviation)
	for _, inj := range p.injections {
		desc, fs := inj(&r, rng)
		r.vary("error: %s", desc)
		r.Findings = append(r.Findings, fs...)
	}
	r.look.decorate(rng, &r)
	r.prose = drawProse(rng, &r)
	if p.stating != nil {
		r.stateTotals(p.stating)
	}
	r.look.drawArtefacts(rng, &r)
	r.sortFindings()
	return r
}

func (r *Report) fillTables(rng *rand.Rand, deviation bool) {
	for i := range r.tmpl.Tables {
		def := &r.tmpl.Tables[i]
		t := newTable(def, deviation && def.Key == template.Applications)
		switch def.Key {
		case template.ActiveDisclosure:
			fillActive(t, rng, r.look.procurementYuan)
		case template.Applications:
			fillApplications(t, rng)
		case template.ReviewsLitigation:
			fillReviews(t, rng)
		}
		r.tables = append(r.tables, t)
	}
	if deviation {
		r.Findings = append(r.Findings, Finding{Rule: ruleDeviation, Table: template.Applications, Row: template.RowOther})
		r.vary("2021 template with the single （六）其他处理 row (template.deviation)")
	}
}

// table returns the printed table with the key, or nil if left out.
func (r *Report) table(key string) *table {
	for _, t := range r.tables {
		if t != nil && t.def.Key == key {
			return t
		}
	}
	return nil
}

// vary records a variation for the corpus index.
func (r *Report) vary(format string, args ...any) {
	r.Variations = append(r.Variations, fmt.Sprintf(format, args...))
}
