// Package throttle paces requests to an outside service (Danish Digital Post) across every worker
// process that shares a Redis: a Limiter caps the request rate of the whole pool, and a Backoff
// makes one 429 or 503 answer slow down the whole pool instead of every letter burning its own
// retries.
//
// Both keep their state in Redis, one key each (so they work on a single server, Sentinel and
// Cluster alike, with no hash tags needed), read the time from the Redis server rather than from the
// workers' clocks, and let their keys expire when idle.
//
// The Limiter is the GCRA of github.com/go-redis/redis_rate (v10, for go-redis v9), used as it is:
// it is maintained, works with any redis.UniversalClient, keeps one key per limit and takes the time
// from Redis in its Lua script. This package only chooses the limit (one grant per 1.2/Rate s, no
// burst, a tolerance of at most 10 ms for late waiters) that turns "at most Rate per second at the
// far end" into a stated guarantee, and adds Wait. The Backoff is written here, a short Lua script
// of its own, because no library offers a back-off level shared through Redis whose concurrent
// trips during one outage raise it only once.
package throttle
