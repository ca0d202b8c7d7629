package docx

import (
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
