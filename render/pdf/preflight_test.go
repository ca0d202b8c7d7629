package pdf

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/render"
)

// secret marks text in the test documents that no Preflight message may quote.
const secret = "Qzxv"

func long(words int) string { return strings.TrimSpace(strings.Repeat(secret+"word ", words)) }

// blockIndex returns the index of the first body block of d for which is reports true.
func blockIndex(d *render.Document, is func(render.Block) bool) int {
	for i, b := range d.Body {
		if is(b) {
			return i
		}
	}
	panic("no such block")
}

// where is a Problem without its message, for comparing.
type where struct {
	Place string
	Index int
	Rune  rune
}

// TestPreflight: each reason Render fails for is found by Preflight, at its place, and Render
// fails exactly when Preflight reports a problem; the same letter within the limit passes both.
func TestPreflight(t *testing.T) {
	sig := func(b render.Block) bool { _, ok := b.(*render.Signature); return ok }
	table := func(b render.Block) bool { _, ok := b.(*render.Table); return ok }
	heading := func(b render.Block) bool { _, ok := b.(*render.Heading); return ok }
	tests := []struct {
		name string
		bad  func(d *render.Document)
		want []where
		good func(d *render.Document) // within the limit; nil: the reference letter
	}{
		{"control character in a recipient line", func(d *render.Document) { d.Recipient[0] = "Ib\bOlsen" + secret },
			[]where{{PlaceRecipient, 0, '\b'}}, nil},
		{"emoji in the subject", func(d *render.Document) { d.Subject = secret + " 😀" },
			[]where{{PlaceSubject, 0, '😀'}}, func(d *render.Document) { d.Subject = secret + " :-)" }},
		{"CJK in a paragraph", func(d *render.Document) {
			d.Body[1] = &render.Paragraph{Runs: []render.Run{{Text: "中" + secret, Bold: true}}}
		}, []where{{PlaceBody, 1, '中'}}, func(d *render.Document) {
			d.Body[1] = &render.Paragraph{Runs: []render.Run{{Text: "Γιώργος " + secret, Bold: true}}} // Greek: the full fonts
		}},
		{"emoji in a table cell", func(d *render.Document) {
			tb := d.Body[blockIndex(d, table)].(*render.Table)
			tb.Rows[1][1] = render.Cell{Runs: []render.Run{{Text: "🏠"}}}
		}, []where{{PlaceBody, 7, '🏠'}}, nil},
		{"control character in the signature name", func(d *render.Document) {
			d.Body[blockIndex(d, sig)].(*render.Signature).Name = "Mette\x1b"
		}, []where{{PlaceSignatureName, 0, 0x1b}}, nil},
		{"recipient line wrapping past the window even at 8 pt", func(d *render.Document) { d.Recipient[1] = long(40) },
			[]where{{PlaceRecipient, 1, 0}}, func(d *render.Document) { d.Recipient[1] = long(12) }}, // wrapped, fits
		{"eight recipient lines", func(d *render.Document) {
			d.Recipient = append(d.Recipient, "c/o A", "B", "C", "D", "E")
		}, []where{{PlaceRecipient, -1, 0}}, func(d *render.Document) { d.Recipient = append(d.Recipient, "c/o A", "B", "C", "D") }}, // seven: smaller, fits
		{"return address too wide even at 5 pt", func(d *render.Document) { d.Letterhead.Address[0] = long(8) },
			[]where{{PlaceReturnAddress, 0, 0}}, func(d *render.Document) { d.Letterhead.Address[0] = long(3) }},
		{"900 KB contact line", func(d *render.Document) { d.Letterhead.Contact[2] = strings.Repeat("x", 900<<10) + "@aarhus.dk" },
			[]where{{PlaceSenderContact, 2, 0}}, func(d *render.Document) { d.Letterhead.Contact[2] = long(40) }},
		{"details value of pages", func(d *render.Document) { d.Details[1].Value = long(3000) },
			[]where{{PlaceDetails, 1, 0}}, func(d *render.Document) { d.Details[1].Value = long(50) }},
		{"subject taller than a page", func(d *render.Document) { d.Subject = long(5000) },
			[]where{{PlaceSubject, 0, 0}}, func(d *render.Document) { d.Subject = long(120) }},
		{"heading taller than a page", func(d *render.Document) {
			d.Body[blockIndex(d, heading)].(*render.Heading).Runs[0].Text = long(5000)
		}, []where{{PlaceBody, 6, 0}}, func(d *render.Document) { d.Body[blockIndex(d, heading)].(*render.Heading).Runs[0].Text = long(240) }},
		{"table header taller than a page", func(d *render.Document) {
			d.Body[blockIndex(d, table)].(*render.Table).Header[0] = render.Cell{Runs: []render.Run{{Text: long(3000)}}}
		}, []where{{PlaceBody, 7, 0}}, func(d *render.Document) {
			d.Body[blockIndex(d, table)].(*render.Table).Header[0] = render.Cell{Runs: []render.Run{{Text: long(50)}}}
		}},
		{"signature taller than a page", func(d *render.Document) { d.Body[blockIndex(d, sig)].(*render.Signature).Title = long(5000) },
			[]where{{PlaceSignature, 0, 0}}, func(d *render.Document) { d.Body[blockIndex(d, sig)].(*render.Signature).Title = long(300) }},
		{"footer of three lines", func(d *render.Document) { d.Footer = long(60) },
			[]where{{PlaceFooter, 0, 0}}, func(d *render.Document) { d.Footer = long(12) }},
		{"every problem at once", func(d *render.Document) {
			d.Recipient[0] = "Ib\bOlsen"
			d.Recipient[2] = long(40)
			d.Letterhead.Contact[2] = long(100000)
			d.Subject = "😀"
			d.Footer = long(60)
		}, []where{{PlaceRecipient, 0, '\b'}, {PlaceSubject, 0, '😀'}, {PlaceRecipient, 2, 0}, {PlaceSenderContact, 2, 0}, {PlaceFooter, 0, 0}}, nil},
		{"a word wider than its column or the window is broken, not refused", func(d *render.Document) {
			d.Body[blockIndex(d, table)].(*render.Table).Rows[0][0] = render.Cell{Runs: []render.Run{{Text: strings.Repeat("x", 400)}}}
			d.Recipient[0] = strings.Repeat("x", 400) // but 400 characters do not fit the window
		}, []where{{PlaceRecipient, 0, 0}}, func(d *render.Document) {
			d.Body[blockIndex(d, table)].(*render.Table).Rows[0][0] = render.Cell{Runs: []render.Run{{Text: strings.Repeat("x", 400)}}}
			d.Recipient[0] = strings.Repeat("x", 100)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testdoc.Reference()
			tt.bad(d)
			got := Preflight(d)
			var places []where
			for _, p := range got {
				places = append(places, where{p.Place, p.Index, p.Rune})
				if strings.Contains(p.Message, secret) || strings.Contains(p.Message, "xxxx") || strings.Contains(p.Message, "Olsen") {
					t.Errorf("message quotes the text: %s", p.Message)
				}
				if p.Rune != 0 && !strings.Contains(p.Message, fmt.Sprintf("U+%04X", p.Rune)) {
					t.Errorf("message does not name U+%04X: %s", p.Rune, p.Message)
				}
			}
			if diff := cmp.Diff(tt.want, places); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%v", diff, got)
			}
			if _, err := Render(d); err == nil {
				t.Errorf("Render succeeded where Preflight found %v", got)
			}

			good := testdoc.Reference()
			if tt.good != nil {
				tt.good(good)
			}
			if got := Preflight(good); got != nil {
				t.Errorf("Preflight of the letter within the limit: %v", got)
			}
			if _, err := Render(good); err != nil {
				t.Errorf("Render of the letter within the limit: %v", err)
			}
		})
	}
}

