package throttle

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of a Backoff's zero fields.
const (
	DefaultBase = time.Second
	DefaultMax  = 5 * time.Minute
)

// Jitter is the largest fraction by which a back-off window is drawn shorter or longer than its
// level: a window is level × [1−Jitter, 1+Jitter).
const Jitter = 0.2

// MaxRetryAfter is the longest retryAfter that Trip honours; a longer one (a broken header) counts
// as this long.
const MaxRetryAfter = 7 * 24 * time.Hour

// pollInterval is the longest a Backoff.Wait sleeps before looking again, so that a Clear or a
// longer Trip from another process is noticed within it.
const pollInterval = time.Second

// Backoff is a back-off level shared by every process: Trip on a 429/503, Clear on success.
//
// A Trip when no back-off is active (none yet, or the last one expired) raises the level n by one,
// until Base·2^(n−1) reaches Max, and starts a window of min(Base·2^(n−1), Max) × a random factor in
// [0.8, 1.2), or retryAfter when that is longer. A Trip while a window is active never raises the
// level: it only lengthens the window to retryAfter from now when that ends later. So the many
// workers that see the same outage raise the level once per window, not once each. Clear ends the
// window and resets the level; the level is also forgotten when no Trip came for 2·Max after its
// window ended.
//
// The state is one Redis hash at Key (the level, and the window's start and end in Redis time, ms:
// fields level, since and until), changed
// by Lua scripts that take the time from the Redis server, so the workers' clocks do not matter and
// Cluster needs no hash tag. Zero Base and Max mean DefaultBase and DefaultMax; Base must be at
// least 1 ms and Max from Base to 24 h. A Backoff is safe for concurrent use; its methods only read
// the fields, so set them before first use.
type Backoff struct {
	Redis     redis.UniversalClient
	Key       string
	Base, Max time.Duration
}

// tripScript: KEYS[1] the hash; ARGV base ms, max ms, jitter factor, retryAfter ms, forget ms.
// Returns {until ms, level}. Times are kept in whole ms so that Lua's 14-digit number-to-string
// conversion stores them exactly.
var tripScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nowUp = tonumber(t[1]) * 1000 + math.ceil(tonumber(t[2]) / 1000) -- so retry is never short
local base = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local jitter = tonumber(ARGV[3])
local retry = tonumber(ARGV[4])
local forget = tonumber(ARGV[5])
local level = tonumber(redis.call('HGET', KEYS[1], 'level')) or 0
local untl = tonumber(redis.call('HGET', KEYS[1], 'until')) or 0
if untl <= now then
	if level == 0 or base * 2 ^ (level - 1) < cap then
		level = level + 1
	end
	local d = math.floor(math.min(base * 2 ^ (level - 1), cap) * jitter)
	untl = math.max(now + d, nowUp + retry)
	redis.call('HSET', KEYS[1], 'since', now)
elseif nowUp + retry > untl then
	untl = nowUp + retry
end
redis.call('HSET', KEYS[1], 'level', level, 'until', untl)
redis.call('PEXPIRE', KEYS[1], untl - now + forget)
return {untl, level}
`)

// remainingScript: KEYS[1] the hash. Returns the µs left of the active window, 0 when none.
var remainingScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untl = tonumber(redis.call('HGET', KEYS[1], 'until'))
if not untl or untl * 1000 <= now then
	return 0
end
return untl * 1000 - now
`)

// params returns Base and Max with their defaults, or an error for a misconfigured Backoff.
func (b *Backoff) params() (base, maxd time.Duration, err error) {
	base, maxd = b.Base, b.Max
	if base == 0 {
		base = DefaultBase
	}
	if maxd == 0 {
		maxd = DefaultMax
	}
	switch {
	case b.Redis == nil:
		return 0, 0, errors.New("throttle: back-off has no Redis client")
	case b.Key == "":
		return 0, 0, errors.New("throttle: back-off has no key")
	case base < time.Millisecond:
		return 0, 0, fmt.Errorf("throttle: back-off %s: base %v is below 1ms", b.Key, base)
	case maxd < base:
		return 0, 0, fmt.Errorf("throttle: back-off %s: max %v is below base %v", b.Key, maxd, base)
	case maxd > 24*time.Hour:
		return 0, 0, fmt.Errorf("throttle: back-off %s: max %v is above 24h", b.Key, maxd)
	}
	return base, maxd, nil
}

// Trip records a refusal (a 429 or 503) and returns when the back-off window now ends, in Redis
// server time; Remaining tells how long that is from now without comparing clocks. retryAfter is
// the refusal's Retry-After (0 when it gave none; below 0 counts as 0, above MaxRetryAfter as
// MaxRetryAfter): the window lasts at least that long from now. See Backoff for how the level rises.
func (b *Backoff) Trip(ctx context.Context, retryAfter time.Duration) (until time.Time, err error) {
	base, maxd, err := b.params()
	if err != nil {
		return time.Time{}, err
	}
	jitter := 1 - Jitter + 2*Jitter*rand.Float64()
	retryAfter = min(max(0, retryAfter), MaxRetryAfter)
	retryMs := (retryAfter + time.Millisecond - 1) / time.Millisecond // rounded up
	res, err := tripScript.Run(ctx, b.Redis, []string{b.Key},
		base.Milliseconds(), maxd.Milliseconds(), strconv.FormatFloat(jitter, 'f', 6, 64),
		int64(retryMs), 2*maxd.Milliseconds()).Int64Slice()
	if err != nil {
		return time.Time{}, fmt.Errorf("throttle: back-off %s: trip: %w", b.Key, err)
	}
	if len(res) != 2 {
		return time.Time{}, fmt.Errorf("throttle: back-off %s: trip: script returned %d values, want 2", b.Key, len(res))
	}
	return time.UnixMilli(res[0]), nil
}

// Clear ends the back-off window, if any, and resets the level: call it on a success.
func (b *Backoff) Clear(ctx context.Context) error {
	if _, _, err := b.params(); err != nil {
		return err
	}
	if err := b.Redis.Del(ctx, b.Key).Err(); err != nil {
		return fmt.Errorf("throttle: back-off %s: clear: %w", b.Key, err)
	}
	return nil
}

// Remaining returns how long the active back-off window still lasts, by the Redis server's clock;
// 0 when none is active.
func (b *Backoff) Remaining(ctx context.Context) (time.Duration, error) {
	if _, _, err := b.params(); err != nil {
		return 0, err
	}
	us, err := remainingScript.Run(ctx, b.Redis, []string{b.Key}).Int64()
	if err != nil {
		return 0, fmt.Errorf("throttle: back-off %s: remaining: %w", b.Key, err)
	}
	return time.Duration(us) * time.Microsecond, nil
}

// Wait returns nil once no back-off window is active, or ctx's error once ctx is done. It looks
// again at least every second while it waits, so a Clear or a longer Trip from another process is
// honoured within a second.
func (b *Backoff) Wait(ctx context.Context) error {
	return waitFor(ctx, func(ctx context.Context) (time.Duration, error) {
		d, err := b.Remaining(ctx)
		return min(d, pollInterval), err
	})
}

// waitFor calls ask until it answers a zero wait (nil), sleeping each wait it answers between
// calls; it returns ask's error, or ctx's error once ctx is done (also when ask failed because
// of it).
func waitFor(ctx context.Context, ask func(context.Context) (time.Duration, error)) error {
	var timer *time.Timer
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := ask(ctx)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			return err
		}
		if d == 0 {
			return nil
		}
		if timer == nil {
			timer = time.NewTimer(d)
			defer timer.Stop()
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}
