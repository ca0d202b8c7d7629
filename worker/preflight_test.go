package worker

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/render/docx"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// secretText marks case data no refusal message may quote.
const secretText = "Qzxv"

func longText(words int) string { return strings.TrimSpace(strings.Repeat(secretText+"ord ", words)) }

// editData returns the sample data of the reference letter with f applied.
func editData(t testing.TB, f func(v map[string]any)) []byte {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(sample(t, "boligstoette-afgoerelse"), &v); err != nil {
		t.Fatal(err)
	}
	if f != nil {
		f(v)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func obj(v map[string]any, key string) map[string]any { return v[key].(map[string]any) }

// refusalPaths returns the paths (from the body's root) and messages of a refused submission.
func refusalPaths(t *testing.T, err error) (paths, messages []string) {
	t.Helper()
	var de *templates.DataError
	var se *SubmissionError
	switch {
	case errors.As(err, &de):
		for _, p := range de.Problems {
			paths = append(paths, "/data"+p.Path)
			messages = append(messages, p.Message)
		}
	case errors.As(err, &se):
		for _, p := range se.Problems {
			paths = append(paths, p.Path)
			messages = append(messages, p.Message)
		}
	default:
		t.Fatalf("err = %v (%T), want a *templates.DataError or *SubmissionError", err, err)
	}
	return paths, messages
}

// TestSubmitRendersOrRefuses: through Client.Submit, every case data that the render step
// would fail on is refused with its JSON path and nothing is queued; the same data without the
// problem is accepted, queued, and renders (PDF and DOCX).
func TestSubmitRendersOrRefuses(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	b, err := e.opts.Templates.Bundle("aarhus", "boligstoette-afgoerelse")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		bad       func(v map[string]any)
		recipient *delivery.Recipient // nil: testRecipient
		want      []string            // paths; nil: accepted
		good      func(v map[string]any)
	}{
		{name: "U+0008 in the recipient's name", bad: func(v map[string]any) { obj(v, "recipient")["name"] = "Ib\bOlsen " + secretText },
			want: []string{"/data/recipient/name"}},
		{name: "emoji in the recipient's name", bad: func(v map[string]any) { obj(v, "recipient")["name"] = "Ib Olsen 😀" },
			want: []string{"/data/recipient/name"}, good: func(v map[string]any) { obj(v, "recipient")["name"] = "Ib Olsen :-)" }},
		{name: "900 KB e-mail address in the letterhead", bad: func(v map[string]any) {
			obj(v, "sender")["email"] = strings.Repeat("a", 900<<10) + "@aarhus.dk"
		}, want: []string{"/data/sender/email"}, good: func(v map[string]any) { obj(v, "sender")["email"] = strings.Repeat("a", 60) + "@aarhus.dk" }},
		{name: "street too long for the envelope window even wrapped at 8 pt", bad: func(v map[string]any) { obj(v, "recipient")["street"] = longText(40) },
			want: []string{"/data/recipient/street"}, good: func(v map[string]any) { obj(v, "recipient")["street"] = longText(12) }}, // wrapped, fits
		{name: "name too long for the envelope window even wrapped at 8 pt", bad: func(v map[string]any) { obj(v, "recipient")["name"] = longText(40) },
			want: []string{"/data/recipient/name"}, good: func(v map[string]any) { obj(v, "recipient")["name"] = longText(12) }},
		{name: "city and street that wrap too far together", bad: func(v map[string]any) {
			obj(v, "recipient")["street"] = longText(25)
			obj(v, "recipient")["city"] = longText(25)
		}, want: []string{"/data/recipient/street", "/data/recipient/city"}, good: func(v map[string]any) {
			obj(v, "recipient")["street"] = longText(10)
			obj(v, "recipient")["city"] = longText(10)
		}},
		{name: "sender street too wide for the return address", bad: func(v map[string]any) { obj(v, "sender")["street"] = longText(8) },
			want: []string{"/data/sender/street"}, good: func(v map[string]any) { obj(v, "sender")["street"] = longText(2) }},
		{name: "footer of three lines", bad: func(v map[string]any) { obj(v, "footer")["text"] = longText(60) },
			want: []string{"/data/footer/text"}, good: func(v map[string]any) { obj(v, "footer")["text"] = longText(20) }},
		{name: "table header taller than a page", bad: func(v map[string]any) { obj(obj(v, "table"), "columns")["period"] = longText(399) },
			want: []string{"/data/table/columns/period"}, good: func(v map[string]any) { obj(obj(v, "table"), "columns")["period"] = longText(60) }},
		{name: "emoji in a paragraph", bad: func(v map[string]any) { v["paragraphs"].([]any)[2] = "Hej 😀 " + secretText },
			want: []string{"/data/paragraphs/2"}},
		{name: "CJK in a table cell", bad: func(v map[string]any) {
			obj(v, "table")["rows"].([]any)[1].(map[string]any)["description"] = "中文"
		}, want: []string{"/data/table/rows/1/description"}},
		{name: "escape character in the signature title", bad: func(v map[string]any) { obj(v, "signature")["title"] = "Sagsbehandler\x1b" },
			want: []string{"/data/signature/title"}},
		{name: "every problem at once", bad: func(v map[string]any) {
			obj(v, "recipient")["name"] = "Ib\bOlsen"
			obj(v, "recipient")["street"] = longText(40)
			obj(v, "sender")["email"] = strings.Repeat("a", 900<<10) + "@aarhus.dk"
			v["subject"] = "Afgørelse 😀"
		}, want: []string{"/data/recipient/name", "/data/subject", "/data/recipient/street", "/data/sender/email"}},
		// The submission's recipient goes to Digital Post, never into the documents (they take
		// the address from the case data): an emoji there cannot fail the render.
		{name: "emoji in the submission's recipient name", recipient: &delivery.Recipient{ID: testRecipient.ID, Name: "Ib Olsen 😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			r := testRecipient
			if tt.recipient != nil {
				r = *tt.recipient
			}
			before := taskCount(t, e.opts)
			data := editData(t, tt.bad)
			_, _, err := c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: data, Recipient: r})
			good := data
			if tt.want != nil {
				paths, messages := refusalPaths(t, err)
				sort.Strings(paths)
				want := append([]string(nil), tt.want...)
				sort.Strings(want)
				if strings.Join(paths, " ") != strings.Join(want, " ") {
					t.Errorf("refused at %v, want %v (%v)", paths, want, messages)
				}
				for _, m := range messages {
					if strings.Contains(m, secretText) || strings.Contains(m, "Olsen") || strings.Contains(m, "aaaa") {
						t.Errorf("message quotes the data: %.300s", m)
					}
				}
				if n := taskCount(t, e.opts); n != before {
					t.Errorf("%d tasks queued by a refused submission", n-before)
				}
				good = editData(t, tt.good)
				before = taskCount(t, e.opts)
				_, _, err = c.Submit(ctx, Submission{Tenant: "aarhus", Template: "boligstoette-afgoerelse", Data: good, Recipient: r})
			}
			if err != nil {
				t.Fatalf("Submit of the data without the problem: %v", err)
			}
			if n := taskCount(t, e.opts); n != before+1 {
				t.Errorf("%d tasks queued by an accepted submission, want 1", n-before)
			}
			renderBoth(t, b, good)
		})
	}
}

