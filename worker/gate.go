package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/throttle"
)

// retryLater postpones a hand-off for a reason that is not the letter's: the channel is at its
// rate, backing off after a 429/503, halted after a 401, or another worker holds the letter.
// Asynq runs the task again after wait without counting a failed attempt (Config.IsFailure), so
// a long outage of Digital Post costs no letter its retries.
type retryLater struct {
	wait time.Duration
	why  string
}

func (e *retryLater) Error() string {
	return fmt.Sprintf("%s; trying again in %s", e.why, e.wait.Round(time.Millisecond))
}

// isFailure is Asynq's Config.IsFailure: a postponed hand-off is not a failure.
func isFailure(err error) bool {
	var r *retryLater
	return !errors.As(err, &r)
}

// maxSleep is the longest a handler waits in place for its turn at a channel's rate; a longer
// wait hands the task back to the queue.
const maxSleep = 2 * time.Second

// gate holds every worker's shared view of a channel: its rate, back-off and halt.
type gate struct {
	rdb      redis.UniversalClient
	o        Options
	limiters map[string]*throttle.Limiter
	backoffs map[string]*throttle.Backoff
}

func newGate(rdb redis.UniversalClient, o Options) *gate {
	g := &gate{rdb: rdb, o: o, limiters: map[string]*throttle.Limiter{}, backoffs: map[string]*throttle.Backoff{}}
	for name := range o.Channels {
		if r := o.Rates[name]; r > 0 {
			g.limiters[name] = &throttle.Limiter{Redis: rdb, Key: "postbud:rate:{" + name + "}", Rate: r}
		}
		g.backoffs[name] = &throttle.Backoff{Redis: rdb, Key: "postbud:backoff:{" + name + "}", Base: o.BackoffBase, Max: o.BackoffMax}
	}
	return g
}

func haltKey(channel string) string { return "postbud:halt:{" + channel + "}" }

// pass is what enter saw of a channel's shared state.
type pass struct {
	// backoff: the channel had back-off state (an active window, or a level not yet
	// forgotten), which a success then clears.
	backoff bool
}

// gateScript reads a channel's halt and back-off in one step: KEYS halt key, back-off hash
// (throttle.Backoff's layout: field until, Redis time in ms); both carry the hash tag
// {channel}, so they share a Cluster slot. Returns {halt pttl ms, back-off µs left, back-off
// state exists}.
var gateScript = redis.NewScript(`
local halt = redis.call('PTTL', KEYS[1])
local exists = redis.call('EXISTS', KEYS[2])
local left = 0
if exists == 1 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local untl = tonumber(redis.call('HGET', KEYS[2], 'until'))
  if untl and untl * 1000 > now then left = untl * 1000 - now end
end
return {halt, left, exists}
`)

// enter waits for channel to take one more request: nil when it may go now, *retryLater when
// the task should come back later. Halt and back-off are read in one round trip.
func (g *gate) enter(ctx context.Context, channel string) (pass, error) {
	var p pass
	b := g.backoffs[channel]
	if b == nil {
		if ms, err := g.rdb.PTTL(ctx, haltKey(channel)).Result(); err == nil && ms > 0 {
			return p, &retryLater{wait: ms, why: "the " + channel + " channel is halted: its configuration was refused"}
		}
	} else {
		res, err := gateScript.Run(ctx, g.rdb, []string{haltKey(channel), b.Key}).Int64Slice()
		if err != nil || len(res) != 3 {
			return p, fmt.Errorf("read %s halt and back-off: %w", channel, err)
		}
		if res[0] > 0 {
			return p, &retryLater{wait: time.Duration(res[0]) * time.Millisecond, why: "the " + channel + " channel is halted: its configuration was refused"}
		}
		p.backoff = res[2] == 1
		if d := time.Duration(res[1]) * time.Microsecond; d > 0 {
			return p, &retryLater{wait: d, why: channel + " asked senders to slow down"}
		}
	}
	l := g.limiters[channel]
	if l == nil {
		return p, nil
	}
	deadline := time.Now().Add(maxSleep)
	for {
		d, err := l.Reserve(ctx)
		if err != nil {
			return p, fmt.Errorf("%s rate limit: %w", channel, err)
		}
		if d == 0 {
			return p, nil
		}
		if time.Now().Add(d).After(deadline) {
			return p, &retryLater{wait: d, why: channel + " is at its rate limit"}
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return p, ctx.Err()
		case <-t.C:
		}
	}
}

// outcome tells the gate how a hand-off through channel ended: a throttling answer makes every
// worker back off, a credentials refusal halts the channel, a success ends any back-off that
// enter saw (p): a back-off tripped while this request was under way is newer than it and stays.
func (g *gate) outcome(ctx context.Context, channel string, p pass, err error, log *slog.Logger) {
	ctx = context.WithoutCancel(ctx)
	var (
		th *delivery.ThrottledError
		ha *delivery.HaltError
	)
	switch {
	case err == nil:
		if b := g.backoffs[channel]; b != nil && p.backoff {
			_ = b.Clear(ctx)
		}
	case errors.As(err, &th):
		if b := g.backoffs[channel]; b != nil {
			until, terr := b.Trip(ctx, th.RetryAfter)
			if terr == nil {
				log.Warn("channel is throttling: every worker backs off", slog.String("channel", channel),
					slog.Int("http_status", th.HTTPStatus), slog.Time("until", until))
			}
		}
	case errors.As(err, &ha):
		if set, _ := g.rdb.SetNX(ctx, haltKey(channel), "configuration refused", g.o.HaltFor).Result(); set {
			log.Error("channel HALTED: fix the channel's configuration (NgDP: system id, key, certificate). Letters wait and keep their retries; one tries again after the halt",
				slog.String("channel", channel), slog.Duration("halt", g.o.HaltFor), slog.String("error", ha.Error()))
		}
	}
}

// postponed turns an error that is the channel's state, not the letter's (throttling, a halt,
// the gate's own retryLater), into the retryLater the task returns: the letter keeps its
// retries. For any other error it returns nil.
func (g *gate) postponed(ctx context.Context, channel string, err error) *retryLater {
	var (
		th *delivery.ThrottledError
		ha *delivery.HaltError
		rl *retryLater
	)
	switch {
	case errors.As(err, &rl):
		return rl
	case errors.As(err, &th):
		wait := th.RetryAfter
		if b := g.backoffs[channel]; b != nil {
			if d, _ := b.Remaining(context.WithoutCancel(ctx)); d > wait {
				wait = d
			}
		}
		return &retryLater{wait: max(wait, 100*time.Millisecond), why: th.Error()}
	case errors.As(err, &ha):
		return &retryLater{wait: g.o.HaltFor, why: ha.Error()}
	}
	return nil
}
