package throttle

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/internal/testenv"
)

// clients returns n go-redis clients (n "processes") on one test database.
func clients(t *testing.T, n int) []redis.UniversalClient {
	t.Helper()
	opt := testenv.Redis(t)
	out := make([]redis.UniversalClient, n)
	for i := range out {
		c := opt.MakeRedisClient().(redis.UniversalClient)
		t.Cleanup(func() { c.Close() })
		out[i] = c
	}
	return out
}

// maxInWindow returns the largest number of times within any window [t, t+w).
func maxInWindow(times []time.Time, w time.Duration) int {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j].Sub(times[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// TestLimiterPoolRate has 4 "processes", each with its own Redis connection, take grants from one
// Limiter{Rate: 50} as fast as they can for 3 s: no 1 s window holds more than 50 grants, and the
// pool gets at least 35 a second.
func TestLimiterPoolRate(t *testing.T) {
	const (
		rate    = 50
		workers = 4
		run     = 3 * time.Second
	)
	rdbs := clients(t, workers)
	ctx, cancel := context.WithTimeout(context.Background(), run)
	defer cancel()
	grants := make([][]time.Time, workers)
	var wg sync.WaitGroup
	for i := range workers {
		l := &Limiter{Redis: rdbs[i], Key: "postbud:ngdp", Rate: rate}
		wg.Go(func() {
			for {
				if err := l.Wait(ctx); err != nil {
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Error(err)
					}
					return
				}
				grants[i] = append(grants[i], time.Now())
			}
		})
	}
	wg.Wait()
	all := slices.Concat(grants...)
	if len(all) < 2 {
		t.Fatalf("%d grants in %v; want at least %d", len(all), run, 35*3)
	}
	peak := maxInWindow(all, time.Second)
	achieved := float64(len(all)-1) / all[len(all)-1].Sub(all[0]).Seconds()
	interval := Margin / rate
	bound := int(math.Floor((1+min(MaxTolerance.Seconds(), interval/2))/interval)) + 1
	t.Logf("%d grants in %v to %d workers: %.1f/s, at most %d in any 1 s window (bound %d)",
		len(all), run, workers, achieved, peak, bound)
	if peak > rate {
		t.Errorf("a 1 s window holds %d grants, more than Rate %d", peak, rate)
	}
	if achieved < 35 || len(all) < 35*3 {
		t.Errorf("pool got %d grants, %.1f/s; want at least 35/s", len(all), achieved)
	}
	for i, g := range grants {
		if len(g) == 0 {
			t.Errorf("worker %d got no grant in %v", i, run)
		}
	}
}

// TestLimiterReserve checks that a denied Reserve takes nothing and tells how long to wait.
func TestLimiterReserve(t *testing.T) {
	ctx := context.Background()
	rdb := clients(t, 1)[0]
	// A grant every 550 ms: room for the denied calls below on a busy machine.
	l := &Limiter{Redis: rdb, Key: "reserve", Rate: 2}
	interval := time.Duration(Margin / 2 * float64(time.Second))
	if d, err := l.Reserve(ctx); err != nil || d != 0 {
		t.Fatalf("first Reserve = %v, %v; want 0 (go now)", d, err)
	}
	var waits []time.Duration
	for range 5 {
		d, err := l.Reserve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, d)
	}
	for i, d := range waits {
		if d <= 0 || d > interval {
			t.Errorf("Reserve %d right after a grant = %v, want in (0, %v]", i+2, d, interval)
		}
		// Had a denied Reserve taken a grant, the next wait would be an interval longer.
		if i > 0 && d > waits[i-1] {
			t.Errorf("denied Reserves took grants: waits %v grow", waits)
			break
		}
	}
	time.Sleep(waits[len(waits)-1] + time.Millisecond)
	if d, err := l.Reserve(ctx); err != nil || d != 0 {
		t.Errorf("Reserve after the wait it was told = %v, %v; want 0", d, err)
	}
	// Another key is another limit.
	other := &Limiter{Redis: rdb, Key: "reserve-other", Rate: 2}
	if d, err := other.Reserve(ctx); err != nil || d != 0 {
		t.Errorf("Reserve on another key = %v, %v; want 0", d, err)
	}
	// One key per limiter, expiring once idle.
	keys, err := rdb.Keys(ctx, "rate:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	if diff := cmp.Diff([]string{"rate:reserve", "rate:reserve-other"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	for _, k := range keys {
		if ttl, err := rdb.PTTL(ctx, k).Result(); err != nil || ttl <= 0 || ttl > time.Second {
			t.Errorf("PTTL %s = %v, %v; want in (0, 1s]", k, ttl, err)
		}
	}
}

// TestLimiterWaitContext checks that Wait gives up with ctx, taking nothing.
func TestLimiterWaitContext(t *testing.T) {
	rdb := clients(t, 1)[0]
	l := &Limiter{Redis: rdb, Key: "slow", Rate: 0.01} // a grant every 110 s
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, err := l.Reserve(context.Background())
	if err != nil || before <= 100*time.Second {
		t.Fatalf("Reserve after a grant = %v, %v; want about 110 s", before, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait past its deadline = %v, want DeadlineExceeded", err)
	}
	after, err := l.Reserve(context.Background())
	if err != nil || after > before {
		t.Errorf("Reserve after a cancelled Wait = %v, %v; want at most %v (nothing taken)", after, err, before)
	}
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if err := l.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context = %v, want Canceled", err)
	}
}

func TestLimiterInvalid(t *testing.T) {
	rdb := clients(t, 1)[0]
	tests := []struct {
		name string
		l    Limiter
		want string
	}{
		{"no client", Limiter{Key: "k", Rate: 1}, "no Redis client"},
		{"no key", Limiter{Redis: rdb, Rate: 1}, "no key"},
		{"zero rate", Limiter{Redis: rdb, Key: "k"}, "rate 0 per second is not in (0, 10000]"},
		{"negative rate", Limiter{Redis: rdb, Key: "k", Rate: -5}, "not in"},
		{"NaN rate", Limiter{Redis: rdb, Key: "k", Rate: math.NaN()}, "not in"},
		{"infinite rate", Limiter{Redis: rdb, Key: "k", Rate: math.Inf(1)}, "not in"},
		{"rate above MaxRate", Limiter{Redis: rdb, Key: "k", Rate: MaxRate + 1}, "not in"},
		{"rate too low", Limiter{Redis: rdb, Key: "k", Rate: 1e-6}, "too low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.l.Reserve(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Reserve error = %v, want one saying %q", err, tt.want)
			}
			if err := tt.l.Wait(context.Background()); err == nil {
				t.Error("Wait succeeded")
			}
		})
	}
}

func BenchmarkLimiterReserve(b *testing.B) {
	opt := testenv.Redis(b)
	rdb := opt.MakeRedisClient().(redis.UniversalClient)
	defer rdb.Close()
	l := &Limiter{Redis: rdb, Key: "bench", Rate: MaxRate}
	ctx := context.Background()
	for b.Loop() {
		if _, err := l.Reserve(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
