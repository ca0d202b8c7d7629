package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand: it parses its own flags from args and returns the exit code.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"render", "render letters from template bundles and case data to PDF and DOCX", cmdRender},
		{"bench", "measure letters per second of rendering (no queue)", cmdBench},
		{"serve", "run the HTTP API and a worker pool in one process", cmdServe},
		{"worker", "run a worker pool (many processes may share one Redis)", cmdWorker},
		{"api", "run the HTTP API only (needs --redis)", cmdAPI},
		{"queues", "show queue sizes and dead tasks; re-run them", cmdQueues},
		{"batch", "submit an NDJSON batch to the API and follow it", cmdBatch},
		{"demo", "run everything embedded on the samples and show what was produced", cmdDemo},
		{"pdfa", "check PDFs against the PDF/A rules postbud's letters must keep", cmdPDFA},
		{"templates", "tools for template authors: lint, new, versions", cmdTemplates},
		{"preview", "live preview of template bundles in the browser", cmdPreview},
	}
}

// run dispatches to a subcommand and returns the process exit code: 0 success, 1 failure, 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "postbud: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "postbud produces public letters from template bundles and case data.")
	fmt.Fprintln(w, "\nUsage: postbud <command> [arguments]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `postbud <command> -h` for a command's arguments.")
}

// parseArgs parses flags that may stand before, between or after the positional arguments
// (`postbud render BUNDLE DATA -o OUT`), which the flag package alone does not allow.
// It returns the positional arguments, or an error already reported on fs's output.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseFormats parses a comma-separated list of output formats; "both" means pdf,docx.
func parseFormats(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "both":
			f = "pdf,docx"
		case "pdf", "docx":
		case "":
			continue
		default:
			return nil, fmt.Errorf("unknown format %q: use pdf, docx or both", f)
		}
		for _, g := range strings.Split(f, ",") {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no format given: use pdf, docx or both")
	}
	return out, nil
}
