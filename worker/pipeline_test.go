package worker

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/postbud/postbud/internal/sealed"
)

// The pipeline's own per-letter stages, apart from merging and rendering: what a render task's
// payload costs to make and to open, and a record update. Run with
// go test -bench 'Payload|RecordUpdate|LetterOf' -benchmem ./worker.

func benchPayload(b *testing.B) (sealed.Key, string, renderPayload) {
	b.Helper()
	k, err := sealed.NewKey()
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(samplesRoot, "templates", "boligstoette-afgoerelse", "sample.json"))
	if err != nil {
		b.Fatal(err)
	}
	return k, newID(), renderPayload{Data: data, Recipient: testRecipient}
}

// BenchmarkSealPayload: encode and seal the reference letter's render payload (Submit).
func BenchmarkSealPayload(b *testing.B) {
	k, id, p := benchPayload(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := seal(k, id, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnsealPayload: open and decode it again (the render task).
func BenchmarkUnsealPayload(b *testing.B) {
	k, id, p := benchPayload(b)
	payload, err := seal(k, id, p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		var got renderPayload
		if _, err := unseal(k, payload, &got); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLetterOf: the letter id of a task payload, as the in-flight tracker reads it.
func BenchmarkLetterOf(b *testing.B) {
	k, id, p := benchPayload(b)
	payload, err := seal(k, id, p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if letterOf(payload) != id {
			b.Fatal("wrong id")
		}
	}
}

// BenchmarkRecordUpdate: one status change of a letter record, from a record read before
// (known) and from scratch (read first), with the watchdog list and batch counts it moves.
func BenchmarkRecordUpdate(b *testing.B) {
	e := newEnv(b)
	rdb, err := e.opts.redisClient()
	if err != nil {
		b.Fatal(err)
	}
	defer rdb.Close()
	r := &records{rdb: rdb, retention: defaultRetention, now: time.Now}
	ctx := context.Background()
	l := &Letter{ID: newID(), Tenant: "aarhus", Template: "boligstoette-afgoerelse", Status: StatusQueued,
		Formats: []string{"pdf", "docx"}, BatchID: newID(), Created: time.Now().UTC(), Updated: time.Now().UTC()}
	if _, err := r.create(ctx, l, []byte("payload")); err != nil {
		b.Fatal(err)
	}
	flip := func(l *Letter) error {
		if l.Status == StatusRendering {
			l.Status = StatusQueued
		} else {
			l.Status = StatusRendering
		}
		return nil
	}
	b.Run("known", func(b *testing.B) {
		var raw []byte
		b.ReportAllocs()
		for b.Loop() {
			var err error
			if _, raw, err = r.modify(ctx, l.ID, flip, change{prev: raw}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.update(ctx, l.ID, flip); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestPayloadEnvelope: payloads in the binary envelope and in the JSON form of earlier versions
// (tasks queued before an upgrade) both open, name their letter, and refuse another letter's id.
func TestPayloadEnvelope(t *testing.T) {
	k, err := sealed.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	id := newID()
	want := renderPayload{Data: []byte(`{"a":1}`), Recipient: testRecipient}
	binary, err := seal(k, id, want)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(want)
	box, err := sealed.Seal(k, plain, []byte(id))
	if err != nil {
		t.Fatal(err)
	}
	legacy, _ := json.Marshal(taskPayload{Letter: id, Sealed: box})
	for name, payload := range map[string][]byte{"binary": binary, "json": legacy} {
		var got renderPayload
		gotID, err := unseal(k, payload, &got)
		if err != nil || gotID != id || string(got.Data) != `{"a":1}` || got.Recipient.ID != testRecipient.ID {
			t.Errorf("%s: unseal: %q, %+v, %v", name, gotID, got, err)
		}
		if l := letterOf(payload); l != id {
			t.Errorf("%s: letterOf = %q, want %q", name, l, id)
		}
	}
	// The id is bound as additional data: a payload moved to another letter does not open.
	moved := append([]byte{envelopeV1}, newID()...)
	moved = append(moved, binary[envelopeLen:]...)
	if _, err := unseal(k, moved, &renderPayload{}); !errors.Is(err, sealed.ErrOpen) {
		t.Errorf("moved payload: %v, want sealed.ErrOpen", err)
	}
	if _, err := unseal(k, []byte("not a payload"), &renderPayload{}); err == nil {
		t.Error("garbage payload opened")
	}
}
