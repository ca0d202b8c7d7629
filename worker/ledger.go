package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
)

// The delivery ledger makes a second successful hand-off of a letter impossible, across every
// worker process. Per letter it keeps two keys in one Redis Cluster slot (hash tag {id}):
//
//	postbud:ledger:{id}        the receipt of the first successful hand-off, kept for Retention
//	postbud:ledger:{id}:lease  the token of the worker handing the letter over right now
//
// A worker claims the lease before it sends and commits the receipt after; both are Lua scripts,
// so claim, commit and release are atomic. While a receipt exists nobody sends; while a lease is
// held nobody else sends. A worker that dies holding a lease blocks the letter for the lease's
// life (the channel timeout plus 5 seconds); the retry then sends the same bytes with the same
// messageUUID, which Digital Post deduplicates.
func ledgerKey(id string) string      { return "postbud:ledger:{" + id + "}" }
func ledgerLeaseKey(id string) string { return "postbud:ledger:{" + id + "}:lease" }

// claimScript: KEYS receipt, lease; ARGV token, lease ms. Returns {"done", receipt}, {"ok"} or
// {"busy", pttl}.
var claimScript = redis.NewScript(`
local r = redis.call('GET', KEYS[1])
if r then return {'done', r} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'ok'} end
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return {'ok'}
end
return {'busy', tostring(redis.call('PTTL', KEYS[2]))}
`)

// commitScript: KEYS receipt, lease; ARGV token, receipt JSON, ttl ms. Stores the receipt unless
// one is there, releases the lease if it is ours, and returns the receipt that stands.
var commitScript = redis.NewScript(`
local r = redis.call('GET', KEYS[1])
if not r then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  r = ARGV[2]
end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return r
`)

// releaseScript: KEYS lease; ARGV token. Deletes the lease if it is ours.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// stealScript: KEYS lease; ARGV the holder's token, our token, lease ms. Takes the lease over
// from a holder known to be dead, if it still holds it.
var stealScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`)

// ledger is the delivery ledger.
type ledger struct {
	rdb       redis.UniversalClient
	retention time.Duration
	// instance names this worker process in lease tokens, so that the lease of a worker whose
	// heartbeat has stopped can be taken over at once instead of waiting for it to expire.
	instance string
}

// errBusy says another worker holds the letter's lease; retry after the wait.
type errBusy struct{ wait time.Duration }

func (e *errBusy) Error() string {
	return fmt.Sprintf("another worker is handing this letter over; trying again in %s", e.wait.Round(time.Millisecond))
}

// claim takes the lease of letter id for d. It returns the stored receipt when the letter was
// handed over before (then there is no lease), a token to commit or release with, or *errBusy.
func (g *ledger) claim(ctx context.Context, id string, d time.Duration) (*delivery.Receipt, string, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	token := g.instance + "/" + hex.EncodeToString(b[:])
	res, err := claimScript.Run(ctx, g.rdb, []string{ledgerKey(id), ledgerLeaseKey(id)}, token, d.Milliseconds()).StringSlice()
	if err != nil {
		return nil, "", fmt.Errorf("delivery ledger: claim letter %s: %w", id, err)
	}
	switch res[0] {
	case "done":
		var r delivery.Receipt
		if err := json.Unmarshal([]byte(res[1]), &r); err != nil {
			return nil, "", fmt.Errorf("delivery ledger: letter %s: stored receipt: %w", id, err)
		}
		return &r, "", nil
	case "ok":
		return nil, token, nil
	}
	// A lease held by a worker whose heartbeat has stopped is taken over: that worker died
	// sending (or before), and the retry resends the same bytes under the same messageUUID.
	if holder, err := g.rdb.Get(ctx, ledgerLeaseKey(id)).Result(); err == nil {
		if inst, _, ok := strings.Cut(holder, "/"); ok && inst != "" && !alive(ctx, g.rdb, inst) {
			if n, err := stealScript.Run(ctx, g.rdb, []string{ledgerLeaseKey(id)}, holder, token, d.Milliseconds()).Int(); err == nil && n == 1 {
				return nil, token, nil
			}
		}
	}
	var ms int64
	fmt.Sscan(res[1], &ms)
	return nil, "", &errBusy{wait: max(time.Duration(ms)*time.Millisecond, 100*time.Millisecond)}
}

// commit records r as the letter's hand-off and returns the receipt that stands: r, or the one
// an earlier hand-off stored (which can only happen when a lease expired while its holder was
// still sending).
func (g *ledger) commit(ctx context.Context, id, token string, r *delivery.Receipt) (*delivery.Receipt, error) {
	js, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("delivery ledger: letter %s: %w", id, err)
	}
	ctx = context.WithoutCancel(ctx)
	var out string
	for attempt := 0; ; attempt++ {
		out, err = commitScript.Run(ctx, g.rdb, []string{ledgerKey(id), ledgerLeaseKey(id)}, token, js, g.retention.Milliseconds()).Text()
		if err == nil || attempt == 4 {
			break
		}
		// The hand-off happened: losing its record would let a retry send again (harmless for
		// NgDP, which deduplicates, but a second webhook call), so try hard.
		time.Sleep(time.Duration(100<<attempt) * time.Millisecond)
	}
	if err != nil {
		return nil, fmt.Errorf("delivery ledger: record hand-off of letter %s: %w", id, err)
	}
	var stood delivery.Receipt
	if err := json.Unmarshal([]byte(out), &stood); err != nil {
		return nil, fmt.Errorf("delivery ledger: letter %s: stored receipt: %w", id, err)
	}
	return &stood, nil
}

// release gives the lease up after a failed hand-off, so a retry need not wait for it.
func (g *ledger) release(ctx context.Context, id, token string) {
	if token == "" {
		return
	}
	_ = releaseScript.Run(context.WithoutCancel(ctx), g.rdb, []string{ledgerLeaseKey(id)}, token).Err()
}

// receipt returns the stored receipt of letter id, or nil.
func (g *ledger) receipt(ctx context.Context, id string) (*delivery.Receipt, error) {
	s, err := g.rdb.Get(ctx, ledgerKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("delivery ledger: read letter %s: %w", id, err)
	}
	var r delivery.Receipt
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return nil, fmt.Errorf("delivery ledger: letter %s: stored receipt: %w", id, err)
	}
	return &r, nil
}
