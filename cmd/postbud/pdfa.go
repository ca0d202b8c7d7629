package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/postbud/postbud/internal/pdfa"
)

// cmdPDFA is `postbud pdfa check FILE.pdf...`: it checks PDFs against the PDF/A rules
// internal/pdfa knows and prints one `file: clause: object: message` line per problem.
func cmdPDFA(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pdfa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	part := fs.Int("part", 2, "PDF/A part to check against: 1, 2 or 3")
	level := fs.String("level", "A", "PDF/A conformance level the file must declare: A (tagged, as postbud writes letters) or B; the rules checked are level B's")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud pdfa check [--part 2] [--level A] FILE.pdf...")
		fmt.Fprintln(stderr, "\nChecks each PDF against the PDF/A rules that matter for postbud's letters (a subset of")
		fmt.Fprintln(stderr, "ISO 19005; not a full validator) and prints one line per problem:")
		fmt.Fprintln(stderr, "FILE: CLAUSE: OBJECT: MESSAGE. Exits 1 when any file has a problem or cannot be read.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) < 2 || pos[0] != "check" {
		fs.Usage()
		return 2
	}
	if *part < 1 || *part > 3 {
		fmt.Fprintf(stderr, "postbud pdfa: --part %d: want 1, 2 or 3\n", *part)
		return 2
	}
	if *level != "A" && *level != "B" {
		fmt.Fprintf(stderr, "postbud pdfa: --level %q: want A or B\n", *level)
		return 2
	}
	code := 0
	for _, file := range pos[1:] {
		ps, err := pdfa.CheckFile(file, pdfa.Options{Part: *part, Conformance: *level})
		for _, p := range ps {
			fmt.Fprintf(stdout, "%s: %s\n", file, p)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", file, err)
			code = 1
			continue
		}
		if len(ps) > 0 {
			code = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: no PDF/A-%d%s problems found\n", file, *part, strings.ToLower(*level))
	}
	return code
}
