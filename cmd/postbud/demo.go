package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
	"github.com/postbud/postbud/internal/config"
	"github.com/postbud/postbud/internal/safefile"
	"github.com/postbud/postbud/worker"
)

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	samples := fs.String("samples", "samples", "templates root with templates/, layouts/ and blocks/")
	out := fs.String("out", "postbud-demo", "folder everything is written to")
	n := fs.Int("letters", 1000, "generated letters in the demo batch")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: postbud demo [--samples DIR] [--out DIR] [--letters N]")
		fmt.Fprintln(stderr, "\nRuns postbud on one machine with an embedded queue and a local stand-in for Danish Digital")
		fmt.Fprintln(stderr, "Post (NgDP, over mutual TLS with a throwaway CA): submits every sample letter and a batch of")
		fmt.Fprintln(stderr, "generated letters, delivers them as MeMo messages (one citizen, exempt from digital post, on")
		fmt.Fprintln(stderr, "paper through the print channel; one letter to the outbox), and prints where each went.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if pos, err := parseArgs(fs, args); err != nil {
		return 2
	} else if len(pos) != 0 || *n < 0 {
		fs.Usage()
		return 2
	}
	start := time.Now()
	standin, cfg, err := demoSetup(*out, *samples, *n)
	if err != nil {
		fmt.Fprintf(stderr, "postbud demo: %v\n", err)
		return 1
	}
	defer standin.Close()
	a, err := openApp(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "postbud demo: %v\n", err)
		return 1
	}
	defer a.Close()
	stopWorker, err := a.startWorker(ctx, cfg.Concurrency, cfg.ShutdownTimeout)
	if err != nil {
		fmt.Fprintf(stderr, "postbud demo: %v\n", err)
		return 1
	}
	defer stopWorker()

	tenant := a.tenants[0].Name
	letters, err := submitSamples(ctx, a.client, tenant, *samples)
	if err != nil {
		fmt.Fprintf(stderr, "postbud demo: %v\n", err)
		return 1
	}
	var batch *worker.Batch
	if *n > 0 {
		if batch, err = submitDemoBatch(ctx, a.client, tenant, *samples, *n); err != nil {
			fmt.Fprintf(stderr, "postbud demo: batch: %v\n", err)
			return 1
		}
	}
	if err := waitDone(ctx, a.client, tenant, letters, batch, stderr); err != nil {
		fmt.Fprintf(stderr, "\npostbud demo: %v\n", err)
		return 1
	}
	fmt.Fprintln(stderr)

	failed := 0
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TEMPLATE\tLANG\tSTATUS\tCHANNEL\tMEMO\tWHERE")
	for _, l := range letters {
		l, err := a.client.Letter(ctx, tenant, l.ID)
		if err != nil {
			fmt.Fprintf(stderr, "postbud demo: %v\n", err)
			return 1
		}
		status := string(l.Status)
		if l.Status != worker.StatusDelivered {
			failed++
			status += ": " + l.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Template, l.Language, status, demoChannel(l), demoMemo(l), demoWhere(cfg, l))
	}
	tw.Flush()
	if batch != nil {
		b, err := a.client.Batch(ctx, tenant, batch.ID)
		if err != nil {
			fmt.Fprintf(stderr, "postbud demo: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "\nbatch %s: %d letters, %d delivered, %d failed, %d rejected lines\n",
			b.ID, b.Total, b.Counts[worker.StatusDelivered], b.Counts[worker.StatusFailed], len(b.Rejected))
		failed += b.Counts[worker.StatusFailed] + len(b.Rejected)
	}
	total := len(letters)
	if batch != nil {
		total += *n
	}
	el := time.Since(start)
	accepted := standin.Accepted()
	fmt.Fprintf(stdout, "%d letters in %.1f s (%.0f letters/s)\n", total, el.Seconds(), float64(total)/el.Seconds())
	fmt.Fprintf(stdout, "Digital Post (stand-in at %s) accepted %d MeMo messages: %s\n", standin.URL(), len(accepted), filepath.Join(*out, "digitalpost"))
	fmt.Fprintf(stdout, "print folder (manifest per day): %s\noutbox: %s\ndocuments: %s\n", cfg.Delivery.Print.Dir, cfg.Outbox, cfg.Documents)
	if failed > 0 {
		return 1
	}
	return 0
}

// demoSender is the sample municipality as a Digital Post sender (its CVR passes modulus 11).
var demoSender = config.Sender{CVR: "55133018", Label: "Aarhus Kommune"}

// demoExempt is the sample recipient who is exempt from digital post: the demo's Swedish
// payment reminder (the first sample) goes on paper.
const demoExempt = "0101900000"

