// Package record is the output contract of ../shared/spec/report-v1.md: one
// checked report as JSON. Tables and sections keep the template's order when
// written, so records read like the printed report and diff cleanly.
package record

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/nianbao/nianbao/internal/template"
)

// Schema is the record's "schema" value.
const Schema = "nianbao.report/v1"

// Status values.
const (
	Valid      = "valid"
	Invalid    = "invalid"
	Incomplete = "incomplete"
)

// Severity values of a finding.
const (
	Error   = "error"
	Warning = "warning"
)

// Record is one report.
type Record struct {
	Schema   string    `json:"schema"`
	Source   Source    `json:"source"`
	Title    string    `json:"title"`
	Agency   string    `json:"agency"`
	Year     *int      `json:"year"`
	Template string    `json:"template"`
	Script   string    `json:"script"`
	Sections *Sections `json:"sections"`
	// PeriodYear is the year of the statistics period the text states
	// (本报告所列数据统计期限…), null where it states none.
	PeriodYear        *int      `json:"period_year"`
	ActiveDisclosure  *Table    `json:"active_disclosure"`
	Applications      *Table    `json:"applications"`
	ReviewsLitigation *Table    `json:"reviews_litigation"`
	Notes             []Note    `json:"notes"`
	Findings          []Finding `json:"findings"`
	Status            string    `json:"status"`
	// Reviewed lists the values a person set in the review station (see
	// review.go); absent where nothing was reviewed.
	Reviewed []Review `json:"reviewed,omitempty"`
	// Provenance says where OCR read each value it read (review.go).
	Provenance []CellSource `json:"provenance,omitempty"`
}

// Source describes the input file.
type Source struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Format string `json:"format"`
	Method string `json:"method"`
	Pages  int    `json:"pages,omitempty"`
}

// Sections holds the prose of the six sections, in printed order.
type Sections = Ordered[string]

// Table is one table: rows in template order, each an ordered set of values.
// A nil *Table is a table that was not found.
type Table = Ordered[*Row]

// Row is one row's values by column key, in printed order.
type Row = Ordered[Value]

// Value is a printed number, or null for a blank or unreadable cell.
type Value struct {
	Num   float64
	Valid bool
}

// Num returns a non-null value.
func Num(f float64) Value { return Value{Num: f, Valid: true} }

// MarshalJSON writes the number as printed: integers without a decimal point.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v.Num, 'f', -1, 64), nil
}

// UnmarshalJSON reads a number or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Value{}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("record: value %s: %w", b, err)
	}
	*v = Num(f)
	return nil
}

func (v Value) String() string {
	if !v.Valid {
		return "null"
	}
	return strconv.FormatFloat(v.Num, 'f', -1, 64)
}

// Note is text printed in a value cell beside its number.
type Note struct {
	Table  string `json:"table"`
	Row    string `json:"row"`
	Column string `json:"column"`
	Text   string `json:"text"`
}

// Finding is one failed check.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Table    string `json:"table,omitempty"`
	Row      string `json:"row,omitempty"`
	Column   string `json:"column,omitempty"`
	Expected *Value `json:"expected,omitempty"`
	Actual   *Value `json:"actual,omitempty"`
	Message  string `json:"message"`
}

// Ordered is a JSON object whose keys keep their insertion order. Records'
// objects are small (a few dozen keys at most), so keys are found by a scan.
type Ordered[V any] struct {
	keys   []string
	values []V
}

func (o *Ordered[V]) index(key string) int {
	for i, k := range o.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Grow makes room for n more keys, for callers that know how many come.
func (o *Ordered[V]) Grow(n int) {
	o.keys = slices.Grow(o.keys, n)
	o.values = slices.Grow(o.values, n)
}

// Set sets key to v, appending key if it is new.
func (o *Ordered[V]) Set(key string, v V) {
	if i := o.index(key); i >= 0 {
		o.values[i] = v
		return
	}
	o.keys = append(o.keys, key)
	o.values = append(o.values, v)
}

// Get returns the value of key.
func (o *Ordered[V]) Get(key string) (V, bool) {
	if o != nil {
		if i := o.index(key); i >= 0 {
			return o.values[i], true
		}
	}
	var zero V
	return zero, false
}

// Keys returns the keys in order. The slice is shared: do not modify it.
func (o *Ordered[V]) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// Len returns the number of keys.
func (o *Ordered[V]) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// MarshalJSON writes the object in key order.
func (o Ordered[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.values[i])
		if err != nil {
			return nil, fmt.Errorf("record: key %q: %w", k, err)
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object, keeping its key order.
func (o *Ordered[V]) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("record: want an object, got %v", tok)
	}
	*o = Ordered[V]{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var v V
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("record: key %q: %w", key, err)
		}
		o.Set(key, v)
	}
	_, err = dec.Token()
	return err
}

// Flat returns every table value by flat key (table.row.column), in order.
func (r *Record) Flat() (keys []string, values map[string]Value) {
	values = map[string]Value{}
	for _, t := range []struct {
		key   string
		table *Table
	}{
		{template.ActiveDisclosure, r.ActiveDisclosure},
		{template.Applications, r.Applications},
		{template.ReviewsLitigation, r.ReviewsLitigation},
	} {
		for _, rowKey := range t.table.Keys() {
			row, _ := t.table.Get(rowKey)
			for _, colKey := range row.Keys() {
				v, _ := row.Get(colKey)
				k := t.key + "." + rowKey + "." + colKey
				keys = append(keys, k)
				values[k] = v
			}
		}
	}
	return keys, values
}
