package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/worker"
)

func init() {
	templatesCommands["versions"] = command{name: "versions", summary: "list the kept versions of a bundle", run: cmdTemplatesVersions}
}

// cmdTemplatesVersions lists the versions of a bundle kept in the template archive of the
// document store, newest first use first: per version its hash, first use (RFC 3339) and number
// of files, then each file indented with its SHA-256 and size. With --tenant, a template the
// tenant may not use is unknown.
func cmdTemplatesVersions(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("templates versions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tenant := fs.String("tenant", "", "list only when this tenant may use the template")
	sf := addStoreFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud templates versions NAME [--store URL] [--tenant T] [--config FILE]")
		fmt.Fprintln(stderr, "\nLists the versions of template NAME that letters were made with, as the document store")
		fmt.Fprintln(stderr, "keeps them (newest first): hash, first use, number of files, then the files.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	name := pos[0]
	cfg, err := sf.load()
	if err != nil {
		fmt.Fprintf(stderr, "postbud templates versions: %v\n", err)
		return 2
	}
	if *tenant != "" {
		who, err := letterTenant(cfg, *tenant)
		if err != nil {
			fmt.Fprintf(stderr, "postbud templates versions: %v\n", err)
			return 2
		}
		for _, t := range cfg.Tenants {
			if t.Name == who && len(t.Templates) > 0 && !slices.Contains(t.Templates, name) {
				fmt.Fprintf(stderr, "postbud templates versions: tenant %s may not use template %q\n", who, name)
				return 1
			}
		}
	}
	docs, err := docstore.Open(ctx, cfg.Documents)
	if err != nil {
		fmt.Fprintf(stderr, "postbud templates versions: open document store: %v\n", err)
		return 1
	}
	defer docs.Close()
	list, err := worker.KeptVersions(ctx, docs, name)
	if err != nil {
		fmt.Fprintf(stderr, "postbud templates versions: %v\n", err)
		return 1
	}
	if len(list) == 0 {
		fmt.Fprintf(stderr, "postbud templates versions: %s keeps no version of template %q (no letter of it was submitted since versions are kept)\n", docs.URL(), name)
		return 1
	}
	for _, v := range list {
		fmt.Fprintf(stdout, "%s  %s  %d files\n", v.Version, v.FirstUsed.UTC().Format(time.RFC3339), len(v.Files))
		for _, f := range v.Files {
			fmt.Fprintf(stdout, "    %s  %s  %d bytes\n", f.Path, f.SHA256, f.Bytes)
		}
	}
	return 0
}
