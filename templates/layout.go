package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/render"
)

// layout is a parsed layouts/<name>/layout.yaml.
type layout struct {
	page      render.Page
	font      string
	size      float64
	accent    render.Color
	window    render.Window
	sender    render.Letterhead // Logo included
	footer    string
	pageLabel map[string]string
	pdfa      render.PDFA // "" (the renderer's default, PDF/A-2b), off, 1b or 2b
}

// layout reads layouts/<name>/layout.yaml and records every file of the layout folder for the
// version. where is the front matter's layout: value, for errors.
func (l *loader) layout(name string, where text, letter string) (*layout, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || !fs.ValidPath(name) || name == "." || name == ".." {
		return nil, &TemplateError{File: letter, Line: where.line, Col: where.col, Msg: fmt.Sprintf("layout %q must be a folder name under layouts/", name)}
	}
	dir := "layouts/" + name
	err := fs.WalkDir(l.root, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		data, err := l.read(p)
		if err != nil {
			return err
		}
		l.files[p] = data
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &TemplateError{File: letter, Line: where.line, Col: where.col, Msg: fmt.Sprintf("layout %q not found: add %s", name, l.show(dir+"/layout.yaml"))}
	}
	if err != nil {
		return nil, fmt.Errorf("read layout %s: %w", l.show(dir), err)
	}
	file := l.show(dir + "/layout.yaml")
	src, ok := l.files[dir+"/layout.yaml"]
	if !ok {
		return nil, &TemplateError{File: letter, Line: where.line, Col: where.col, Msg: fmt.Sprintf("layout %q has no %s", name, file)}
	}
	d := yamlDoc{file: file}
	top, err := d.parse(strings.TrimPrefix(string(src), "\ufeff"))
	if err != nil {
		return nil, err
	}
	f, err := d.fields(top, "layout.yaml", layoutKeys...)
	if err != nil {
		return nil, err
	}
	lay := &layout{page: render.A4}
	if n := f["page"]; n != nil {
		pf, err := d.fields(n, "page", pageKeys...)
		if err != nil {
			return nil, err
		}
		if s := pf["size"]; s != nil {
			if s.Kind != yaml.ScalarNode || !strings.EqualFold(s.Value, "A4") {
				return nil, d.err(s, "page size must be A4 (the only size supported for now)")
			}
		}
		if m := pf["margins"]; m != nil {
			mf, err := d.fields(m, "margins", marginKeys...)
			if err != nil {
				return nil, err
			}
			for _, kd := range []struct {
				key string
				dst *float64
			}{{"top", &lay.page.Top}, {"right", &lay.page.Right}, {"bottom", &lay.page.Bottom}, {"left", &lay.page.Left}} {
				if mf[kd.key] == nil {
					continue
				}
				if *kd.dst, err = d.num(mf[kd.key], "margin "+kd.key+" (mm)", 0, 80); err != nil {
					return nil, err
				}
			}
		}
	}
	if n := f["font"]; n != nil {
		t, err := d.str(n, "font")
		if err != nil {
			return nil, err
		}
		lay.font = t.s
	}
	if n := f["size"]; n != nil {
		if lay.size, err = d.num(n, "size (pt)", 6, 24); err != nil {
			return nil, err
		}
	}
	if n := f["accent"]; n != nil {
		t, err := d.str(n, "accent")
		if err != nil {
			return nil, err
		}
		c, ok := parseColor(t.s)
		if !ok {
			return nil, d.err(n, `accent must be a colour like "#1f4e79", got %q`, t.s)
		}
		lay.accent = c
	}
	if n := f["logo"]; n != nil {
		t, err := d.str(n, "logo")
		if err != nil {
			return nil, err
		}
		data, ok := l.files[dir+"/"+t.s]
		if !ok || strings.Contains(t.s, "/") {
			return nil, d.err(n, "logo %q is not a file in %s", t.s, l.show(dir))
		}
		img := &render.Image{Data: data}
		if img.Format() == "" {
			return nil, d.err(n, "logo %q is not a PNG or JPEG image", t.s)
		}
		lay.sender.Logo = img
	}
	if n := f["logo_alt"]; n != nil {
		t, err := d.str(n, "logo_alt")
		if err != nil {
			return nil, err
		}
		if lay.sender.Logo == nil {
			return nil, d.err(n, "logo_alt describes the logo, but the layout has no logo")
		}
		if strings.TrimSpace(t.s) == "" {
			return nil, d.err(n, "logo_alt is empty: describe the logo for readers who cannot see it, or leave logo_alt out to use the sender's name")
		}
		lay.sender.Logo.Alt = t.s
	}
	if n := f["window"]; n != nil {
		wf, err := d.fields(n, "window", windowKeys...)
		if err != nil {
			return nil, err
		}
		for _, kd := range []struct {
			key string
			dst *float64
		}{{"x", &lay.window.X}, {"y", &lay.window.Y}, {"width", &lay.window.Width}, {"height", &lay.window.Height}} {
			if wf[kd.key] == nil {
				return nil, d.err(n, "window needs x, y, width and height (mm)")
			}
			if *kd.dst, err = d.num(wf[kd.key], "window "+kd.key+" (mm)", 0, 297); err != nil {
				return nil, err
			}
		}
	}
	if n := f["sender"]; n != nil {
		sf, err := d.fields(n, "sender", senderKeys...)
		if err != nil {
			return nil, err
		}
		for _, kd := range []struct {
			key string
			dst *string
		}{{"name", &lay.sender.Name}, {"department", &lay.sender.Department}} {
			t, err := d.str(sf[kd.key], "sender "+kd.key)
			if err != nil {
				return nil, err
			}
			*kd.dst = t.s
		}
		for _, kd := range []struct {
			key string
			dst *[]string
		}{{"address", &lay.sender.Address}, {"contact", &lay.sender.Contact}} {
			ts, err := d.strs(sf[kd.key], "sender "+kd.key)
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				*kd.dst = append(*kd.dst, t.s)
			}
		}
	}
	if n := f["footer"]; n != nil {
		t, err := d.str(n, "footer")
		if err != nil {
			return nil, err
		}
		lay.footer = t.s
	}
	if n := f["page_label"]; n != nil {
		if n.Kind != yaml.MappingNode {
			return nil, d.err(n, `page_label must map languages to patterns, e.g. {da: "Side {page} af {pages}"}`)
		}
		lay.pageLabel = map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			t, err := d.str(n.Content[i+1], "page_label "+n.Content[i].Value)
			if err != nil {
				return nil, err
			}
			if !strings.Contains(t.s, "{page}") {
				return nil, d.err(n.Content[i+1], "page_label %s must contain {page}", n.Content[i].Value)
			}
			lay.pageLabel[n.Content[i].Value] = t.s
		}
	}
	// pdfa: off, 1b or 2b chooses the PDF/A conformance of the layout's PDFs (render.PDFA); left
	// out, the tenant's setting or the renderer's default (2b) applies.
	if n := f["pdfa"]; n != nil {
		t, err := d.str(n, "pdfa")
		if err != nil {
			return nil, err
		}
		if lay.pdfa, err = render.ParsePDFA(t.s); err != nil || t.s == "" {
			return nil, d.err(n, "pdfa must be off, 1b or 2b (PDF/A-1b, PDF/A-2b), got %q", t.s)
		}
	}
	return lay, nil
}

// parseColor reads "#rrggbb".
func parseColor(s string) (render.Color, bool) {
	if len(s) != 7 || s[0] != '#' {
		return render.Color{}, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return render.Color{}, false
	}
	return render.Color{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v)}, true
}
