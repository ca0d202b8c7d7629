package docx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"sync"
	"time"

	"github.com/postbud/postbud/render"
)

// Render writes d as a .docx file. The result depends only on d: the same Document gives the same
// bytes. Render is safe for concurrent use. It fails only on input it cannot represent: a page
// without room for text, or an image that is not a readable PNG or JPEG.
func Render(d *render.Document) ([]byte, error) {
	if d == nil {
		return nil, errors.New("docx: render: document is nil")
	}
	l, err := newLayout(d)
	if err != nil {
		return nil, fmt.Errorf("docx: render %q: %w", d.Meta.Title, err)
	}
	w := newWriter(d, l)
	if err := w.document(); err != nil {
		return nil, fmt.Errorf("docx: render %q: %w", d.Meta.Title, err)
	}
	return w.pack()
}

// layout is the page geometry and type sizes resolved from a Document's fields and defaults.
type layout struct {
	page      render.Page
	window    render.Window
	textWidth float64 // mm
	font      string
	size      float64 // pt
	accent    string  // hex
	lang      string
}

func newLayout(d *render.Document) (layout, error) {
	l := layout{page: d.Page, window: d.Window, font: d.Font, size: d.FontSize, lang: d.Meta.Language}
	if l.page == (render.Page{}) {
		l.page = render.A4
	}
	p := l.page
	for _, v := range []float64{p.Width, p.Height, p.Top, p.Right, p.Bottom, p.Left} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 5000 {
			return l, fmt.Errorf("page: size and margins must be finite millimetres between 0 and 5000, got %+v", p)
		}
	}
	l.textWidth = p.Width - p.Left - p.Right
	if l.textWidth < 20 || p.Height-p.Top-p.Bottom < 20 {
		return l, fmt.Errorf("page: %gx%g mm with margins %g/%g/%g/%g mm leaves less than 20 mm for text; use render.A4 or smaller margins",
			p.Width, p.Height, p.Top, p.Right, p.Bottom, p.Left)
	}
	if l.window == (render.Window{}) {
		l.window = render.DefaultWindow
	}
	win := l.window
	for _, v := range []float64{win.X, win.Y, win.Width, win.Height} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 5000 {
			return l, fmt.Errorf("window: position and size must be finite millimetres between 0 and 5000, got %+v", win)
		}
	}
	if l.font == "" {
		l.font = render.DefaultFont
	}
	if !(l.size > 0 && l.size < 200) { // also catches NaN
		l.size = render.DefaultFontSize
	}
	a := d.Accent
	l.accent = hexColor(a.R, a.G, a.B)
	return l, nil
}

// part is one file of the package.
type part struct {
	name  string
	data  []byte
	store bool // already compressed (images): stored, not deflated
	reuse bool // likely the same for many letters: worth caching compressed
}

// flateWriters reuses deflate state between documents: a fresh flate.Writer allocates about
// 1 MB, more than a whole letter costs otherwise.
var flateWriters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(nil, flate.BestSpeed)
	return fw
}}

// deflate compresses data at flate.BestSpeed. The output depends only on data.
func deflate(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data)/3 + 64)
	fw := flateWriters.Get().(*flate.Writer)
	fw.Reset(&out)
	fw.Write(data) // writes to a bytes.Buffer do not fail
	fw.Close()
	flateWriters.Put(fw)
	return out.Bytes()
}

// storeBelow is the size under which a part is stored rather than deflated: compressing a few
// hundred bytes saves little and costs a Huffman table each.
const storeBelow = 1024

// compressed caches the deflated form of parts that repeat from letter to letter (styles,
// numbering, settings, footer, relationships of letters from one template), keyed by their
// exact content, so the cache never changes the output, only the time it takes. It holds at most
// cacheEntries parts of at most cacheMaxPart bytes (under 32 MB) and starts afresh when full.
var compressed = struct {
	sync.Mutex
	m map[string]packed
}{m: make(map[string]packed)}

const (
	cacheEntries = 512
	cacheMaxPart = 64 << 10
)

// useCache is switched off by benchmarks that measure a cold render.
var useCache = true

type packed struct {
	data []byte
	crc  uint32
}

func pack1(p part) packed {
	if !p.reuse || !useCache || len(p.data) > cacheMaxPart {
		return packed{deflate(p.data), crc32.ChecksumIEEE(p.data)}
	}
	compressed.Lock()
	c, ok := compressed.m[string(p.data)]
	compressed.Unlock()
	if ok {
		return c
	}
	c = packed{deflate(p.data), crc32.ChecksumIEEE(p.data)}
	compressed.Lock()
	if len(compressed.m) >= cacheEntries {
		clear(compressed.m)
	}
	compressed.m[string(p.data)] = c
	compressed.Unlock()
	return c
}

// pack writes the parts into a zip archive in a fixed order with a fixed time stamp.
func (w *writer) pack() ([]byte, error) {
	parts := w.parts()
	size := 0
	for _, p := range parts {
		size += len(p.data)
	}
	var out bytes.Buffer
	out.Grow(size/3 + 4096)
	zw := zip.NewWriter(&out)
	mod := w.d.Meta.CreatedOrFixed()
	if mod.Year() < 1980 || mod.Year() > 2107 { // the zip format cannot hold other years
		mod = render.FixedDate
	}
	mod = time.Date(mod.Year(), mod.Month(), mod.Day(), mod.Hour(), mod.Minute(), mod.Second(), 0, time.UTC)
	for _, p := range parts {
		h := &zip.FileHeader{Name: p.name, Method: zip.Store, Modified: mod, UncompressedSize64: uint64(len(p.data))}
		data := p.data
		if p.store || len(p.data) < storeBelow {
			h.CRC32 = crc32.ChecksumIEEE(p.data)
		} else {
			c := pack1(p)
			h.Method, h.CRC32, data = zip.Deflate, c.crc, c.data
		}
		h.CompressedSize64 = uint64(len(data))
		f, err := zw.CreateRaw(h)
		if err != nil {
			return nil, fmt.Errorf("docx: write %s: %w", p.name, err)
		}
		if _, err := f.Write(data); err != nil {
			return nil, fmt.Errorf("docx: write %s: %w", p.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("docx: finish archive: %w", err)
	}
	return out.Bytes(), nil
}
