package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/templates"
)

func compact(data []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		panic(err)
	}
	return b.Bytes()
}

var sampleNames = []string{"betalningspaminnelse", "boligstoette-afgoerelse", "pysakointilupa-paatos", "uitnodiging-afspraak", "waste-collection-information"}

// TestSubmitDelivers submits every sample and checks that the outbox holds exactly the bytes a
// direct render gives, and that the record and Client.Document agree.
func TestSubmitDelivers(t *testing.T) {
	e := newEnv(t)
	reg := prometheus.NewRegistry()
	e.opts.Metrics = reg
	c := e.client(t)
	ctx := context.Background()
	ids := map[string]string{}
	for _, name := range sampleNames {
		l, created, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: name, Data: sample(t, name), Recipient: testRecipient})
		if err != nil {
			t.Fatalf("Submit %s: %v", name, err)
		}
		if !created || l.Status != StatusQueued || l.TemplateVersion == "" {
			t.Fatalf("Submit %s: created=%v status=%s version=%q", name, created, l.Status, l.TemplateVersion)
		}
		ids[name] = l.ID
	}
	e.run(t, e.opts, 4)
	for _, name := range sampleNames {
		l := waitFinal(t, c, "aarhus", ids[name], time.Minute)
		if l.Status != StatusDelivered {
			t.Fatalf("%s: status %s, last error %q", name, l.Status, l.LastError)
		}
		if l.Receipt == nil || l.Receipt.Channel == "" {
			t.Errorf("%s: no receipt: %+v", name, l.Receipt)
		}
		b, err := templates.LoadDir(filepath.Join(samplesRoot, "templates", name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := b.Document(sample(t, name))
		if err != nil {
			t.Fatal(err)
		}
		var gotFormats []string
		for _, info := range l.Documents {
			gotFormats = append(gotFormats, info.Format)
			want, err := renderFormat(d, info.Format)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(e.outbox.Dir, "aarhus", l.ID, "letter."+info.Format))
			if err != nil {
				t.Fatalf("%s: outbox: %v", name, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s.%s: outbox bytes differ from a direct render (%d vs %d bytes)", name, info.Format, len(got), len(want))
			}
			if info.Bytes != len(want) {
				t.Errorf("%s.%s: record says %d bytes, want %d", name, info.Format, info.Bytes, len(want))
			}
			stored, err := c.Document(ctx, "aarhus", l.ID, info.Format)
			if err != nil || !bytes.Equal(stored, want) {
				t.Errorf("%s.%s: Client.Document: %d bytes, err %v", name, info.Format, len(stored), err)
			}
		}
		if diff := cmp.Diff([]string{"pdf", "docx"}, gotFormats); diff != "" {
			t.Errorf("%s: documents (-want +got):\n%s", name, diff)
		}
	}
	// Each letter went through every status once; each render and delivery was timed.
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case "postbud_letters_total":
				labels := map[string]string{}
				for _, lp := range m.GetLabel() {
					labels[lp.GetName()] = lp.GetValue()
				}
				got[labels["status"]] += m.GetCounter().GetValue()
			case "postbud_render_seconds", "postbud_delivery_seconds":
				got[mf.GetName()] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	n := float64(len(sampleNames))
	want := map[string]float64{"queued": n, "rendering": n, "rendered": n, "delivering": n, "delivered": n,
		"postbud_render_seconds": n, "postbud_delivery_seconds": n}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	// Another tenant sees none of it.
	if _, err := c.Letter(ctx, "odense", ids[sampleNames[0]]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Letter of another tenant: err %v, want ErrNotFound", err)
	}
	if _, err := c.Document(ctx, "odense", ids[sampleNames[0]], "pdf"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Document of another tenant: err %v, want ErrNotFound", err)
	}
}

func TestSubmitRejects(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	good := sample(t, "boligstoette-afgoerelse")
	tests := []struct {
		name  string
		s     Submission
		check func(error) bool
	}{
		{"no tenant", Submission{Template: "boligstoette-afgoerelse", Data: good}, isInput("tenant")},
		{"no template", Submission{Tenant: "a", Data: good}, isInput("template")},
		{"unknown template", Submission{Tenant: "a", Template: "nope", Data: good}, isUnknown},
		{"dot dot", Submission{Tenant: "a", Template: "../templates/boligstoette-afgoerelse", Data: good}, isUnknown},
		{"bad format", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: good, Formats: []string{"odt"}}, isInput("formats")},
		{"twice a format", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: good, Formats: []string{"pdf", "pdf"}}, isInput("formats")},
		{"bad priority", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: good, Priority: "asap"}, isInput("priority")},
		{"unknown channel", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: good, Delivery: "fax"}, isInput("delivery")},
		{"data not JSON", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: []byte(`{"lang":`)}, isData},
		{"wrong type", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: []byte(`{"lang": 3}`)}, isData},
		{"no letter in the language", Submission{Tenant: "a", Template: "boligstoette-afgoerelse", Data: good, Language: "en"}, isInput("language")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.Submit(context.Background(), tt.s)
			if !tt.check(err) {
				t.Errorf("Submit: err %v (%T)", err, err)
			}
		})
	}
	if n := taskCount(t, e.opts); n != 0 {
		t.Errorf("%d tasks queued by rejected submissions, want 0", n)
	}
}

