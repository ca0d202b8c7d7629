package ngdp_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

// BenchmarkDeliver sends one reference-sized MeMo message (about 60 KB: a 44 KB PDF, base64) per
// operation, each under a fresh messageUUID, over loopback mutual TLS to the stand-in.
func BenchmarkDeliver(b *testing.B) {
	e := start(b, ngdptest.Options{}, nil)
	pdf := make([]byte, 44<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range pdf {
		pdf[i] = byte(rng.Uint32())
	}
	const placeholder = "00000000-0000-4000-8000-000000000000"
	tmpl := memoXML(placeholder, "letter-bench", "Afgørelse om boligstøtte", pdf)
	at := bytes.Index(tmpl, []byte(placeholder))
	b.SetBytes(int64(len(tmpl)))
	b.ReportAllocs()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		uuid := newUUID(b)
		xml := bytes.Clone(tmpl)
		copy(xml[at:], uuid)
		l := &delivery.Letter{ID: "letter-bench", Message: message(uuid, xml)}
		if _, err := e.ch.Deliver(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}
