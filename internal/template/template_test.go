package template_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

var tables = textnorm.New()

// eachTable runs f on every table of every template, as a subtest.
func eachTable(t *testing.T, f func(t *testing.T, tp *template.Template, tbl *template.Table)) {
	t.Helper()
	for _, tp := range template.All() {
		for i := range tp.Tables {
			tbl := &tp.Tables[i]
			t.Run(tp.ID+"/"+tbl.Key, func(t *testing.T) { f(t, tp, tbl) })
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{template.V2021, true},
		{template.V2019, true},
		{"2020", false},
		{"", false},
	} {
		got := template.Lookup(tc.id)
		if (got != nil) != tc.want {
			t.Errorf("Lookup(%q) = %v, want found %v", tc.id, got, tc.want)
			continue
		}
		if got != nil && got.ID != tc.id {
			t.Errorf("Lookup(%q).ID = %q", tc.id, got.ID)
		}
	}
	all := template.All()
	if len(all) != 2 || all[0].ID != template.V2021 || all[1].ID != template.V2019 {
		t.Errorf("All() = %v, want 2021 then 2019", all)
	}
}

func TestSections(t *testing.T) {
	want := []string{
		template.SectionOverview, template.ActiveDisclosure, template.Applications,
		template.ReviewsLitigation, template.SectionProblems, template.SectionOther,
	}
	numerals := []string{"一、", "二、", "三、", "四、", "五、", "六、"}
	secs := template.Sections()
	if len(secs) != len(want) {
		t.Fatalf("Sections() has %d sections, want %d", len(secs), len(want))
	}
	for i, s := range secs {
		if s.Key != want[i] {
			t.Errorf("section %d key = %q, want %q", i, s.Key, want[i])
		}
		if !strings.HasPrefix(s.Heading, numerals[i]) {
			t.Errorf("section %s heading %q does not start with %q", s.Key, s.Heading, numerals[i])
		}
		if len(s.Match) == 0 {
			t.Errorf("section %s has no Match phrase", s.Key)
		}
		// Some phrases are variants printed in the wild (其他需报告); at least
		// one must name the official heading.
		folded := textnorm.StripListNumber(tables.Fold(s.Heading))
		named := false
		for _, p := range s.Match {
			if tables.Fold(p) != p {
				t.Errorf("section %s phrase %q is not folded: %q", s.Key, p, tables.Fold(p))
			}
			named = named || strings.Contains(folded, p)
		}
		if !named {
			t.Errorf("section %s: no phrase of %q is in its own heading %q", s.Key, s.Match, folded)
		}
		// No other section's heading is named by this section's phrases.
		for j, o := range secs {
			if j == i {
				continue
			}
			for _, p := range s.Match {
				if strings.Contains(tables.Fold(o.Heading), p) {
					t.Errorf("section %s phrase %q also occurs in the heading of %s (%q)", s.Key, p, o.Key, o.Heading)
				}
			}
		}
	}
}

func TestTablesOfTemplates(t *testing.T) {
	want := []string{template.ActiveDisclosure, template.Applications, template.ReviewsLitigation}
	sections := map[string]bool{}
	for _, s := range template.Sections() {
		sections[s.Key] = true
	}
	for _, tp := range template.All() {
		var keys []string
		for i := range tp.Tables {
			tbl := &tp.Tables[i]
			keys = append(keys, tbl.Key)
			if !sections[tbl.Section] {
				t.Errorf("%s/%s: section %q is not a section", tp.ID, tbl.Key, tbl.Section)
			}
			if tp.Table(tbl.Key) != tbl {
				t.Errorf("%s: Table(%q) does not return the table", tp.ID, tbl.Key)
			}
		}
		if !reflect.DeepEqual(keys, want) {
			t.Errorf("%s tables = %v, want %v", tp.ID, keys, want)
		}
		if tp.Table("no_such_table") != nil {
			t.Errorf("%s: Table of an unknown key is not nil", tp.ID)
		}
	}
}

func TestRowsAndColumns(t *testing.T) {
	eachTable(t, func(t *testing.T, tp *template.Template, tbl *template.Table) {
		if len(tbl.Rows) == 0 {
			t.Fatal("no rows")
		}
		rows := map[string]bool{}
		for i := range tbl.Rows {
			r := &tbl.Rows[i]
			if r.Key == "" || r.Label == "" {
				t.Errorf("row %d has key %q, label %q", i, r.Key, r.Label)
			}
			if rows[r.Key] {
				t.Errorf("row key %q is not unique", r.Key)
			}
			rows[r.Key] = true
			if tbl.Row(r.Key) != r {
				t.Errorf("Row(%q) does not return the row", r.Key)
			}
			cols := tbl.ColumnsOf(r)
			if len(cols) == 0 {
				t.Errorf("row %s has no columns", r.Key)
			}
			if r.Columns != nil && !reflect.DeepEqual(cols, r.Columns) {
				t.Errorf("ColumnsOf(%s) is not the row's own columns", r.Key)
			}
			if r.Columns == nil && !reflect.DeepEqual(cols, tbl.Columns) {
				t.Errorf("ColumnsOf(%s) is not the table's columns", r.Key)
			}
			seen := map[string]bool{}
			for _, c := range cols {
				if c.Key == "" || c.Label == "" {
					t.Errorf("row %s: column with key %q, label %q", r.Key, c.Key, c.Label)
				}
				if seen[c.Key] {
					t.Errorf("row %s: column key %q is not unique", r.Key, c.Key)
				}
				seen[c.Key] = true
			}
		}
		if tbl.Row("no_such_row") != nil {
			t.Error("Row of an unknown key is not nil")
		}
	})
}

func TestPhrasesFolded(t *testing.T) {
	eachTable(t, func(t *testing.T, tp *template.Template, tbl *template.Table) {
		for _, r := range tbl.Rows {
			if !tbl.Flat && len(r.Match)+len(r.Exact) == 0 {
				t.Errorf("row %s has neither a Match nor an Exact phrase", r.Key)
			}
			for _, p := range append(append([]string{}, r.Match...), r.Exact...) {
				if p == "" {
					t.Errorf("row %s has an empty phrase", r.Key)
				}
				if got := tables.Fold(p); got != p {
					t.Errorf("row %s phrase %q is not folded: Fold gives %q", r.Key, p, got)
				}
			}
		}
	})
	for _, tp := range template.All() {
		for _, m := range tp.Markers {
			if got := tables.Fold(m); got != m {
				t.Errorf("%s marker %q is not folded: Fold gives %q", tp.ID, m, got)
			}
		}
	}
}

// matchLabel names the row the phrases give text, as the parser reads a label:
// the row whose Match phrase ends last in text (the first such row on a tie),
// an Exact phrase that equals the label without its list number counting as
// ending after the text.
func matchLabel(tbl *template.Table, text, last string) string {
	best, bestEnd := "", -1
	for _, r := range tbl.Rows {
		end := -1
		for _, p := range r.Match {
			if k := strings.Index(text, p); k >= 0 && k+len(p) > end {
				end = k + len(p)
			}
		}
		for _, e := range r.Exact {
			if last == e {
				end = len(text) + 1
			}
		}
		if end > bestEnd {
			best, bestEnd = r.Key, end
		}
	}
	return best
}

func TestLabelsNameTheirRows(t *testing.T) {
	eachTable(t, func(t *testing.T, tp *template.Template, tbl *template.Table) {
		if tbl.Flat {
			t.Skip("rows of a flat table are found by position")
		}
		for _, r := range tbl.Rows {
			label := tables.Fold(r.Label)
			last := textnorm.StripListNumber(label)
			if got := matchLabel(tbl, label, last); got != r.Key {
				t.Errorf("label %q names row %q, want %q", r.Label, got, r.Key)
			}
			// The label as a table prints it, after its group cells.
			var joined strings.Builder
			for _, g := range r.Groups {
				joined.WriteString(tables.Fold(g))
			}
			joined.WriteString(label)
			if got := matchLabel(tbl, joined.String(), last); got != r.Key {
				t.Errorf("label %q after its groups (%q) names row %q, want %q", r.Label, joined.String(), got, r.Key)
			}
			// Printed in traditional script.
			trad := tables.Fold(tables.Traditional(r.Label))
			if got := matchLabel(tbl, trad, textnorm.StripListNumber(trad)); got != r.Key {
				t.Errorf("traditional label %q names row %q, want %q", tables.Traditional(r.Label), got, r.Key)
			}
		}
	})
}

// TestGroupsNameNoRowUnderThem checks that a group label alone does not name a
// row that is under it: a group cell must not be taken for a row.
func TestGroupsNameNoRowUnderThem(t *testing.T) {
	eachTable(t, func(t *testing.T, tp *template.Template, tbl *template.Table) {
		for _, r := range tbl.Rows {
			for _, g := range r.Groups {
				folded := tables.Fold(g)
				got := matchLabel(tbl, folded, textnorm.StripListNumber(folded))
				if got == r.Key && g != r.Label {
					t.Errorf("group label %q alone names its row %q", g, r.Key)
				}
			}
		}
	})
}

func TestReplaces(t *testing.T) {
	want := map[string]map[string][]string{
		template.V2021: {"other": {"other_overdue", "other_unpaid", "other_other"}},
		template.V2019: {
			"other_overdue": {"other"},
			"other_unpaid":  {"other"},
			"other_other":   {"other"},
		},
	}
	for _, tp := range template.All() {
		got := map[string][]string{}
		for i := range tp.Tables {
			tbl := &tp.Tables[i]
			for _, r := range tbl.Rows {
				if len(r.Replaces) == 0 {
					continue
				}
				got[r.Key] = r.Replaces
				for _, k := range r.Replaces {
					if k == r.Key {
						t.Errorf("%s/%s: row %s replaces itself", tp.ID, tbl.Key, r.Key)
					}
					if tbl.Row(k) == nil {
						t.Errorf("%s/%s: row %s replaces %q, which is not a row", tp.ID, tbl.Key, r.Key, k)
					}
				}
			}
		}
		if !reflect.DeepEqual(got, want[tp.ID]) {
			t.Errorf("%s: rows with Replaces = %v, want %v", tp.ID, got, want[tp.ID])
		}
	}
}

func TestOutcomes(t *testing.T) {
	common := []string{
		"disclosed", "partially_disclosed",
		"withheld_state_secret", "withheld_prohibited", "withheld_security", "withheld_third_party",
		"withheld_internal", "withheld_process", "withheld_enforcement", "withheld_inquiry",
		"unavailable_not_held", "unavailable_to_create", "unavailable_unclear",
		"unprocessed_petition", "unprocessed_duplicate", "unprocessed_publication",
		"unprocessed_excessive", "unprocessed_confirmation",
	}
	for _, tc := range []struct {
		id    string
		other []string
	}{
		{template.V2021, []string{"other_overdue", "other_unpaid", "other_other", "other"}},
		{template.V2019, []string{"other", "other_overdue", "other_unpaid", "other_other"}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			tbl := template.Lookup(tc.id).Table(template.Applications)
			want := append(append([]string{}, common...), tc.other...)
			got := tbl.Outcomes()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Outcomes() =\n%v\nwant\n%v", got, want)
			}
			// They are the rows from disclosed up to, not including, processed_total.
			var between []string
			in := false
			for _, r := range tbl.Rows {
				switch r.Key {
				case "disclosed":
					in = true
				case template.RowProcessedTotal:
					in = false
				}
				if in {
					between = append(between, r.Key)
				}
			}
			if !reflect.DeepEqual(got, between) {
				t.Errorf("Outcomes() = %v, want the rows disclosed…other* in order %v", got, between)
			}
		})
	}
	for _, key := range []string{template.ActiveDisclosure, template.ReviewsLitigation} {
		if got := template.Lookup(template.V2021).Table(key).Outcomes(); len(got) != 0 {
			t.Errorf("%s Outcomes() = %v, want none", key, got)
		}
	}
}

