package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/templates"
)

// Values with a character of every escape class: control characters (U+0007, U+0008, U+001B),
// both quotes, a backslash, HTML's <>&, characters beyond the BMP, an escape sequence as text,
// the RTL override, and a CPR number in each.
const (
	cpr = "010190-1234"
	// secretName makes the PDF fail: the font has no 😀 (nor the control characters).
	secretName = "Åse \a\b\x1b\"'\\<>&😀𝔘\\u0000\u202e " + cpr
	// secretWide has only characters the font has, and is wider than the envelope window.
	secretWide = `Jens "Bo" O'Hara <&> \ ` + cpr + " Kristoffersen-Vestergaard-Frederiksen-Schou-Andersen"
	// secretDate passes the schema (format is not asserted) and fails {{ date .date }}.
	secretDate = "2026-13-45 \u202e" + cpr + " 😀\a"
	// secretCase breaks the pattern of caseNumber.
	secretCase = "\x1b[31m" + cpr + "\u202e'\"<>&\\"
)

// secretForms is testenv.LeakForms of the secrets and the CPR number alone.
func secretForms(secrets ...string) []string { return testenv.LeakForms(append(secrets, cpr)...) }

// withData returns the sample of boligstoette-afgoerelse changed by edit.
func withData(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(sample(t, "boligstoette-afgoerelse"), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func field(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

// TestNoValueLeaks feeds values of every escape class through every failure path of the worker
// (schema errors at Submit, a template that fails on the data, letters the PDF renderer refuses,
// rejected batch lines) and then looks for the values, in clear and escaped, in every Redis key
// and value and in every log line.
func TestNoValueLeaks(t *testing.T) {
	e := newEnv(t)
	var logs testenv.Buffer
	e.opts.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := e.client(t)
	ctx := context.Background()
	const tmpl = "boligstoette-afgoerelse"
	recipient := delivery.Recipient{ID: "0101901234", Name: secretName, Address: []string{secretWide, "8000 Aarhus C"}}

	// Refused at Submit: the error names paths and kinds only.
	refused := map[string][]byte{
		"wrong type": withData(t, func(m map[string]any) {
			field(m, "table")["rows"].([]any)[0].(map[string]any)["amountOre"] = secretName
		}),
		"pattern": withData(t, func(m map[string]any) { m["caseNumber"] = secretCase }),
		"maxLength": withData(t, func(m map[string]any) {
			m["paragraphs"].([]any)[0] = strings.Repeat(secretWide+" ", 40)
		}),
		"several": withData(t, func(m map[string]any) {
			field(m, "recipient")["postcode"] = secretCase
			field(m, "sender")["cvr"] = secretName
			m["subject"] = map[string]any{"text": secretWide}
		}),
	}
	for name, data := range refused {
		_, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: tmpl, Data: data, Recipient: recipient})
		var de *templates.DataError
		if !errors.As(err, &de) {
			t.Fatalf("%s: got %v, want a *templates.DataError", name, err)
		}
		noSecret(t, name+": error", err.Error())
		for _, p := range de.Problems {
			noSecret(t, name+": problem", p.Path+" "+p.Message)
		}
	}

	// Accepted, then failed by the worker (or refused at Submit, should the render checks run
	// there): a template error on the data, and two letters render/pdf refuses.
	failing := map[string][]byte{
		"date": withData(t, func(m map[string]any) { m["date"] = secretDate }),
		"glyph": withData(t, func(m map[string]any) {
			field(m, "recipient")["name"] = secretName
			m["subject"] = secretName
		}),
		// Too long for the envelope window even wrapped at 8 pt (one secretWide wraps and fits).
		"too wide": withData(t, func(m map[string]any) { field(m, "recipient")["street"] = strings.Repeat(secretWide+" ", 4) }),
	}
	var ids []string
	for name, data := range failing {
		l, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: tmpl, Data: data, Recipient: recipient, Formats: []string{"pdf"}})
		if err != nil {
			noSecret(t, name+": Submit error", err.Error())
			continue
		}
		ids = append(ids, l.ID)
	}

	// A batch whose lines fail in every way a line can.
	line := func(data []byte, r delivery.Recipient) string { return ndjsonLine(tmpl, data, r) }
	var in strings.Builder
	for _, data := range refused {
		in.WriteString(line(data, recipient) + "\n")
	}
	in.WriteString(line(failing["glyph"], recipient) + "\n")
	in.WriteString(`{"template": "` + tmpl + `", "data": {"name": "` + cpr + `"` + "\n")                         // not JSON
	in.WriteString(`{"template": "` + tmpl + `", "data": {}, "recipient": {"id": 101901234}}` + "\n")            // wrong type
	in.WriteString(`{"template": "` + tmpl + `", "data": {"caseNumber": 101901234}, "x": "` + cpr + `"}` + "\n") // unknown field
	in.WriteString(line(refused["pattern"], delivery.Recipient{ID: cpr, Name: secretWide}) + "\n")
	b, err := c.SubmitBatch(ctx, "aarhus", strings.NewReader(in.String()), Submission{Formats: []string{"pdf"}})
	if err != nil {
		t.Fatalf("SubmitBatch: %v", err)
	}
	if b.RejectedTotal < len(refused)+4 {
		t.Errorf("%d lines rejected, want at least %d: %+v", b.RejectedTotal, len(refused)+4, b.Rejected)
	}
	for _, r := range b.Rejected {
		noSecret(t, fmt.Sprintf("batch line %d", r.Line), r.Message)
	}

	e.run(t, e.opts, 2)
	for _, id := range ids {
		l := waitFinal(t, c, "aarhus", id, time.Minute)
		if l.Status != StatusFailed {
			t.Errorf("letter %s is %s, want failed", id, l.Status)
		}
		if l.LastError == "" {
			t.Errorf("letter %s failed without an error", id)
		}
		noSecret(t, "last error of "+id, l.LastError)
		t.Logf("last error: %s", l.LastError)
	}
	if b.Counts[StatusQueued] > 0 {
		waitBatch(t, c, "aarhus", b.ID, time.Minute)
	}

	forms := secretForms(secretName, secretWide, secretDate, secretCase, recipient.ID)
	redisLeaks(t, e, forms...)
	for _, l := range strings.Split(logs.String(), "\n") {
		noSecret(t, "log line", l)
	}
	if !strings.Contains(logs.String(), "letter attempt failed") && len(ids) > 0 {
		t.Errorf("no failure was logged:\n%s", logs.String())
	}
}

