package parser

import "github.com/nianbao/nianbao/internal/record"

// ocrSource says where OCR read a value, so a person can see the page there.
func ocrSource(table, row, column string, c *cell) record.CellSource {
	b := c.prov.Box
	return record.CellSource{Table: table, Row: row, Column: column, Page: c.prov.Page,
		Box: [4]float64{b.X0, b.Y0, b.X1, b.Y1}, Confidence: c.conf}
}
