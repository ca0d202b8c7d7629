package ngdp_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

// TestRetryLoop sends 100 letters through a stand-in that answers each request with a fault
// drawn at random (seeded): none, 503, a dropped connection, a slow answer past the client's
// timeout, or an INVALID receipt. Each letter is retried with the same Message until it is
// delivered or rejected. Afterwards every letter was either accepted exactly once, or rejected
// with the endpoint's reason and never accepted; and no message id was ever sent under a second
// UUID.
func TestRetryLoop(t *testing.T) {
	const letters, workers, maxAttempts = 100, 8, 60
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(20251001, 7))
	faults := map[ngdptest.Fault]int{}
	fault := func(int, string) ngdptest.Fault {
		mu.Lock()
		defer mu.Unlock()
		var f ngdptest.Fault
		switch p := rng.IntN(100); {
		case p < 40:
			f = ngdptest.FaultNone
		case p < 55:
			f = ngdptest.Fault503
		case p < 70:
			f = ngdptest.FaultDrop
		case p < 85:
			f = ngdptest.FaultSlow
		default:
			f = ngdptest.FaultInvalid
		}
		faults[f]++
		return f
	}
	e := start(t, ngdptest.Options{Fault: fault, SlowDelay: time.Minute}, func(c *ngdp.Config) {
		c.Timeout = 500 * time.Millisecond
	})

	ls := make([]*delivery.Letter, letters)
	for i := range ls {
		ls[i] = newLetter(t, fmt.Sprintf("letter-%03d", i))
	}
	type outcome struct {
		receipt  *delivery.Receipt
		rejected *delivery.RejectedError
		attempts int
	}
	outcomes := make([]outcome, letters)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := &outcomes[i]
				for o.attempts < maxAttempts {
					o.attempts++
					r, err := e.ch.Deliver(context.Background(), ls[i])
					if err == nil {
						o.receipt = r
						break
					}
					var h *delivery.HaltError
					if errors.As(err, &h) {
						t.Errorf("letter %d: %v", i, err)
						break
					}
					if delivery.IsPermanent(err) {
						if !errors.As(err, &o.rejected) {
							t.Errorf("letter %d: permanent error %v is not the endpoint's rejection", i, err)
						}
						break
					}
					// Throttled or transient: retry with the same Message.
				}
			}
		}()
	}
	for i := range ls {
		next <- i
	}
	close(next)
	wg.Wait()

	accepted := acceptedUUIDs(e.srv)
	delivered, rejected := 0, 0
	for i, o := range outcomes {
		uuid := ls[i].Message.UUID
		switch {
		case o.receipt != nil:
			delivered++
			if o.receipt.MessageUUID != uuid || accepted[uuid] != 1 {
				t.Errorf("letter %d: delivered (%+v) but accepted %d times", i, o.receipt, accepted[uuid])
			}
		case o.rejected != nil:
			rejected++
			if o.rejected.Status != "INVALID" || o.rejected.Code != "INVALID_CONTENT" || !strings.Contains(o.rejected.Message, "Options.Fault") {
				t.Errorf("letter %d: rejected with %+v, want the endpoint's INVALID reason", i, o.rejected)
			}
			if accepted[uuid] != 0 {
				t.Errorf("letter %d: rejected, yet the endpoint accepted it %d times", i, accepted[uuid])
			}
		default:
			t.Errorf("letter %d: neither delivered nor rejected after %d attempts", i, o.attempts)
		}
	}
	if len(accepted) != delivered {
		t.Errorf("the endpoint accepted %d messages, %d letters were delivered", len(accepted), delivered)
	}
	wantIDs := map[string][]string{}
	for _, l := range ls {
		wantIDs[l.ID] = []string{l.Message.UUID}
	}
	if diff := cmp.Diff(wantIDs, e.srv.UUIDsByMessageID()); diff != "" {
		t.Errorf("UUIDs per message id (-want +got):\n%s", diff)
	}
	mu.Lock()
	t.Logf("%d delivered, %d rejected, %d duplicates; faults drawn: %v", delivered, rejected, e.srv.Duplicates(), faults)
	drops, slows := faults[ngdptest.FaultDrop], faults[ngdptest.FaultSlow]
	mu.Unlock()
	if drops == 0 || slows == 0 || e.srv.Duplicates() == 0 {
		t.Errorf("the run drew %d drops and %d slow answers and saw %d duplicates; the test needs some of each", drops, slows, e.srv.Duplicates())
	}
}
