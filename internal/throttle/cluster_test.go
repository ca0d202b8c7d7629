//go:build unix

package throttle

import (
	"context"
	"testing"
	"time"

	"github.com/postbud/postbud/internal/testenv"
)

// TestCluster runs a Limiter and a Backoff on a Redis Cluster: each keeps its state in one key, so
// its scripts run on whichever master holds that key's slot, with no CROSSSLOT error.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a six-node Redis Cluster")
	}
	c := testenv.Cluster(t)
	rdb := c.Client()
	ctx := context.Background()
	// Keys on different masters, so both limiters' scripts run on their own nodes.
	keys := []string{"postbud:ngdp:rate", "postbud:webhook:rate"}
	if c.MasterOf(t, "rate:"+keys[0]) == c.MasterOf(t, "rate:"+keys[1]) {
		keys[1] = "postbud:print:rate"
	}
	for _, key := range keys {
		l := &Limiter{Redis: rdb, Key: key, Rate: 2}
		if d, err := l.Reserve(ctx); err != nil || d != 0 {
			t.Fatalf("%s: first Reserve = %v, %v; want 0", key, d, err)
		}
		// The grant interval is Margin/Rate: 600 ms at Rate 2.
		interval := time.Duration(Margin / 2 * float64(time.Second))
		if d, err := l.Reserve(ctx); err != nil || d <= 0 || d > interval {
			t.Errorf("%s: second Reserve = %v, %v; want in (0, %v]", key, d, err, interval)
		}
		if err := l.Wait(ctx); err != nil {
			t.Errorf("%s: Wait: %v", key, err)
		}
	}
	b := &Backoff{Redis: rdb, Key: "postbud:ngdp:backoff", Base: 50 * time.Millisecond, Max: time.Second}
	if _, err := b.Trip(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Remaining(ctx); err != nil || d <= 0 {
		t.Errorf("Remaining after Trip = %v, %v; want > 0", d, err)
	}
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Trip(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got := level(t, rdb, b.Key); got != 2 {
		t.Errorf("level after two windows %d, want 2", got)
	}
	if err := b.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Remaining(ctx); err != nil || d != 0 {
		t.Errorf("Remaining after Clear = %v, %v; want 0", d, err)
	}
}
