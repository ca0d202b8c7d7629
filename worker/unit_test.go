package worker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery"
)

func TestDirTemplatesNames(t *testing.T) {
	dt := &DirTemplates{Root: samplesRoot, Tenants: map[string][]string{
		"aarhus": {"boligstoette-afgoerelse", "waste-collection-information"},
		"open":   nil,
	}}
	tests := []struct {
		tenant string
		want   []string
	}{
		{"aarhus", []string{"boligstoette-afgoerelse", "waste-collection-information"}},
		{"open", sampleNames},
		{"unlisted", sampleNames},
	}
	for _, tt := range tests {
		got, err := dt.Names(tt.tenant)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Names(%s) (-want +got):\n%s", tt.tenant, diff)
		}
	}
}

func TestDirTemplatesUnknown(t *testing.T) {
	dt := &DirTemplates{Root: samplesRoot, Tenants: map[string][]string{"aarhus": {"boligstoette-afgoerelse"}}}
	for _, tt := range []struct{ tenant, name string }{
		{"aarhus", "waste-collection-information"}, // not allowed
		{"x", "../samples/templates/boligstoette-afgoerelse"},
		{"x", "..%2fetc"},
		{"x", ".."},
		{"x", "."},
		{"x", ""},
		{"x", "a/b"},
		{"x", `a\b`},
		{"x", "no-such-template"},
		{"x", ".hidden"},
	} {
		if _, err := dt.Bundle(tt.tenant, tt.name); !errors.Is(err, ErrUnknownTemplate) {
			t.Errorf("Bundle(%q, %q): err %v, want ErrUnknownTemplate", tt.tenant, tt.name, err)
		}
	}
	b, err := dt.Bundle("aarhus", "boligstoette-afgoerelse")
	if err != nil || b.Name != "boligstoette-afgoerelse" {
		t.Fatalf("Bundle: %v, %v", b, err)
	}
}

// TestDirTemplatesReload: a changed file gives a new version after at most a second; an
// unchanged one gives the same *Bundle.
func TestDirTemplatesReload(t *testing.T) {
	root := copyTree(t, samplesRoot)
	dt := &DirTemplates{Root: root}
	b1, err := dt.Bundle("t", "betalningspaminnelse")
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := dt.Bundle("t", "betalningspaminnelse")
	if b1 != b2 {
		t.Error("second Bundle loaded again")
	}
	time.Sleep(1100 * time.Millisecond)
	if b3, _ := dt.Bundle("t", "betalningspaminnelse"); b3 != b1 {
		t.Error("Bundle loaded again though no file changed")
	}
	block := filepath.Join(root, "blocks", "kontakt.sv.md")
	src, err := os.ReadFile(block)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(block, append(src, "\nNy rad.\n"...), 0o644)
	time.Sleep(1100 * time.Millisecond)
	b4, err := dt.Bundle("t", "betalningspaminnelse")
	if err != nil {
		t.Fatal(err)
	}
	if b4.Version == b1.Version {
		t.Errorf("version %s unchanged after a block changed", b4.Version)
	}
}

