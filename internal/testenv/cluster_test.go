//go:build unix

package testenv

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestCluster writes keys across every master of a real Redis Cluster, kills one master, and
// checks that its replica takes over with the data and that the same client writes again.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis Cluster")
	}
	start := time.Now()
	c := Cluster(t)
	t.Logf("cluster up in %s: %s", time.Since(start).Round(time.Millisecond), c.URL())
	ctx := context.Background()
	rdb := c.Client()

	masters := c.Masters()
	if len(masters) != 3 {
		t.Fatalf("masters %v, want 3", masters)
	}
	const n = 300
	var mu sync.Mutex
	bySlotOwner := map[string]int{}
	for i := range n {
		key := fmt.Sprintf("smoke:%d", i)
		if err := rdb.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
	}
	err := rdb.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		n, err := m.DBSize(ctx).Result()
		mu.Lock()
		defer mu.Unlock()
		bySlotOwner[m.Options().Addr] = int(n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bySlotOwner) != 3 {
		t.Fatalf("keys per master %v, want keys on all 3", bySlotOwner)
	}
	for addr, k := range bySlotOwner {
		if k == 0 {
			t.Fatalf("keys per master %v: master %s holds none", bySlotOwner, addr)
		}
	}
	checkKeys(t, rdb, "smoke", n)

	victim := masters[1]
	waitReplicated(t, victim)
	start = time.Now()
	c.KillMaster(t, victim)
	heir := c.WaitFailover(t, victim)
	t.Logf("killed master %s; replica %s took over in %s", victim, heir, time.Since(start).Round(time.Millisecond))
	after := c.Masters()
	if len(after) != 3 || slices.Contains(after, victim) || !slices.Contains(after, heir) {
		t.Errorf("masters after failover %v, want 3 with %s in place of %s", after, heir, victim)
	}

	// The client (slot map reloaded every second) finds the new master; nothing that was
	// replicated before the kill is lost.
	poll(t, "the cluster client to write to the new master", 15*time.Second, func() (bool, string) {
		if err := rdb.Set(ctx, "after:probe", 1, 0).Err(); err != nil {
			return false, err.Error()
		}
		return true, ""
	})
	checkKeys(t, rdb, "smoke", n)
	for i := range n {
		key := fmt.Sprintf("after:%d", i)
		if err := rdb.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatalf("SET %s after the failover: %v", key, err)
		}
	}
	checkKeys(t, rdb, "after", n)
}

// TestSentinel writes through a Sentinel failover client, kills the master, and checks that the
// sentinels promote the replica, with the data, and that the same client writes again.
func TestSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Redis with three sentinels")
	}
	start := time.Now()
	s := Sentinel(t)
	t.Logf("sentinel group up in %s: %s", time.Since(start).Round(time.Millisecond), s.URL())
	ctx := context.Background()
	rdb := s.Client()

	old := s.MasterAddr(t)
	const n = 300
	for i := range n {
		key := fmt.Sprintf("smoke:%d", i)
		if err := rdb.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
	}
	checkKeys(t, rdb, "smoke", n)
	waitReplicated(t, old)

	start = time.Now()
	if got := s.KillMaster(t); got != old {
		t.Fatalf("KillMaster killed %s, want the master %s", got, old)
	}
	heir := s.WaitFailover(t, old)
	t.Logf("killed master %s; sentinels promoted %s in %s", old, heir, time.Since(start).Round(time.Millisecond))
	if got := s.MasterAddr(t); got != heir {
		t.Errorf("MasterAddr after failover = %s, want %s", got, heir)
	}

	// The failover client learns of the switch from the sentinels; a command already on its way
	// to the dead master may fail, the client must not keep failing.
	failed := 0
	poll(t, "the failover client to write to the new master", 15*time.Second, func() (bool, string) {
		err := rdb.Set(ctx, "after:probe", 1, 0).Err()
		if err != nil {
			failed++
			return false, err.Error()
		}
		return true, ""
	})
	t.Logf("first write after the failover succeeded after %d failed attempts", failed)
	checkKeys(t, rdb, "smoke", n)
	for i := range n {
		key := fmt.Sprintf("after:%d", i)
		if err := rdb.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatalf("SET %s after the failover: %v", key, err)
		}
	}
	checkKeys(t, rdb, "after", n)
}

// checkKeys reads prefix:0 ... prefix:n-1 and fails the test unless each holds its number.
func checkKeys(t *testing.T, rdb redis.Cmdable, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	var missing []string
	for i := range n {
		key := fmt.Sprintf("%s:%d", prefix, i)
		v, err := rdb.Get(ctx, key).Result()
		switch {
		case errors.Is(err, redis.Nil):
			missing = append(missing, key)
		case err != nil:
			t.Fatalf("GET %s: %v", key, err)
		case v != strconv.Itoa(i):
			t.Fatalf("GET %s = %q, want %d", key, v, i)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d keys missing: %s", len(missing), n, strings.Join(missing, " "))
	}
}

// waitReplicated waits until every replica of the master at addr has acknowledged the master's
// whole replication stream, so that killing the master loses nothing (replication is
// asynchronous: a master killed sooner takes its last writes with it).
func waitReplicated(t *testing.T, addr string) {
	t.Helper()
	poll(t, "the replicas of "+addr+" to catch up", 10*time.Second, func() (bool, string) {
		var info map[string]string
		if err := withClient(addr, func(ctx context.Context, rdb *redis.Client) error {
			text, err := rdb.Info(ctx, "replication").Result()
			info = infoFields(text)
			return err
		}); err != nil {
			return false, err.Error()
		}
		if info["connected_slaves"] == "0" || info["connected_slaves"] == "" {
			return false, addr + " has no replica connected"
		}
		want := "offset=" + info["master_repl_offset"] + ","
		for k, v := range info {
			if strings.HasPrefix(k, "slave") && strings.Contains(v, "ip=") && !strings.Contains(v+",", want) {
				return false, fmt.Sprintf("%s: %s, master at offset %s", addr, v, info["master_repl_offset"])
			}
		}
		return true, ""
	})
}
