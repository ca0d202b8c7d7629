package delivery

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

func testLetter(id string) *Letter {
	return &Letter{
		ID: id, Tenant: "kommune-a", Template: "boligstoette-afgoerelse", TemplateVersion: "1a2b3c",
		Title: "Afgørelse om boligstøtte", Recipient: jens,
		Documents: []Document{{Format: "pdf", Data: []byte("%PDF-1.7 " + id)}, {Format: "docx", Data: []byte("PK\x03\x04 " + id)}},
	}
}

// countingClock returns t0 and counts how often it was asked: once per delivery actually written.
type countingClock struct{ n atomic.Int64 }

func (c *countingClock) now() time.Time { c.n.Add(1); return t0 }

func TestOutboxDeliver(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var clock countingClock
	o := &Outbox{Dir: dir, Now: clock.now}
	l := testLetter("01JD3YQ2Z8")
	r, err := o.Deliver(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(dir, "kommune-a", "01JD3YQ2Z8")
	want := &Receipt{Channel: "outbox", Reference: "kommune-a/01JD3YQ2Z8", Status: "WRITTEN", DeliveredAt: t0}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
	var names []string
	entries, _ := os.ReadDir(final)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"letter.docx", "letter.pdf", "receipt.json"}, names); diff != "" {
		t.Errorf("files in the letter folder (-want +got):\n%s", diff)
	}
	for _, d := range l.Documents {
		got, err := os.ReadFile(filepath.Join(final, "letter."+d.Format))
		if err != nil || string(got) != string(d.Data) {
			t.Errorf("letter.%s = %q, %v; want %q", d.Format, got, err, d.Data)
		}
	}
	js, _ := os.ReadFile(filepath.Join(final, "receipt.json"))
	var rec map[string]any
	if err := json.Unmarshal(js, &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"channel", "reference", "delivered_at", "letter_id", "tenant", "template_version", "documents"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("receipt.json lacks %q:\n%s", k, js)
		}
	}
	for _, secret := range []string{jens.ID, jens.Name, "Søndergade", dir} {
		if strings.Contains(string(js), secret) {
			t.Errorf("receipt.json holds personal data %q", secret)
		}
	}

	// Delivering again, even with other bytes, returns the first receipt and writes nothing.
	l2 := testLetter("01JD3YQ2Z8")
	l2.Documents[0].Data = []byte("other")
	r2, err := o.Deliver(ctx, l2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, r2); diff != "" {
		t.Errorf("second receipt differs (-first +second):\n%s", diff)
	}
	if got, _ := os.ReadFile(filepath.Join(final, "letter.pdf")); string(got) != string(l.Documents[0].Data) {
		t.Error("second Deliver replaced the delivered PDF")
	}
	if n := clock.n.Load(); n != 1 {
		t.Errorf("clock read %d times, want 1 (one delivery)", n)
	}
	ids, err := o.Delivered("kommune-a")
	if err != nil || !cmp.Equal(ids, []string{"01JD3YQ2Z8"}) {
		t.Errorf("Delivered = %v, %v", ids, err)
	}
	if ids, err := o.Delivered("kommune-b"); err != nil || len(ids) != 0 {
		t.Errorf("Delivered for a tenant without letters = %v, %v", ids, err)
	}
}

// TestOutboxConcurrent delivers one letter from 16 goroutines at once (a task run twice by two
// workers): one delivery, one receipt for all, nothing left behind.
func TestOutboxConcurrent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var clock countingClock
	for round := range 5 {
		id := fmt.Sprintf("letter-%d", round)
		const n = 16
		receipts := make([]*Receipt, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			// Separate Outbox values, as separate processes would have.
			o := &Outbox{Dir: dir, Now: clock.now, NoSync: round%2 == 1}
			wg.Go(func() {
				<-start
				receipts[i], errs[i] = o.Deliver(ctx, testLetter(id))
			})
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("round %d, caller %d: %v", round, i, errs[i])
			}
			if diff := cmp.Diff(receipts[0], receipts[i]); diff != "" {
				t.Fatalf("round %d: caller %d got another receipt (-0 +%d):\n%s", round, i, i, diff)
			}
		}
	}
	o := &Outbox{Dir: dir}
	ids, err := o.Delivered("kommune-a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"letter-0", "letter-1", "letter-2", "letter-3", "letter-4"}, ids); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	all, _ := os.ReadDir(filepath.Join(dir, "kommune-a"))
	if len(all) != len(ids) {
		t.Errorf("tenant folder holds %d entries for %d letters: temporary folders left behind", len(all), len(ids))
	}
}