// demoSetup starts the Digital Post stand-in (mTLS with a throwaway CA whose files go under
// <out>/ngdp) and returns the configuration that points the embedded pipeline at it.
func demoSetup(out, samples string, n int) (*ngdptest.Server, *config.Config, error) {
	ca, err := ngdptest.NewCA()
	if err != nil {
		return nil, nil, err
	}
	tlsDir := filepath.Join(out, "ngdp")
	if err := os.MkdirAll(tlsDir, 0o700); err != nil {
		return nil, nil, err
	}
	files, err := ca.WriteFiles(tlsDir)
	if err != nil {
		return nil, nil, err
	}
	secret := filepath.Join(tlsDir, "secret")
	if err := safefile.Write(secret, []byte("demo-secret-"+strconv.FormatInt(time.Now().UnixNano(), 36)), 0o600); err != nil {
		return nil, nil, err
	}
	raw, _ := os.ReadFile(secret)
	// The stand-in's contact register: every demo recipient receives digital post except one.
	contacts := map[string]delivery.ContactStatus{}
	for i := range 16 {
		contacts[sampleRecipient(nil, i).ID] = delivery.Registered
	}
	for i := range n {
		contacts[batchRecipientID(i)] = delivery.Registered
	}
	contacts[demoExempt] = delivery.Exempt
	standin, err := ngdptest.Start(ca, ngdptest.Options{SystemID: "postbud-demo", Secret: string(raw),
		Dir: filepath.Join(out, "digitalpost"), Contacts: contacts})
	if err != nil {
		return nil, nil, err
	}
	// The demo always runs embedded, whatever the environment says.
	cfs := flag.NewFlagSet("demo-config", flag.ContinueOnError)
	load := config.Flags(cfs, func(string) string { return "" })
	if err := cfs.Parse([]string{"--data", out, "--templates", samples}); err != nil {
		standin.Close()
		return nil, nil, err
	}
	cfg, err := load()
	if err != nil {
		standin.Close()
		return nil, nil, err
	}
	cfg.Delivery.NgDP.URL = standin.URL()
	cfg.Delivery.NgDP.CertFile, cfg.Delivery.NgDP.KeyFile, cfg.Delivery.NgDP.CAFile = files.ClientCert, files.ClientKey, files.CA
	cfg.Delivery.NgDP.SystemID, cfg.Delivery.NgDP.SecretFile = "postbud-demo", secret
	cfg.DefaultTenant = config.Tenant{Delivery: "ngdp", Sender: demoSender}
	return standin, cfg, nil
}

func demoChannel(l *worker.Letter) string {
	if l.Receipt != nil {
		return l.Receipt.Channel
	}
	return l.Delivery
}

func demoMemo(l *worker.Letter) string {
	if l.Memo == nil {
		return "-"
	}
	return "MeMo " + l.Memo.Version
}

// demoWhere names the file a person can open to see what the channel received.
func demoWhere(cfg *config.Config, l *worker.Letter) string {
	if l.Receipt == nil {
		return ""
	}
	switch l.Receipt.Channel {
	case "ngdp":
		return filepath.Join(cfg.DataDir, "digitalpost", l.MessageUUID+".xml") + " (" + l.Receipt.Status + ")"
	case delivery.PrintChannel:
		return filepath.Join(cfg.Delivery.Print.Dir, l.Receipt.Reference) + " (" + l.Route.Reason + ")"
	case "outbox":
		return filepath.Join(cfg.Outbox, l.Receipt.Reference)
	}
	return l.Receipt.Reference
}

// sampleRecipient builds a recipient from the sample's own data: name, street, postcode and city
// where the sample has them. The id is a made-up CPR-like number; real ones never go in samples.
func sampleRecipient(data []byte, i int) delivery.Recipient {
	var v struct {
		Recipient struct{ Name, Street, Postcode, City string } `json:"recipient"`
	}
	json.Unmarshal(data, &v)
	r := v.Recipient
	if r.Name == "" {
		r.Name = "Demo Borger"
	}
	return delivery.Recipient{
		ID:      fmt.Sprintf("010190%04d", i),
		Name:    r.Name,
		Address: []string{r.Street, strings.TrimSpace(r.Postcode + " " + r.City)},
	}
}

