package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/postbud/postbud/templates/lint"
)

func init() {
	templatesCommands["lint"] = command{name: "lint", summary: "check bundles like a compiler: file:line:col: severity: message", run: cmdTemplatesLint}
}

// cmdTemplatesLint runs `postbud templates lint DIR [--warnings=false]`: it checks every bundle
// of DIR/templates (or the one bundle when DIR is a folder templates/<name>) with package lint
// and prints each problem to stdout as "file:line:col: severity: message", then a summary line
// to stderr. It exits 1 when there is an error, 0 when there are only warnings or nothing, and 2
// on a usage error or a DIR that cannot be read.
func cmdTemplatesLint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("templates lint", flag.ContinueOnError)
	fset.SetOutput(stderr)
	warnings := fset.Bool("warnings", true, "report warnings (sentences, paragraphs, LIX readability, a nearly empty last page) as well as errors")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud templates lint DIR [--warnings=false]")
		fmt.Fprintln(stderr, "\nChecks every template bundle of DIR/templates (DIR holds templates/, layouts/ and blocks/,")
		fmt.Fprintln(stderr, "like samples), or the one bundle DIR/letter.md belongs to, and prints one line per problem:")
		fmt.Fprintln(stderr, "file:line:col: severity: message. Errors: the front matter, layout, schema.json and")
		fmt.Fprintln(stderr, "sample.json, fields used but not declared or required but not used, the template merged")
		fmt.Fprintln(stderr, "with sample.json and rendered, shared blocks, MeMo limits, https links, images, fonts.")
		fmt.Fprintln(stderr, "Warnings: sentences over 25 words, paragraphs over 120 words, a LIX score over 55, a last")
		fmt.Fprintln(stderr, "page of fewer than 4 lines. Exits 1 when there is an error.")
		fmt.Fprintln(stderr)
		fset.PrintDefaults()
	}
	pos, err := parseArgs(fset, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) != 1 {
		fset.Usage()
		return 2
	}
	problems, bundles, err := lintDir(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "postbud templates lint: %v\n", err)
		return 2
	}
	var nerr, nwarn int
	for _, p := range problems {
		if p.Severity == lint.Warning {
			if !*warnings {
				continue
			}
			nwarn++
		} else {
			nerr++
		}
		fmt.Fprintln(stdout, p)
	}
	summary := fmt.Sprintf("%s, %s in %s", lintCount(nerr, "error", "errors"), lintCount(nwarn, "warning", "warnings"), lintCount(bundles, "bundle", "bundles"))
	if !*warnings {
		summary = fmt.Sprintf("%s in %s (warnings not shown)", lintCount(nerr, "error", "errors"), lintCount(bundles, "bundle", "bundles"))
	}
	fmt.Fprintln(stderr, summary)
	if nerr > 0 {
		return 1
	}
	return 0
}

// lintDir lints the bundles of root dir, or the one bundle dir is when it is a folder
// templates/<name> with a letter.md. It returns the problems and how many bundles it checked.
func lintDir(dir string) ([]lint.Problem, int, error) {
	if _, err := os.Stat(filepath.Join(dir, "letter.md")); err == nil {
		abs, err := filepath.Abs(dir)
		if err == nil && filepath.Base(filepath.Dir(abs)) == "templates" {
			return lint.Bundle(filepath.Join(dir, "..", ".."), filepath.Base(abs)), 1, nil
		}
	}
	names, err := lint.Names(dir)
	if err != nil {
		return nil, 0, err
	}
	ps, err := lint.Dir(dir)
	return ps, len(names), err
}

// lintCount is n with the noun in the form its number takes.
func lintCount(n int, one, other string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, other)
}
