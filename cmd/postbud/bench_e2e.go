package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/worker"
)

// benchE2E measures the whole pipeline in one process: n letters submitted as one batch through
// the Go client, queued in Redis, rendered as PDF and DOCX by a worker pool of conc, stored and
// delivered to an outbox in a temporary folder (removed afterwards). The clock runs from the
// first line submitted to the last letter delivered. dataPath is one letter's case data (a JSON
// file, submitted n times) or NDJSON records: line i of the batch is record i%len(records), as
// in the render-only bench.
func benchE2E(ctx context.Context, bundleDir, dataPath string, n, conc int, redisURL string, stdout, stderr io.Writer) int {
	recs, multi, err := readBenchData(dataPath)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: read case data: %v\n", err)
		return 1
	}
	if len(recs) == 0 {
		fmt.Fprintf(stderr, "postbud bench: %s: no case data (every line is empty)\n", dataPath)
		return 1
	}
	for _, r := range recs {
		var probe any
		if err := json.Unmarshal(r.data, &probe); err != nil {
			fmt.Fprintf(stderr, "postbud bench: %s: %v\n", r.where(dataPath), err)
			return 1
		}
	}
	tmp, err := os.MkdirTemp("", "postbud-bench-")
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	args := []string{"--data", tmp, "--templates", filepath.Dir(filepath.Dir(filepath.Clean(bundleDir)))}
	// The bench's letter records expire after an hour rather than the 30-day retention, so a run
	// against a shared Redis does not leave thousands of records behind.
	env := func(k string) string {
		if k == "POSTBUD_RETENTION" {
			return "1h"
		}
		return ""
	}
	if redisURL != "" {
		args = append(args, "--redis", redisURL)
		// Client and workers share this process, so a fresh random key serves the whole run.
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			fmt.Fprintf(stderr, "postbud bench: %v\n", err)
			return 1
		}
		key := base64.StdEncoding.EncodeToString(raw)
		noKey := env
		env = func(k string) string {
			if k == "POSTBUD_KEY" {
				return key
			}
			return noKey(k)
		}
	}
	cfs := flag.NewFlagSet("bench-config", flag.ContinueOnError)
	load := config.Flags(cfs, env)
	if err := cfs.Parse(args); err != nil {
		return 2
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: %v\n", err)
		return 2
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: %v\n", err)
		return 1
	}
	defer a.Close()
	stopWorker, err := a.startWorker(ctx, conc, 30*time.Second)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: %v\n", err)
		return 1
	}
	defer stopWorker()

	name := filepath.Base(filepath.Clean(bundleDir))
	tenant := a.tenants[0].Name
	pr, pw := io.Pipe()
	lines := make([][]byte, len(recs))
	for i, r := range recs {
		line, err := json.Marshal(map[string]any{"template": name, "data": json.RawMessage(r.data),
			"recipient": map[string]any{"id": "0101901234", "name": "Bench Modtager", "address": []string{"Vej 1", "8000 Aarhus C"}}})
		if err != nil {
			fmt.Fprintf(stderr, "postbud bench: %s: %v\n", r.where(dataPath), err)
			return 1
		}
		lines[i] = append(line, '\n')
	}
	go func() {
		for i := 0; i < n; i++ {
			if _, err := pw.Write(lines[i%len(lines)]); err != nil {
				return
			}
		}
		pw.Close()
	}()
	redis0 := redisStats(ctx, a.rdb)
	var mem0, mem1 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	cpu0, t0 := cpuTime(), time.Now()
	b, err := a.client.SubmitBatch(ctx, tenant, pr, worker.Submission{})
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: submit: %v\n", err)
		return 1
	}
	submitted := time.Since(t0)
	for {
		if b, err = a.client.Batch(ctx, tenant, b.ID); err != nil {
			fmt.Fprintf(stderr, "postbud bench: %v\n", err)
			return 1
		}
		if b.Done || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	wall, cpu := time.Since(t0), cpuTime()-cpu0
	redis1 := redisStats(ctx, a.rdb)
	runtime.ReadMemStats(&mem1)
	delivered := b.Counts[worker.StatusDelivered]
	if delivered != n {
		fmt.Fprintf(stderr, "postbud bench: %d of %d letters delivered (failed %d, rejected %d)\n", delivered, n, b.Counts[worker.StatusFailed], b.RejectedTotal)
		return 1
	}
	outbox, _ := os.ReadDir(filepath.Join(cfg.Outbox, tenant))
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	queue := "embedded Redis"
	if redisURL != "" {
		queue = "Redis " + redactURL(redisURL)
	}
	fmt.Fprintf(stdout, "end to end: %d letters (%s, pdf+docx) through %s, worker concurrency %d\n", n, name, queue, conc)
	if multi {
		fmt.Fprintf(stdout, "case data %s: %d NDJSON records, each letter from the next record (%.1f passes)\n",
			dataPath, len(recs), float64(n)/float64(len(recs)))
	}
	fmt.Fprintf(stdout, "submitted in %.2f s, all delivered after %.2f s; %d letters in the outbox\n", submitted.Seconds(), wall.Seconds(), len(outbox))
	fmt.Fprintf(stdout, "CPU %.2f s (%.2f cores used), peak RSS %d MB\n", cpu.Seconds(), cpu.Seconds()/wall.Seconds(), ru.Maxrss/1024)
	fmt.Fprintf(stdout, "allocated %.0f KB in %.0f allocations a letter (merge and render included), %d GC cycles\n",
		float64(mem1.TotalAlloc-mem0.TotalAlloc)/1024/float64(n), float64(mem1.Mallocs-mem0.Mallocs)/float64(n), mem1.NumGC-mem0.NumGC)
	if redis0.ok && redis1.ok {
		// Server-wide figures: other clients of the same Redis count too.
		rc := redis1.cpu - redis0.cpu
		fmt.Fprintf(stdout, "Redis: %.1f commands a letter (Lua scripts' own calls included), redis-server CPU %.2f s (%.2f ms a letter); postbud and redis-server %.2f ms CPU a letter\n",
			float64(redis1.calls-redis0.calls)/float64(n), rc.Seconds(), rc.Seconds()*1000/float64(n), (cpu+rc).Seconds()*1000/float64(n))
	}
	fmt.Fprintf(stdout, "letters/s/core: %.1f\n", float64(n)/cpu.Seconds())
	fmt.Fprintf(stdout, "letters/s: %.1f\n", float64(n)/wall.Seconds())
	return 0
}

