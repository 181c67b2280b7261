package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/nianbao/nianbao/converters"
)

// pdfcpu keeps a configuration directory under the user's home unless told
// not to; a worker must not write there.
var disableConfigDir = sync.OnceFunc(api.DisableConfigDir)

// maxImageBytes bounds one page image handed to OCR.
const maxImageBytes = 32 << 20

func pdfcpuConfig() *model.Configuration {
	disableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// decrypt returns data decrypted with the empty user password, by pdfcpu,
// which reads the AES-256 encryption the PDF library does not.
func decrypt(data []byte) ([]byte, error) {
	conf := pdfcpuConfig()
	var out bytes.Buffer
	err := api.Decrypt(bytes.NewReader(data), &out, conf)
	if err == nil {
		return out.Bytes(), nil
	}
	if errors.Is(err, pdfcpu.ErrWrongPassword) {
		return nil, fmt.Errorf("%w: it needs a password to open; only PDFs whose user password is empty (those that merely forbid copying or printing) can be read", converters.ErrEncrypted)
	}
	return nil, fmt.Errorf("%w: its encryption could not be read: %v", converters.ErrEncrypted, err)
}

// pageImages returns, for each page asked for, the bytes of the named image
// (its resource name on that page), encoded as pdfcpu gives it: a JPEG as
// embedded, other images as PNG or TIFF.
func pageImages(data []byte, want map[int]string) (imgs map[int][]byte, err error) {
	defer func() {
		if x := recover(); x != nil {
			imgs, err = nil, fmt.Errorf("image extraction failed: %v", x)
		}
	}()
	ctx, err := api.ReadValidateAndOptimize(bytes.NewReader(data), pdfcpuConfig())
	if err != nil {
		return nil, err
	}
	imgs = map[int][]byte{}
	for page, name := range want {
		mm, err := pdfcpu.ExtractPageImages(ctx, page, false)
		if err != nil && len(mm) == 0 {
			return imgs, fmt.Errorf("page %d: %w", page, err)
		}
		var best *model.Image
		for _, img := range mm {
			if img.Thumb {
				continue
			}
			if img.Name == name {
				best = &img
				break
			}
			if best == nil || img.Width*img.Height > best.Width*best.Height {
				best = &img
			}
		}
		if best == nil || best.Reader == nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(best.Reader, maxImageBytes+1))
		if err != nil {
			return imgs, fmt.Errorf("page %d: %w", page, err)
		}
		if len(b) > maxImageBytes {
			return imgs, fmt.Errorf("page %d: image over %d bytes", page, maxImageBytes)
		}
		imgs[page] = b
	}
	return imgs, nil
}
