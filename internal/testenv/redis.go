package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Redis returns connection options for a Redis that no other test uses at the same time. With
// REDIS_ADDR set (.ci/run sets it), it claims an empty database (1-15) of that server for the test
// and flushes it afterwards; tests of several packages then run side by side on one server.
// Without REDIS_ADDR it starts a miniredis on a loopback port, with a ticker calling FastForward
// so that TTLs and Asynq's leases expire; other processes can connect to it too.
func Redis(t testing.TB) asynq.RedisClientOpt {
	t.Helper()
	if addr := os.Getenv("REDIS_ADDR"); addr != "" {
		ctx := context.Background()
		for db := 1; db < 16; db++ {
			rdb := redis.NewClient(&redis.Options{Addr: addr, DB: db})
			n, err := rdb.DBSize(ctx).Result()
			if err != nil {
				rdb.Close()
				t.Fatalf("redis at REDIS_ADDR=%s: %v", addr, err)
			}
			if n != 0 {
				rdb.Close()
				continue
			}
			// Two tests may find the same database empty; only one wins the claim.
			ok, err := rdb.SetNX(ctx, "postbud:test:claim", t.Name(), time.Hour).Result()
			if err != nil || !ok {
				rdb.Close()
				continue
			}
			t.Cleanup(func() {
				// Everything in the database is this test's: it was empty when claimed.
				rdb.FlushDB(context.Background())
				rdb.Close()
			})
			return asynq.RedisClientOpt{Addr: addr, DB: db}
		}
		t.Fatalf("redis at REDIS_ADDR=%s: no empty database among 1-15 to claim", addr)
	}
	m := miniredis.RunT(t)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				m.FastForward(100 * time.Millisecond)
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return asynq.RedisClientOpt{Addr: m.Addr()}
}
