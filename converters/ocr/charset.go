package ocr

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// defaultTessdata is where Debian's tesseract-ocr packages put the
// models, and where Tesseract looks for them when neither
// Config.TessdataPrefix nor TESSDATA_PREFIX says otherwise.
const defaultTessdata = "/usr/share/tesseract-ocr/5/tessdata"

// lstmUnicharset is the index of the LSTM model's character set among the
// components of a .traineddata file (Tesseract's TessdataType).
const lstmUnicharset = 21

// charsets returns the characters each of the two Chinese models can
// output, read from their .traineddata files, once; a model whose file
// cannot be read is left out, and taken to know every character (see
// knows). Tesseract offers no call that lists them, and a model lacking a
// character reads it as a look-alike: chi_sim has no 璟, chi_tra no 岚
// (only 嵐).
func (c *Converter) charsets() map[string]map[rune]bool {
	c.charsetOnce.Do(func() {
		c.charsetMap = map[string]map[rune]bool{}
		for _, lang := range []string{langSimplified, langTraditional} {
			if set, err := readCharset(c.tessdataFile(lang)); err == nil {
				c.charsetMap[lang] = set
			}
		}
	})
	return c.charsetMap
}

// tessdataFile returns the path of the language's model, looked for as
// Tesseract does: in Config.TessdataPrefix, else TESSDATA_PREFIX (the
// folder itself, or its parent in Tesseract 3's sense), else
// defaultTessdata.
func (c *Converter) tessdataFile(lang string) string {
	name := lang + ".traineddata"
	dir := c.cfg.TessdataPrefix
	if dir == "" {
		dir = os.Getenv("TESSDATA_PREFIX")
	}
	if dir == "" {
		return filepath.Join(defaultTessdata, name)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		return filepath.Join(dir, "tessdata", name)
	}
	return filepath.Join(dir, name)
}

// maxCharset bounds the bytes of a model's character set read: Tesseract's
// are a few hundred kilobytes.
const maxCharset = 8 << 20

// readCharset reads the characters of the LSTM character set of a
// .traineddata file: a count of components, their offsets (-1 for one
// absent), then the components; the character set is text, a count line
// then a line per character, the character first.
func readCharset(path string) (map[rune]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var n int32
	if err := binary.Read(f, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if n <= lstmUnicharset || n > 1000 {
		return nil, fmt.Errorf("%s: no LSTM character set among %d components", path, n)
	}
	offsets := make([]int64, n)
	if err := binary.Read(f, binary.LittleEndian, offsets); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	start := offsets[lstmUnicharset]
	if start < 0 {
		return nil, fmt.Errorf("%s: no LSTM character set", path)
	}
	end := int64(-1)
	for _, o := range offsets[lstmUnicharset+1:] {
		if o > start {
			end = o
			break
		}
	}
	if end < 0 {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		end = st.Size()
	}
	if end-start > maxCharset {
		return nil, fmt.Errorf("%s: character set of %d bytes", path, end-start)
	}
	data := make([]byte, end-start)
	if _, err := f.ReadAt(data, start); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	set := map[rune]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Scan() // the count
	for sc.Scan() {
		field, _, _ := strings.Cut(sc.Text(), " ")
		if r, size := utf8.DecodeRuneInString(field); size == len(field) && r != utf8.RuneError {
			set[r] = true
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("%s: empty character set", path)
	}
	return set, sc.Err()
}

// knows reports whether the model can output r, a character in the page's
// script lang, itself or in its own script: chi_tra reads 岚 as 嵐.
func (c *Converter) knows(model, lang string, r rune) bool {
	set, ok := c.charsets()[model]
	if !ok || set[r] {
		return true
	}
	return model != lang && set[c.inScript(r, model)]
}
