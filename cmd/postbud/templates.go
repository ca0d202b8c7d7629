package main

import (
	"context"
	"fmt"
	"io"
	"sort"
)

// templatesCommands are the subcommands of `postbud templates`, registered by the files that
// implement them (templates_lint.go, templates_new.go, templates_versions.go).
var templatesCommands = map[string]command{}

// cmdTemplates runs `postbud templates <subcommand>`: tools for template authors.
func cmdTemplates(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		w := stdout
		if len(args) == 0 {
			w = stderr
		}
		templatesUsage(w)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := templatesCommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "postbud templates: unknown subcommand %q\n\n", args[0])
		templatesUsage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func templatesUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: postbud templates <subcommand> [arguments]\n\nSubcommands:")
	names := make([]string, 0, len(templatesCommands))
	for n := range templatesCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, templatesCommands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `postbud templates <subcommand> -h` for its arguments.")
}