// TestPreflightLayout: problems of the page, window or size are reported, not a panic.
func TestPreflightLayout(t *testing.T) {
	d := testdoc.Reference()
	d.FontSize = 40
	got := Preflight(d)
	if len(got) != 1 || got[0].Place != PlaceLayout {
		t.Errorf("Preflight = %v, want one layout problem", got)
	}
	if got := Preflight(nil); len(got) != 1 {
		t.Errorf("Preflight(nil) = %v", got)
	}
}

// TestPreflightAgreesWithRender: over random variations of the reference letter (long and
// short texts, characters the fonts have and lack, many lines), Preflight finds no problem
// exactly when Render succeeds.
func TestPreflightAgreesWithRender(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	n := 120
	if testing.Short() {
		n = 30
	}
	var accepted, refused int
	for i := range n {
		d := testdoc.Reference()
		mutateDocument(rng, d)
		problems := Preflight(d)
		_, err := Render(d)
		if (len(problems) == 0) != (err == nil) {
			t.Fatalf("variation %d: Preflight %v, Render %v", i, problems, err)
		}
		if err == nil {
			accepted++
		} else {
			refused++
		}
	}
	t.Logf("%d accepted, %d refused", accepted, refused)
	if accepted == 0 || refused == 0 {
		t.Errorf("the variations do not exercise both outcomes: %d accepted, %d refused", accepted, refused)
	}
}