// TestOutboxLeftoverTempDir plants what a process killed mid-delivery leaves: a temporary folder
// holding the documents and even a receipt. It does not count as delivered, and the next Deliver
// delivers the letter and removes it.
func TestOutboxLeftoverTempDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := &Outbox{Dir: dir, Now: func() time.Time { return t0 }}
	tenantDir := filepath.Join(dir, "kommune-a")
	left := filepath.Join(tenantDir, ".tmp-l1", "attempt-12345")
	if err := os.MkdirAll(left, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"letter.pdf", "receipt.json"} {
		if err := os.WriteFile(filepath.Join(left, f), []byte(`{"channel":"outbox","reference":"stale"}`), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if ids, _ := o.Delivered("kommune-a"); len(ids) != 0 {
		t.Fatalf("a leftover temporary folder counts as delivered: %v", ids)
	}
	// A leftover of another letter is not touched.
	other := filepath.Join(tenantDir, ".tmp-l10", "attempt-999")
	os.MkdirAll(other, 0o750)

	r, err := o.Deliver(ctx, testLetter("l1"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Reference == "stale" {
		t.Fatal("Deliver returned the receipt found in a leftover temporary folder")
	}
	if _, err := os.Stat(filepath.Dir(left)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("leftover temporary folder still there after delivery: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another letter's temporary folder was removed: %v", err)
	}
	if ids, _ := o.Delivered("kommune-a"); !cmp.Equal(ids, []string{"l1"}) {
		t.Errorf("Delivered = %v, want [l1]", ids)
	}
}

const (
	crashEnv      = "POSTBUD_OUTBOX_CRASH_DIR"
	printCrashEnv = "POSTBUD_PRINT_CRASH_DIR"
)

// crashMessage is the MeMo message of the letter TestOutboxCrash's child delivers.
var crashMessage = []byte("<MeMo:Message>crash</MeMo:Message>")

const crashUUID = "6f1c2a5e-0b7d-4c3e-9a21-5d8e7f6a4b3c"

// TestMain doubles as the child process of TestOutboxCrash and TestPrintCrash: with crashEnv set,
// it starts an outbox delivery that stops once the MeMo file is written (before receipt.json);
// with printCrashEnv set, a print delivery that stops once the PDF is filed (before its manifest
// line). Either says so and waits to be killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		testHookBetweenFiles = func(tmp string) {
			if _, err := os.Stat(filepath.Join(tmp, crashUUID+".xml")); err != nil {
				return // not yet at the MeMo file
			}
			fmt.Println("WRITING", tmp)
			select {} // killed here
		}
		o := &Outbox{Dir: dir}
		l := testLetter("crash-1")
		l.Message = testMessage(crashUUID, crashMessage)
		_, err := o.Deliver(context.Background(), l)
		fmt.Println("delivery was not interrupted:", err)
		os.Exit(3)
	}
	if dir := os.Getenv(printCrashEnv); dir != "" {
		testHookPrintFiled = func(pdf string) {
			fmt.Println("FILED", pdf)
			select {} // killed here, holding the manifest's lock
		}
		_, err := (&Print{Dir: dir, Now: func() time.Time { return t0 }}).Deliver(context.Background(), printLetter("crash-1", samplePDF(nil)))
		fmt.Println("delivery was not interrupted:", err)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// testMessage returns a stored MeMo message holding xml.
func testMessage(uuid string, xml []byte) *Message {
	sum := sha256.Sum256(xml)
	return &Message{
		UUID: uuid, Version: "1.1", Size: int64(len(xml)), SHA256: hex.EncodeToString(sum[:]),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(xml)), nil },
	}
}

