package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/worker"
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
		fmt.Fprintln(stderr, "Usage: postbud bench BUNDLE_DIR DATA.json|DATA.ndjson [-n N] [--format pdf|docx|both] [--concurrency C]")
		fmt.Fprintln(stderr, "       postbud bench --e2e [BUNDLE_DIR DATA.json|DATA.ndjson] [-n N] [--concurrency C] [--redis URL]")
		fmt.Fprintln(stderr, "\nRenders N letters (merge + render, no queue, nothing written) and reports letters per")
		fmt.Fprintln(stderr, "second and per CPU-second (letters/s/core). The last line is `letters/s: <float>`.")
		fmt.Fprintln(stderr, "DATA.json: one letter's case data, rendered N times. DATA.ndjson (one JSON object a line;")
		fmt.Fprintln(stderr, "also recognised by content): the letters cycle through the records, each letter from the")
		fmt.Fprintln(stderr, "next one, so that no letter repeats the one before; every record is checked (schema and")
		fmt.Fprintln(stderr, "PDF layout) before timing starts, and problems are reported as FILE:LINE: /json/path: ...")
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
	dataPath := pos[1]
	if *e2e {
		// The end-to-end run cycles through NDJSON records like the render-only run (bench_e2e.go).
		stop, err := startProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "postbud bench: %v\n", err)
			return 1
		}
		defer stop()
		return benchE2E(ctx, pos[0], dataPath, *n, *conc, *redisURL, stdout, stderr)
	}
	b, err := templates.LoadDir(pos[0])
	if err != nil {
		reportError(stderr, "postbud bench", err)
		return 1
	}
	recs, multi, err := readBenchData(dataPath)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: read case data: %v\n", err)
		return 1
	}
	if len(recs) == 0 {
		fmt.Fprintf(stderr, "postbud bench: %s: no case data (every line is empty)\n", dataPath)
		return 1
	}
	if multi {
		// A single file is checked by its warm-up render, as before; NDJSON records are all
		// checked here, so that a bad record cannot stop the timed run half way.
		if bad := checkBenchRecords(b, dataPath, recs, formats, stderr); bad > 0 {
			fmt.Fprintf(stderr, "postbud bench: %s: %d of %d records have problems; nothing was timed\n", dataPath, bad, len(recs))
			return 1
		}
	}
	// The timed run starts where the warm-up stopped, so that with NDJSON its first letters are
	// not the ones just rendered.
	for i := 0; i < *warm+1; i++ {
		r := recs[i%len(recs)]
		if _, err := produce(b, r.data, formats); err != nil {
			reportError(stderr, r.where(dataPath), err)
			return 1
		}
	}
	start := (*warm + 1) % len(recs)

	stop, err := startProfile(*cpuProfile)
	if err != nil {
		fmt.Fprintf(stderr, "postbud bench: %v\n", err)
		return 1
	}
	defer stop()
	var next, bytesOut, pages, pdfs atomic.Int64
	var failed atomic.Pointer[benchFailure]
	var wg sync.WaitGroup
	cpu0, t0 := cpuTime(), time.Now()
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(*n) || ctx.Err() != nil {
					return
				}
				r := recs[(start+int(i-1))%len(recs)]
				docs, err := produce(b, r.data, formats)
				if err != nil {
					failed.CompareAndSwap(nil, &benchFailure{r.where(dataPath), err})
					return
				}
				for _, d := range docs {
					bytesOut.Add(int64(len(d.data)))
					if d.format == "pdf" {
						if p := pdfPageCount(d.data); p > 0 {
							pages.Add(int64(p))
							pdfs.Add(1)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	wall, cpu := time.Since(t0), cpuTime()-cpu0
	if f := failed.Load(); f != nil {
		reportError(stderr, f.where, f.err)
		return 1
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "postbud bench: interrupted")
		return 1
	}
	rate := float64(*n) / wall.Seconds()
	fmt.Fprintf(stdout, "template %s version %s, formats %v, %d bytes a letter\n", b.Name, b.Version, formats, bytesOut.Load()/int64(*n))
	if multi {
		fmt.Fprintf(stdout, "case data %s: %d NDJSON records, each letter from the next record (%.1f passes)\n",
			dataPath, len(recs), float64(*n)/float64(len(recs)))
	}
	fmt.Fprintf(stdout, "%d letters in %.2f s at concurrency %d, CPU %.2f s (%.2f cores used, GOMAXPROCS %d)\n",
		*n, wall.Seconds(), *conc, cpu.Seconds(), cpu.Seconds()/wall.Seconds(), runtime.GOMAXPROCS(0))
	if c := pdfs.Load(); c > 0 {
		fmt.Fprintf(stdout, "pages a letter: %.2f\n", float64(pages.Load())/float64(c))
	}
	fmt.Fprintf(stdout, "ms CPU a letter: %.2f\n", cpu.Seconds()*1000/float64(*n))
	fmt.Fprintf(stdout, "letters/s/core: %.1f\n", float64(*n)/cpu.Seconds())
	fmt.Fprintf(stdout, "letters/s: %.1f\n", rate)
	return 0
}

// benchFailure is the first letter of the timed run that failed.
type benchFailure struct {
	where string
	err   error
}

// benchRecord is one letter's case data in a bench data file.
type benchRecord struct {
	line int // 1-based line of an NDJSON record; 0 for a JSON file
	data []byte
}

// where names the record in messages: "FILE:LINE" for an NDJSON record, "FILE" for a JSON file.
func (r benchRecord) where(path string) string {
	if r.line == 0 {
		return path
	}
	return path + ":" + strconv.Itoa(r.line)
}

// readBenchData reads a bench data file: one letter's case data (a JSON file), or one record a
// line (NDJSON; multi is true). A file is NDJSON when it is named .ndjson or .jsonl, or when it
// is not one JSON value but its first line is. Empty lines are skipped (line numbers count
// them). Records are not checked here: see checkBenchRecords.
func readBenchData(path string) (recs []benchRecord, multi bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	if !isNDJSON(path, data) {
		return []benchRecord{{data: data}}, false, nil
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		recs = append(recs, benchRecord{line: i + 1, data: line})
	}
	return recs, true, nil
}

// isNDJSON says whether data, read from path, holds one JSON record a line.
func isNDJSON(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".ndjson", ".jsonl":
		return true
	}
	if json.Valid(data) {
		return false
	}
	first, rest, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	first = bytes.TrimSpace(first)
	return len(first) > 0 && first[0] == '{' && json.Valid(first) && len(bytes.TrimSpace(rest)) > 0
}

