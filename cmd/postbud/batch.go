package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/postbud/postbud/worker"
)

func cmdBatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiURL := fs.String("api", envOr("POSTBUD_API", "http://127.0.0.1:8080"), "postbud API base URL (env POSTBUD_API)")
	tokenFile := fs.String("token-file", filepath.Join("postbud-data", "token"), "file with the API token, used when POSTBUD_TOKEN is not set")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud batch submit FILE.ndjson [--api URL] [--token-file FILE]")
		fmt.Fprintln(stderr, "\nStreams FILE (one letter per line: template, data, recipient, formats, delivery, priority)")
		fmt.Fprintln(stderr, "to POST /v1/batches and shows progress until every letter is delivered or failed.")
		fmt.Fprintln(stderr, "The token comes from POSTBUD_TOKEN, else from --token-file. Exits 1 if any letter failed.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 2 || pos[0] != "submit" {
		fs.Usage()
		return 2
	}
	token := os.Getenv("POSTBUD_TOKEN")
	if token == "" {
		raw, err := os.ReadFile(*tokenFile)
		if err != nil {
			fmt.Fprintf(stderr, "postbud batch: no POSTBUD_TOKEN and %v\n", err)
			return 2
		}
		token = strings.TrimSpace(string(raw))
	}
	f, err := os.Open(pos[1])
	if err != nil {
		fmt.Fprintf(stderr, "postbud batch: %v\n", err)
		return 1
	}
	defer f.Close()
	base := strings.TrimRight(*apiURL, "/")

	// The file is the request body: streamed, never read into memory.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/batches", f)
	if err != nil {
		fmt.Fprintf(stderr, "postbud batch: %v\n", err)
		return 2
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+token)
	var b worker.Batch
	if err := doJSON(req, http.StatusAccepted, &b); err != nil {
		fmt.Fprintf(stderr, "postbud batch: submit: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "batch %s: %d letters read, %d lines rejected\n", b.ID, b.Total, b.RejectedTotal)
	for _, r := range b.Rejected {
		fmt.Fprintf(stdout, "  %s:%d: %s\n", pos[1], r.Line, r.Message)
	}
	for !b.Done {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stderr, "\npostbud batch: interrupted; the batch goes on: GET /v1/batches/"+b.ID)
			return 1
		case <-time.After(500 * time.Millisecond):
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/batches/"+b.ID, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if err := doJSON(req, http.StatusOK, &b); err != nil {
			fmt.Fprintf(stderr, "\npostbud batch: %v\n", err)
			return 1
		}
		drawProgress(stderr, b.Counts[worker.StatusDelivered]+b.Counts[worker.StatusFailed], b.Total-b.RejectedTotal)
	}
	fmt.Fprintf(stdout, "\nbatch %s done: %d delivered, %d failed, %d rejected\n", b.ID, b.Counts[worker.StatusDelivered], b.Counts[worker.StatusFailed], b.RejectedTotal)
	if b.Counts[worker.StatusFailed] > 0 || b.RejectedTotal > 0 {
		return 1
	}
	return 0
}

// doJSON sends req and decodes a JSON answer with status want, or returns the API's error.
func doJSON(req *http.Request, want int, v any) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		var e struct {
			Error string `json:"error"`
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s: %s", resp.Status, e.Error)
		}
		return fmt.Errorf("%s", resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
