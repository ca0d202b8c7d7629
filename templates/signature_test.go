package templates

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/render"
)

// withSignature is a letter with a signature section and the given body.
func withSignature(body string) string {
	return "---\ntitle: T\nlanguage: da\nlayout: l\nrecipient: [R]\nsignature: {name: Mette Sø}\n---\n" + body
}

// kinds describes each body block as its kind and text, for comparing placements.
func kinds(bs []render.Block) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		switch b := b.(type) {
		case *render.Signature:
			out[i] = "signature " + b.Name
		case *render.Heading:
			out[i] = "heading " + render.PlainText(b.Runs)
		case *render.Paragraph:
			out[i] = "paragraph " + render.PlainText(b.Runs)
		default:
			out[i] = fmt.Sprintf("%T", b)
		}
	}
	return out
}

func TestSignaturePlacement(t *testing.T) {
	tests := []struct {
		name, letter, data string
		want               []string
		wantErr            string
	}{{
		name:   "at the end by default",
		letter: withSignature("Før\n\nEfter\n"),
		want:   []string{"paragraph Før", "paragraph Efter", "signature Mette Sø"},
	}, {
		name:   "where the body says",
		letter: withSignature("Før\n\n{{ signature }}\n\n## Klagevejledning\n\nEfter\n"),
		want:   []string{"paragraph Før", "signature Mette Sø", "heading Klagevejledning", "paragraph Efter"},
	}, {
		name:   "inline in a paragraph still splits it cleanly",
		letter: withSignature("Før {{ signature }} efter\n"),
		want:   []string{"paragraph Før", "signature Mette Sø", "paragraph efter"},
	}, {
		name:   "data cannot place it",
		letter: withSignature("{{ .x }}\n\nEfter\n"),
		data:   `{"x": "@@postbud:signature@@"}`,
		want:   []string{"paragraph @@postbud:signature@@", "paragraph Efter", "signature Mette Sø"},
	}, {
		name:    "twice",
		letter:  withSignature("{{ signature }}\n\n{{ signature }}\n"),
		wantErr: "more than once",
	}, {
		name:    "without a signature section",
		letter:  "---\ntitle: T\nlanguage: da\nlayout: l\nrecipient: [R]\n---\nFør\n\n{{ signature }}\n",
		wantErr: "no signature: section",
	}, {
		name:    "raw HTML after the signature names its line",
		letter:  withSignature("Før\n\n{{ signature }}\n\nEfter <b>x</b>\n"),
		wantErr: "letter.md:12: ",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := mini("da", "", nil)
			fsys["templates/t/letter.md"].Data = []byte(tc.letter)
			b, err := Load(fsys, "t")
			if err != nil {
				t.Fatal(err)
			}
			data := tc.data
			if data == "" {
				data = "{}"
			}
			d, err := b.Document([]byte(data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, kinds(d.Body)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignatureNotInFrontMatter(t *testing.T) {
	fsys := mini("da", "x\n", nil)
	fsys["templates/t/letter.md"].Data = []byte("---\ntitle: T\nlanguage: da\nlayout: l\nrecipient: ['{{ signature }}']\n---\nx\n")
	_, err := Load(fsys, "t")
	if err == nil || !strings.Contains(err.Error(), "letter.md:5:") || !strings.Contains(err.Error(), "only allowed in the letter body") {
		t.Fatalf("error %v, want letter.md:5: ... only allowed in the letter body", err)
	}
}