// maxReportedRecords is how many bad records checkBenchRecords reports in full.
const maxReportedRecords = 20

// checkBenchRecords checks every record as a render would, without rendering: the case data
// against the bundle's schema and the merge into the template, and, when PDF is rendered, the
// PDF layout (render/pdf.Preflight: glyphs, envelope window, letter parts, footer...). It
// reports the problems of the first bad records, one line each, as "FILE:LINE: /json/path:
// what is wrong", and returns how many records have problems. Records are checked on
// GOMAXPROCS goroutines.
func checkBenchRecords(b *templates.Bundle, path string, recs []benchRecord, formats []string, stderr io.Writer) int {
	layout := false
	for _, f := range formats {
		layout = layout || f == "pdf"
	}
	found := make([][]string, len(recs)) // the problem lines of each record
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(recs) {
					return
				}
				found[i] = recordProblems(b, recs[i].where(path), recs[i].data, layout)
			}
		}()
	}
	wg.Wait()
	bad := 0
	for i, lines := range found {
		if len(lines) == 0 {
			continue
		}
		if bad++; bad <= maxReportedRecords {
			for _, l := range lines {
				fmt.Fprintln(stderr, l)
			}
		} else if bad == maxReportedRecords+1 {
			fmt.Fprintf(stderr, "%s: (problems of further records are not shown)\n", recs[i].where(path))
		}
	}
	return bad
}

// recordProblems are the lines reporting what is wrong with one record, prefixed by where; none
// when it renders.
func recordProblems(b *templates.Bundle, where string, data []byte, layout bool) []string {
	m, err := b.Merge(data)
	if err != nil {
		var buf bytes.Buffer
		reportError(&buf, where, err)
		return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	}
	if !layout {
		return nil
	}
	var out []string
	for _, p := range pdf.Preflight(m.Document) {
		out = append(out, where+": "+layoutProblem(m, p))
	}
	return out
}

// layoutProblem says which case data field a problem of the PDF layout comes from, by the
// submission check's rules (worker.LayoutFields); "(template)" when the text is the template's.
func layoutProblem(m *templates.Merged, p pdf.Problem) string {
	pos, paths, ok := worker.LayoutFields(m, p)
	if !ok {
		return "(template): " + p.String()
	}
	msg := p.String() + " (set at " + pos + ")"
	if len(paths) == 0 {
		return "(template): " + msg
	}
	return strings.Join(paths, ", ") + ": " + msg
}

// pdfPageCount is the /Count of the page tree of a PDF that Render made, 0 if not found. It
// reads a few bytes after the page tree's root and costs little next to a render.
func pdfPageCount(b []byte) int {
	i := bytes.Index(b, []byte("/Type /Pages"))
	if i < 0 {
		return 0
	}
	j := bytes.Index(b[i:], []byte("/Count "))
	if j < 0 {
		return 0
	}
	rest := b[i+j+len("/Count "):]
	k := 0
	for k < len(rest) && k < 12 && rest[k] >= '0' && rest[k] <= '9' {
		k++
	}
	c, err := strconv.Atoi(string(rest[:k]))
	if err != nil {
		return 0
	}
	return c
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
