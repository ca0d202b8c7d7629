//go:build unix

package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the sentinels of Sentinel monitor their master by.
const SentinelMaster = "postbud"

// RedisSentinel is a Redis master, one replica and three sentinels watching them, on loopback
// ports, each a process of its own, started by Sentinel and killed when the test ends.
type RedisSentinel struct {
	t         testing.TB
	data      []*redisProc // the first master and its replica
	sentinels []*redisProc
}

// Sentinel starts a redis-server master, a replica of it (--replicaof) and three redis-sentinel
// processes monitoring the master as SentinelMaster ("postbud") with quorum 2,
// down-after-milliseconds 1000 and failover-timeout 5000; none persists anything, each runs in a
// temporary folder and process group of its own. It returns once every sentinel names the master,
// sees the replica in sync and the two other sentinels, and can reach the majority a failover
// needs. The processes are killed when the test ends. Like Need, it fails (CI) or skips
// (elsewhere) the test when redis-server or redis-sentinel is missing.
func Sentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	tools := Need(t, "redis-server", "redis-sentinel")
	server, sentinel := tools[0], tools[1]
	s := &RedisSentinel{t: t}

	dir := filepath.Join(t.TempDir(), "master")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	master := startRedis(t, "redis master", dir, 1, func(ports []int) []string { return dataNodeArgs(ports[0], dir) }, server)
	masterHost, masterPort, _ := net.SplitHostPort(master.addr)
	dir = filepath.Join(t.TempDir(), "replica")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	replica := startRedis(t, "redis replica", dir, 1, func(ports []int) []string {
		return append(dataNodeArgs(ports[0], dir), "--replicaof", masterHost, masterPort)
	}, server)
	s.data = []*redisProc{master, replica}

	for i := range 3 {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("sentinel-%d", i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		conf := filepath.Join(dir, "sentinel.conf") // sentinels rewrite their configuration: it must be theirs
		s.sentinels = append(s.sentinels, startRedis(t, fmt.Sprintf("sentinel %d", i), dir, 1, func(ports []int) []string {
			text := fmt.Sprintf(`port %d
bind 127.0.0.1
daemonize no
logfile ""
dir %q
sentinel monitor %s %s %s 2
sentinel down-after-milliseconds %[3]s 1000
sentinel failover-timeout %[3]s 5000
sentinel parallel-syncs %[3]s 1
`, ports[0], dir, SentinelMaster, masterHost, masterPort)
			if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{conf}
		}, sentinel))
	}

	poll(t, "the sentinels to agree on the master and see its replica and each other", time.Minute, func() (bool, string) {
		if ok, why := replicaInSync(replica.addr, master.addr); !ok {
			return false, why
		}
		for _, sp := range s.sentinels {
			if ok, why := sentinelReady(sp.addr, master.addr, replica.addr, len(s.sentinels)-1); !ok {
				return false, why
			}
		}
		return true, ""
	}, append(s.data[:len(s.data):len(s.data)], s.sentinels...)...)
	return s
}

// URL returns the sentinels as postbud takes them:
// redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3?master=postbud
func (s *RedisSentinel) URL() string {
	return "redis-sentinel://" + strings.Join(s.SentinelAddrs(), ",") + "?master=" + SentinelMaster
}

// SentinelAddrs returns the addresses of the three sentinels.
func (s *RedisSentinel) SentinelAddrs() []string {
	addrs := make([]string, len(s.sentinels))
	for i, p := range s.sentinels {
		addrs[i] = p.addr
	}
	return addrs
}

// Client returns a go-redis failover client, which asks the sentinels for the master and follows
// a failover; it is closed when the test ends.
func (s *RedisSentinel) Client() *redis.Client {
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: s.SentinelAddrs()})
	s.t.Cleanup(func() { rdb.Close() })
	return rdb
}

// MasterAddr returns the master's address as the first sentinel that answers names it.
func (s *RedisSentinel) MasterAddr(t testing.TB) string {
	t.Helper()
	var errs []string
	for _, sp := range s.sentinels {
		addr, err := sentinelMaster(sp.addr)
		if err == nil {
			return addr
		}
		errs = append(errs, err.Error())
	}
	t.Fatalf("MasterAddr: no sentinel answers: %s", strings.Join(errs, "; "))
	return ""
}

// KillMaster kills the current master with SIGKILL (no shutdown, nothing more sent to the replica)
// and returns its address.
func (s *RedisSentinel) KillMaster(t testing.TB) string {
	t.Helper()
	addr := s.MasterAddr(t)
	for _, p := range s.data {
		if p.addr == addr {
			p.kill(t)
			return addr
		}
	}
	t.Fatalf("KillMaster: the sentinels name %s as master, which this environment did not start", addr)
	return ""
}

