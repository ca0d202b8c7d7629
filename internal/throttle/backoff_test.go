package throttle

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// window trips b and returns the length of the window that is now active, from its start to its
// end as the script recorded them in Redis time, and the end Trip returned.
func window(t *testing.T, b *Backoff, retryAfter time.Duration) (time.Duration, time.Time) {
	t.Helper()
	until, err := b.Trip(context.Background(), retryAfter)
	if err != nil {
		t.Fatal(err)
	}
	h, err := b.Redis.HGetAll(context.Background(), b.Key).Result()
	if err != nil {
		t.Fatal(err)
	}
	since, err1 := strconv.ParseInt(h["since"], 10, 64)
	end, err2 := strconv.ParseInt(h["until"], 10, 64)
	if err1 != nil || err2 != nil || end != until.UnixMilli() {
		t.Fatalf("back-off state %v does not match Trip's %v", h, until.UnixMilli())
	}
	return time.Duration(end-since) * time.Millisecond, until
}

func level(t *testing.T, rdb redis.UniversalClient, key string) int {
	t.Helper()
	n, err := rdb.HGet(context.Background(), key, "level").Int()
	if errors.Is(err, redis.Nil) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkWindow fails unless d lies within nominal × [1−Jitter, 1+Jitter], give or take the 1 ms
// to which windows are kept.
func checkWindow(t *testing.T, what string, d, nominal time.Duration) {
	t.Helper()
	low, high := time.Duration(float64(nominal)*(1-Jitter)), time.Duration(float64(nominal)*(1+Jitter))
	if d < low-time.Millisecond || d > high {
		t.Errorf("%s: window %v, want within [%v, %v] (%v ± 20%%)", what, d, low, high, nominal)
	}
}

// TestBackoffConcurrentTrips has 10 workers, each with its own connection, trip during one
// outage: the level rises once, and all learn the same window.
func TestBackoffConcurrentTrips(t *testing.T) {
	const workers = 10
	rdbs := clients(t, workers)
	const base = 60 * time.Millisecond
	untils := make([]time.Time, workers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		b := &Backoff{Redis: rdbs[i], Key: "postbud:ngdp:backoff", Base: base, Max: time.Second}
		wg.Go(func() {
			<-start
			u, err := b.Trip(context.Background(), 0)
			if err != nil {
				t.Error(err)
			}
			untils[i] = u
		})
	}
	close(start)
	wg.Wait()
	for i, u := range untils {
		if !u.Equal(untils[0]) {
			t.Errorf("worker %d was told the window ends %v, worker 0 %v", i, u, untils[0])
		}
	}
	if got := level(t, rdbs[0], "postbud:ngdp:backoff"); got != 1 {
		t.Errorf("after %d concurrent trips the level is %d, want 1", workers, got)
	}
	// The next window, after this one ended, is the second level: 2·Base, not 2^10·Base.
	b := &Backoff{Redis: rdbs[0], Key: "postbud:ngdp:backoff", Base: base, Max: time.Second}
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	d, _ := window(t, b, 0)
	checkWindow(t, "trip after the first window", d, 2*base)
	if got := level(t, rdbs[0], b.Key); got != 2 {
		t.Errorf("level %d, want 2", got)
	}
}

// TestBackoffDoubles trips once per window, each after the last ended: windows double up to Max.
func TestBackoffDoubles(t *testing.T) {
	rdb := clients(t, 1)[0]
	const base = 40 * time.Millisecond
	b := &Backoff{Redis: rdb, Key: "bo", Base: base, Max: 3 * base} // the third level is capped
	type step struct {
		Level   int
		Nominal time.Duration
	}
	want := []step{{1, base}, {2, 2 * base}, {3, 3 * base}, {3, 3 * base}, {3, 3 * base}}
	var got []step
	for i := range want {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d, err := b.Remaining(context.Background()); err != nil || d != 0 {
			t.Fatalf("Remaining after Wait = %v, %v; want 0", d, err)
		}
		d, _ := window(t, b, 0)
		checkWindow(t, fmt.Sprintf("trip %d", i+1), d, want[i].Nominal)
		// Another trip in the same window changes nothing.
		if _, err := b.Trip(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		got = append(got, step{level(t, rdb, b.Key), want[i].Nominal})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	// The level outlives its window by 2·Max, then the key is gone.
	ttl, err := rdb.PTTL(context.Background(), b.Key).Result()
	if err != nil || ttl <= 6*base || ttl > 6*base+time.Duration(1.2*float64(3*base)) {
		t.Errorf("PTTL = %v, %v; want the window plus 2·Max (%v)", ttl, err, 6*base)
	}
}

func TestBackoffClear(t *testing.T) {
	ctx := context.Background()
	rdb := clients(t, 1)[0]
	b := &Backoff{Redis: rdb, Key: "bo", Base: 20 * time.Millisecond, Max: time.Second}
	if err := b.Clear(ctx); err != nil {
		t.Errorf("Clear with nothing to clear: %v", err)
	}
	for range 2 {
		if err := b.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Trip(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	if got := level(t, rdb, b.Key); got != 2 {
		t.Fatalf("level %d, want 2", got)
	}
	if err := b.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Remaining(ctx); err != nil || d != 0 {
		t.Errorf("Remaining after Clear = %v, %v; want 0", d, err)
	}
	if n, _ := rdb.Exists(ctx, b.Key).Result(); n != 0 {
		t.Error("key still there after Clear")
	}
	d, _ := window(t, b, 0)
	checkWindow(t, "trip after Clear", d, b.Base)
	if got := level(t, rdb, b.Key); got != 1 {
		t.Errorf("level after Clear and Trip %d, want 1", got)
	}
}

// TestBackoffJitter draws 40 first-level windows: all within ±20% of Base, and spread out.
func TestBackoffJitter(t *testing.T) {
	ctx := context.Background()
	rdb := clients(t, 1)[0]
	b := &Backoff{Redis: rdb, Key: "bo"} // defaults: Base 1s, Max 5m
	var shortest, longest time.Duration = time.Hour, 0
	for i := range 40 {
		d, _ := window(t, b, 0)
		checkWindow(t, fmt.Sprintf("draw %d", i), d, DefaultBase)
		shortest, longest = min(shortest, d), max(longest, d)
		if err := b.Clear(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("40 windows of Base 1s: %v to %v", shortest, longest)
	if longest-shortest < 200*time.Millisecond {
		t.Errorf("40 windows span only %v to %v: no jitter", shortest, longest)
	}
}

func TestBackoffRetryAfter(t *testing.T) {
	ctx := context.Background()
	rdb := clients(t, 1)[0]
	b := &Backoff{Redis: rdb, Key: "bo", Base: time.Second, Max: time.Minute}

	// No window active: the window is at least Retry-After.
	d, until := window(t, b, 5*time.Second)
	if d < 5*time.Second || d > 5*time.Second+time.Millisecond {
		t.Errorf("Retry-After 5s on Base 1s: window %v, want 5s", d)
	}
	// A shorter Retry-After while it is active changes nothing.
	if u, err := b.Trip(ctx, 2*time.Second); err != nil || !u.Equal(until) {
		t.Errorf("shorter Retry-After moved the end from %v to %v (%v)", until, u, err)
	}
	// A longer one lengthens the window but does not raise the level.
	before, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	_, until = window(t, b, 9*time.Second)
	if got := until.Sub(before); got < 9*time.Second {
		t.Errorf("Retry-After 9s while active: window ends %v after the Trip, want at least 9s", got)
	}
	if got := level(t, rdb, b.Key); got != 1 {
		t.Errorf("level %d, want 1", got)
	}
	if d, err := b.Remaining(ctx); err != nil || d < 8*time.Second || d > 9*time.Second+time.Millisecond {
		t.Errorf("Remaining = %v, %v; want about 9s", d, err)
	}
	// Negative and absurd Retry-After values.
	if err := b.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	d, _ = window(t, b, -time.Hour)
	checkWindow(t, "negative Retry-After", d, b.Base)
	if err := b.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	d, _ = window(t, b, 1000*time.Hour)
	if d < MaxRetryAfter || d > MaxRetryAfter+time.Millisecond {
		t.Errorf("Retry-After 1000h: window %v, want MaxRetryAfter %v", d, MaxRetryAfter)
	}
}

func TestBackoffWait(t *testing.T) {
	rdb := clients(t, 1)[0]
	b := &Backoff{Redis: rdb, Key: "bo", Base: 150 * time.Millisecond, Max: time.Second}
	ctx := context.Background()
	if err := b.Wait(ctx); err != nil {
		t.Errorf("Wait with no back-off: %v", err)
	}
	if _, err := b.Trip(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Remaining(ctx); err != nil || d <= 0 || d > 180*time.Millisecond {
		t.Errorf("Remaining right after Trip = %v, %v; want in (0, 180ms]", d, err)
	}
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Remaining(ctx); err != nil || d != 0 {
		t.Errorf("Remaining after Wait = %v, %v; want 0 (Wait returned early)", d, err)
	}

	// A Wait gives up with its context.
	long := &Backoff{Redis: rdb, Key: "long", Base: time.Minute}
	if _, err := long.Trip(ctx, 0); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := long.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait past its deadline = %v, want DeadlineExceeded", err)
	}
	// A Clear from another process ends a Wait.
	done := make(chan error, 1)
	go func() { done <- long.Wait(ctx) }()
	time.Sleep(20 * time.Millisecond)
	if err := long.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Wait ended by Clear = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not notice the Clear")
	}
}

func TestBackoffInvalid(t *testing.T) {
	rdb := clients(t, 1)[0]
	tests := []struct {
		name string
		b    Backoff
		want string
	}{
		{"no client", Backoff{Key: "k"}, "no Redis client"},
		{"no key", Backoff{Redis: rdb}, "no key"},
		{"base below 1ms", Backoff{Redis: rdb, Key: "k", Base: time.Microsecond}, "below 1ms"},
		{"negative base", Backoff{Redis: rdb, Key: "k", Base: -time.Second}, "below 1ms"},
		{"max below base", Backoff{Redis: rdb, Key: "k", Base: time.Minute, Max: time.Second}, "max 1s is below base 1m0s"},
		{"max below default base", Backoff{Redis: rdb, Key: "k", Max: time.Millisecond}, "below base"},
		{"max above 24h", Backoff{Redis: rdb, Key: "k", Max: 25 * time.Hour}, "above 24h"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.b.Trip(ctx, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Trip error = %v, want one saying %q", err, tt.want)
			}
			if _, err := tt.b.Remaining(ctx); err == nil {
				t.Error("Remaining succeeded")
			}
			if err := tt.b.Clear(ctx); err == nil {
				t.Error("Clear succeeded")
			}
			if err := tt.b.Wait(ctx); err == nil {
				t.Error("Wait succeeded")
			}
		})
	}
}