func TestBalance(t *testing.T) {
	in, out := template.Balance()
	if want := []string{"new_received", "carried_over"}; !reflect.DeepEqual(in, want) {
		t.Errorf("Balance() in = %v, want %v", in, want)
	}
	if want := []string{template.RowProcessedTotal, "carried_forward"}; !reflect.DeepEqual(out, want) {
		t.Errorf("Balance() out = %v, want %v", out, want)
	}
	for _, tp := range template.All() {
		tbl := tp.Table(template.Applications)
		for _, k := range append(append([]string{}, in...), out...) {
			if tbl.Row(k) == nil {
				t.Errorf("%s: balance row %q is not in the applications table", tp.ID, k)
			}
		}
	}
}

func TestColumns(t *testing.T) {
	type col struct {
		key  string
		kind template.Kind
	}
	cols := func(tbl *template.Table, row string) []col {
		r := tbl.Row(row)
		if r == nil {
			return nil
		}
		var cs []col
		for _, c := range tbl.ColumnsOf(r) {
			cs = append(cs, col{c.Key, c.Kind})
		}
		return cs
	}
	c := template.Count
	applicants := []col{{"natural_person", c}, {"commercial", c}, {"research", c}, {"social_welfare", c},
		{"legal_services", c}, {"other_org", c}, {"total", c}}
	reviews := []col{{"upheld", c}, {"corrected", c}, {"other", c}, {"pending", c}, {"total", c}}
	for _, tc := range []struct {
		id, table, row string
		want           []col
	}{
		{"2021", template.ActiveDisclosure, "regulations", []col{{"issued", c}, {"repealed", c}, {"in_force", c}}},
		{"2021", template.ActiveDisclosure, "normative_documents", []col{{"issued", c}, {"repealed", c}, {"in_force", c}}},
		{"2021", template.ActiveDisclosure, "licensing", []col{{"decisions", c}}},
		{"2021", template.ActiveDisclosure, "punishment", []col{{"decisions", c}}},
		{"2021", template.ActiveDisclosure, "coercion", []col{{"decisions", c}}},
		{"2021", template.ActiveDisclosure, "fees", []col{{"amount", template.Amount}}},
		{"2021", template.ActiveDisclosure, "procurement", nil},
		{"2019", template.ActiveDisclosure, "regulations", []col{{"made", c}, {"published", c}, {"total_published", c}}},
		{"2019", template.ActiveDisclosure, "normative_documents", []col{{"made", c}, {"published", c}, {"total_published", c}}},
		{"2019", template.ActiveDisclosure, "licensing", []col{{"previous_items", c}, {"change", template.Signed}, {"decisions", c}}},
		{"2019", template.ActiveDisclosure, "other_services", []col{{"previous_items", c}, {"change", template.Signed}, {"decisions", c}}},
		{"2019", template.ActiveDisclosure, "punishment", []col{{"previous_items", c}, {"change", template.Signed}, {"decisions", c}}},
		{"2019", template.ActiveDisclosure, "coercion", []col{{"previous_items", c}, {"change", template.Signed}, {"decisions", c}}},
		{"2019", template.ActiveDisclosure, "fees", []col{{"previous_items", c}, {"change", template.Signed}}},
		{"2019", template.ActiveDisclosure, "procurement", []col{{"items", c}, {"amount", template.Amount}}},
		{"2021", template.Applications, "new_received", applicants},
		{"2021", template.Applications, "other_other", applicants},
		{"2019", template.Applications, "processed_total", applicants},
		{"2021", template.ReviewsLitigation, "reconsideration", reviews},
		{"2021", template.ReviewsLitigation, "litigation_direct", reviews},
		{"2019", template.ReviewsLitigation, "litigation_after", reviews},
	} {
		tbl := template.Lookup(tc.id).Table(tc.table)
		if got := cols(tbl, tc.row); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s %s.%s columns = %v, want %v", tc.id, tc.table, tc.row, got, tc.want)
		}
	}
}