// renderBoth renders data with the bundle to PDF and DOCX, failing the test if either fails.
func renderBoth(t *testing.T, b *templates.Bundle, data []byte) {
	t.Helper()
	d, err := b.Document(data)
	if err != nil {
		t.Fatalf("Document: %v", err)
	}
	if _, err := pdf.Render(d); err != nil {
		t.Errorf("pdf.Render: %v", err)
	}
	if _, err := docx.Render(d); err != nil {
		t.Errorf("docx.Render: %v", err)
	}
}

// TestPreflightProperty: for random but plausible variations of every sample's case data (texts
// of random length, now and then with a character no font has), the preflight accepts exactly
// the data pdf.Render succeeds for, and docx.Render succeeds for all it accepts. Data the schema
// or the template refuses is refused by the preflight too.
func TestPreflightProperty(t *testing.T) {
	tp := &DirTemplates{Root: samplesRoot}
	entries, err := os.ReadDir(filepath.Join(samplesRoot, "templates"))
	if err != nil {
		t.Fatal(err)
	}
	n := 60
	if testing.Short() {
		n = 30 // fewer do not always include a refusal: most long texts fit, wrapped
	}
	o := Options{}
	for _, ent := range entries {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			b, err := tp.Bundle("t", name)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, uint64(len(name))))
			var accepted, refused, invalid int
			for i := 0; i < n; {
				data := mutateData(t, rng, b.Sample)
				_, perr := o.preflight(b, data, testRecipient)
				d, merr := b.Document(data)
				if merr != nil {
					invalid++
					if perr == nil {
						t.Fatalf("variation %d: preflight accepts data the merge refuses: %v", i, merr)
					}
					if invalid > 20*n {
						t.Fatalf("the schema refuses nearly every variation")
					}
					continue
				}
				i++
				_, rerr := pdf.Render(d)
				if (perr == nil) != (rerr == nil) {
					t.Fatalf("variation %d: preflight %v; pdf.Render %v", i, perr, rerr)
				}
				if perr != nil {
					refused++
					continue
				}
				accepted++
				if _, err := docx.Render(d); err != nil {
					t.Fatalf("variation %d: preflight accepts, docx.Render: %v", i, err)
				}
			}
			t.Logf("%d accepted, %d refused by the preflight, %d by the schema or template", accepted, refused, invalid)
			if accepted == 0 || refused == 0 {
				t.Errorf("the variations do not exercise both outcomes: %d accepted, %d refused", accepted, refused)
			}
		})
	}
}