func isInput(field string) func(error) bool {
	return func(err error) bool {
		var ie *InputError
		return errors.As(err, &ie) && ie.Field == field
	}
}
func isUnknown(err error) bool { return errors.Is(err, ErrUnknownTemplate) }
func isData(err error) bool {
	var de *templates.DataError
	return errors.As(err, &de) && len(de.Problems) > 0
}

// TestIdempotency submits one letter 50 times at once with one key.
func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	data := sample(t, "boligstoette-afgoerelse")
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]int{}
	var createdN atomic.Int32
	for range 50 {
		wg.Go(func() {
			l, created, err := c.Submit(context.Background(), Submission{
				Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data,
				Recipient: testRecipient, IdempotencyKey: "case-2026-004711/decision",
			})
			if err != nil {
				t.Error(err)
				return
			}
			if created {
				createdN.Add(1)
			}
			mu.Lock()
			ids[l.ID]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(ids) != 1 || createdN.Load() != 1 {
		t.Fatalf("50 submissions with one key: %d letters, %d created; want 1 and 1", len(ids), createdN.Load())
	}
	if n := taskCount(t, e.opts); n != 1 {
		t.Fatalf("%d tasks queued, want 1", n)
	}
	var id string
	for id = range ids {
	}
	// The same key for another tenant is another letter.
	other, created, err := c.Submit(context.Background(), Submission{Tenant: "odense", Template: "boligstoette-afgoerelse", Data: data, IdempotencyKey: "case-2026-004711/decision"})
	if err != nil || !created || other.ID == id {
		t.Fatalf("same key, other tenant: created=%v id=%v err=%v", created, other, err)
	}
	e.run(t, e.opts, 4)
	l := waitFinal(t, c, "aarhus", id, time.Minute)
	waitFinal(t, c, "odense", other.ID, time.Minute)
	if l.Status != StatusDelivered {
		t.Fatalf("status %s: %s", l.Status, l.LastError)
	}
	got, err := e.outbox.Delivered("aarhus")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{id}, got); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	var docs []string
	root := filepath.Join(filepath.Dir(e.outbox.Dir), "docs", "aarhus")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			rel, _ := filepath.Rel(root, p)
			docs = append(docs, filepath.ToSlash(rel))
		}
		return nil
	})
	if diff := cmp.Diff([]string{id + "/case", id + "/docx", id + "/pdf"}, docs); diff != "" {
		t.Errorf("stored documents (-want +got):\n%s", diff)
	}
}

