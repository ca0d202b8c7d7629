package pdf

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // register the JPEG decoder for DecodeConfig
	_ "image/png"  // register the PNG decoder for DecodeConfig

	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/render"
)

// checkImage reports the pixel size of a PNG or JPEG image and fails, naming the reason, for
// anything gofpdf cannot embed: Maroto would otherwise print "could not parse image bytes" into
// the letter instead of the picture.
func checkImage(im *render.Image) (wpx, hpx int, ext extension.Type, err error) {
	switch im.Format() {
	case "png":
		ext = extension.Png
	case "jpeg":
		ext = extension.Jpg
	default:
		n := min(len(im.Data), 8)
		return 0, 0, "", fmt.Errorf("image %q is neither PNG nor JPEG (it starts with % x): convert it to PNG", im.Alt, im.Data[:n])
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(im.Data))
	if err != nil {
		return 0, 0, "", fmt.Errorf("image %q: decode %s header: %w", im.Alt, ext, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, "", fmt.Errorf("image %q has no pixels (%dx%d)", im.Alt, cfg.Width, cfg.Height)
	}
	// Let gofpdf itself try the image: it rejects 16-bit and interlaced PNGs, for example.
	probe := gofpdf.New("P", "mm", "A4", "")
	probe.RegisterImageOptionsReader("probe", gofpdf.ImageOptions{ImageType: string(ext)}, bytes.NewReader(im.Data))
	if err := probe.Error(); err != nil {
		return 0, 0, "", fmt.Errorf("image %q cannot be embedded: %w: save it as an 8-bit, non-interlaced PNG or a baseline JPEG", im.Alt, err)
	}
	return cfg.Width, cfg.Height, ext, nil
}

// imageBox lays out an image at its width (or natural size at 150 dpi) scaled down to fit within
// maxW by maxH mm, as a slice of its height with the image at its top left.
func (l *layout) imageBox(im *render.Image, maxW, maxH float64) (*slice, error) {
	wpx, hpx, ext, err := checkImage(im)
	if err != nil {
		return nil, err
	}
	w := im.Width
	if w <= 0 {
		w = float64(wpx) / naturalDPI * 25.4
	}
	ratio := float64(hpx) / float64(wpx)
	w = min(w, maxW)
	h := w * ratio
	if h > maxH {
		h = maxH
		w = h / ratio
	}
	return &slice{h: h, images: []imageOp{{w: w, h: h, data: im.Data, ext: ext}}}, nil
}

// image lays out a body image in the column x0, w.
func (l *layout) image(im *render.Image, x0, w, maxH float64) (*slice, error) {
	s, err := l.imageBox(im, w, maxH)
	if err != nil {
		return nil, err
	}
	s.images[0].x = x0
	return s, nil
}
