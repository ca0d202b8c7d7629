package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postbud/postbud/render"
)

// TestMarkdownErrors: problems in the merged Markdown name the template line they come from.
func TestMarkdownErrors(t *testing.T) {
	tests := []struct {
		name, body string
		extra      map[string]string
		want       string
	}{{
		name: "raw HTML in the body",
		body: "Kære {{ .name }}\n\n<div>Hej</div>\n",
		want: "templates/t/letter.md:9: ",
	}, {
		name:  "raw HTML in a block",
		body:  "Kære {{ .name }}\n\n{{ include \"b\" }}\n",
		extra: map[string]string{"blocks/b.md": "Tekst\n\n<span>x</span> og mere\n"},
		want:  "blocks/b.md:3: ",
	}, {
		name: "image not in the bundle",
		body: "![Kort](kort.png)\n",
		want: `templates/t/letter.md:7: image "kort.png": no such PNG or JPEG file next to templates/t/letter.md`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := mini("da", tc.body, tc.extra)
			if tc.extra != nil {
				src := string(fsys["templates/t/letter.md"].Data)
				fsys["templates/t/letter.md"].Data = []byte(strings.Replace(src, "layout: l\n", "layout: l\nblocks: [b]\n", 1))
			}
			b, err := Load(fsys, "t")
			if err != nil {
				t.Fatal(err)
			}
			_, err = b.Document([]byte(`{"name": "Ib"}`))
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("got %v, want a *TemplateError", err)
			}
			if !strings.HasPrefix(te.Error(), tc.want) {
				t.Errorf("got %q, want it to start with %q", te.Error(), tc.want)
			}
		})
	}
}

// TestSenderOverride: the letter's sender fields replace the layout's one by one.
func TestSenderOverride(t *testing.T) {
	fsys := mini("da", "Tekst\n", map[string]string{
		"layouts/l/layout.yaml":       "sender:\n  name: Testkommune\n  department: Borgerservice\n  address: [Gade 1, 8000 By]\n  contact: [Tlf 1]\nfooter: Fod\n",
		"templates/t/underskrift.png": string(pngBytes(t)),
	})
	fsys["templates/t/letter.md"].Data = []byte("---\ntitle: T {{ .n }}\nlanguage: en\nlayout: l\n" +
		"sender:\n  department: '{{ .dept }}'\n  address: ['{{ .street }}', '{{ if has . \"floor\" }}{{ .floor }}{{ end }}']\n" +
		"recipient: [R]\nfooter: 'Fod {{ .n }}'\n" +
		"signature: {name: A B, image: underskrift.png}\n---\nTekst\n")
	b, err := Load(fsys, "t")
	if err != nil {
		t.Fatal(err)
	}
	d, err := b.Document([]byte(`{"n": "1", "dept": "Jobcenter", "street": "Vej 2"}`))
	if err != nil {
		t.Fatal(err)
	}
	lh := d.Letterhead
	got := []any{lh.Name, lh.Department, lh.Address, lh.Contact, d.Footer, d.Meta.Title, d.Meta.Subject, d.Meta.Author, d.Meta.Created.IsZero(), d.PageLabel}
	want := []any{"Testkommune", "Jobcenter", []string{"Vej 2"}, []string{"Tlf 1"}, "Fod 1", "T 1", "T 1", "Testkommune", true, "Page {page} of {pages}"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	sig, ok := d.Body[len(d.Body)-1].(*render.Signature)
	if !ok || sig.Image == nil || sig.Image.Format() != "png" || sig.Greeting != "Yours sincerely" {
		t.Errorf("signature %+v: want the image and the English greeting", d.Body[len(d.Body)-1])
	}
}

func TestLoadDirOutsideTemplates(t *testing.T) {
	_, err := LoadDir(filepath.Join(fixtureDir, "layouts/kommune"))
	if err == nil || !strings.Contains(err.Error(), "a bundle lives in a folder templates/<name>/") {
		t.Errorf("got %v", err)
	}
	_, err = Load(fixtureFS(t, nil), "../x")
	if err == nil {
		t.Error("Load accepted ../x")
	}
}