func TestRedactor(t *testing.T) {
	r := newRedactor([]byte(`{"name":"Søren Ærbø Møller","cpr":"0102031234","n":123456,"short":"ab","list":[{"street":"Åboulevarden 17"}]}`),
		delivery.Recipient{ID: "1111111118", Name: "Mette Søgaard", Address: []string{"Vej 1"}})
	tests := []struct{ in, want string }{
		{`/name: got "Søren Ærbø Møller"`, `/name: got "[…]"`},
		{`only Møller here`, `only […] here`},
		{`cpr 0102031234 and 1111111118`, `cpr […] and […]`},
		{`amount 123456`, `amount […]`},
		{`/list/0/street: Åboulevarden 17`, `/list/0/street: […]`},
		{`Mette Søgaard at Vej 1`, `[…] at […]`},
		{`ab stays, keys like name and cpr stay`, `ab stays, keys like name and cpr stay`},
	}
	for _, tt := range tests {
		if got := r.text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRetryDelay(t *testing.T) {
	o := Options{RetryBase: time.Second, RetryMax: 10 * time.Second}.withDefaults()
	mid := func() float64 { return 0.5 }
	var got []time.Duration
	for n := range 6 {
		got = append(got, o.retryDelay(n, mid))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
	if lo, hi := o.retryDelay(0, func() float64 { return 0 }), o.retryDelay(0, func() float64 { return 1 }); lo != 750*time.Millisecond || hi != 1250*time.Millisecond {
		t.Errorf("jitter bounds %v..%v, want 750ms..1.25s", lo, hi)
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.Retention != 30*24*time.Hour || o.MaxRetry != 10 || o.RetryBase != 2*time.Second || o.Logger == nil {
		t.Errorf("defaults: %+v", o)
	}
	if o := (Options{MaxRetry: -1}).withDefaults(); o.MaxRetry != 0 {
		t.Errorf("MaxRetry -1 gives %d, want 0", o.MaxRetry)
	}
}

func TestReadLine(t *testing.T) {
	in := "a\nbb\r\n\n" + strings.Repeat("x", 40) + "\nccc"
	r := bufio.NewReaderSize(strings.NewReader(in), 16)
	type res struct {
		Line    string
		TooLong bool
	}
	var got []res
	for {
		line, tooLong, err := readLine(r, 20)
		got = append(got, res{string(line), tooLong})
		if err != nil {
			break
		}
	}
	want := []res{{"a", false}, {"bb", false}, {"", false}, {"", true}, {"ccc", false}}
	r = bufio.NewReaderSize(strings.NewReader(strings.Repeat("z", 21)), 16)
	if line, tooLong, _ := readLine(r, 20); !tooLong || line != nil {
		t.Errorf("21 bytes without newline, max 20: %q, tooLong %v", line, tooLong)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// FuzzReadLine: readLine splits like bytes.Split on "\n" (a trailing "\r" dropped) and reports
// exactly the lines longer than the limit.
func FuzzReadLine(f *testing.F) {
	f.Add([]byte("a\nb\r\n\nccc"), 3)
	f.Add([]byte(strings.Repeat("y", 100)+"\n"), 10)
	f.Fuzz(func(t *testing.T, in []byte, max int) {
		if max < 1 || max > 1000 {
			return
		}
		r := bufio.NewReaderSize(bytes.NewReader(in), 16)
		want := bytes.Split(in, []byte("\n"))
		for i, w := range want {
			line, tooLong, err := readLine(r, max)
			if tooLong != (len(w) > max) {
				t.Fatalf("line %d (%d bytes, max %d): tooLong %v", i, len(w), max, tooLong)
			}
			w = bytes.TrimSuffix(w, []byte("\r"))
			if !tooLong && !bytes.Equal(line, w) {
				t.Fatalf("line %d: got %q, want %q", i, line, w)
			}
			if (err != nil) != (i == len(want)-1) {
				t.Fatalf("line %d: err %v", i, err)
			}
		}
	})
}

// FuzzSubmitBatch: any input gives a batch whose lines are all accounted for (queued or
// rejected with a line number), never a panic. Each run takes milliseconds, so fuzz with a short
// minimization, e.g. -fuzz FuzzSubmitBatch -fuzzminimizetime 50x.
func FuzzSubmitBatch(f *testing.F) {
	good := ndjsonLine("betalningspaminnelse", sample(f, "betalningspaminnelse"), testRecipient)
	f.Add([]byte(good + "\n\n{\"template\": 3}\n" + good))
	f.Add([]byte("{\"template\":\"x\",\"data\":{}}\r\n\xff\n[1,2]\n{} {}\n"))
	f.Add([]byte(`{"template":"betalningspaminnelse","data":{"a":[[[[[[[[]]]]]]]]},"priority":"now"}`))
	e := newEnv(f)
	c := e.client(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 64<<10 {
			return
		}
		b, err := c.SubmitBatch(context.Background(), "fuzz", bytes.NewReader(in), Submission{})
		if err != nil {
			t.Fatalf("SubmitBatch: %v", err)
		}
		lines := 0
		for _, l := range bytes.Split(in, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines++
			}
		}
		queued := 0
		for _, n := range b.Counts {
			queued += n
		}
		if b.Total != lines || queued+b.RejectedTotal != lines || len(b.Rejected) != min(b.RejectedTotal, MaxRejected) {
			t.Fatalf("%d lines: total %d, queued %d, rejected %d (%d listed)", lines, b.Total, queued, b.RejectedTotal, len(b.Rejected))
		}
		for _, r := range b.Rejected {
			if r.Line < 1 || r.Message == "" {
				t.Fatalf("rejected line %+v", r)
			}
		}
	})
}

// TestBatchCountsReplay: batch counts follow each letter's latest status whatever order the
// updates arrive in and however often one is replayed, and always sum to the batch's letters.
func TestBatchCountsReplay(t *testing.T) {
	e := newEnv(t)
	rdb, _ := e.opts.redisClient()
	defer rdb.Close()
	r := &records{rdb: rdb, retention: time.Hour, now: time.Now}
	ctx := context.Background()
	a := &Letter{ID: newID(), BatchID: newID()}
	b := &Letter{ID: newID(), BatchID: a.BatchID}
	steps := []struct {
		l      *Letter
		seq    int
		status Status
	}{
		{a, 0, StatusQueued}, {b, 0, StatusQueued},
		{a, 1, StatusRendering}, {a, 1, StatusRendering}, // replayed
		{a, 3, StatusDelivering}, {a, 2, StatusRendered}, // late
		{b, 1, StatusRendering}, {b, 2, StatusFailed},
		{a, 4, StatusDelivered}, {a, 4, StatusDelivered}, {a, 3, StatusDelivering},
	}
	for _, st := range steps {
		st.l.Seq = st.seq
		if err := r.syncBatch(ctx, st.l, st.status); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	for k, v := range rdb.HGetAll(ctx, batchCountsKey(a.BatchID)).Val() {
		if v != "0" {
			got[k] = v
		}
	}
	if diff := cmp.Diff(map[string]string{"delivered": "1", "failed": "1"}, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestScrubPaths(t *testing.T) {
	o := Options{Channels: map[string]delivery.Channel{
		"outbox": &delivery.Outbox{Dir: "/srv/postbud/outbox"},
		"print":  &delivery.Print{Dir: "/srv/postbud/print/"},
	}, Templates: &DirTemplates{Root: "/etc/postbud/templates"}}
	scrub := o.pathScrubber()
	for in, want := range map[string]string{
		"outbox: deliver l1: mkdir /srv/postbud/outbox/t/l1: read-only file system": "outbox: deliver l1: mkdir <outbox>/t/l1: read-only file system",
		`print: open "/srv/postbud/print/2026-12-01/manifest.csv": disk full`:       `print: open "<print>/2026-12-01/manifest.csv": disk full`,
		"load template: open /etc/postbud/templates/templates/x/letter.md: denied":  "load template: open <templates>/templates/x/letter.md: denied",
		"/recipient/name: expected string":                                          "/recipient/name: expected string",
		"ngdp: POST https://api.digitalpost.dk/apis/v1/memos/: 503":                 "ngdp: POST https://api.digitalpost.dk/apis/v1/memos/: 503",
	} {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