// WaitFailover waits until every sentinel names a master other than old and that server answers
// as a master, and returns its address. It fails the test, with the processes' logs, after 60
// seconds: a failover takes 2-3 s, but a sentinel starved of CPU for 2 s enters TILT mode and does
// nothing for 30 s.
func (s *RedisSentinel) WaitFailover(t testing.TB, old string) string {
	t.Helper()
	var promoted string
	poll(t, "the sentinels to promote a new master in place of "+old, time.Minute, func() (bool, string) {
		promoted = ""
		for _, sp := range s.sentinels {
			addr, err := sentinelMaster(sp.addr)
			if err != nil {
				return false, err.Error()
			}
			if addr == old {
				return false, fmt.Sprintf("sentinel %s still names %s", sp.addr, old)
			}
			if promoted != "" && addr != promoted {
				return false, fmt.Sprintf("sentinels disagree: %s and %s", promoted, addr)
			}
			promoted = addr
		}
		if role, err := replicationRole(promoted); err != nil || role != "master" {
			return false, fmt.Sprintf("%s: role %q (%v)", promoted, role, err)
		}
		return true, ""
	}, append(s.data[:len(s.data):len(s.data)], s.sentinels...)...)
	return promoted
}

// sentinelMaster asks the sentinel at addr for the master's address.
func sentinelMaster(addr string) (string, error) {
	sc := redis.NewSentinelClient(&redis.Options{Addr: addr, PoolSize: 1, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: time.Second})
	defer sc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	hp, err := sc.GetMasterAddrByName(ctx, SentinelMaster).Result()
	if err != nil {
		return "", fmt.Errorf("sentinel %s: SENTINEL GET-MASTER-ADDR-BY-NAME: %w", addr, err)
	}
	if len(hp) != 2 {
		return "", fmt.Errorf("sentinel %s: SENTINEL GET-MASTER-ADDR-BY-NAME: got %q", addr, hp)
	}
	return net.JoinHostPort(hp[0], hp[1]), nil
}

// sentinelReady reports whether the sentinel at addr sees master as a healthy master, replica as
// its replica in sync, the other sentinels, and a quorum; else why not.
func sentinelReady(addr, master, replica string, others int) (bool, string) {
	got, err := sentinelMaster(addr)
	if err != nil {
		return false, err.Error()
	}
	if got != master {
		return false, fmt.Sprintf("sentinel %s names %s as master, want %s", addr, got, master)
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: addr, PoolSize: 1, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: time.Second})
	defer sc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	m, err := sc.Master(ctx, SentinelMaster).Result()
	if err != nil {
		return false, fmt.Sprintf("sentinel %s: SENTINEL MASTER: %v", addr, err)
	}
	if m["flags"] != "master" || m["num-slaves"] != "1" || m["num-other-sentinels"] != strconv.Itoa(others) {
		return false, fmt.Sprintf("sentinel %s: master flags %q, %s replicas, %s other sentinels", addr, m["flags"], m["num-slaves"], m["num-other-sentinels"])
	}
	replicas, err := sc.Replicas(ctx, SentinelMaster).Result()
	if err != nil {
		return false, fmt.Sprintf("sentinel %s: SENTINEL REPLICAS: %v", addr, err)
	}
	found := false
	for _, r := range replicas {
		if r["name"] == replica {
			found = r["flags"] == "slave" && r["master-link-status"] == "ok"
			if !found {
				return false, fmt.Sprintf("sentinel %s: replica %s flags %q link %q", addr, replica, r["flags"], r["master-link-status"])
			}
		}
	}
	if !found {
		return false, fmt.Sprintf("sentinel %s does not see replica %s yet", addr, replica)
	}
	if err := sc.CkQuorum(ctx, SentinelMaster).Err(); err != nil {
		return false, fmt.Sprintf("sentinel %s: SENTINEL CKQUORUM: %v", addr, err)
	}
	return true, ""
}

// replicaInSync reports whether the server at addr is a replica of master with its link up.
func replicaInSync(addr, master string) (bool, string) {
	var repl map[string]string
	if err := withClient(addr, func(ctx context.Context, rdb *redis.Client) error {
		text, err := rdb.Info(ctx, "replication").Result()
		repl = infoFields(text)
		return err
	}); err != nil {
		return false, fmt.Sprintf("%s: INFO replication: %v", addr, err)
	}
	at := net.JoinHostPort(repl["master_host"], repl["master_port"])
	if repl["role"] != "slave" || at != master || repl["master_link_status"] != "up" {
		return false, fmt.Sprintf("%s: role %s of %s, link %s", addr, repl["role"], at, repl["master_link_status"])
	}
	return true, ""
}
