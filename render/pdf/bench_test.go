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

// BenchmarkRenderLong renders letter-long: 40 paragraphs and a 60-row table, five pages.
func BenchmarkRenderLong(b *testing.B) { benchRender(b, testdoc.Long(40, 60)) }

// BenchmarkRenderHeavy renders a letter with Greek, so with the full Liberation Sans files.
func BenchmarkRenderHeavy(b *testing.B) { benchRender(b, testdoc.Heavy()) }
