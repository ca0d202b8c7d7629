// Command gen draws the sample municipalities' logos: simple geometric marks made for postbud's
// sample letters, not coats of arms, released under CC0 1.0 (see ../README.md).
//
// Each logo is a 240 × 280 pixel RGBA PNG written to <out>/<layout>/logo.png, drawn at four
// times that size and averaged down for smooth edges. The output depends only on this program:
// run it again and the files are byte-identical, which TestCommittedLogos checks.
//
//	go generate ./samples/logos/gen    (or: go run ./samples/logos/gen -out samples/layouts)
package main

//go:generate go run . -out ../../layouts

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// Size of every logo in pixels, and the supersampling factor per axis.
const (
	width  = 240
	height = 280
	ss     = 4
)

// shape reports whether the point (x, y) of the unit square (x to the right, y down; the logo's
// 240 × 280 pixels map to x in [0, 1] and y in [0, 280/240]) is painted, and in which colour.
type shape func(x, y float64) (color.NRGBA, bool)

// logo is one municipality's mark.
type logo struct {
	layout string // folder under samples/layouts
	draw   shape
}

var white = color.NRGBA{255, 255, 255, 255}

// logos are the marks by layout folder. Each colour is the layout's accent, so that headings and
// logo match.
var logos = []logo{
	{"kommune", aarhus},    // Aarhus Kommune: a tile with a river running into the bay
	{"malmo", malmo},       // Malmö stad: a disc with a cable-stayed bridge
	{"utrecht", utrecht},   // Gemeente Utrecht: a church tower
	{"helsinki", helsinki}, // Helsingin kaupunki: a tile with the sun over the sea
}

func main() {
	out := flag.String("out", "samples/layouts", "folder holding the layout folders to write logo.png into")
	flag.Parse()
	for _, l := range logos {
		data, err := encode(l.draw)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gen: %s: %v\n", l.layout, err)
			os.Exit(1)
		}
		p := filepath.Join(*out, l.layout, "logo.png")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "gen: %v\n", err)
			os.Exit(1)
		}
	}
}

// encode draws s into a PNG.
func encode(s shape) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	for py := 0; py < height; py++ {
		for px := 0; px < width; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / width
					y := (float64(py) + (float64(sy)+0.5)/ss) / width
					if c, ok := s(x, y); ok {
						fa := float64(c.A) / 255
						r += float64(c.R) * fa
						g += float64(c.G) * fa
						b += float64(c.B) * fa
						a += fa
					}
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(g / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(a / (ss * ss) * 255)),
			})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// roundRect reports whether (x, y) lies in the rectangle [x0, x1] × [y0, y1] with corners
// rounded by radius r.
func roundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := math.Min(math.Max(x, x0+r), x1-r)
	cy := math.Min(math.Max(y, y0+r), y1-r)
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

func disc(x, y, cx, cy, r float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }

// aarhus: a rounded blue tile; a white river winds down from the top and opens into three
// waves of the bay at the bottom.
func aarhus(x, y float64) (color.NRGBA, bool) {
	blue := color.NRGBA{0x1f, 0x4e, 0x79, 255}
	if !roundRect(x, y, 0.04, 0.04, 0.96, 1.125, 0.1) {
		return color.NRGBA{}, false
	}
	// The river: a band around a sine curve from the top edge down to the first wave.
	if y < 0.73 {
		mid := 0.5 + 0.16*math.Sin(y*2*math.Pi/0.62)
		w := 0.045 + 0.06*y // widens downstream
		if math.Abs(x-mid) < w {
			return white, true
		}
	}
	// Three waves across the bottom.
	for i, base := range []float64{0.74, 0.85, 0.96} {
		wy := base + 0.025*math.Sin((x+0.1*float64(i))*2*math.Pi/0.3)
		if math.Abs(y-wy) < 0.022 && x > 0.12 && x < 0.88 {
			return white, true
		}
	}
	return blue, true
}

