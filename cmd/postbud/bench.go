package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/postbud/postbud/templates"
)

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of letters to render in the timed run")
	format := fs.String("format", "pdf", "what to render per letter: pdf, docx or both")
	conc := fs.Int("concurrency", runtime.GOMAXPROCS(0), "letters rendered at once")
	warm := fs.Int("warmup", 10, "letters rendered before timing starts (font parsing, caches)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed run to this file (go tool pprof)")
	e2e := fs.Bool("e2e", false, "end to end: submit through the Go client, queue, render PDF+DOCX, store, deliver to an outbox")
	redisURL := fs.String("redis", "", "with --e2e: Redis URL (default: embedded)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud bench BUNDLE_DIR DATA.json [-n N] [--format pdf|docx|both] [--concurrency C]")
		fmt.Fprintln(stderr, "       postbud bench --e2e [BUNDLE_DIR DATA.json] [-n N] [--concurrency C] [--redis URL]")
		fmt.Fprintln(stderr, "\nRenders the letter N times (merge + render, no queue, nothing written) and reports")
		fmt.Fprintln(stderr, "letters per second and per CPU-second (letters/s/core). The last line is `letters/s: <float>`.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if *e2e && len(pos) == 0 {
		pos = []string{"samples/templates/boligstoette-afgoerelse", "samples/templates/boligstoette-afgoerelse/sample.json"}
	}
	if len(pos) != 2 || *n < 1 || *conc < 1 || *warm < 0 {
		fs.Usage()
		return 2
	}
	formats, err := parseFormats(*format)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: --format: %v\n", err)
		return 2
	}
	if *e2e {
		stop, err := startProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "postbud bench: %v\n", err)
			return 1
		}
		defer stop()
		return benchE2E(ctx, pos[0], pos[1], *n, *conc, *redisURL, stdout, stderr)
	}
	b, err := templates.LoadDir(pos[0])
	if err != nil {
		reportError(stderr, "postbud bench", err)
		return 1
	}
	data, err := os.ReadFile(pos[1])
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: read case data: %v\n", err)
		return 1
	}
	var bytesPerLetter int
	for i := 0; i < *warm+1; i++ {
		docs, err := produce(b, data, formats)
		if err != nil {
			reportError(stderr, pos[1], err)
			return 1
		}
		bytesPerLetter = 0
		for _, d := range docs {
			bytesPerLetter += len(d.data)
		}
	}

	stop, err := startProfile(*cpuProfile)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: %v\n", err)
		return 1
	}
	defer stop()
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	cpu0, t0 := cpuTime(), time.Now()
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*n) && ctx.Err() == nil {
				if _, err := produce(b, data, formats); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(t0), cpuTime()-cpu0
	if err, ok := failed.Load().(error); ok {
		reportError(stderr, pos[1], err)
		return 1
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "postbud bench: interrupted")
		return 1
	}
	rate := float64(*n) / wall.Seconds()
	fmt.Fprintf(stdout, "template %s version %s, formats %v, %d bytes a letter\n", b.Name, b.Version, formats, bytesPerLetter)
	fmt.Fprintf(stdout, "%d letters in %.2f s at concurrency %d, CPU %.2f s (%.2f cores used, GOMAXPROCS %d)\n",
		*n, wall.Seconds(), *conc, cpu.Seconds(), cpu.Seconds()/wall.Seconds(), runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "ms CPU a letter: %.2f\n", cpu.Seconds()*1000/float64(*n))
	fmt.Fprintf(stdout, "letters/s/core: %.1f\n", float64(*n)/cpu.Seconds())
	fmt.Fprintf(stdout, "letters/s: %.1f\n", rate)
	return 0
}

// cpuTime is the user+system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startProfile writes a CPU profile to path until stop is called; with path "" it does nothing.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
