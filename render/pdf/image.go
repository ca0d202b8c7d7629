package pdf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"sync"

	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/phpdave11/gofpdf"

	"github.com/postbud/postbud/render"
)

// preparedImage is an image ready for gofpdf: PNGs are 8-bit, non-interlaced and without an
// alpha channel, the form gofpdf embeds by copying the compressed pixel data as it is.
type preparedImage struct {
	data     []byte
	wpx, hpx int
	ext      extension.Type
	sum      [sha256.Size]byte // of the image as given, before any conversion
}

// imageCache holds prepared images by the SHA-256 of their bytes. A letterhead logo or a
// signature is the same in every letter, and preparing it is the expensive part: gofpdf splits
// an alpha PNG into colour and mask and deflates both again, about 4 ms for a small logo, for
// every document. Preparing once per process removes that. The cache is bounded; when full it is
// emptied, which costs speed only, never output.
var imageCache struct {
	sync.Mutex
	m map[[sha256.Size]byte]*preparedImage
}

const imageCacheMax = 256

// prepareImage checks im and returns it in the form gofpdf embeds cheaply. It fails, naming the
// reason, for anything gofpdf cannot embed: Maroto would otherwise print "could not parse image
// bytes" into the letter instead of the picture. With pdfa (the document is PDF/A) it also
// leaves no transparency and no CMYK: see convertImage.
func prepareImage(im *render.Image, pdfa bool) (*preparedImage, error) {
	sum := sha256.Sum256(im.Data)
	key := sum
	if pdfa {
		key = sha256.Sum256(append(sum[:], "pdfa"...))
	}
	imageCache.Lock()
	p, ok := imageCache.m[key]
	imageCache.Unlock()
	if ok {
		return p, nil
	}
	p, err := convertImage(im, pdfa)
	if err != nil {
		return nil, err
	}
	p.sum = sum
	cacheImage(key, p)
	return p, nil
}

func cacheImage(key [sha256.Size]byte, p *preparedImage) {
	imageCache.Lock()
	if imageCache.m == nil || len(imageCache.m) >= imageCacheMax {
		imageCache.m = make(map[[sha256.Size]byte]*preparedImage)
	}
	imageCache.m[key] = p
	imageCache.Unlock()
}

// distinctWidth returns p, or p widened by white pixel columns on the right, so that no other
// image of this document has the same pixel width. gofpdf orders the images it writes by pixel
// width and, among equal widths, by Go map order (Maroto names images with random UUIDs): two
// different images of equal width would make the output differ from run to run. A column of
// white pixels at the page's colour is invisible; the image is drawn at the same box size.
func (l *layout) distinctWidth(p *preparedImage) (*preparedImage, error) {
	if l.imageWidths == nil {
		l.imageWidths = make(map[int][sha256.Size]byte)
	}
	w := p.wpx
	for {
		sum, used := l.imageWidths[w]
		if !used || sum == p.sum {
			break
		}
		w++
	}
	l.imageWidths[w] = p.sum
	if w == p.wpx {
		return p, nil
	}
	key := sha256.Sum256(fmt.Appendf(p.sum[:], "widen:%d", w))
	imageCache.Lock()
	wide, ok := imageCache.m[key]
	imageCache.Unlock()
	if ok {
		return wide, nil
	}
	src, _, err := image.Decode(bytes.NewReader(p.data))
	if err != nil {
		return nil, fmt.Errorf("decode image to widen it: %w", err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, p.hpx))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, src.Bounds().Sub(src.Bounds().Min), src, src.Bounds().Min, draw.Over)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return nil, fmt.Errorf("encode widened image: %w", err)
	}
	wide = &preparedImage{data: buf.Bytes(), wpx: w, hpx: p.hpx, ext: extension.Png, sum: p.sum}
	cacheImage(key, wide)
	return wide, nil
}