// redisFigures are a Redis server's command count and CPU time, from INFO.
type redisFigures struct {
	ok    bool
	calls int64
	cpu   time.Duration
}

// redisStats reads the command count (INFO commandstats, the calls of every command, those of
// Lua scripts included) and redis-server's CPU time (INFO cpu) of the server rdb talks to. ok is
// false when they cannot be read (an embedded server, a cluster).
func redisStats(ctx context.Context, rdb goredis.UniversalClient) redisFigures {
	c, isClient := rdb.(*goredis.Client)
	if !isClient {
		return redisFigures{}
	}
	info, err := c.Info(ctx, "commandstats", "cpu").Result()
	if err != nil {
		return redisFigures{}
	}
	var f redisFigures
	var seen int
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "cmdstat_"); ok {
			_, stats, _ := strings.Cut(rest, ":")
			for _, kv := range strings.Split(stats, ",") {
				if v, ok := strings.CutPrefix(kv, "calls="); ok {
					n, _ := strconv.ParseInt(v, 10, 64)
					f.calls += n
				}
			}
			continue
		}
		for _, k := range []string{"used_cpu_sys:", "used_cpu_user:"} {
			if v, ok := strings.CutPrefix(line, k); ok {
				sec, _ := strconv.ParseFloat(v, 64)
				f.cpu += time.Duration(sec * float64(time.Second))
				seen++
			}
		}
	}
	f.ok = seen == 2 && f.calls > 0
	return f
}