// mutateData replaces one to four strings of the sample data with random text.
func mutateData(t testing.TB, rng *rand.Rand, sample []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(sample, &v); err != nil {
		t.Fatal(err)
	}
	var setters []func(string)
	var walk func(v any, set func(any))
	walk = func(v any, set func(any)) {
		switch x := v.(type) {
		case string:
			setters = append(setters, func(s string) { set(s) })
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k], func(nv any) { x[k] = nv })
			}
		case []any:
			for i := range x {
				walk(x[i], func(nv any) { x[i] = nv })
			}
		}
	}
	walk(v, func(any) {})
	for range 1 + rng.IntN(4) {
		setters[rng.IntN(len(setters))](randomLetterText(rng))
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// randomLetterText is text of random length from names, addresses and letter words, now and
// then with a character no font has, a control character or a very long word.
func randomLetterText(rng *rand.Rand) string {
	words := []string{"Søren", "Ærbø", "Møller", "Åboulevarden", "17,", "3.", "th.", "Łukasz", "Γιώργος", "Дмитрий", "c/o",
		"Rådhuspladsen", "boligstøtte", "8000", "Aarhus", "C", "kr.", "–", "€", "Straße", "Nordre", "Ringgade", "x@y.dk"}
	odd := []string{"😀", "\b", "中", "\u2028", "\x7f", "\u00ad", "\t", "\n", "\r\n"}
	var n int
	switch rng.IntN(10) {
	case 0:
		n = 200 + rng.IntN(300)
	case 1, 2:
		n = 8 + rng.IntN(30)
	default:
		n = 1 + rng.IntN(4)
	}
	var b strings.Builder
	for j := range n {
		if j > 0 {
			b.WriteByte(' ')
		}
		if rng.IntN(60) == 0 {
			b.WriteString(odd[rng.IntN(len(odd))])
		}
		if rng.IntN(100) == 0 {
			b.WriteString(strings.Repeat("x", rng.IntN(300)))
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	if rng.IntN(20) == 0 {
		b.WriteString(strconv.Itoa(rng.IntN(1000)))
	}
	return b.String()
}

// BenchmarkPreflight measures what the preflight adds to a Submit of the reference letter:
// merging the case data and the PDF layout's checks.
func BenchmarkPreflight(b *testing.B) {
	tp := &DirTemplates{Root: samplesRoot}
	bundle, err := tp.Bundle("aarhus", "boligstoette-afgoerelse")
	if err != nil {
		b.Fatal(err)
	}
	data := sample(b, "boligstoette-afgoerelse")
	o := Options{}
	if _, err := o.preflight(bundle, data, testRecipient); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := o.preflight(bundle, data, testRecipient); err != nil {
			b.Fatal(err)
		}
	}
}
