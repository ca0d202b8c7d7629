package worker

import (
	"context"
	"runtime"
	"testing"
	"time"
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
