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

// cmdRender merges case data into template bundles and writes the letters to one folder, each
// named after its bundle and its data file: OUTDIR/<bundle>-<data>.pdf and .docx, so that the
// sample.json files of several bundles rendered into one folder each keep their own letter.
// Two pairs that would write the same file in one run are refused before anything is written.
// Pairs are rendered in the order given; the first that fails stops the run (exit 1), leaving
// the letters of the pairs before it written.
func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outDir := fs.String("o", ".", "folder to write the documents to (created if missing)")
	format := fs.String("format", "pdf,docx", "formats to write: pdf, docx or both, comma-separated")
	lang := fs.String("lang", "", "the letters' language: a bundle's letter.<lang>.md (default: each bundle's letter.md)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud render BUNDLE_DIR DATA.json [BUNDLE_DIR DATA.json ...] [-o OUTDIR] [--format pdf,docx] [--lang LANG]")
		fmt.Fprintln(stderr, "\nMerges each DATA.json into the template bundle before it (BUNDLE_DIR is …/templates/<name>;")
		fmt.Fprintln(stderr, "its layouts/ and blocks/ are found two folders up) and writes OUTDIR/<name>-<DATA>.pdf")
		fmt.Fprintln(stderr, "and .docx, e.g. boligstoette-afgoerelse-sample.pdf. Prints each template's version. Bad")
		fmt.Fprintln(stderr, "data exits 1 with one line per problem; pairs that would write the same file exit 2.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) == 0 || len(pos)%2 != 0 {
		fs.Usage()
		return 2
	}
	formats, err := parseFormats(*format)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: --format: %v\n", err)
		return 2
	}
	jobs, err := renderJobs(pos)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: %v\n", err)
		return 2
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "postbud render: create output folder: %v\n", err)
		return 1
	}
	for _, j := range jobs {
		if code := j.run(*outDir, formats, *lang, stdout, stderr); code != 0 {
			return code
		}
	}
	return 0
}

// renderJob is one bundle and one case data file of `postbud render`.
type renderJob struct {
	bundleDir, dataPath string
	// base is the output file name without its extension: <bundle>-<data>.
	base string
}

// renderJobs pairs the positional arguments (bundle, data, bundle, data, ...) and names each
// pair's output. Two pairs with the same output name are an error naming both, so that no
// letter silently replaces another.
func renderJobs(pos []string) ([]renderJob, error) {
	jobs := make([]renderJob, 0, len(pos)/2)
	byBase := map[string]int{}
	for i := 0; i+1 < len(pos); i += 2 {
		j := renderJob{bundleDir: pos[i], dataPath: pos[i+1]}
		j.base = outputBase(j.bundleDir, j.dataPath)
		if k, dup := byBase[j.base]; dup {
			return nil, fmt.Errorf("%s %s and %s %s would both write %s.*: render them into different folders (-o) or rename a data file",
				jobs[k].bundleDir, jobs[k].dataPath, j.bundleDir, j.dataPath, j.base)
		}
		byBase[j.base] = len(jobs)
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// outputBase is the output name of a bundle and a data file: the bundle's folder name, "-" and
// the data file's name without its extension ("boligstoette-afgoerelse-sample").
func outputBase(bundleDir, dataPath string) string {
	bundle := filepath.Base(filepath.Clean(bundleDir))
	if abs, err := filepath.Abs(bundleDir); err == nil {
		bundle = filepath.Base(abs)
	}
	data := strings.TrimSuffix(filepath.Base(dataPath), filepath.Ext(dataPath))
	return bundle + "-" + data
}

// run renders the job's letter in language lang ("" the bundle's default) in each format into
// outDir; it returns the exit code.
func (j renderJob) run(outDir string, formats []string, lang string, stdout, stderr io.Writer) int {
	b, err := templates.LoadDir(j.bundleDir)
	if err != nil {
		reportError(stderr, "postbud render", err)
		return 1
	}
	if b, err = b.Lang(lang); err != nil {
		fmt.Fprintf(stderr, "postbud render: %v\n", err)
		return 1
	}
	data, err := os.ReadFile(j.dataPath)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: read case data: %v\n", err)
		return 1
	}
	docs, err := produce(b, data, formats)
	if err != nil {
		reportError(stderr, j.dataPath, err)
		return 1
	}
	fmt.Fprintf(stdout, "template %s version %s\n", b.Name, b.Version)
	for _, d := range docs {
		p := filepath.Join(outDir, j.base+"."+d.format)
		if err := safefile.Write(p, d.data, 0o644); err != nil {
			fmt.Fprintf(stderr, "postbud render: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", p, len(d.data))
	}
	return 0
}
