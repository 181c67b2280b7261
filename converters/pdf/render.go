package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// maxRenderPixels bounds a rendered page: an A3 page at 300 dpi passes, a
// page declared a hundred metres wide is rendered at a lower resolution.
const maxRenderPixels = 40_000_000

// errNoRenderer is a page that must be rendered where no renderer is.
var errNoRenderer = errors.New("its text can only be read from the page's rendering, and poppler's pdftoppm is not installed")

// render renders page num (1-based, w x h points) to a grayscale TIFF with
// poppler's pdftoppm, which reads the PDF from standard input. Rendering
// is left to poppler, which draws every font and path a viewer does,
// rather than written here. PackBits: PNG's compression takes several
// times as long as the rendering.
func (d *document) render(num int, w, h float64) ([]byte, error) {
	bin := d.cfg.Renderer
	if bin == "" {
		bin = "pdftoppm"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, errNoRenderer
	}
	dpi := float64(d.cfg.RenderDPI)
	if px := w * h / (72 * 72) * dpi * dpi; px > maxRenderPixels {
		dpi *= math.Sqrt(maxRenderPixels / px)
	}
	// libtiff seeks back to write the header: the output must be a file.
	dir, err := os.MkdirTemp("", "nianbao-render")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, "page")
	n := strconv.Itoa(num)
	cmd := exec.CommandContext(d.ctx, path, "-r", strconv.Itoa(max(1, int(dpi))), "-gray", "-tiff", "-tiffcompression", "packbits",
		"-f", n, "-l", n, "-singlefile", "-", root)
	cmd.Stdin = bytes.NewReader(d.data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if e := d.ctx.Err(); e != nil {
			return nil, e
		}
		return nil, fmt.Errorf("pdftoppm: %w: %s", err, clean(stderr.String()))
	}
	out, err := os.ReadFile(root + ".tif")
	if err != nil || len(out) == 0 {
		return nil, fmt.Errorf("pdftoppm rendered nothing: %s", clean(stderr.String()))
	}
	return out, nil
}
