package docx

import (
	"strconv"
	"testing"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

// BenchmarkRender renders the one-page reference letter and the long letter (40 paragraphs, a
// 60-row table), reporting letters per second and output size. The "cold" runs compress every
// part afresh, as for the first letter of a template; the others reuse the compressed parts that
// do not change from letter to letter, as a batch does.
func BenchmarkRender(b *testing.B) {
	ref, long := testdoc.Reference(), testdoc.Long(40, 60)
	for _, bc := range []struct {
		name  string
		doc   *render.Document
		cache bool
	}{{"reference", ref, true}, {"reference-cold", ref, false}, {"long", long, true}, {"long-cold", long, false}} {
		b.Run(bc.name, func(b *testing.B) {
			useCache = bc.cache
			defer func() { useCache = true }()
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				out, err := Render(bc.doc)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
			b.ReportMetric(float64(size), "bytes/letter")
		})
	}
}

// BenchmarkStages times the stages of Render on the reference letter one by one: writing
// word/document.xml, escaping its text, sizing the table columns, deflating document.xml,
// packing every part (shared parts from the cache) and writing the zip records.
func BenchmarkStages(b *testing.B) {
	d := testdoc.Reference()
	l, err := newLayout(d)
	if err != nil {
		b.Fatal(err)
	}
	build := func() *writer {
		w := newWriter(d, l)
		if err := w.document(); err != nil {
			b.Fatal(err)
		}
		return w
	}
	w := build()
	body := append([]byte(nil), w.body.b...)
	w.release()

	b.Run("document", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			build().release()
		}
	})
	b.Run("escape", func(b *testing.B) {
		b.ReportAllocs()
		var out buf
		n := 0
		for _, p := range testdoc.Paragraphs {
			n += len(p)
		}
		b.SetBytes(int64(n))
		for b.Loop() {
			out.b = out.b[:0]
			for _, p := range testdoc.Paragraphs {
				out.text(p)
			}
		}
	})
	b.Run("columnWidths", func(b *testing.B) {
		var t *render.Table
		for _, blk := range d.Body {
			if tb, ok := blk.(*render.Table); ok {
				t = tb
			}
		}
		if t == nil {
			b.Skip("the reference letter has no table")
		}
		b.ReportAllocs()
		for b.Loop() {
			columnWidths(t, 3, twips(l.textWidth), l.size*tableScale, l.m)
		}
	})
	b.Run("deflate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		var z []byte
		for b.Loop() {
			z = deflateAppend(z[:0], body)
		}
		b.ReportMetric(float64(len(z)), "bytes")
	})
	b.Run("pack", func(b *testing.B) {
		w := build()
		defer w.release()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := w.pack(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("zip", func(b *testing.B) {
		entries := make([]entry, 12)
		for i := range entries {
			entries[i] = entry{"word/part" + strconv.Itoa(i) + ".xml", packed{method: zipDeflate, size: 4096, data: body[:1024]}}
		}
		mod := zipTime(render.FixedDate)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := writeZip(entries, mod); err != nil {
				b.Fatal(err)
			}
		}
	})
}
