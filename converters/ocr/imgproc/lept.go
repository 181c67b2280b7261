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
	"errors"
	"image"
	"unsafe"
)

// Leptonica decodes TIFF pages: through libtiff it reads every compression
// scanners and faxes write (none, PackBits, LZW, Deflate, old- and
// new-style JPEG, CCITT G3 1-D and 2-D, G4), which golang.org/x/image/tiff
// does not. It is linked already, as Tesseract's image library.

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