// TestOutboxCrash kills (SIGKILL) a real process in the middle of a delivery, then delivers again
// from this one: the half-written letter never counts as delivered, and the retry delivers it once.
func TestOutboxCrash(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "WRITING ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v; want it to stop mid-delivery", line, err)
	}
	tmp := strings.TrimSpace(strings.TrimPrefix(line, "WRITING "))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	for _, f := range []string{"letter.pdf", "letter.docx", crashUUID + ".xml"} {
		if _, err := os.Stat(filepath.Join(tmp, f)); err != nil {
			t.Fatalf("the killed process left no half-written letter to test with: %v", err)
		}
	}
	o := &Outbox{Dir: dir, Now: func() time.Time { return t0 }}
	if ids, _ := o.Delivered("kommune-a"); len(ids) != 0 {
		t.Fatalf("a letter cut off by SIGKILL counts as delivered: %v", ids)
	}
	l := testLetter("crash-1")
	l.Message = testMessage(crashUUID, crashMessage)
	r, err := o.Deliver(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	if !r.DeliveredAt.Equal(t0) {
		t.Errorf("receipt from %v, want this delivery's (%v)", r.DeliveredAt, t0)
	}
	if ids, _ := o.Delivered("kommune-a"); !cmp.Equal(ids, []string{"crash-1"}) {
		t.Errorf("Delivered = %v, want [crash-1]", ids)
	}
	if _, err := os.Stat(filepath.Dir(tmp)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the killed process's temporary folder is still there: %v", err)
	}
	for _, f := range []string{"letter.pdf", "letter.docx", crashUUID + ".xml", "receipt.json"} {
		if _, err := os.Stat(filepath.Join(dir, "kommune-a", "crash-1", f)); err != nil {
			t.Error(err)
		}
	}
}

// TestOutboxMessage delivers a letter with a MeMo message: the folder holds the message's exact
// bytes as <messageUUID>.xml, and the receipts name it.
func TestOutboxMessage(t *testing.T) {
	dir := t.TempDir()
	const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
	xml := []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\">æøå</memo:Message>\n")
	l := testLetter("m1")
	l.Message = testMessage(uuid, xml)
	r, err := (&Outbox{Dir: dir, Now: func() time.Time { return t0 }}).Deliver(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	want := &Receipt{Channel: "outbox", Reference: "kommune-a/m1", Status: "WRITTEN", MessageUUID: uuid, DeliveredAt: t0}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
	final := filepath.Join(dir, "kommune-a", "m1")
	got, err := os.ReadFile(filepath.Join(final, uuid+".xml"))
	if err != nil || !bytes.Equal(got, xml) {
		t.Errorf("%s.xml = %q, %v; want the message's bytes %q", uuid, got, err, xml)
	}
	js, _ := os.ReadFile(filepath.Join(final, "receipt.json"))
	var rec outboxReceipt
	if err := json.Unmarshal(js, &rec); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(xml)
	wantDoc := outboxDocument{File: uuid + ".xml", Bytes: len(xml), SHA256: hex.EncodeToString(sum[:])}
	if len(rec.Documents) != 3 || rec.Documents[2] != wantDoc || rec.MessageUUID != uuid {
		t.Errorf("receipt.json lists %+v with message_uuid %q; want the MeMo file %+v and %s:\n%s", rec.Documents, rec.MessageUUID, wantDoc, uuid, js)
	}
	// A second Deliver returns the stored receipt.
	r2, err := (&Outbox{Dir: dir}).Deliver(context.Background(), l)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, r2); diff != "" {
		t.Errorf("second receipt (-first +second):\n%s", diff)
	}
}

