package imgproc

/*
#cgo LDFLAGS: -llept
#include <stdlib.h>
#include <leptonica/allheaders.h>

// nb_tiff_page decodes page n of a TIFF and scales it by sx, sy (1 for
// none). Colour is kept (32 bits a pixel) so that stamp ink can be told
// from print; anything else becomes 8-bit gray, a fax's white-is-zero
// included.
static PIX *nb_tiff_page(const l_uint8 *data, size_t size, l_int32 n, l_float32 sx, l_float32 sy) {
	PIX *pix = pixReadMemTiff(data, size, n);
	if (!pix) return NULL;
	PIX *out = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
	pixDestroy(&pix);
	if (!out) return NULL;
	if (pixGetDepth(out) != 32) {
		PIX *g = pixConvertTo8(out, 0);
		pixDestroy(&out);
		if (!g) return NULL;
		out = g;
	}
	if (sx != 1 || sy != 1) {
		PIX *s = pixScale(out, sx, sy);
		pixDestroy(&out);
		out = s;
	}
	return out;
}

// nb_gray_jpeg decodes a one-component (gray) JPEG; NULL when libjpeg
// warned of anything (a truncated or damaged file), which the caller
// leaves to Go's decoder to refuse or read with its own errors.
static PIX *nb_gray_jpeg(const l_uint8 *data, size_t size) {
	l_int32 warnings = 0;
	PIX *pix = pixReadMemJpeg(data, size, 0, 1, &warnings, 0);
	if (pix && (warnings > 0 || pixGetDepth(pix) != 8 || pixGetColormap(pix))) pixDestroy(&pix);
	return pix;
}

// nb_copy_gray copies an 8-bit pix into w*h bytes.
static void nb_copy_gray(PIX *pix, l_uint8 *dst) {
	l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	l_uint32 *data = pixGetData(pix);
	for (l_int32 y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		for (l_int32 x = 0; x < w; x++) dst[(size_t)y * w + x] = GET_DATA_BYTE(line, x);
	}
}

// nb_copy_rgb copies a 32-bit pix into w*h RGBA pixels, opaque.
static void nb_copy_rgb(PIX *pix, l_uint8 *dst) {
	l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	l_uint32 *data = pixGetData(pix);
	for (l_int32 y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		for (l_int32 x = 0; x < w; x++) {
			l_uint32 v = line[x];
			l_uint8 *d = dst + 4 * ((size_t)y * w + x);
			d[0] = v >> L_RED_SHIFT; d[1] = v >> L_GREEN_SHIFT; d[2] = v >> L_BLUE_SHIFT; d[3] = 255;
		}
	}
}
*/
import "C"

import (
	"bytes"
	"errors"
	"image"
	"unsafe"
)

// Leptonica decodes TIFF pages: through libtiff it reads every compression
// scanners and faxes write (none, PackBits, LZW, Deflate, old- and
// new-style JPEG, CCITT G3 1-D and 2-D, G4), which golang.org/x/image/tiff
// does not. It is linked already, as Tesseract's image library, and its
// libjpeg-turbo decodes gray JPEGs too.

// jpegTail is how near its end a whole JPEG has its end marker: some
// writers pad a file after it.
const jpegTail = 1024

// leptGrayJPEG decodes a gray JPEG with libjpeg-turbo, which takes about a
// third of the time image/jpeg does on a page; false when libjpeg warned of
// anything, so that a damaged file is read, or refused, as image/jpeg
// does. A file cut short, without its end marker near its end, is left to
// image/jpeg at once: Leptonica would print its own errors about it. A
// colour JPEG stays with image/jpeg, whose planes Gray reads as they are
// (stamp ink drops out of them). The caller has checked the declared size
// against the pixel limit.
func leptGrayJPEG(data []byte) (*image.Gray, bool) {
	if !bytes.Contains(data[max(0, len(data)-jpegTail):], []byte{0xFF, 0xD9}) {
		return nil, false
	}
	pix := C.nb_gray_jpeg((*C.l_uint8)(unsafe.Pointer(&data[0])), C.size_t(len(data)))
	if pix == nil {
		return nil, false
	}
	defer C.pixDestroy(&pix)
	w, h := int(C.pixGetWidth(pix)), int(C.pixGetHeight(pix))
	if w <= 0 || h <= 0 {
		return nil, false
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	C.nb_copy_gray(pix, (*C.l_uint8)(unsafe.Pointer(&img.Pix[0])))
	return img, true
}

// leptTIFFPage decodes page n of the TIFF in data scaled by sx, sy. The
// caller has checked the page's declared size against the pixel limit.
func leptTIFFPage(data []byte, n int, sx, sy float64) (image.Image, error) {
	if len(data) == 0 {
		return nil, errors.New("empty TIFF")
	}
	pix := C.nb_tiff_page((*C.l_uint8)(unsafe.Pointer(&data[0])), C.size_t(len(data)), C.l_int32(n), C.l_float32(sx), C.l_float32(sy))
	if pix == nil {
		return nil, errors.New("leptonica could not decode the page")
	}
	defer C.pixDestroy(&pix)
	w, h := int(C.pixGetWidth(pix)), int(C.pixGetHeight(pix))
	if w <= 0 || h <= 0 {
		return nil, errors.New("leptonica decoded an empty page")
	}
	if C.pixGetDepth(pix) == 32 {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		C.nb_copy_rgb(pix, (*C.l_uint8)(unsafe.Pointer(&img.Pix[0])))
		return img, nil
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	C.nb_copy_gray(pix, (*C.l_uint8)(unsafe.Pointer(&img.Pix[0])))
	return img, nil
}
