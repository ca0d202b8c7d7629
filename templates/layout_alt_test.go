package templates

import (
	"strings"
	"testing"
)

// TestLogoAlt: the logo's text alternative is the layout's logo_alt, else the sender's name
// (the front matter's, when it overrides the layout's); logo_alt without a logo, or empty, is an
// error naming the file and line.
func TestLogoAlt(t *testing.T) {
	png := pngBytes(t)
	cases := []struct {
		name, layout, front, want, wantErr string
	}{
		{"logo_alt", "logo: l.png\nlogo_alt: Byvåben for Aarhus\nsender: {name: Aarhus Kommune}\n", "", "Byvåben for Aarhus", ""},
		{"sender name", "logo: l.png\nsender: {name: Aarhus Kommune}\n", "", "Aarhus Kommune", ""},
		{"front matter sender", "logo: l.png\nsender: {name: Aarhus Kommune}\n", "sender: {name: Region Midt}\n", "Region Midt", ""},
		{"no name", "logo: l.png\n", "", "Logo", ""},
		{"alt without logo", "logo_alt: x\n", "", "", "layouts/l/layout.yaml:1:"},
		{"empty alt", "logo: l.png\nlogo_alt: \" \"\n", "", "", "layouts/l/layout.yaml:2:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := mini("da", "Hej.\n", map[string]string{"layouts/l/layout.yaml": c.layout, "layouts/l/l.png": string(png)})
			if c.front != "" {
				root["templates/t/letter.md"].Data = []byte("---\ntitle: T\nlanguage: da\nlayout: l\nrecipient: [R]\n" + c.front + "---\nHej.\n")
			}
			b, err := Load(root, "t")
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("load: %v, want an error at %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, err := b.Document([]byte(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if d.Letterhead.Logo == nil || d.Letterhead.Logo.Alt != c.want {
				t.Fatalf("logo %+v, want Alt %q", d.Letterhead.Logo, c.want)
			}
		})
	}
}
