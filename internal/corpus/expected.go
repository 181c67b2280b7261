package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/nianbao/nianbao/internal/expect"
)

// Expected is the part of a report's record a correct parse must give, in
// the format of the seeds' expected files.
type Expected struct {
	Title    string    `json:"title"`
	Agency   string    `json:"agency"`
	Year     int       `json:"year"`
	Template string    `json:"template"`
	Script   string    `json:"script"`
	Status   string    `json:"status"`
	Fields   Fields    `json:"fields"`
	Findings []Finding `json:"findings"`
}

// Fields maps flat keys (table.row.column) to values, nil for null; it
// writes them in template order, as the seeds do.
type Fields struct {
	Keys   []string
	Values []*float64
}

// MarshalJSON writes the fields as one object in key order.
func (f Fields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range f.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		if v := f.Values[i]; v != nil {
			b.WriteString(strconv.FormatFloat(*v, 'f', -1, 64))
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Expected returns the report's expected record.
func (r *Report) Expected() Expected {
	e := Expected{
		Title:    r.Title(),
		Agency:   r.Agency,
		Year:     r.Year,
		Template: r.Template,
		Script:   r.Script,
		Status:   r.Status(),
		Findings: append([]Finding{}, r.Findings...),
	}
	for _, t := range r.tables {
		if t == nil {
			continue
		}
		for _, row := range t.rows {
			for i, c := range row.cols {
				e.Fields.Keys = append(e.Fields.Keys, t.def.Key+"."+row.def.Key+"."+c.Key)
				var v *float64
				if !row.vals[i].null {
					n := row.vals[i].num
					v = &n
				}
				e.Fields.Values = append(e.Fields.Values, v)
			}
		}
	}
	return e
}

// JSON returns the expected record as the seeds' expected files hold it:
// indented by one space, with no final newline.
func (e Expected) JSON() ([]byte, error) {
	return json.MarshalIndent(e, "", " ")
}

// Want returns the expected record as tests compare records with it.
func (r *Report) Want() (*expect.Record, error) {
	data, err := r.Expected().JSON()
	if err != nil {
		return nil, fmt.Errorf("corpus: report %s, expected: %w", r.Name(), err)
	}
	var e expect.Record
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("corpus: report %s, expected: %w", r.Name(), err)
	}
	return &e, nil
}