// malmo: a green disc with a white cable-stayed bridge: two pylons, fan cables and a deck over
// the water.
func malmo(x, y float64) (color.NRGBA, bool) {
	green := color.NRGBA{0x0b, 0x5e, 0x4f, 255}
	const cx, cy, r = 0.5, 0.5833, 0.46
	if !disc(x, y, cx, cy, r) {
		return color.NRGBA{}, false
	}
	const deck = 0.72
	// The deck.
	if math.Abs(y-deck) < 0.022 && x > 0.08 && x < 0.92 {
		return white, true
	}
	// Two pylons.
	for _, px := range []float64{0.34, 0.66} {
		if math.Abs(x-px) < 0.022 && y > 0.3 && y < 0.86 {
			return white, true
		}
		// Fan cables from the pylon top (px, 0.33) to the deck on both sides.
		for _, d := range []float64{0.08, 0.14, 0.2} {
			for _, side := range []float64{-1, 1} {
				ax, ay := px, 0.33+d*0.3
				bx, by := px+side*(0.06+d), deck
				if segment(x, y, ax, ay, bx, by) < 0.009 {
					return white, true
				}
			}
		}
	}
	// Water: two thin lines under the deck.
	for _, wy := range []float64{0.8, 0.86} {
		if math.Abs(y-wy-0.012*math.Sin(x*2*math.Pi/0.16)) < 0.009 && disc(x, y, cx, cy, r-0.06) {
			return white, true
		}
	}
	return green, true
}

// segment is the distance from (x, y) to the segment from (ax, ay) to (bx, by).
func segment(x, y, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	ex, ey := ax+t*dx-x, ay+t*dy-y
	return math.Sqrt(ex*ex + ey*ey)
}

// utrecht: a dark red church tower with three stages, windows and a lantern, on a base line.
func utrecht(x, y float64) (color.NRGBA, bool) {
	red := color.NRGBA{0x8a, 0x1c, 0x2b, 255}
	// Base line.
	if y > 1.09 && y < 1.13 && x > 0.12 && x < 0.88 {
		return red, true
	}
	type stage struct{ top, bottom, half float64 }
	stages := []stage{{0.62, 1.09, 0.2}, {0.36, 0.62, 0.15}, {0.2, 0.36, 0.1}}
	for _, s := range stages {
		if y >= s.top && y < s.bottom && math.Abs(x-0.5) <= s.half {
			// Windows: tall arched openings.
			h := s.bottom - s.top
			wTop, wBottom := s.top+h*0.25, s.bottom-h*0.2
			for _, wx := range []float64{0.5 - s.half/2, 0.5 + s.half/2} {
				ww := s.half * 0.22
				if math.Abs(x-wx) < ww && y > wTop+ww && y < wBottom {
					return color.NRGBA{}, false
				}
				if disc(x, y, wx, wTop+ww, ww) {
					return color.NRGBA{}, false
				}
			}
			return red, true
		}
	}
	// Lantern and spire.
	if y >= 0.06 && y < 0.2 && math.Abs(x-0.5) <= 0.05*(y-0.06)/0.14+0.005 {
		return red, true
	}
	if disc(x, y, 0.5, 0.05, 0.02) {
		return red, true
	}
	return color.NRGBA{}, false
}

// helsinki: a rounded dark blue tile with a white sun rising over three lines of sea.
func helsinki(x, y float64) (color.NRGBA, bool) {
	blue := color.NRGBA{0x0b, 0x3d, 0x6e, 255}
	if !roundRect(x, y, 0.04, 0.04, 0.96, 1.125, 0.1) {
		return color.NRGBA{}, false
	}
	const horizon = 0.66
	if y < horizon-0.03 && disc(x, y, 0.5, horizon, 0.26) {
		return white, true
	}
	// Sun rays.
	if y < horizon-0.03 {
		a := math.Atan2(horizon-y, x-0.5)
		d := math.Hypot(x-0.5, horizon-y)
		if d > 0.31 && d < 0.41 && math.Mod(a+math.Pi/18, math.Pi/6) < math.Pi/18*1.2 {
			return white, true
		}
	}
	for i, wy := range []float64{0.72, 0.83, 0.94} {
		inset := 0.1 + 0.08*float64(i)
		if math.Abs(y-wy) < 0.024 && x > inset && x < 1-inset {
			return white, true
		}
	}
	return blue, true
}
