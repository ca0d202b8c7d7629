//go:build unix

package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterNodes is how many redis-server processes Cluster starts: three masters, one replica each.
const clusterNodes = 6

// clusterSlots is the number of hash slots a Redis Cluster divides its keys into.
const clusterSlots = 16384

// RedisCluster is a Redis Cluster of three masters and three replicas on loopback ports, each
// node a redis-server process of its own, started by Cluster and killed when the test ends.
type RedisCluster struct {
	t      testing.TB
	nodes  []*redisProc
	killed map[string]clusterNode // masters KillMaster killed, by address, as they were
}

// Cluster starts a Redis Cluster of six redis-server processes (cluster-node-timeout 1000 ms, no
// persistence, each in a temporary folder and process group of its own), joins them with
// redis-cli --cluster create into three masters with one replica each, and returns once every
// node reports cluster_state:ok with all 16384 slots covered and every replica is in sync. The
// processes are killed when the test ends. Like Need, it fails (CI) or skips (elsewhere) the test
// when redis-server or redis-cli is missing.
func Cluster(t testing.TB) *RedisCluster {
	t.Helper()
	tools := Need(t, "redis-server", "redis-cli")
	server, cli := tools[0], tools[1]
	c := &RedisCluster{t: t, killed: map[string]clusterNode{}}
	for i := range clusterNodes {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("node-%d", i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		c.nodes = append(c.nodes, startRedis(t, fmt.Sprintf("cluster node %d", i), dir, 2, func(ports []int) []string {
			return append(dataNodeArgs(ports[0], dir),
				"--cluster-enabled", "yes",
				"--cluster-config-file", filepath.Join(dir, "nodes.conf"),
				"--cluster-port", strconv.Itoa(ports[1]),
				"--cluster-node-timeout", "1000",
				// A replica may take over however long ago it last heard from its master.
				"--cluster-replica-validity-factor", "0")
		}, server))
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	create := exec.CommandContext(ctx, cli, args...)
	create.WaitDelay = 5 * time.Second
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}

	poll(t, "the Redis Cluster to form (3 masters, 3 replicas in sync, all slots covered on every node)", time.Minute, func() (bool, string) {
		for _, n := range c.nodes {
			if ok, why := nodeReady(n.addr); !ok {
				return false, why
			}
		}
		return true, ""
	}, c.nodes...)
	return c
}

// Addrs returns the addresses of all six nodes, 127.0.0.1:port, killed ones included.
func (c *RedisCluster) Addrs() []string {
	addrs := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		addrs[i] = n.addr
	}
	return addrs
}

// URL returns the cluster as postbud takes it: redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...
func (c *RedisCluster) URL() string {
	return "redis-cluster://" + strings.Join(c.Addrs(), ",")
}

// Client returns a go-redis cluster client of all the nodes, closed when the test ends. It reloads
// the slot map every second: go-redis reloads it on MOVED, but not when a master stops answering,
// so with its default (every 60 s) a client keeps sending a dead master's slots to it for up to a
// minute after its replica took over.
func (c *RedisCluster) Client() *redis.ClusterClient {
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs(), ClusterStateReloadInterval: time.Second})
	c.t.Cleanup(func() { rdb.Close() })
	return rdb
}

// Masters returns the addresses of the masters serving slots now, as a live node sees the
// cluster, in the order of their first slot.
func (c *RedisCluster) Masters() []string {
	c.t.Helper()
	nodes, err := c.view()
	if err != nil {
		c.t.Fatalf("Masters: %v", err)
	}
	var masters []clusterNode
	for _, n := range nodes {
		if n.master() && !n.failed() && len(n.slots) > 0 {
			masters = append(masters, n)
		}
	}
	sort.Slice(masters, func(i, j int) bool { return masters[i].slots[0] < masters[j].slots[0] })
	addrs := make([]string, len(masters))
	for i, m := range masters {
		addrs[i] = m.addr
	}
	return addrs
}