// copyTree copies the samples into a temp root the test may change.
func copyTree(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// TestPermanentFailure: a letter that cannot be produced fails once, with a plain reason, no
// retry, no personal data in the reason, and its task archived.
func TestPermanentFailure(t *testing.T) {
	e := newEnv(t)
	root := copyTree(t, samplesRoot)
	// A bundle whose schema lets any string through as the date, which the template's date
	// function then fails on.
	broken := filepath.Join(root, "templates", "loose-date")
	os.MkdirAll(broken, 0o755)
	for _, f := range []string{"letter.md", "schema.json", "sample.json"} {
		data, err := os.ReadFile(filepath.Join(root, "templates", "waste-collection-information", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "schema.json" {
			data = bytes.Replace(data, []byte(`"date": {"type": "string", "format": "date"}`), []byte(`"date": {"type": "string"}`), 1)
		}
		os.WriteFile(filepath.Join(broken, f), data, 0o644)
	}
	e.opts.Templates = &DirTemplates{Root: root}
	c := e.client(t)
	ctx := context.Background()

	var bad map[string]any
	json.Unmarshal(sample(t, "waste-collection-information"), &bad)
	bad["date"] = "Søren Ærbø Møller"
	badData, _ := json.Marshal(bad)
	// The date the template cannot read is refused at submission (the letter would never
	// render), naming the template position and without the value.
	_, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "loose-date", Data: badData, Recipient: testRecipient})
	var se *SubmissionError
	if !errors.As(err, &se) || len(se.Problems) != 1 || !strings.Contains(se.Problems[0].Message, "templates/loose-date/letter.md:15:25: date: expected a date") {
		t.Fatalf("Submit: %v, want a *SubmissionError naming letter.md:15:25", err)
	}
	for _, secret := range []string{"Søren", "Møller", testRecipient.ID} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the refusal %q holds personal data %q", err, secret)
		}
	}
	l2, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: sample(t, "boligstoette-afgoerelse"), Recipient: testRecipient})
	if err != nil {
		t.Fatal(err)
	}
	// The template changes between submission and rendering.
	letter := filepath.Join(root, "templates", "boligstoette-afgoerelse", "letter.md")
	src, _ := os.ReadFile(letter)
	os.WriteFile(letter, append(src, "\nEt nyt afsnit.\n"...), 0o644)
	time.Sleep(1100 * time.Millisecond) // DirTemplates looks again after a second
	// ... and its version is not in the template archive (kept before there was one).
	if err := os.RemoveAll(filepath.Join(storeDir(t, e.opts.Documents), ".templates")); err != nil {
		t.Fatal(err)
	}

	e.run(t, e.opts, 2)
	tests := []struct {
		id, want string
	}{
		{l2.ID, "changed since submission"},
	}
	for _, tt := range tests {
		l := waitFinal(t, c, "aarhus", tt.id, time.Minute)
		if l.Status != StatusFailed || !strings.Contains(l.LastError, tt.want) || l.Attempts != 1 {
			t.Errorf("letter %s: status %s, attempts %d, last error %q; want failed, 1, containing %s", tt.id, l.Status, l.Attempts, l.LastError, tt.want)
		}
		for _, secret := range []string{"Søren", "Møller", testRecipient.ID} {
			if strings.Contains(l.LastError, secret) {
				t.Errorf("last error %q holds personal data %q", l.LastError, secret)
			}
		}
	}
	q := NewQueues(e.opts)
	defer q.Close()
	var dead []DeadTask
	for deadline := time.Now().Add(10 * time.Second); len(dead) < 1 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if dead, err = q.Archived(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var gotIDs []string
	for _, d := range dead {
		gotIDs = append(gotIDs, d.LetterID)
		if d.Queue != QueueRenderDefault || d.TaskID != "render:"+d.LetterID || d.Error == "" {
			t.Errorf("dead task %+v", d)
		}
	}
	slices.Sort(gotIDs)
	wantIDs := []string{l2.ID}
	slices.Sort(wantIDs)
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("archived letters (-want +got):\n%s", diff)
	}
}

// flaky fails its first n deliveries with a transient error, or every one when n < 0.
type flaky struct {
	n     atomic.Int32
	calls atomic.Int32
	next  delivery.Channel
}

func (f *flaky) Deliver(ctx context.Context, l *delivery.Letter) (*delivery.Receipt, error) {
	f.calls.Add(1)
	if f.n.Load() != 0 {
		f.n.Add(-1)
		return nil, fmt.Errorf("digital post endpoint answered 503 for %s", l.Recipient.Name)
	}
	return f.next.Deliver(ctx, l)
}

