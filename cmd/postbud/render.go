package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/postbud/postbud/internal/safefile"
	"github.com/postbud/postbud/templates"
)

func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outDir := fs.String("o", ".", "folder to write the documents to (created if missing)")
	format := fs.String("format", "pdf,docx", "formats to write: pdf, docx or both, comma-separated")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud render BUNDLE_DIR DATA.json [-o OUTDIR] [--format pdf,docx]")
		fmt.Fprintln(stderr, "\nMerges DATA.json into the template bundle in BUNDLE_DIR (…/templates/<name>; its layouts/")
		fmt.Fprintln(stderr, "and blocks/ are found two folders up) and writes OUTDIR/<DATA>.pdf and .docx.")
		fmt.Fprintln(stderr, "Prints the template version. Bad data exits 1 with one line per problem.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 2 {
		fs.Usage()
		return 2
	}
	formats, err := parseFormats(*format)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: --format: %v\n", err)
		return 2
	}
	bundleDir, dataPath := pos[0], pos[1]

	b, err := templates.LoadDir(bundleDir)
	if err != nil {
		reportError(stderr, "postbud render", err)
		return 1
	}
	data, err := os.ReadFile(dataPath)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: read case data: %v\n", err)
		return 1
	}
	docs, err := produce(b, data, formats)
	if err != nil {
		reportError(stderr, dataPath, err)
		return 1
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "postbud render: create output folder: %v\n", err)
		return 1
	}
	base := strings.TrimSuffix(filepath.Base(dataPath), filepath.Ext(dataPath))
	fmt.Fprintf(stdout, "template %s version %s\n", b.Name, b.Version)
	for _, d := range docs {
		p := filepath.Join(*outDir, base+"."+d.format)
		if err := safefile.Write(p, d.data, 0o644); err != nil {
			fmt.Fprintf(stderr, "postbud render: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", p, len(d.data))
	}
	return 0
}
