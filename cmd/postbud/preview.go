package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/postbud/postbud/internal/preview"
)

// cmdPreview serves the live preview of the template bundles under --templates on --addr until
// ctx ends. A non-loopback address is refused unless --public is given.
func cmdPreview(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("templates", "samples", "folder that holds templates/, layouts/ and blocks/")
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on (host:port; port 0 picks a free one)")
	public := fs.Bool("public", false, "allow an --addr that is not a loopback address: anyone who can reach it sees the templates and sample data")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud preview [--templates DIR] [--addr 127.0.0.1:8090] [--public]")
		fmt.Fprintln(stderr, "\nServes a web page listing the bundles under DIR; choose one to see its letter rendered from")
		fmt.Fprintln(stderr, "its sample data, edit the data, switch the language and download the PDF, DOCX and MeMo")
		fmt.Fprintln(stderr, "message. Every change to a bundle's files, its layout or a shared block renders the letter")
		fmt.Fprintln(stderr, "again and the page follows by itself. Page images need pdftoppm (poppler-utils).")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 0 {
		fmt.Fprintf(stderr, "postbud preview: unexpected argument %q (the templates folder is given with --templates)\n", pos[0])
		return 2
	}
	if err := checkPreviewAddr(*addr, *public); err != nil {
		fmt.Fprintf(stderr, "postbud preview: --addr: %v\n", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := preview.New(*root, preview.Options{Logger: logger, Public: *public})
	if err != nil {
		fmt.Fprintf(stderr, "postbud preview: %v\n", err)
		return 1
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "postbud preview: %v\n", err)
		return 1
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "postbud preview of %s on http://%s/\n", *root, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "postbud preview: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	// Close ends the pages' event streams, which Shutdown would otherwise wait for.
	srv.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "postbud preview: shut down: %v\n", err)
		return 1
	}
	return 0
}

// checkPreviewAddr refuses an address that is not host:port, and one whose host is not a
// loopback address ("localhost", 127.0.0.0/8, ::1) unless public is set. An empty host means
// every interface, so it is not loopback.
func checkPreviewAddr(addr string, public bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %v", addr, err)
	}
	if port == "" {
		return fmt.Errorf("%q has no port", addr)
	}
	if public {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not a loopback address: the preview shows templates and sample data to whoever can reach it; use 127.0.0.1:PORT, or add --public to serve other machines", addr)
}