// noSecret fails the test when text holds any secret, in clear or escaped.
func noSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, f := range secretForms(secretName, secretWide, secretDate, secretCase) {
		if strings.Contains(text, f) {
			t.Errorf("%s holds %q: %s", what, f, text)
		}
	}
}

// TestRedactorEscapes: the second line of defence finds each value of the data and the
// recipient also where an error quoted it escaped (%q, %+q, JSON, \u escapes).
func TestRedactorEscapes(t *testing.T) {
	data, _ := json.Marshal(map[string]any{"name": secretName, "date": secretDate, "list": []any{secretCase}})
	r := newRedactor(data, delivery.Recipient{ID: "0101901234", Name: secretWide})
	for _, s := range []string{secretName, secretDate, secretCase, secretWide} {
		for _, text := range []string{
			"recipient line 1 " + s + " is too wide",
			fmt.Sprintf("recipient line 1 %q is too wide", s),
			fmt.Sprintf("character U+1F600 '😀' in %+q is not in font", s),
			"render: " + strings.Trim(string(must(json.Marshal(s))), `"`),
			fmt.Sprintf("twice: %q and %s", s, s),
		} {
			got := r.text(text)
			for _, f := range secretForms(s) {
				if strings.Contains(got, f) {
					t.Errorf("text(%q) = %q holds %q", text, got, f)
				}
			}
			if !strings.Contains(got, "[…]") {
				t.Errorf("text(%q) = %q: nothing redacted", text, got)
			}
		}
	}
	if got := r.text("attempt 2 of 0101901234"); got != "attempt 2 of […]" {
		t.Errorf("recipient id: %q", got)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
