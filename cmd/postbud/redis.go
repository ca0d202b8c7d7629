package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// redisOpt turns a Redis URL into asynq's connection options: redis://, rediss:// (TLS),
// redis-socket://, redis-sentinel:// (asynq's own parser) and redis-cluster://host:port,host:port.
func redisOpt(url string) (asynq.RedisConnOpt, error) {
	if rest, ok := strings.CutPrefix(url, "redis-cluster://"); ok {
		var addrs []string
		for _, a := range strings.Split(rest, ",") {
			if a = strings.TrimSpace(a); a != "" {
				addrs = append(addrs, a)
			}
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("redis URL %q: redis-cluster:// needs host:port[,host:port...]", redactURL(url))
		}
		return clusterOpt{asynq.RedisClusterClientOpt{Addrs: addrs}}, nil
	}
	opt, err := asynq.ParseRedisURI(url)
	if err != nil {
		// asynq's message quotes the whole URL, password included.
		msg := strings.ReplaceAll(err.Error(), url, redactURL(url))
		return nil, fmt.Errorf("redis URL %q: %s", redactURL(url), msg)
	}
	return opt, nil
}

// clusterOpt is asynq's cluster options with a client that reloads the slot map every
// clusterReload. go-redis reloads it on MOVED answers and, by default, once a minute, but not
// when a master stops answering: after a failover, commands for the dead master's slots then
// fail for up to a minute while its replica already serves them. Asynq exposes no setting for
// it, hence this type.
type clusterOpt struct{ asynq.RedisClusterClientOpt }

// clusterReload is how often a cluster client refreshes its slot map.
const clusterReload = 2 * time.Second

// MakeRedisClient implements asynq.RedisConnOpt.
func (o clusterOpt) MakeRedisClient() interface{} {
	return redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:                      o.Addrs,
		MaxRedirects:               o.MaxRedirects,
		Username:                   o.Username,
		Password:                   o.Password,
		DialTimeout:                o.DialTimeout,
		ReadTimeout:                o.ReadTimeout,
		WriteTimeout:               o.WriteTimeout,
		TLSConfig:                  o.TLSConfig,
		ClusterStateReloadInterval: clusterReload,
	})
}

// redactURL hides a password in a Redis URL for messages.
func redactURL(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		return scheme + "://***@" + rest[at+1:]
	}
	return url
}

// embeddedRedis starts an in-process Redis-compatible server (miniredis) on a free loopback port.
// miniredis expires keys only when told time has passed, so a ticker moves its clock along with
// the real one: TTLs, Asynq's unique locks, leases and heartbeats then expire as on real Redis.
// stop shuts both down.
func embeddedRedis(ctx context.Context, notice io.Writer) (opt asynq.RedisConnOpt, stop func(), err error) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		return nil, nil, fmt.Errorf("start embedded Redis: %w", err)
	}
	fmt.Fprintf(notice, "postbud: embedded queue at %s keeps nothing across restarts and serves this process only; use --redis or POSTBUD_REDIS_URL to share a real Redis between processes\n", m.Addr())
	tctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		const step = 100 * time.Millisecond
		t := time.NewTicker(step)
		defer t.Stop()
		for {
			select {
			case <-tctx.Done():
				return
			case <-t.C:
				m.FastForward(step)
			}
		}
	}()
	return asynq.RedisClientOpt{Addr: m.Addr()}, func() { cancel(); <-done; m.Close() }, nil
}
