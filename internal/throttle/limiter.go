package throttle

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Margin is the factor by which a Limiter spaces its grants wider than 1/Rate, to absorb the
// jitter between a grant in Redis and the request's arrival at the far end: the network, and a
// worker process whose cores are busy rendering (1.1, which allows 90 ms, was exceeded by a
// worker pool on two loaded cores).
const Margin = 1.2

// MaxTolerance is the most by which a Limiter lets a grant come early after one that came late;
// see Limiter.
const MaxTolerance = 10 * time.Millisecond

// MaxRate is the highest Rate a Limiter accepts: above it, the rounding of the times redis_rate
// stores (see Limiter) would eat much of the margin.
const MaxRate = 10_000

// units is the number of GCRA units one grant costs: the emission interval is cut into units so
// that the tolerance can be a fraction of it in redis_rate's whole-number Burst.
const units = 1000

// Limiter allows at most Rate requests per second across every process sharing Redis and Key.
//
// Grants follow GCRA in Redis server time with emission interval T = Margin/Rate s (1.2/Rate) and
// tolerance τ = min(MaxTolerance, T/2): any k+1 grants span at least k·T − τ, less k·5 µs of
// rounding (redis_rate stores the next grant time as a 14-digit decimal, which until 2048 rounds
// it by at most 5 µs). So consecutive grants are at least T/2 apart (no bursts), and:
//
//   - Any 1 s window of Redis time holds at most ⌊(1 s + τ)/T⌋+1 grants, about ⌊Rate/1.2⌋+1:
//     43 at Rate 50, 9 at Rate 10, and at most Rate for every whole Rate from 1 to MaxRate.
//   - At the far end, any 1 s window holds at most Rate requests (whole Rate from 1 to MaxRate) as
//     long as the delays from grant to arrival of any two requests differ by less than
//     J = 200 ms − τ − Rate·5 µs (189.75 ms at Rate 50, 189.95 ms at Rate 10): those requests were
//     granted within 1 s + J, which holds fewer than Rate+1 grants.
//   - Below 1 per second the same holds per 1/Rate s: any window of 1/Rate s holds at most one
//     grant (Rate 0.5: one request every 2.4 s). Give whole rates above 1: for a fractional one
//     the bound can be its next whole number (Rate 1.5: 2 grants in some 1 s windows).
//
// The tolerance lets a waiter that wakes up to τ late, on a busy machine, still have its slot, so
// the pool runs at close to Rate/1.2 (41.7/s at Rate 50) rather than losing every delay. The state
// is one key, "rate:" + Key (redis_rate's prefix), which expires once the limiter has been idle
// for a grant interval (at least 1 s).
//
// The zero value is not usable: set all three fields. A Limiter is safe for concurrent use; its
// methods only read the fields, so set them before first use.
type Limiter struct {
	Redis redis.UniversalClient
	Key   string
	Rate  float64
}

// limit returns the redis_rate limit for l: emission interval T cut into units, with a burst
// allowance of τ on top of one grant.
func (l *Limiter) limit() (redis_rate.Limit, error) {
	switch {
	case l.Redis == nil:
		return redis_rate.Limit{}, errors.New("throttle: limiter has no Redis client")
	case l.Key == "":
		return redis_rate.Limit{}, errors.New("throttle: limiter has no key")
	case math.IsNaN(l.Rate) || l.Rate <= 0 || l.Rate > MaxRate:
		return redis_rate.Limit{}, fmt.Errorf("throttle: limiter %s: rate %v per second is not in (0, %d]", l.Key, l.Rate, MaxRate)
	}
	interval := Margin * float64(time.Second) / l.Rate
	if interval > float64(24*time.Hour) {
		return redis_rate.Limit{}, fmt.Errorf("throttle: limiter %s: rate %v per second is too low (below one a day)", l.Key, l.Rate)
	}
	tolerance := min(float64(MaxTolerance), interval/2)
	return redis_rate.Limit{
		Rate:   units,
		Period: time.Duration(interval),
		Burst:  units + int(math.Floor(tolerance/interval*units)),
	}, nil
}

// Reserve takes a grant if one is free now and returns 0: the request may go. Otherwise it takes
// nothing and returns how long to wait before asking again (in Redis time; another process may
// take the grant first). Errors come from a misconfigured Limiter or from Redis.
func (l *Limiter) Reserve(ctx context.Context) (time.Duration, error) {
	lim, err := l.limit()
	if err != nil {
		return 0, err
	}
	res, err := redis_rate.NewLimiter(l.Redis).AllowN(ctx, l.Key, lim, units)
	if err != nil {
		return 0, fmt.Errorf("throttle: limiter %s: %w", l.Key, err)
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	// A denial always has a positive wait; keep it so even when it rounds to nothing.
	return max(res.RetryAfter, time.Microsecond), nil
}

// Wait blocks until a grant is taken, and returns nil; or returns ctx's error once ctx is done,
// having taken nothing. It asks Redis again each time the wait it was told is over, so waiting
// processes share the grants in no particular order.
func (l *Limiter) Wait(ctx context.Context) error {
	return waitFor(ctx, l.Reserve)
}