// randomText returns plausible letter text of random length, now and then with a character no
// font has or a control character.
func randomText(rng *rand.Rand) string {
	words := []string{"Søren", "Ærbø", "Møller", "Åboulevarden", "17,", "3.", "th.", "Łukasz", "Γιώργος", "Дмитрий", "c/o",
		"Rådhuspladsen", "boligstøtte", "8000", "Aarhus", "C", "kr.", "–", "€", "Straße", "Nordre Ringgade", "x@y.dk"}
	odd := []string{"😀", "\b", "中", "\u2028", "\x7f", "\u00ad", "\t", "\n"}
	var n int
	switch rng.IntN(10) {
	case 0:
		n = 0
	case 1:
		n = 200 + rng.IntN(3000)
	case 2:
		n = 10 + rng.IntN(60)
	default:
		n = 1 + rng.IntN(6)
	}
	var b strings.Builder
	for j := range n {
		if j > 0 {
			b.WriteByte(' ')
		}
		if rng.IntN(400) == 0 {
			b.WriteString(odd[rng.IntN(len(odd))])
		}
		if rng.IntN(200) == 0 {
			b.WriteString(strings.Repeat("x", rng.IntN(200)))
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}

// mutateDocument replaces a few texts of d with random ones.
func mutateDocument(rng *rand.Rand, d *render.Document) {
	texts := []*string{&d.Letterhead.Name, &d.Letterhead.Department, &d.Subject, &d.Footer,
		&d.Details[0].Value, &d.Details[1].Label}
	for i := range d.Letterhead.Address {
		texts = append(texts, &d.Letterhead.Address[i])
	}
	for i := range d.Letterhead.Contact {
		texts = append(texts, &d.Letterhead.Contact[i])
	}
	for i := range d.Recipient {
		texts = append(texts, &d.Recipient[i])
	}
	var walk func(bs []render.Block)
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Paragraph:
				for i := range b.Runs {
					texts = append(texts, &b.Runs[i].Text)
				}
			case *render.Heading:
				for i := range b.Runs {
					texts = append(texts, &b.Runs[i].Text)
				}
			case *render.List:
				for _, it := range b.Items {
					walk(it)
				}
			case *render.Table:
				for _, row := range append(append([][]render.Cell{b.Header}, b.Rows...), b.Total) {
					for i := range row {
						for j := range row[i].Runs {
							texts = append(texts, &row[i].Runs[j].Text)
						}
					}
				}
			case *render.Signature:
				texts = append(texts, &b.Greeting, &b.Name, &b.Title)
			}
		}
	}
	walk(d.Body)
	for range 1 + rng.IntN(4) {
		*texts[rng.IntN(len(texts))] = randomText(rng)
	}
	if rng.IntN(8) == 0 {
		for range 1 + rng.IntN(4) {
			d.Recipient = append(d.Recipient, randomText(rng))
		}
	}
}

// BenchmarkPreflightReference measures Preflight of the one-page reference letter.
func BenchmarkPreflightReference(b *testing.B) {
	d := testdoc.Reference()
	if p := Preflight(d); p != nil {
		b.Fatal(p)
	}
	b.ReportAllocs()
	for b.Loop() {
		Preflight(d)
	}
}