// MasterOf returns the address of the master serving the slot of key now.
func (c *RedisCluster) MasterOf(t testing.TB, key string) string {
	t.Helper()
	var slot int64
	var errs []error
	for _, n := range c.nodes {
		if !n.alive() {
			continue
		}
		err := withClient(n.addr, func(ctx context.Context, rdb *redis.Client) (err error) {
			slot, err = rdb.ClusterKeySlot(ctx, key).Result()
			return err
		})
		if err == nil {
			errs = nil
			break
		}
		errs = append(errs, err)
	}
	if errs != nil {
		t.Fatalf("MasterOf %q: CLUSTER KEYSLOT: %v", key, errors.Join(errs...))
	}
	nodes, err := c.view()
	if err != nil {
		t.Fatalf("MasterOf %q: %v", key, err)
	}
	for _, n := range nodes {
		if n.master() && !n.failed() && coversSlots(n.slots, []int{int(slot), int(slot)}) {
			return n.addr
		}
	}
	t.Fatalf("MasterOf %q: no live master serves slot %d", key, slot)
	return ""
}

// KillMaster kills master addr with SIGKILL: no shutdown, no last words to its replica. It fails
// the test when addr is not a master serving slots.
func (c *RedisCluster) KillMaster(t testing.TB, addr string) {
	t.Helper()
	nodes, err := c.view()
	if err != nil {
		t.Fatalf("KillMaster %s: %v", addr, err)
	}
	var victim *clusterNode
	for i, n := range nodes {
		if n.addr == addr && n.master() && !n.failed() && len(n.slots) > 0 {
			victim = &nodes[i]
		}
	}
	if victim == nil {
		t.Fatalf("KillMaster: %s is not a master serving slots (masters %v)", addr, c.Masters())
	}
	c.killed[addr] = *victim
	c.proc(t, addr).kill(t)
}

// WaitFailover waits until the replica of master addr, which KillMaster killed, has been promoted:
// every live node sees it as a master holding all of the dead master's slots and reports
// cluster_state:ok, and it answers as a master itself. It returns the new master's address and
// fails the test after 30 seconds.
func (c *RedisCluster) WaitFailover(t testing.TB, addr string) string {
	t.Helper()
	old, ok := c.killed[addr]
	if !ok {
		t.Fatalf("WaitFailover: %s was not killed with KillMaster", addr)
	}
	var promoted string
	poll(t, "the replica of "+addr+" to take over its slots", 30*time.Second, func() (bool, string) {
		promoted = ""
		for _, n := range c.nodes {
			if !n.alive() {
				continue
			}
			info, err := clusterInfo(n.addr)
			if err != nil {
				return false, err.Error()
			}
			if info["cluster_state"] != "ok" || info["cluster_slots_ok"] != strconv.Itoa(clusterSlots) {
				return false, fmt.Sprintf("%s: cluster_state:%s cluster_slots_ok:%s", n.addr, info["cluster_state"], info["cluster_slots_ok"])
			}
			nodes, err := clusterNodesOf(n.addr)
			if err != nil {
				return false, err.Error()
			}
			heir := ""
			for _, m := range nodes {
				if m.master() && !m.failed() && m.id != old.id && coversSlots(m.slots, old.slots) {
					heir = m.addr
				}
			}
			if heir == "" || heir == addr {
				return false, fmt.Sprintf("%s does not yet see a live master holding the slots of %s", n.addr, addr)
			}
			if promoted != "" && promoted != heir {
				return false, fmt.Sprintf("nodes disagree on the new master: %s and %s", promoted, heir)
			}
			promoted = heir
		}
		if role, err := replicationRole(promoted); err != nil || role != "master" {
			return false, fmt.Sprintf("%s: role %q (%v)", promoted, role, err)
		}
		return true, ""
	}, c.nodes...)
	return promoted
}

// proc returns the node at addr.
func (c *RedisCluster) proc(t testing.TB, addr string) *redisProc {
	t.Helper()
	for _, n := range c.nodes {
		if n.addr == addr {
			return n
		}
	}
	t.Fatalf("no cluster node at %s (nodes %v)", addr, c.Addrs())
	return nil
}

