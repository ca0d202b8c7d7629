package worker

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/testenv"
)

// BenchmarkSubmit measures Client.Submit (validate, seal, record, enqueue) of the reference
// letter: letters/s queued from one goroutine per core.
func BenchmarkSubmit(b *testing.B) {
	e := newEnv(b)
	c := e.client(b)
	data := sample(b, "boligstoette-afgoerelse")
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data, Recipient: testRecipient}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkEndToEnd submits b.N reference letters and runs a Server (concurrency 2 per core)
// until every one is rendered (PDF and DOCX), stored and in the outbox: letters/s end to end.
func BenchmarkEndToEnd(b *testing.B) {
	e := newEnv(b)
	c := e.client(b)
	data := sample(b, "boligstoette-afgoerelse")
	ctx := context.Background()
	b.ResetTimer()
	ids := make([]string, b.N)
	for i := range b.N {
		l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data, Recipient: testRecipient})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = l.ID
	}
	e.run(b, e.opts, 2*runtime.GOMAXPROCS(0))
	for _, id := range ids {
		for {
			l, err := c.Letter(ctx, "aarhus", id)
			if err != nil {
				b.Fatal(err)
			}
			if l.Status == StatusFailed {
				b.Fatalf("letter %s failed: %s", id, l.LastError)
			}
			if l.Status == StatusDelivered {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkMemoSend builds the reference letter's MeMo message (the rendered PDF as main
// document, streamed as base64 into the sealed store) and sends it to a Digital Post stand-in
// over loopback mutual TLS: the Digital Post hand-off per letter, beside the render figures.
// The stand-in runs in this process, so its parsing counts against the figure too.
func BenchmarkMemoSend(b *testing.B) {
	d := newDPEnv(b, nil)
	ctx := context.Background()
	bundle, err := d.opts.Templates.Bundle("aarhus", "boligstoette-afgoerelse")
	if err != nil {
		b.Fatal(err)
	}
	data := sample(b, "boligstoette-afgoerelse")
	doc, fm, err := bundle.LetterMemo(data)
	if err != nil {
		b.Fatal(err)
	}
	pdfBytes, err := renderFormat(doc, "pdf")
	if err != nil {
		b.Fatal(err)
	}
	s := &Server{o: d.opts.withDefaults()}
	ch := d.opts.Channels["ngdp"]
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := testenv.CPUTime()
	for i := range b.N {
		l := &Letter{ID: newID(), Tenant: "aarhus", Template: bundle.Name, Formats: []string{"pdf"},
			MessageUUID: memo.NewUUID(), Created: time.Now().UTC().Truncate(time.Second)}
		mi, err := s.buildMemo(ctx, bundle, fm, l, &renderPayload{Data: data, Recipient: testRecipient}, map[string][]byte{"pdf": pdfBytes})
		if err != nil {
			b.Fatal(err)
		}
		l.Memo = mi
		dl, err := s.deliveryLetter(ctx, l, &deliverPayload{Title: "x", Recipient: testRecipient}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ch.Deliver(ctx, dl); err != nil {
			b.Fatalf("letter %d: %v", i, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
	if cpu := testenv.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "letters/cpu-s")
	}
}
