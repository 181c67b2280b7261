package record

import (
	"time"

	"github.com/nianbao/nianbao/internal/template"
)

// Review is one value a person settled: the table holds After, Before keeps
// what was read. A confirmed reading has After equal to Before.
type Review struct {
	Table  string    `json:"table"`
	Row    string    `json:"row"`
	Column string    `json:"column"`
	Before Value     `json:"before"`
	After  Value     `json:"after"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Key returns the value's flat key, table.row.column.
func (r Review) Key() string { return r.Table + "." + r.Row + "." + r.Column }

// TableOf returns the record's table with the key, or nil.
func (r *Record) TableOf(key string) *Table {
	switch key {
	case template.ActiveDisclosure:
		return r.ActiveDisclosure
	case template.Applications:
		return r.Applications
	case template.ReviewsLitigation:
		return r.ReviewsLitigation
	}
	return nil
}

// CellSource is where a value was read by OCR: its page (1-based) and box on
// the page image, in pixels (x0, y0, x1, y1), and the confidence.
type CellSource struct {
	Table      string     `json:"table"`
	Row        string     `json:"row"`
	Column     string     `json:"column"`
	Page       int        `json:"page"`
	Box        [4]float64 `json:"box"`
	Confidence float64    `json:"confidence"`
}
