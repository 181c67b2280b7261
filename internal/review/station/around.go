package station

import (
	"strings"
	"sync"

	"github.com/nianbao/nianbao/internal/template"
	"github.com/nianbao/nianbao/internal/textnorm"
)

var folding = sync.OnceValue(textnorm.New)

// aroundLines is how many lines are shown before and after a row's line.
const aroundLines = 3

// around returns the lines of text around the first line that names the
// row by one of its template phrases (or its label), the line marked »; all
// of a short text when no line does.
func around(text, templateID, table, row string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	var phrases []string
	if tp := template.Lookup(templateID); tp != nil {
		if t := tp.Table(table); t != nil {
			if r := t.Row(row); r != nil {
				phrases = append(append(append(phrases, r.Match...), r.Exact...), r.Label)
			}
		}
	}
	tn := folding()
	for i, l := range lines {
		folded := tn.Fold(l)
		for _, p := range phrases {
			if p != "" && strings.Contains(folded, tn.Fold(p)) {
				from, to := max(0, i-aroundLines), min(len(lines), i+aroundLines+1)
				out := make([]string, 0, to-from)
				for j := from; j < to; j++ {
					mark := "  "
					if j == i {
						mark = "» "
					}
					out = append(out, mark+lines[j])
				}
				return strings.Join(out, "\n")
			}
		}
	}
	return "(no line of the document names this row)"
}
