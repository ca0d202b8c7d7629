package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/postbud/postbud/api"
	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/worker"
)

// roles says what a process runs: the HTTP API, the worker pool, or both.
type roles struct{ api, worker bool }

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runRoles(ctx, "serve", roles{api: true, worker: true}, args, stdout, stderr)
}

func cmdWorker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runRoles(ctx, "worker", roles{worker: true}, args, stdout, stderr)
}

func cmdAPI(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runRoles(ctx, "api", roles{api: true}, args, stdout, stderr)
}

// runRoles parses the configuration and runs the API and/or the worker pool until ctx ends
// (SIGINT or SIGTERM), then shuts down gracefully: the API stops accepting requests, the worker
// stops taking letters and finishes or hands back those in progress within the timeout.
func runRoles(ctx context.Context, name string, r roles, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := config.Flags(fs, os.Getenv)
	var ui bool
	if r.api {
		fs.BoolVar(&ui, "ui", false, "serve the Asynq web UI under /ui/; sign in with a tenant's token as the password")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: postbud %s [flags]\n\n", name)
		switch name {
		case "serve":
			fmt.Fprintln(stderr, "Runs the HTTP API and a worker pool in one process. Without --redis it starts an")
			fmt.Fprintln(stderr, "embedded queue that keeps nothing across restarts.")
		case "worker":
			fmt.Fprintln(stderr, "Runs a worker pool only. Start many, on many machines, against one Redis.")
		case "api":
			fmt.Fprintln(stderr, "Runs the HTTP API only; letters are rendered by `postbud worker` processes.")
		}
		fmt.Fprintln(stderr, "\nSettings come from flags, then environment variables, then the --config YAML file.")
		fmt.Fprintln(stderr, "Environment only: POSTBUD_KEY or POSTBUD_KEY_FILE (sealing key), POSTBUD_RETENTION,")
		fmt.Fprintln(stderr, "POSTBUD_MAX_BODY, POSTBUD_READ_TIMEOUT, POSTBUD_WRITE_TIMEOUT, POSTBUD_IDLE_TIMEOUT,")
		fmt.Fprintln(stderr, "POSTBUD_BATCH_TIMEOUT, POSTBUD_MAX_INFLIGHT. See README.md for the YAML file (tenants")
		fmt.Fprintln(stderr, "and their token hashes).")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if pos, err := parseArgs(fs, args); err != nil {
		return 2
	} else if len(pos) != 0 {
		fs.Usage()
		return 2
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "postbud %s: %v\n", name, err)
		return 2
	}
	if !r.worker && cfg.Embedded() {
		fmt.Fprintf(stderr, "postbud %s: the embedded queue serves one process only, so `postbud api` needs --redis (or use `postbud serve`)\n", name)
		return 2
	}
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "postbud %s: %v\n", name, err)
		return 1
	}
	defer a.Close()

	errc := make(chan error, 2)
	running := 0
	if r.worker {
		srv, err := worker.NewServer(a.opts, cfg.Concurrency, cfg.ShutdownTimeout)
		if err != nil {
			fmt.Fprintf(stderr, "postbud %s: %v\n", name, err)
			return 1
		}
		running++
		go func() { errc <- srv.Run(ctx) }()
	}
	if r.api {
		h, err := a.handler(ui)
		if err != nil {
			fmt.Fprintf(stderr, "postbud %s: %v\n", name, err)
			return 1
		}
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			fmt.Fprintf(stderr, "postbud %s: listen: %v\n", name, err)
			return 1
		}
		fmt.Fprintf(stdout, "postbud %s: API on http://%s\n", name, ln.Addr())
		if ui {
			fmt.Fprintf(stdout, "postbud %s: operator UI on http://%s/ui/\n", name, ln.Addr())
		}
		hs := httpServer(cfg, h)
		running++
		go func() {
			err := hs.Serve(api.Listener(ln))
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			errc <- err
		}()
		go func() {
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel()
			hs.Shutdown(sctx)
		}()
	}
	code := 0
	for i := 0; i < running; i++ {
		if err := <-errc; err != nil {
			fmt.Fprintf(stderr, "postbud %s: %v\n", name, err)
			code = 1
		}
	}
	return code
}

// maxReadHeaderTimeout bounds reading a request's headers (at most api.MaxHeaderBytes), which
// any client sends at once; read_timeout bounds it too when shorter.
const maxReadHeaderTimeout = 10 * time.Second

// httpServer is the http.Server for the API handler h, with every timeout set, so that no
// connection is held longer than its request needs:
//   - headers must arrive within 10s (or read_timeout, when shorter) and hold at most
//     api.MaxHeaderBytes;
//   - the whole request, body included, within read_timeout (30s: a 1 MiB max_body at 35 KB/s);
//   - the answer must be written within write_timeout (60s) of the headers' end;
//   - a kept-alive connection waits idle_timeout (120s) for its next request.
//
// POST /v1/batches streams for as long as the batch takes, so the API moves that request's
// deadlines itself, once its tenant is authenticated: batch_timeout (1h) for the whole body and
// answer, read_timeout for a pause in the body (see api.Config.BatchTimeout).
func httpServer(cfg *config.Config, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(maxReadHeaderTimeout, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    api.MaxHeaderBytes,
	}
}

// handler builds the HTTP API over the app; with ui, the Asynq web UI under /ui/ too.
func (a *app) handler(ui bool) (http.Handler, error) {
	tenants := make([]api.Tenant, len(a.tenants))
	for i, t := range a.tenants {
		tenants[i] = api.Tenant{Name: t.Name, TokenSHA256: t.TokenSHA256}
	}
	cfg := api.Config{
		Letters:          a.client,
		Templates:        a.templates,
		Queues:           worker.NewQueues(a.opts),
		Tenants:          tenants,
		MaxBody:          a.cfg.MaxBody,
		Ready:            a.ready,
		Gatherer:         a.registry,
		Logger:           a.logger,
		MaxInflight:      a.cfg.MaxInflight,
		BatchTimeout:     a.cfg.BatchTimeout,
		BatchIdleTimeout: a.cfg.ReadTimeout,
	}
	if ui {
		h, err := api.NewUI(a.opts.Redis)
		if err != nil {
			return nil, err
		}
		a.closers = append(a.closers, func() { h.Close() })
		cfg.UI = h
	}
	return api.New(cfg)
}

// ready reports whether the process can take letters: Redis answers and templates load.
func (a *app) ready(ctx context.Context) error {
	if err := a.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	names, err := a.templates.Names(a.tenants[0].Name)
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	if len(names) == 0 {
		return errors.New("templates: none loaded")
	}
	return nil
}
