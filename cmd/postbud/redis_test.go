package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

func TestRedisOpt(t *testing.T) {
	tests := []struct {
		url  string
		want string // %T and the fields that matter
	}{
		{"redis://127.0.0.1:6379/3", "asynq.RedisClientOpt 127.0.0.1:6379 db=3 tls=false"},
		{"rediss://:pw@redis.example:6380/0", "asynq.RedisClientOpt redis.example:6380 db=0 tls=true"},
		{"redis-sentinel://s1:26379,s2:26379?master=postbud", "asynq.RedisFailoverClientOpt postbud [s1:26379 s2:26379]"},
		{"redis-cluster://c1:7000, c2:7001", "main.clusterOpt [c1:7000 c2:7001]"},
	}
	for _, tc := range tests {
		opt, err := redisOpt(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		var got string
		switch o := opt.(type) {
		case asynq.RedisClientOpt:
			got = fmt.Sprintf("%T %s db=%d tls=%v", o, o.Addr, o.DB, o.TLSConfig != nil)
		case asynq.RedisFailoverClientOpt:
			got = fmt.Sprintf("%T %s %v", o, o.MasterName, o.SentinelAddrs)
		case clusterOpt:
			got = fmt.Sprintf("%T %v", o, o.Addrs)
			c, ok := o.MakeRedisClient().(*redis.ClusterClient)
			if !ok || c.Options().ClusterStateReloadInterval != clusterReload {
				t.Errorf("%s: the cluster client does not reload its slot map every %s", tc.url, clusterReload)
			}
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.url, got, tc.want)
		}
	}
	for _, bad := range []string{"http://x", "redis-cluster://", "redis://:hunter2@[bad"} {
		_, err := redisOpt(bad)
		if err == nil {
			t.Errorf("%s: accepted", bad)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", bad, err)
		}
	}
}
