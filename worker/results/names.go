package results

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxNameBytes is the longest file name most file systems take (ext4, xfs,
// overlayfs, btrfs: 255 bytes).
const MaxNameBytes = 255

// hashLen is how many hex digits of a path's SHA-256 tell apart two names
// shortened alike (48 bits).
const hashLen = 12

// Folding tells how a file system compares names.
type Folding int

const (
	// FoldProbe finds it out at first use, with a test file.
	FoldProbe Folding = iota
	// FoldNone: names are bytes (Linux file systems, as usually made).
	FoldNone
	// FoldNames: names that differ only by case or by Unicode
	// normalisation (NFC, NFD) are one name (macOS, Windows, ext4 with
	// casefold).
	FoldNames
)

// OutputName returns the slash-separated path, relative to an output folder,
// of the file with the given suffix for the input at rel. Each element of
// rel is kept as it is when it can be: when it (with suffix, for the last)
// is longer than MaxNameBytes, holds control characters (a newline) or
// bytes that are not UTF-8, or, where the file system folds names, is not
// already in folded form (lower case, NFC), it is made safe and short and
// gets ~ and a short hash of rel up to it, so two inputs never share an
// output and a name always fits. The full name stays in the record
// (source.file) and the failure (file).
func OutputName(rel, suffix string, fold Folding) string {
	parts := strings.Split(rel, "/")
	end := 0
	for i, part := range parts {
		end += len(part)
		s := ""
		if i == len(parts)-1 {
			s = suffix
		}
		parts[i] = outputElem(part, s, rel[:end], fold) + s
		end++ // the slash
	}
	return strings.Join(parts, "/")
}

func outputElem(name, suffix, upTo string, fold Folding) string {
	safe := utf8.ValidString(name) && strings.IndexFunc(name, unicode.IsControl) < 0
	if safe && len(name)+len(suffix) <= MaxNameBytes && (fold != FoldNames || folded(name) == name) {
		return name
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "_"))
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	sum := sha256.Sum256([]byte(upTo))
	tag := "~" + hex.EncodeToString(sum[:])[:hashLen] + ext
	stem := strings.TrimSuffix(name, ext)
	room := MaxNameBytes - len(suffix) - len(tag)
	for len(stem) > room {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	return stem + tag
}

// folded is the form a folding file system compares names in.
func folded(name string) string {
	return norm.NFC.String(cases.Fold().String(name))
}

// probeFolding tells whether names in dir that differ only by case or by
// normalisation are one file there.
func probeFolding(dir string) (Folding, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return FoldProbe, err
	}
	// "É" as one code point; its twins differ by case ("é") and by
	// normalisation ("E" and a combining acute).
	f, err := os.CreateTemp(dir, ".nianbao-fold-\u00c9-*")
	if err != nil {
		return FoldProbe, err
	}
	f.Close()
	defer os.Remove(f.Name())
	a, err := os.Lstat(f.Name())
	if err != nil {
		return FoldProbe, err
	}
	for _, twin := range []string{"\u00e9", "E\u0301"} {
		b, err := os.Lstat(filepath.Join(dir, strings.Replace(filepath.Base(f.Name()), "\u00c9", twin, 1)))
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return FoldProbe, err
		case os.SameFile(a, b):
			return FoldNames, nil
		}
	}
	return FoldNone, nil
}

// OneLine returns s with its control characters escaped (a newline as \n),
// so that a reason, which may hold a file's name or several pages' joined
// errors, stays one line in a log, on stderr and in a CSV cell.
func OneLine(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