// view returns CLUSTER NODES from the first live node that answers.
func (c *RedisCluster) view() ([]clusterNode, error) {
	var errs []error
	for _, n := range c.nodes {
		if !n.alive() {
			continue
		}
		nodes, err := clusterNodesOf(n.addr)
		if err == nil {
			return nodes, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no cluster node answers: %w", errors.Join(errs...))
}

// clusterNode is one line of CLUSTER NODES.
type clusterNode struct {
	id, addr, masterID string
	flags              []string
	slots              []int // first and last slot of each range, in pairs
}

func (n clusterNode) has(flag string) bool {
	for _, f := range n.flags {
		if f == flag {
			return true
		}
	}
	return false
}

func (n clusterNode) master() bool { return n.has("master") }
func (n clusterNode) failed() bool { return n.has("fail") || n.has("fail?") }

// coversSlots reports whether the ranges in have include every slot of the ranges in want.
func coversSlots(have, want []int) bool {
	for i := 0; i+1 < len(want); i += 2 {
		for s := want[i]; s <= want[i+1]; s++ {
			in := false
			for j := 0; j+1 < len(have); j += 2 {
				if have[j] <= s && s <= have[j+1] {
					in = true
					break
				}
			}
			if !in {
				return false
			}
		}
	}
	return len(want) > 0
}

// clusterNodesOf parses CLUSTER NODES as the node at addr sees it.
func clusterNodesOf(addr string) ([]clusterNode, error) {
	var text string
	err := withClient(addr, func(ctx context.Context, rdb *redis.Client) (err error) {
		text, err = rdb.ClusterNodes(ctx).Result()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: CLUSTER NODES: %w", addr, err)
	}
	var nodes []clusterNode
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.Fields(line)
		if len(f) < 8 {
			return nil, fmt.Errorf("%s: CLUSTER NODES: odd line %q", addr, line)
		}
		// <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <epoch> <link> <slot>...
		n := clusterNode{id: f[0], flags: strings.Split(f[2], ","), masterID: f[3]}
		n.addr, _, _ = strings.Cut(f[1], "@")
		for _, s := range f[8:] {
			if strings.HasPrefix(s, "[") { // a slot being imported or migrated
				continue
			}
			lo, hi, isRange := strings.Cut(s, "-")
			if !isRange {
				hi = lo
			}
			a, err1 := strconv.Atoi(lo)
			b, err2 := strconv.Atoi(hi)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("%s: CLUSTER NODES: odd slot range %q", addr, s)
			}
			n.slots = append(n.slots, a, b)
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// clusterInfo returns CLUSTER INFO of the node at addr as a map.
func clusterInfo(addr string) (map[string]string, error) {
	var text string
	err := withClient(addr, func(ctx context.Context, rdb *redis.Client) (err error) {
		text, err = rdb.ClusterInfo(ctx).Result()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: CLUSTER INFO: %w", addr, err)
	}
	return infoFields(text), nil
}

// nodeReady reports whether the node at addr sees a whole, healthy cluster of three masters with
// one replica each, and, when it is a replica, is in sync with its master; else why not.
func nodeReady(addr string) (bool, string) {
	info, err := clusterInfo(addr)
	if err != nil {
		return false, err.Error()
	}
	for k, want := range map[string]string{
		"cluster_state":          "ok",
		"cluster_slots_assigned": strconv.Itoa(clusterSlots),
		"cluster_slots_ok":       strconv.Itoa(clusterSlots),
		"cluster_known_nodes":    strconv.Itoa(clusterNodes),
		"cluster_size":           strconv.Itoa(clusterNodes / 2),
	} {
		if info[k] != want {
			return false, fmt.Sprintf("%s: %s:%s, want %s", addr, k, info[k], want)
		}
	}
	nodes, err := clusterNodesOf(addr)
	if err != nil {
		return false, err.Error()
	}
	replicas := map[string]int{}
	for _, n := range nodes {
		if n.failed() || n.has("handshake") || n.has("noaddr") {
			return false, fmt.Sprintf("%s sees %s as %v", addr, n.addr, n.flags)
		}
		if !n.master() {
			replicas[n.masterID]++
		}
	}
	for _, n := range nodes {
		if n.master() && replicas[n.id] != 1 {
			return false, fmt.Sprintf("%s sees master %s with %d replicas", addr, n.addr, replicas[n.id])
		}
	}
	var repl map[string]string
	if err := withClient(addr, func(ctx context.Context, rdb *redis.Client) error {
		text, err := rdb.Info(ctx, "replication").Result()
		repl = infoFields(text)
		return err
	}); err != nil {
		return false, fmt.Sprintf("%s: INFO replication: %v", addr, err)
	}
	if repl["role"] == "slave" && repl["master_link_status"] != "up" {
		return false, fmt.Sprintf("%s: replica link to its master is %s", addr, repl["master_link_status"])
	}
	return true, ""
}

// replicationRole returns the role (master, slave) the server at addr reports in INFO replication.
func replicationRole(addr string) (string, error) {
	var role string
	err := withClient(addr, func(ctx context.Context, rdb *redis.Client) error {
		text, err := rdb.Info(ctx, "replication").Result()
		role = infoFields(text)["role"]
		return err
	})
	return role, err
}

// infoFields parses the key:value lines of INFO and CLUSTER INFO.
func infoFields(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && !strings.HasPrefix(k, "#") {
			m[k] = v
		}
	}
	return m
}

// withClient runs fn with a one-connection client of the server at addr, bounded to 3 seconds.
func withClient(addr string, fn func(context.Context, *redis.Client) error) error {
	rdb := redis.NewClient(&redis.Options{
		Addr: addr, PoolSize: 1, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: time.Second,
	})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return fn(ctx, rdb)
}

// poll calls cond every 50 ms until it holds, failing the test after limit with the last reason
// cond gave and the tails of the logs of procs.
func poll(t testing.TB, what string, limit time.Duration, cond func() (ok bool, why string), procs ...*redisProc) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var logs strings.Builder
			for _, p := range procs {
				out, _ := os.ReadFile(p.log)
				fmt.Fprintf(&logs, "\n--- %s (%s) log:\n%s", p.name, p.addr, tail(out))
			}
			t.Fatalf("gave up waiting after %s for %s: %s%s", limit, what, why, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// redisProc is one redis-server (or redis-sentinel) process in a process group of its own.
type redisProc struct {
	name, addr, dir, log string
	cmd                  *exec.Cmd
	exited               chan struct{} // closed once the process has been waited for
}

// alive reports whether the process is still running.
func (p *redisProc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL to the process group and waits (10 s at most) until the process is gone.
func (p *redisProc) kill(t testing.TB) {
	t.Helper()
	if err := killGroup(p.cmd.Process.Pid); err != nil {
		t.Fatalf("kill %s (pid %d): %v", p.name, p.cmd.Process.Pid, err)
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s (pid %d) still running 10 s after SIGKILL", p.name, p.cmd.Process.Pid)
	}
}

// dataNodeArgs are the redis-server flags every node holding data gets: loopback only, no
// persistence, its own folder.
func dataNodeArgs(port int, dir string) []string {
	return []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""}
}

// startRedis starts bin with the arguments args makes for nPorts free loopback ports (the first is
// where it serves) in its own process group, output to dir/redis.log, and waits until it answers
// PING. Another process can take a port between the check and the bind; then it tries again with
// new ports, five times at most. The process is killed when the test ends.
func startRedis(t testing.TB, name, dir string, nPorts int, args func(ports []int) []string, bin string, binArgs ...string) *redisProc {
	t.Helper()
	const tries = 5
	for try := 1; ; try++ {
		ports := freePorts(t, nPorts)
		logPath := filepath.Join(dir, "redis.log")
		log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, append(append([]string(nil), binArgs...), args(ports)...)...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = log, log
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			log.Close()
			t.Fatalf("start %s: %v", name, err)
		}
		log.Close() // the child holds its own copy
		p := &redisProc{name: name, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0])), dir: dir, log: logPath, cmd: cmd, exited: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(p.exited) }()
		t.Cleanup(func() {
			_ = killGroup(cmd.Process.Pid)
			select {
			case <-p.exited:
			case <-time.After(10 * time.Second):
				t.Errorf("%s (pid %d) still running 10 s after SIGKILL", name, cmd.Process.Pid)
			}
		})

		deadline := time.Now().Add(10 * time.Second)
		for {
			// Knock before asking: go-redis logs every refused dial.
			var err error
			if conn, derr := net.DialTimeout("tcp", p.addr, time.Second); derr != nil {
				err = derr
			} else {
				conn.Close()
				err = withClient(p.addr, func(ctx context.Context, rdb *redis.Client) error { return rdb.Ping(ctx).Err() })
			}
			if err == nil {
				return p
			}
			if !p.alive() {
				out, _ := os.ReadFile(logPath)
				if bytes.Contains(out, []byte("Address already in use")) && try < tries {
					break // the port went to someone else: try others
				}
				t.Fatalf("%s exited before answering on %s (%v):\n%s", name, p.addr, p.cmd.ProcessState, tail(out))
			}
			if time.Now().After(deadline) {
				out, _ := os.ReadFile(logPath)
				t.Fatalf("%s does not answer on %s after 10 s: %v\n%s", name, p.addr, err, tail(out))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// freePorts returns n distinct loopback TCP ports that were free a moment ago.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		defer l.Close() // held until all n are picked, so none is picked twice
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// tail returns the last 4 KiB of a log.
func tail(b []byte) []byte {
	const n = 4 << 10
	if len(b) > n {
		return append([]byte("...\n"), b[len(b)-n:]...)
	}
	return b
}