func TestReviewsTable(t *testing.T) {
	for _, tp := range template.All() {
		tbl := tp.Table(template.ReviewsLitigation)
		if !tbl.Flat {
			t.Errorf("%s: reviews_litigation is not flat", tp.ID)
		}
		var keys []string
		n := 0
		for i := range tbl.Rows {
			keys = append(keys, tbl.Rows[i].Key)
			n += len(tbl.ColumnsOf(&tbl.Rows[i]))
		}
		if want := []string{"reconsideration", "litigation_direct", "litigation_after"}; !reflect.DeepEqual(keys, want) {
			t.Errorf("%s: rows = %v, want %v", tp.ID, keys, want)
		}
		if n != 15 {
			t.Errorf("%s: %d values, want the 15 printed in one row", tp.ID, n)
		}
	}
}

func TestMarkers(t *testing.T) {
	labels := func(tp *template.Template) []string {
		var ls []string
		for i := range tp.Tables {
			tbl := &tp.Tables[i]
			for j := range tbl.Rows {
				r := &tbl.Rows[j]
				ls = append(ls, tables.Fold(r.Label))
				for _, c := range tbl.ColumnsOf(r) {
					ls = append(ls, tables.Fold(c.Label))
				}
			}
		}
		return ls
	}
	columnLabels := func(tp *template.Template) []string {
		var ls []string
		for i := range tp.Tables {
			tbl := &tp.Tables[i]
			for j := range tbl.Rows {
				for _, c := range tbl.ColumnsOf(&tbl.Rows[j]) {
					ls = append(ls, tables.Fold(c.Label))
				}
			}
		}
		return ls
	}
	contains := func(ls []string, m string) bool {
		for _, l := range ls {
			if strings.Contains(l, m) {
				return true
			}
		}
		return false
	}
	all := template.All()
	for i, tp := range all {
		other := all[1-i]
		if len(tp.Markers) == 0 {
			t.Errorf("%s has no markers", tp.ID)
		}
		for _, m := range tp.Markers {
			if !contains(labels(tp), m) {
				t.Errorf("%s marker %q is in none of its labels", tp.ID, m)
			}
			if contains(columnLabels(other), m) {
				t.Errorf("%s marker %q is in a column label of template %s", tp.ID, m, other.ID)
			}
		}
	}
}