func submitSamples(ctx context.Context, c *worker.Client, tenant, root string) ([]*worker.Letter, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "templates", "*", "sample.json"))
	if err != nil || len(dirs) == 0 {
		return nil, fmt.Errorf("no samples in %s/templates/*/sample.json", root)
	}
	sort.Strings(dirs)
	var out []*worker.Letter
	for i, p := range dirs {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(filepath.Dir(p))
		sub := worker.Submission{
			Tenant: tenant, Template: name, Data: data, Recipient: sampleRecipient(data, i),
			IdempotencyKey: "demo-" + name,
		}
		if name == "waste-collection-information" {
			// One letter for an integration platform's pick-up: the outbox keeps its MeMo too.
			sub.Delivery = "outbox"
		}
		l, _, err := c.Submit(ctx, sub)
		if err != nil {
			return nil, fmt.Errorf("submit %s: %w", name, err)
		}
		out = append(out, l)
		// The bundle's letters in its other languages (letter.<lang>.md), each with that
		// language's sample data when there is one.
		others, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "letter.*.md"))
		sort.Strings(others)
		for _, o := range others {
			lang := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(o), "letter."), ".md")
			ld := data
			if d, err := os.ReadFile(filepath.Join(filepath.Dir(p), "sample."+lang+".json")); err == nil {
				ld = d
			}
			ls := sub
			ls.Language, ls.Data, ls.Recipient, ls.IdempotencyKey = lang, ld, sampleRecipient(ld, i), "demo-"+name+"-"+lang
			l, _, err := c.Submit(ctx, ls)
			if err != nil {
				return nil, fmt.Errorf("submit %s in %s: %w", name, lang, err)
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// batchRecipientID is the made-up CPR-like number of the demo batch's letter i.
func batchRecipientID(i int) string { return fmt.Sprintf("0202%06d", i) }

// submitDemoBatch streams n generated housing-benefit letters as NDJSON into a batch, each with its
// own recipient and amounts, written through a pipe so the batch is never held in memory.
func submitDemoBatch(ctx context.Context, c *worker.Client, tenant, root string, n int) (*worker.Batch, error) {
	const name = "boligstoette-afgoerelse"
	raw, err := os.ReadFile(filepath.Join(root, "templates", name, "sample.json"))
	if err != nil {
		return nil, err
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, err
	}
	first := []string{"Søren", "Mette", "Ahmad", "Fatima", "Lars", "Ingrid", "Jonas", "Aisha", "Bjørn", "Karen"}
	last := []string{"Møller", "Østergård", "Hansen", "Nielsen", "Jørgensen", "Al-Khalil", "Ærbø", "Sørensen"}
	streets := []string{"Åboulevarden", "Vestergade", "Nørregade", "Frederiks Allé", "Søndergade"}
	pr, pw := io.Pipe()
	go func() {
		enc := json.NewEncoder(pw)
		for i := 0; i < n; i++ {
			who := first[i%len(first)] + " " + last[(i/len(first))%len(last)]
			rec := data["recipient"].(map[string]any)
			rec["name"] = who
			street := fmt.Sprintf("%s %d, %d. th.", streets[i%len(streets)], 1+i%97, 1+i%5)
			rec["street"] = street
			data["salutation"] = "Kære " + who
			data["caseNumber"] = fmt.Sprintf("2026-%06d", 100000+i)
			line := map[string]any{
				"template":  name,
				"data":      data,
				"recipient": map[string]any{"id": batchRecipientID(i), "name": who, "address": []string{street, "8000 Aarhus C"}},
				"priority":  "bulk",
			}
			if err := enc.Encode(line); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.Close()
	}()
	b, err := c.SubmitBatch(ctx, tenant, pr, worker.Submission{})
	pr.Close()
	return b, err
}

// waitDone polls until every letter and the batch have ended, drawing a progress line.
func waitDone(ctx context.Context, c *worker.Client, tenant string, letters []*worker.Letter, batch *worker.Batch, progress io.Writer) error {
	deadline := time.Now().Add(10 * time.Minute)
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		done, total := 0, len(letters)
		for _, l := range letters {
			l, err := c.Letter(ctx, tenant, l.ID)
			if err != nil {
				return err
			}
			if l.Status.Final() {
				done++
			}
		}
		batchDone := true
		if batch != nil {
			b, err := c.Batch(ctx, tenant, batch.ID)
			if err != nil {
				return err
			}
			total += b.Total
			done += b.Counts[worker.StatusDelivered] + b.Counts[worker.StatusFailed]
			batchDone = b.Done
		}
		drawProgress(progress, done, total)
		if done >= total && batchDone {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up waiting: %d of %d letters ended", done, total)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// drawProgress rewrites one line: a bar and the counts.
func drawProgress(w io.Writer, done, total int) {
	const width = 30
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	fmt.Fprintf(w, "\r[%s%s] %d/%d letters ended", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
}