// convertImage prepares im for gofpdf. PNGs gofpdf would not copy as they are (alpha channel,
// 16 bits, interlaced) are flattened onto white; with pdfa also PNGs with a transparent colour
// (tRNS, which gofpdf turns into a colour-key mask), so that a PDF/A file has no transparency
// of any kind, and CMYK JPEGs are converted to RGB (PNG), since the PDF/A output intent is sRGB.
func convertImage(im *render.Image, pdfa bool) (*preparedImage, error) {
	p := &preparedImage{data: im.Data}
	switch im.Format() {
	case "png":
		p.ext = extension.Png
	case "jpeg":
		p.ext = extension.Jpg
	default:
		n := min(len(im.Data), 8)
		return nil, fmt.Errorf("image %q is neither PNG nor JPEG (it starts with % x): convert it to PNG", im.Alt, im.Data[:n])
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(im.Data))
	if err != nil {
		return nil, fmt.Errorf("image %q: decode %s header: %w", im.Alt, p.ext, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("image %q has no pixels (%dx%d)", im.Alt, cfg.Width, cfg.Height)
	}
	p.wpx, p.hpx = cfg.Width, cfg.Height
	if p.ext == extension.Png && (!gofpdfPNG(im.Data) || pdfa && pngTransparent(im.Data)) {
		if p.data, err = flattenPNG(im.Data); err != nil {
			return nil, fmt.Errorf("image %q: %w", im.Alt, err)
		}
	}
	if p.ext == extension.Jpg && pdfa && cfg.ColorModel == color.CMYKModel {
		if p.data, err = jpegToRGB(im.Data); err != nil {
			return nil, fmt.Errorf("image %q: %w", im.Alt, err)
		}
		p.ext = extension.Png
	}
	// Let gofpdf itself try the result, once: it rejects progressive JPEGs in CMYK, for example.
	probe := gofpdf.New("P", "mm", "A4", "")
	probe.RegisterImageOptionsReader("probe", gofpdf.ImageOptions{ImageType: string(p.ext)}, bytes.NewReader(p.data))
	if err := probe.Error(); err != nil {
		return nil, fmt.Errorf("image %q cannot be embedded: %w: save it as an 8-bit PNG or a baseline JPEG", im.Alt, err)
	}
	return p, nil
}

// gofpdfPNG reports whether gofpdf embeds png by copying its pixel data: bit depth 8 or less, not
// interlaced, colour type grey, RGB or palette (no alpha channel). It reads the IHDR chunk,
// which the PNG format puts first.
func gofpdfPNG(png []byte) bool {
	// signature (8), chunk length (4), "IHDR" (4), width (4), height (4), depth, colour type,
	// compression, filter, interlace
	if len(png) < 29 || string(png[12:16]) != "IHDR" {
		return false
	}
	depth, ct, interlace := png[24], png[25], png[28]
	return depth <= 8 && ct != 4 && ct != 6 && interlace == 0
}

// pngTransparent reports whether a PNG has a tRNS chunk (a transparent colour or palette
// entries with alpha). Chunks of the image data (IDAT) end the search: tRNS comes before them.
func pngTransparent(png []byte) bool {
	for i := 8; i+8 <= len(png); {
		n := int(png[i])<<24 | int(png[i+1])<<16 | int(png[i+2])<<8 | int(png[i+3])
		switch string(png[i+4 : i+8]) {
		case "tRNS":
			return true
		case "IDAT", "IEND":
			return false
		}
		if n < 0 || n > len(png) {
			return false
		}
		i += 12 + n
	}
	return false
}

// jpegToRGB decodes a CMYK JPEG and encodes it as an RGB PNG.
func jpegToRGB(data []byte) ([]byte, error) {
	src, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode CMYK JPEG: %w", err)
	}
	b := src.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, src, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return nil, fmt.Errorf("encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// flattenPNG decodes a PNG with an alpha channel, 16 bits per sample or interlacing, composes it
// onto the white page and encodes it as an 8-bit RGB PNG.
func flattenPNG(data []byte) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode PNG: %w", err)
	}
	b := src.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.White, image.Point{}, draw.Src)
	draw.Draw(dst, b, src, b.Min, draw.Over)
	// Drop the (now opaque) alpha channel: image/png writes an opaque RGBA image as 8-bit RGB.
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return nil, fmt.Errorf("encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// imageBox lays out an image at its width (or natural size at 150 dpi) scaled down to fit within
// maxW by maxH mm, as a slice of its height with the image at its top left.
func (l *layout) imageBox(im *render.Image, maxW, maxH float64) (*slice, error) {
	p, err := prepareImage(im, l.d.PDFA != render.PDFAOff)
	if err != nil {
		return nil, err
	}
	wpx, hpx := p.wpx, p.hpx // the natural size; a widened copy is drawn in the same box
	if p, err = l.distinctWidth(p); err != nil {
		return nil, fmt.Errorf("image %q: %w", im.Alt, err)
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
	return &slice{h: h, images: []imageOp{{w: w, h: h, data: p.data, ext: p.ext}}}, nil
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