func TestTransientDeliveryRetried(t *testing.T) {
	e := newEnv(t)
	f := &flaky{next: e.outbox}
	f.n.Store(2)
	e.opts.Channels = map[string]delivery.Channel{"outbox": e.outbox, "flaky": f}
	c := e.client(t)
	l, _, err := c.Submit(context.Background(), Submission{Tenant: "aarhus", Template: "betalningspaminnelse", Data: sample(t, "betalningspaminnelse"), Recipient: testRecipient, Delivery: "flaky"})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, e.opts, 2)
	l = waitFinal(t, c, "aarhus", l.ID, time.Minute)
	if l.Status != StatusDelivered || l.Attempts != 4 || f.calls.Load() != 3 || l.LastError != "" {
		t.Errorf("status %s, attempts %d, channel calls %d, last error %q; want delivered, 4 (1 render + 3 deliver), 3, none",
			l.Status, l.Attempts, f.calls.Load(), l.LastError)
	}
}

// TestRetriesExhausted: a channel that keeps failing fails the letter with the last error and
// archives the task; an operator's Retry after the channel recovers delivers it.
func TestRetriesExhausted(t *testing.T) {
	e := newEnv(t)
	f := &flaky{next: e.outbox}
	f.n.Store(-1)
	e.opts.Channels = map[string]delivery.Channel{"outbox": e.outbox, "flaky": f}
	e.opts.MaxRetry = 2
	c := e.client(t)
	ctx := context.Background()
	l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "betalningspaminnelse", Data: sample(t, "betalningspaminnelse"), Recipient: testRecipient, Delivery: "flaky"})
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, e.opts, 2)
	l = waitFinal(t, c, "aarhus", l.ID, time.Minute)
	if l.Status != StatusFailed || f.calls.Load() != 3 || !strings.Contains(l.LastError, "503") || strings.Contains(l.LastError, "Søren") {
		t.Fatalf("status %s, channel calls %d, last error %q; want failed after 3 calls with the 503, redacted", l.Status, f.calls.Load(), l.LastError)
	}
	q := NewQueues(e.opts)
	defer q.Close()
	var dead []DeadTask
	for deadline := time.Now().Add(10 * time.Second); len(dead) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		dead, _ = q.Archived(ctx)
	}
	if len(dead) != 1 || dead[0].Queue != QueueDeliver || dead[0].LetterID != l.ID || strings.Contains(dead[0].Error, "Søren") {
		t.Fatalf("archived: %+v", dead)
	}
	f.n.Store(0)
	if n, err := q.RetryAll(ctx); err != nil || n != 1 {
		t.Fatalf("RetryAll: %d, %v", n, err)
	}
	l = waitFinal(t, c, "aarhus", l.ID, time.Minute)
	if l.Status != StatusDelivered {
		t.Fatalf("after retry: status %s, %q", l.Status, l.LastError)
	}
}