// TestOutboxMessageFaults: a message that fails to read (storage down) is a transient error, one
// whose bytes do not match its seal a permanent one, an unfit uuid a permanent one; none leaves a
// letter folder or temporary files behind.
func TestOutboxMessageFaults(t *testing.T) {
	xml := []byte("<memo/>")
	broken := testMessage(crashUUID, xml)
	broken.Open = func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(bytes.NewReader(xml[:3]), iotest.ErrReader(errors.New("store went away")))), nil
	}
	damaged := testMessage(crashUUID, xml)
	damaged.SHA256 = strings.Repeat("0", 64)
	unopenable := testMessage(crashUUID, xml)
	unopenable.Open = func(context.Context) (io.ReadCloser, error) { return nil, errors.New("no such blob") }
	tests := []struct {
		name      string
		msg       *Message
		permanent bool
		want      string
	}{
		{"read fails", broken, false, "store went away"},
		{"open fails", unopenable, false, "no such blob"},
		{"damaged", damaged, true, "does not match its seal"},
		{"bad uuid", testMessage("../../x", xml), true, "is not a UUID"},
		{"upper-case uuid", testMessage(strings.ToUpper(crashUUID), xml), true, "not a lower-case UUID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			l := testLetter("m1")
			l.Message = tt.msg
			_, err := (&Outbox{Dir: dir, NoSync: true}).Deliver(context.Background(), l)
			if err == nil || IsPermanent(err) != tt.permanent || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v (permanent %v); want one saying %q, permanent %v", err, IsPermanent(err), tt.want, tt.permanent)
			}
			var left []string
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					left = append(left, path)
				}
				return nil
			})
			if len(left) != 0 {
				t.Errorf("a failed delivery left files: %v", left)
			}
			if ids, _ := (&Outbox{Dir: dir}).Delivered("kommune-a"); len(ids) != 0 {
				t.Errorf("a failed delivery counts as delivered: %v", ids)
			}
		})
	}
}

// TestOutboxOldAbsoluteReference: a receipt.json written when references were absolute paths gives
// the relative reference back, so no server path reaches a tenant.
func TestOutboxOldAbsoluteReference(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "kommune-a", "l1")
	if err := os.MkdirAll(final, 0o750); err != nil {
		t.Fatal(err)
	}
	old := fmt.Sprintf(`{"channel":"outbox","reference":%q,"delivered_at":"2025-01-02T03:04:05Z","letter_id":"l1","tenant":"kommune-a","documents":[]}`, final)
	if err := os.WriteFile(filepath.Join(final, "receipt.json"), []byte(old), 0o640); err != nil {
		t.Fatal(err)
	}
	r, err := (&Outbox{Dir: dir}).Deliver(context.Background(), testLetter("l1"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Receipt{Channel: "outbox", Reference: "kommune-a/l1", DeliveredAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("receipt (-want +got):\n%s", diff)
	}
}

func TestOutboxRejects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	o := &Outbox{Dir: dir}
	mod := func(f func(l *Letter)) *Letter { l := testLetter("l1"); f(l); return l }
	tests := []struct {
		name   string
		outbox *Outbox
		letter *Letter
		want   string
	}{
		{"nil letter", o, nil, "letter is nil"},
		{"no id", o, mod(func(l *Letter) { l.ID = "" }), "letter id is empty"},
		{"id escaping the folder", o, mod(func(l *Letter) { l.ID = "../../etc" }), `starts with a dot`},
		{"id with slash", o, mod(func(l *Letter) { l.ID = "a/b" }), `holds '/' at byte 1`},
		{"hidden id", o, mod(func(l *Letter) { l.ID = ".tmp-x" }), "starts with a dot"},
		{"tenant with slash", o, mod(func(l *Letter) { l.Tenant = "x/../y" }), `tenant "x/../y" holds '/'`},
		{"no documents", o, mod(func(l *Letter) { l.Documents = nil }), "has no documents"},
		{"unknown format", o, mod(func(l *Letter) { l.Documents[1].Format = "odt" }), `documents[1]: unknown format "odt"`},
		{"format twice", o, mod(func(l *Letter) { l.Documents[1].Format = "pdf" }), `format "pdf" given twice`},
		{"empty document", o, mod(func(l *Letter) { l.Documents[0].Data = nil }), "documents[0] (pdf) is empty"},
		{"no folder configured", &Outbox{}, testLetter("l1"), "Outbox.Dir is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.outbox.Deliver(ctx, tt.letter)
			if err == nil {
				t.Fatalf("Deliver succeeded: %+v", r)
			}
			if !IsPermanent(err) {
				t.Errorf("error %v is not permanent", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("rejected letters left %d entries in the outbox", len(entries))
	}
}

func TestOutboxForeignFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "kommune-a", "l1", "something"), 0o750); err != nil {
		t.Fatal(err)
	}
	_, err := (&Outbox{Dir: dir}).Deliver(context.Background(), testLetter("l1"))
	if !IsPermanent(err) || !strings.Contains(err.Error(), "holds no receipt.json") {
		t.Errorf("error = %v, want a permanent error naming the missing receipt", err)
	}
	os.WriteFile(filepath.Join(dir, "kommune-a", "l1", "receipt.json"), []byte("{broken"), 0o640)
	_, err = (&Outbox{Dir: dir}).Deliver(context.Background(), testLetter("l1"))
	if !IsPermanent(err) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("error = %v, want a permanent error saying the receipt is damaged", err)
	}
}

