//go:build !linux

package inputfile

// BeingWritten cannot tell off Linux: it says false, and the settle time is
// all there is.
func (f *File) BeingWritten() bool { return false }
