// Package converters defines what a converter is: one file's bytes in, the
// layout model out. Each format lives in its own subpackage and knows nothing
// of reports.
package converters

import (
	"context"
	"errors"

	"github.com/nianbao/nianbao/internal/layout"
)

// Converter turns one file into the layout model. name is the file's name, for
// error messages and for formats that need an extension; data is its content.
// Convert returns errors that wrap the sentinels below where they apply.
type Converter interface {
	Convert(ctx context.Context, name string, data []byte) (*layout.Document, error)
}

// Errors a converter wraps, so callers can tell bad input from failure.
var (
	ErrEmpty       = errors.New("file is empty")
	ErrNotText     = errors.New("not a text file")
	ErrCorrupt     = errors.New("file is corrupt or truncated")
	ErrEncrypted   = errors.New("file is encrypted")
	ErrTooLarge    = errors.New("file is too large")
	ErrUnsupported = errors.New("format not supported")
)
