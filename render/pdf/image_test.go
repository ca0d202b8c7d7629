package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
)

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImageForms: PNGs gofpdf cannot copy as they are (alpha, 16-bit) are flattened onto white
// once and embedded as 8-bit RGB without a soft mask; plain PNGs and JPEGs go in unchanged.
func TestImageForms(t *testing.T) {
	testenv.Need(t, "pdfimages")
	rgba := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	gray16 := image.NewGray16(image.Rect(0, 0, 30, 30))
	grayAlpha := image.NewNRGBA(image.Rect(0, 0, 24, 12))
	for y := 0; y < 20; y++ {
		for x := 0; x < 40; x++ {
			rgba.Set(x, y, color.NRGBA{R: 0x1f, G: 0x4e, B: 0x79, A: uint8(x * 6)})
			if x < 30 && y < 30 {
				gray16.Set(x, y, color.Gray16{Y: uint16(x * 2000)})
			}
			if x < 24 && y < 12 {
				grayAlpha.Set(x, y, color.NRGBA{R: 90, G: 90, B: 90, A: 200})
			}
		}
	}
	plain := image.NewRGBA(image.Rect(0, 0, 16, 8))
	for i := range plain.Pix {
		plain.Pix[i] = 0xff
	}
	tests := []struct {
		name string
		data []byte
		want string // pdfimages -list: width height color comp bpc
	}{
		{"RGBA with transparency", encodePNG(t, rgba), "40 20 rgb 3 8"},
		{"16-bit grey", encodePNG(t, gray16), "30 30 rgb 3 8"},
		{"grey with alpha", encodePNG(t, grayAlpha), "24 12 rgb 3 8"},
		{"opaque RGB", encodePNG(t, plain), "16 8 rgb 3 8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := testdoc.Reference()
			d.Letterhead.Logo = &render.Image{Data: tc.data, Alt: "logo"}
			path := writePDF(t, mustRender(t, d))
			out, err := exec.Command("pdfimages", "-list", path).Output()
			if err != nil {
				t.Fatalf("pdfimages: %v", err)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			var got []string
			for _, l := range lines[2:] { // two header lines
				f := strings.Fields(l)
				// page num type width height color comp bpc enc interp object ID ...
				got = append(got, f[2]+" "+strings.Join(f[3:8], " "))
			}
			if diff := cmp.Diff([]string{"image " + tc.want}, got); diff != "" {
				t.Errorf("embedded images (-want +got); a soft mask would add an smask line:\\n%s", diff)
			}
		})
	}
}

// TestImageConcurrent renders letters with the same logo (served from the prepared-image cache)
// and with a fresh logo each time, concurrently: under -race, with identical bytes per input.
func TestImageConcurrent(t *testing.T) {
	logo := encodePNG(t, image.NewNRGBA(image.Rect(0, 0, 60, 60)))
	want := mustRender(t, withLogo(logo))
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			d := withLogo(logo)
			if i%2 == 1 {
				fresh := image.NewNRGBA(image.Rect(0, 0, 10+i, 10))
				d = withLogo(encodePNG(t, fresh))
			}
			got, err := Render(d)
			if err != nil {
				errs <- err.Error()
				return
			}
			if i%2 == 0 && !bytes.Equal(got, want) {
				errs <- "a concurrent render with the cached logo differs from the first"
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func withLogo(data []byte) *render.Document {
	d := testdoc.Reference()
	d.Letterhead.Logo = &render.Image{Data: data, Alt: "logo"}
	return d
}

// TestEqualWidthImagesDeterministic: a logo and a signature of the same pixel width but different
// content used to be written in map order; every render must now give the same bytes, and both
// images are in the file.
func TestEqualWidthImagesDeterministic(t *testing.T) {
	testenv.Need(t, "pdfimages")
	red := image.NewRGBA(image.Rect(0, 0, 50, 20))
	blue := image.NewRGBA(image.Rect(0, 0, 50, 30))
	for i := 0; i < len(red.Pix); i += 4 {
		copy(red.Pix[i:], []byte{200, 0, 0, 255})
	}
	for i := 0; i < len(blue.Pix); i += 4 {
		copy(blue.Pix[i:], []byte{0, 0, 200, 255})
	}
	d := withLogo(encodePNG(t, red))
	d.Body = append(d.Body, &render.Signature{Name: "Mette", Image: &render.Image{Data: encodePNG(t, blue)}})
	first := mustRender(t, d)
	for i := 0; i < 20; i++ {
		if !bytes.Equal(mustRender(t, d), first) {
			t.Fatalf("render %d differs from the first", i+2)
		}
	}
	out, err := exec.Command("pdfimages", "-list", writePDF(t, first)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var sizes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n")[2:] {
		f := strings.Fields(l)
		sizes = append(sizes, f[3]+"x"+f[4])
	}
	if diff := cmp.Diff([]string{"50x20", "51x30"}, sizes); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
}