// redisLeaks scans every key of the test's Redis, reading every type, for any of secrets.
func redisLeaks(t *testing.T, e *env, secrets ...string) {
	t.Helper()
	ctx := context.Background()
	iter := e.rdb.Scan(ctx, 0, "*", 500).Iterator()
	keys := 0
	for iter.Next(ctx) {
		key := iter.Val()
		keys++
		var values []string
		typ, err := e.rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		switch typ {
		case "string":
			values = []string{e.rdb.Get(ctx, key).Val()}
		case "hash":
			for k, v := range e.rdb.HGetAll(ctx, key).Val() {
				values = append(values, k, v)
			}
		case "list":
			values = e.rdb.LRange(ctx, key, 0, -1).Val()
		case "set":
			values = e.rdb.SMembers(ctx, key).Val()
		case "zset":
			values = e.rdb.ZRange(ctx, key, 0, -1).Val()
		case "stream":
			for _, m := range e.rdb.XRange(ctx, key, "-", "+").Val() {
				for k, v := range m.Values {
					values = append(values, k, fmt.Sprint(v))
				}
			}
		case "none":
			continue
		default:
			t.Errorf("key %s has type %s the scan cannot read", key, typ)
		}
		values = append(values, key)
		for _, v := range values {
			for _, s := range secrets {
				if strings.Contains(v, s) {
					t.Errorf("key %s (%s) holds %q in clear", key, typ, s)
				}
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if keys == 0 {
		t.Error("scanned no keys")
	}
}

func TestBatch(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	data := sample(t, "boligstoette-afgoerelse")
	var wrongType map[string]any
	json.Unmarshal(data, &wrongType)
	wrongType["caseNumber"] = 2026004711
	wrongType["subject"] = map[string]any{"text": "Søren Ærbø Møller"}
	wrongData, _ := json.Marshal(wrongType)

	good := ndjsonLine("boligstoette-afgoerelse", data, testRecipient)
	bad := map[int]string{
		10:  `{"template": "boligstoette-afgoerelse", "data": {`,
		200: ndjsonLine("no-such-template", data, testRecipient),
		500: ndjsonLine("boligstoette-afgoerelse", wrongData, testRecipient),
		640: strings.Replace(good, `"template"`, `"tempalte"`, 1),
		777: "\xff\xfe" + good,
		901: `{"template": "boligstoette-afgoerelse", "data": {"lang": "da"}, "recipient": {"id": "0102031234"}}`,
	}
	var in strings.Builder
	const lines = 1000
	for n := 1; n <= lines; n++ {
		switch {
		case n == 300:
			in.WriteString("   \n") // blank: skipped, not counted
		case bad[n] != "":
			in.WriteString(bad[n] + "\n")
		default:
			in.WriteString(good + "\n")
		}
	}
	b, err := c.SubmitBatch(ctx, "aarhus", strings.NewReader(in.String()), Submission{Formats: []string{"docx"}, Priority: PriorityBulk})
	if err != nil {
		t.Fatalf("SubmitBatch: %v", err)
	}
	wantGood := lines - 1 - len(bad)
	if b.Total != lines-1 || b.RejectedTotal != len(bad) || b.Counts[StatusQueued] != wantGood {
		t.Fatalf("batch after submit: total %d, rejected %d, queued %d; want %d, %d, %d", b.Total, b.RejectedTotal, b.Counts[StatusQueued], lines-1, len(bad), wantGood)
	}
	var gotLines []int
	for _, r := range b.Rejected {
		gotLines = append(gotLines, r.Line)
		for _, s := range []string{"Søren", "Møller", "0102031234"} {
			if strings.Contains(r.Message, s) {
				t.Errorf("line %d: message %q holds %q", r.Line, r.Message, s)
			}
		}
	}
	if diff := cmp.Diff([]int{10, 200, 500, 640, 777, 901}, gotLines); diff != "" {
		t.Errorf("rejected lines (-want +got):\n%s", diff)
	}
	t.Logf("rejected: %+v", b.Rejected)
	if _, err := c.Batch(ctx, "odense", b.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Batch of another tenant: %v", err)
	}

	e.run(t, e.opts, 4)
	b = waitBatch(t, c, "aarhus", b.ID, 5*time.Minute)
	if diff := cmp.Diff(map[Status]int{StatusDelivered: wantGood}, b.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	delivered, _ := e.outbox.Delivered("aarhus")
	if len(delivered) != wantGood {
		t.Errorf("outbox holds %d letters, want %d", len(delivered), wantGood)
	}
	redisLeaks(t, e, testRecipient.ID, "010203-1234", testRecipient.Name, "Søren", "Møller", "Åboulevarden",
		"Mette Søgaard Østergård", "1.234,50 kr.")
}

// TestGracefulShutdown stops a Server mid-batch; a new Server then finishes every letter, each
// delivered once.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	const n = 60
	var in strings.Builder
	for range n {
		in.WriteString(ndjsonLine("boligstoette-afgoerelse", sample(t, "boligstoette-afgoerelse"), testRecipient) + "\n")
	}
	b, err := c.SubmitBatch(ctx, "aarhus", strings.NewReader(in.String()), Submission{})
	if err != nil {
		t.Fatal(err)
	}
	stop := e.run(t, e.opts, 2)
	for {
		got, _ := c.Batch(ctx, "aarhus", b.ID)
		if got.Counts[StatusDelivered] >= 5 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	mid, _ := c.Batch(ctx, "aarhus", b.ID)
	if mid.Done {
		t.Log("the batch finished before the shutdown; the test shows less than it should")
	}
	t.Logf("at shutdown: %v", mid.Counts)
	e.run(t, e.opts, 2)
	b = waitBatch(t, c, "aarhus", b.ID, 5*time.Minute)
	if diff := cmp.Diff(map[Status]int{StatusDelivered: n}, b.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	delivered, _ := e.outbox.Delivered("aarhus")
	if len(delivered) != n {
		t.Errorf("outbox holds %d letters, want %d", len(delivered), n)
	}
}
