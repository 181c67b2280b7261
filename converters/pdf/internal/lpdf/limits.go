package lpdf

// This file is nianbao's, not the upstream library's: the bounds that make a
// hostile file fail with an error instead of exhausting memory, the stack or
// time. Upstream read loops in /Prev chains and /Extends forever, recursed
// without end into an object stream that holds itself, allocated whatever
// /Size or an xref subsection claimed, and inflated streams without bound.

import (
	"errors"
	"fmt"
	"io"
)

// ErrLimit is wrapped by the errors (and panics) of a file that goes over
// one of its Reader's Limits or over a fixed structural bound.
var ErrLimit = errors.New("over a reading limit")

// Limits bounds what a Reader reads. Zero fields take the defaults below.
type Limits struct {
	// MaxObjects is the most entries the cross-reference table may have (the
	// highest object number plus one), checked before it is allocated.
	MaxObjects int64
	// MaxStreamBytes is the most bytes one stream may decode to.
	MaxStreamBytes int64
	// MaxTotalBytes is the most bytes all the streams read from the file may
	// decode to together (a stream read twice counts twice).
	MaxTotalBytes int64
}

// Defaults of Limits.
const (
	DefaultMaxObjects     = 1 << 20
	DefaultMaxStreamBytes = 32 << 20
	DefaultMaxTotalBytes  = 256 << 20
)

// Fixed structural bounds: far above what any producer writes.
const (
	// maxXrefSections bounds a /Prev chain's length.
	maxXrefSections = 1 << 12
	// maxResolveDepth bounds indirect references resolved inside each other
	// (an object in an object stream whose /N is in that stream, …).
	maxResolveDepth = 32
	// maxExtends bounds an object stream's /Extends chain.
	maxExtends = 64
	// maxArrayLen and maxDictLen bound one array's or dictionary's entries.
	maxArrayLen = 1 << 20
	maxDictLen  = 1 << 16
	// maxOperands bounds the operands Interpret stacks up without an
	// operator taking them.
	maxOperands = 1 << 18
	// maxPredictorColumns bounds a PNG predictor's row.
	maxPredictorColumns = 1 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxObjects <= 0 {
		l.MaxObjects = DefaultMaxObjects
	}
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	return l
}

// LimitError is the error of a limit gone over; it is ErrLimit.
type LimitError struct{ Msg string }

func (e *LimitError) Error() string        { return e.Msg }
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// limitf returns a *LimitError.
func limitf(format string, args ...any) error {
	return &LimitError{Msg: fmt.Sprintf(format, args...)}
}

// checkObjects reports an error when object number x-1 (a table of x
// entries) is over the limit.
func (r *Reader) checkObjects(x int64) error {
	if x < 0 || x > r.limits.MaxObjects {
		return limitf("the cross-reference table claims %d objects, the limit is %d", x, r.limits.MaxObjects)
	}
	return nil
}

// limitedReader counts a stream's decoded bytes against the stream's and the
// file's limits. Once over, it keeps failing.
type limitedReader struct {
	r    io.Reader
	left int64 // of this stream
	rd   *Reader
	err  error
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.rd.decoded += int64(n)
	switch {
	case l.left < 0:
		l.err = limitf("a stream decodes to more than %d bytes", l.rd.limits.MaxStreamBytes)
	case l.rd.decoded > l.rd.limits.MaxTotalBytes:
		l.err = limitf("its streams decode to more than %d bytes", l.rd.limits.MaxTotalBytes)
	}
	if l.err != nil {
		return 0, l.err
	}
	return n, err
}
