package main

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// drawn is every logo as this program encodes it, drawn once for all tests.
var drawn = sync.OnceValues(func() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, l := range logos {
		data, err := encode(l.draw)
		if err != nil {
			return nil, err
		}
		out[l.layout] = data
	}
	return out, nil
})

// TestCommittedLogos: every logo in samples/layouts has exactly the pixels this program draws,
// so the PNGs stay reproducible from their source (and under its licence).
func TestCommittedLogos(t *testing.T) {
	for _, l := range logos {
		t.Run(l.layout, func(t *testing.T) {
			all, err := drawn()
			if err != nil {
				t.Fatal(err)
			}
			want := all[l.layout]
			got, err := os.ReadFile(filepath.Join("..", "..", "layouts", l.layout, "logo.png"))
			if err != nil {
				t.Fatal(err)
			}
			// Pixels, not bytes: another Go release may deflate the same image differently.
			if !samePixels(t, got, want) {
				t.Errorf("samples/layouts/%s/logo.png is not what samples/logos/gen draws: run go generate ./samples/logos/gen", l.layout)
			}
		})
	}
}

// TestLogosDiffer: each logo is its own drawing (no layout carries another's mark), has the
// committed size and paints a fair share of its pixels.
func TestLogosDiffer(t *testing.T) {
	seen := map[string]string{}
	for _, l := range logos {
		all, err := drawn()
		if err != nil {
			t.Fatal(err)
		}
		data := all[l.layout]
		if other, dup := seen[string(data)]; dup {
			t.Errorf("%s draws the same logo as %s", l.layout, other)
		}
		seen[string(data)] = l.layout
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
			t.Errorf("%s: %v, want %d x %d", l.layout, b, width, height)
		}
		painted := 0
		for y := 0; y < height; y++ {
			for x := 0; x < width; x++ {
				if _, _, _, a := img.At(x, y).RGBA(); a > 0 {
					painted++
				}
			}
		}
		if share := float64(painted) / (width * height); share < 0.2 || share > 0.95 {
			t.Errorf("%s paints %.0f%% of its pixels, want 20-95%%", l.layout, share*100)
		}
	}
}

// samePixels reports whether two PNGs decode to the same size and the same non-premultiplied
// colour at every pixel.
func samePixels(t *testing.T, a, b []byte) bool {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if ia.Bounds() != ib.Bounds() {
		return false
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.NRGBAModel.Convert(ia.At(x, y)) != color.NRGBAModel.Convert(ib.At(x, y)) {
				return false
			}
		}
	}
	return true
}
