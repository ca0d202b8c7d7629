package pdf

import (
	"testing"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

func benchRender(b *testing.B, d *render.Document) {
	if _, err := Render(d); err != nil { // load fonts outside the timing
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
	// letters/s is wall time on a shared machine; letters/cpu-s is per core of CPU actually used
	// (run with -cpu 1 so that it counts one goroutine's work and its garbage collection).
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "letters/cpu-s")
	}
}

// BenchmarkRenderReference renders the one-page reference letter (three styles, Latin subset).
func BenchmarkRenderReference(b *testing.B) { benchRender(b, testdoc.Reference()) }

// BenchmarkRenderLong renders letter-long: 40 paragraphs and a 60-row table, nine pages.
func BenchmarkRenderLong(b *testing.B) { benchRender(b, testdoc.Long(40, 60)) }

// BenchmarkRenderHeavy renders a letter with Greek, so with the full Liberation Sans files.
func BenchmarkRenderHeavy(b *testing.B) { benchRender(b, testdoc.Heavy()) }

// long40 is a letter of 40 pages: 135 paragraphs and a 540-row table (TestLong40Pages checks
// the count). The stage benchmarks below run on it, so that a per-page regression shows.
func long40() *render.Document { return testdoc.Long(135, 540) }

func TestLong40Pages(t *testing.T) {
	l, err := newLayout(long40(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, pages, err := l.run()
	if err != nil {
		t.Fatal(err)
	}
	if pages < 38 || pages > 42 {
		t.Errorf("long40 lays out to %d pages, want about 40", pages)
	}
}

// BenchmarkRender40 renders the 40-page letter: layout, Maroto and gofpdf.
func BenchmarkRender40(b *testing.B) { benchRender(b, long40()) }

// BenchmarkLayout40 lays the 40-page letter out (fonts chosen, lines broken, table laid out,
// pages counted, Maroto rows made) without drawing it.
func BenchmarkLayout40(b *testing.B) {
	d := long40()
	b.ReportAllocs()
	for b.Loop() {
		l, err := newLayout(d, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := l.run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChooseFonts40 is the part of the layout before any line is broken: collecting the
// letter's text and checking that the font has every character.
func BenchmarkChooseFonts40(b *testing.B) {
	d := long40()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newLayout(d, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBreakLines40 breaks the 135 paragraphs of the 40-page letter into lines.
func BenchmarkBreakLines40(b *testing.B) {
	d := long40()
	l, err := newLayout(d, nil)
	if err != nil {
		b.Fatal(err)
	}
	var paras [][]span
	for _, bl := range d.Body {
		if p, ok := bl.(*render.Paragraph); ok {
			paras = append(paras, spans(p.Runs, regular, black))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, sp := range paras {
			l.ts.breakLines(sp, l.size, l.contentW)
		}
	}
}

// BenchmarkTable40 lays out the 540-row table of the 40-page letter (column widths, cells,
// rules), without placing it on pages.
func BenchmarkTable40(b *testing.B) {
	d := long40()
	l, err := newLayout(d, nil)
	if err != nil {
		b.Fatal(err)
	}
	var t *render.Table
	for _, bl := range d.Body {
		if tb, ok := bl.(*render.Table); ok {
			t = tb
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.table(t, 0, l.contentW); err != nil {
			b.Fatal(err)
		}
	}
}