func TestPhraseConstants(t *testing.T) {
	for _, p := range []string{template.TitleMark, template.TitleSubject, template.HeaderInfo,
		template.HeaderApplicants, template.HeaderOrganisations} {
		if got := tables.Fold(p); got != p {
			t.Errorf("phrase %q is not folded: Fold gives %q", p, got)
		}
	}
	// Both titles, as printed in either script, hold the title phrases.
	for _, title := range []string{
		"东风区人民政府办公室2023年政府信息公开工作年度报告",
		"盤錦市雙臺子區人民政府辦公室2023年政府信息公開工作年度報告",
	} {
		folded := tables.Fold(title)
		i := strings.Index(folded, template.TitleSubject)
		if i < 0 || !strings.Contains(folded[i:], template.TitleMark) {
			t.Errorf("title %q: %q then %q not found in %q", title, template.TitleSubject, template.TitleMark, folded)
		}
	}
	// The period marks name the same phrase in both scripts.
	if len(template.PeriodMarks) < 2 {
		t.Fatalf("PeriodMarks = %q, want both scripts", template.PeriodMarks)
	}
	for _, m := range template.PeriodMarks {
		if got, want := tables.Fold(m), template.PeriodMarks[0]; got != want {
			t.Errorf("period mark %q folds to %q, want %q", m, got, want)
		}
	}
	if tables.Script(template.PeriodMarks[1]) != textnorm.Traditional {
		t.Errorf("period mark %q is not traditional", template.PeriodMarks[1])
	}
	// The row keys the arithmetic refers to name rows of both templates.
	for _, tp := range template.All() {
		tbl := tp.Table(template.Applications)
		for _, k := range []string{template.RowNewReceived, template.RowCarriedOver,
			template.RowProcessedTotal, template.RowCarriedForward, template.RowOther} {
			if tbl.Row(k) == nil {
				t.Errorf("%s: no applications row %q", tp.ID, k)
			}
		}
		total := false
		for _, c := range tbl.Columns {
			total = total || c.Key == template.ColumnTotal
		}
		if !total {
			t.Errorf("%s: applications has no %q column", tp.ID, template.ColumnTotal)
		}
	}
	// The check note states the balance the template's Balance gives.
	if note := tables.Fold(template.HeaderCheckNote); !strings.Contains(note, "第一项加第二项之和,等于第三项加第四项之和") {
		t.Errorf("HeaderCheckNote %q does not state the balance", template.HeaderCheckNote)
	}
}