func TestOutboxDiskError(t *testing.T) {
	// The outbox folder's parent is a file: the disk refuses, and a retry may well succeed once an
	// operator fixes it, so the error is not permanent.
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	_, err := (&Outbox{Dir: filepath.Join(file, "outbox")}).Deliver(context.Background(), testLetter("l1"))
	if err == nil || IsPermanent(err) || !errors.Is(err, syscall.ENOTDIR) || !strings.Contains(err.Error(), "outbox: deliver l1") {
		t.Errorf("error = %v, want a transient (retryable) error naming the letter", err)
	}
}

func BenchmarkOutboxDeliver(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("NoSync=%v", noSync), func(b *testing.B) {
			ctx := context.Background()
			o := &Outbox{Dir: b.TempDir(), NoSync: noSync}
			l := testLetter("x")
			l.Documents[0].Data = make([]byte, 30<<10)
			l.Documents[1].Data = make([]byte, 10<<10)
			i := 0
			for b.Loop() {
				i++
				l.ID = fmt.Sprint("l", i)
				if _, err := o.Deliver(ctx, l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}

// FuzzOutboxNames delivers letters with arbitrary ids and tenants: either Deliver refuses them as
// permanent errors, or the letter lands in exactly <dir>/<tenant>/<id>, never outside dir.
func FuzzOutboxNames(f *testing.F) {
	for _, s := range [][2]string{{"kommune-a", "l1"}, {"..", "x"}, {"a", "../b"}, {"a", ".tmp-x"}, {"a/b", "c"}, {"", ""}} {
		f.Add(s[0], s[1])
	}
	root := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, tenant, id string) {
		n++
		dir := filepath.Join(root, fmt.Sprint(n), "outbox")
		l := testLetter("x")
		l.Tenant, l.ID = tenant, id
		r, err := (&Outbox{Dir: dir}).Deliver(context.Background(), l)
		if err != nil {
			if !IsPermanent(err) {
				t.Fatalf("non-permanent error for a bad name: %v", err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 0 {
				t.Fatalf("refused letter left files: %v", entries)
			}
			return
		}
		if want := tenant + "/" + id; r.Reference != want {
			t.Fatalf("letter (%q, %q) has reference %s, want %s", tenant, id, r.Reference, want)
		}
		if _, err := os.Stat(filepath.Join(dir, tenant, id, "receipt.json")); err != nil {
			t.Fatalf("letter (%q, %q) not in <dir>/<tenant>/<id>: %v", tenant, id, err)
		}
	})
}

// BenchmarkOutboxDeliverParallel delivers from 16 goroutines, as a worker at concurrency 16 does.
func BenchmarkOutboxDeliverParallel(b *testing.B) {
	ctx := context.Background()
	o := &Outbox{Dir: b.TempDir()}
	var n atomic.Int64
	b.SetParallelism(8) // 8 × GOMAXPROCS(2) = 16 goroutines
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l := testLetter(fmt.Sprint("l", n.Add(1)))
			if _, err := o.Deliver(ctx, l); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// TestOutboxMakesFolders: a missing outbox folder and tenant folder are made (mode 0750) by the
// first delivery; the second delivery of the tenant finds them.
func TestOutboxMakesFolders(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new", "outbox")
	o := &Outbox{Dir: dir}
	for _, id := range []string{"01JD3YQ2Z8", "01JD3YQ2Z9"} {
		if _, err := o.Deliver(ctx, testLetter(id)); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{dir, filepath.Join(dir, "kommune-a")} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o750 {
			t.Errorf("%s: %v, %v; want a folder of mode 0750", p, fi, err)
		}
	}
	ids, err := o.Delivered("kommune-a")
	if err != nil || len(ids) != 2 {
		t.Errorf("Delivered = %v, %v; want both letters", ids, err)
	}
}
