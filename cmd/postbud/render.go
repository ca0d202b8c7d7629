package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/safefile"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/worker"
)

// cmdRender merges case data into template bundles and writes the letters to one folder, each
// named after its bundle and its data file: OUTDIR/<bundle>-<data>.pdf and .docx, so that the
// sample.json files of several bundles rendered into one folder each keep their own letter.
// Two pairs that would write the same file in one run are refused before anything is written.
// Pairs are rendered in the order given; the first that fails stops the run (exit 1), leaving
// the letters of the pairs before it written.
//
// With --letter ID it renders a letter the worker made again instead (see cmdRenderLetter).
func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if hasLetterFlag(args) {
		return cmdRenderLetter(ctx, args, stdout, stderr)
	}
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
		fmt.Fprintln(stderr, "\n       postbud render --letter ID [--tenant T] [--store URL] [--key-file F] [-o OUTDIR] [--config FILE]")
		fmt.Fprintln(stderr, "\nRenders a letter the worker made again, from the document store alone; see postbud render --letter ID -h.")
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

// hasLetterFlag reports whether args ask for `postbud render --letter ID`.
func hasLetterFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "letter" {
			return true
		}
	}
	return false
}

// cmdRenderLetter renders letter --letter again from what the document store keeps of it (its
// sealed case record and the template version it was made with, from the template archive),
// writes OUTDIR/<id>.pdf, .docx and .memo.xml (a MeMo message, when the letter had one) and
// compares each with the document stored for the letter: exit 0 when every one is identical, 1
// when one differs or cannot be compared, or when the letter cannot be rendered.
func cmdRenderLetter(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	id := fs.String("letter", "", "id of the letter to render again")
	tenant := fs.String("tenant", "", "the letter's tenant (default: the configuration's only tenant, or \"default\")")
	keyFile := fs.String("key-file", "", "file holding the sealing key the worker had (default: POSTBUD_KEY, POSTBUD_KEY_FILE, the configuration, or <data>/key)")
	outDir := fs.String("o", ".", "folder to write the documents to (created if missing)")
	sf := addStoreFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud render --letter ID [--tenant T] [--store URL] [--key-file F] [-o OUTDIR] [--config FILE]")
		fmt.Fprintln(stderr, "\nRenders the letter again from the document store alone (its sealed case data and the")
		fmt.Fprintln(stderr, "template version it was made with, kept when the letter was submitted), whatever the")
		fmt.Fprintln(stderr, "templates are today, and writes OUTDIR/ID.pdf, ID.docx and ID.memo.xml (its MeMo message).")
		fmt.Fprintln(stderr, "Each is compared with the document stored for the letter: exit 1 when one DIFFERS.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 0 || *id == "" {
		fs.Usage()
		return 2
	}
	cfg, err := sf.load()
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: %v\n", err)
		return 2
	}
	who, err := letterTenant(cfg, *tenant)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: %v\n", err)
		return 2
	}
	key, err := storeKey(cfg, *keyFile)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: %v\n", err)
		return 1
	}
	docs, err := docstore.Open(ctx, cfg.Documents)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: open document store: %v\n", err)
		return 1
	}
	defer docs.Close()
	r, err := worker.Rerender(ctx, docs, key, who, *id)
	if err != nil {
		fmt.Fprintf(stderr, "postbud render: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "letter %s of tenant %s: template %s version %s (kept %s)\n", r.Letter, r.Tenant, r.Template, r.Version, r.Kept.FirstUsed.Format(time.RFC3339))
	if r.Fonts != "" {
		fmt.Fprintf(stderr, "postbud render: warning: %s; the documents may not be the ones the letter was sent with\n", r.Fonts)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "postbud render: create output folder: %v\n", err)
		return 1
	}
	code := 0
	for _, d := range r.Documents {
		ext := d.Format
		if ext == "memo" {
			ext = "memo.xml"
		}
		p := filepath.Join(*outDir, r.Letter+"."+ext)
		// The letter holds personal data: readable by its owner only.
		if err := safefile.Write(p, d.Data, 0o600); err != nil {
			fmt.Fprintf(stderr, "postbud render: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", p, len(d.Data))
		switch {
		case d.StoredSHA256 == "":
			fmt.Fprintf(stdout, "  no stored %s to compare with (sha256 %s)\n", d.Format, d.SHA256)
			code = 1
		case d.Same():
			fmt.Fprintf(stdout, "  identical to the stored %s (sha256 %s)\n", d.Format, d.SHA256)
		default:
			fmt.Fprintf(stdout, "  DIFFERS from the stored %s (sha256 %s, stored %s)\n", d.Format, d.SHA256, d.StoredSHA256)
			code = 1
		}
	}
	return code
}

// storeFlags are the flags of the commands that read the document store alone, without Redis:
// the store's URL, the configuration file and the data folder, read with the precedence serve
// and worker use (flags, then environment, then file).
type storeFlags struct{ config, store, data *string }

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		config: fs.String("config", "", "YAML configuration file (env POSTBUD_CONFIG)"),
		store:  fs.String("store", "", "document store URL (env POSTBUD_DOCUMENTS; default file://<data>/documents)"),
		data:   fs.String("data", "", "data folder (env POSTBUD_DATA_DIR; default ./postbud-data)"),
	}
}

// load reads the configuration as `postbud worker` would, with these flags in place of its
// --config, --documents and --data.
func (f storeFlags) load() (*config.Config, error) {
	hidden := flag.NewFlagSet("config", flag.ContinueOnError)
	hidden.SetOutput(io.Discard)
	load := config.Flags(hidden, os.Getenv)
	for name, v := range map[string]string{"config": *f.config, "documents": *f.store, "data": *f.data} {
		if v != "" {
			if err := hidden.Set(name, v); err != nil {
				return nil, err
			}
		}
	}
	return load()
}

// letterTenant is the tenant named, which must be configured when the configuration names
// tenants, or the one tenant there is.
func letterTenant(cfg *config.Config, given string) (string, error) {
	if len(cfg.Tenants) == 0 {
		if given == "" {
			return "default", nil
		}
		return given, nil
	}
	var names []string
	for _, t := range cfg.Tenants {
		if t.Name == given {
			return given, nil
		}
		names = append(names, t.Name)
	}
	if given != "" {
		return "", fmt.Errorf("tenant %q is not in the configuration; its tenants are %s", given, strings.Join(names, ", "))
	}
	if len(names) == 1 {
		return names[0], nil
	}
	return "", fmt.Errorf("the configuration has %d tenants (%s): name the letter's with --tenant", len(names), strings.Join(names, ", "))
}

// storeKey finds the sealing key as openApp does (keyFile first when given), except that it
// never makes one: a new key opens nothing.
func storeKey(cfg *config.Config, keyFile string) (sealed.Key, error) {
	if keyFile != "" {
		cfg.Key, cfg.KeyFile = "", keyFile
	}
	if cfg.Key == "" && cfg.KeyFile == "" {
		p := filepath.Join(cfg.DataDir, "key")
		if _, err := os.Stat(p); err != nil {
			return sealed.Key{}, fmt.Errorf("no sealing key: set POSTBUD_KEY or POSTBUD_KEY_FILE, or give --key-file, with the key the worker had (%s does not exist)", p)
		}
		cfg.KeyFile = p
	}
	return loadKey(cfg)
}
