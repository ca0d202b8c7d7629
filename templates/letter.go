package templates

import (
	"fmt"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/templates/locale"
)

// letterFront is the parsed front matter of letter.md; (T) strings are templates.
type letterFront struct {
	language   text
	layoutText text
	requires   []text
	blockNames []text
	title      *tmpl
	keywords   []string
	memo       *memoFront // nil without memo:
	sender     senderFront
	recipient  []*tmpl
	details    []detailFront
	subject    *tmpl
	signature  *signatureFront
	footer     *tmpl
}

// senderFront overrides the layout's sender field by field; nil and !has* mean "not given".
type senderFront struct {
	name, department       *tmpl
	address, contact       []*tmpl
	hasAddress, hasContact bool
}

type detailFront struct {
	label *tmpl // nil: locale.Label(key)
	key   string
	value *tmpl
}

type signatureFront struct {
	greeting, name, title *tmpl // greeting nil: locale.Label("regards")
	imageName             text
}

var letterKeys = []string{"title", "description", "language", "layout", "blocks", "requires", "keywords", "memo",
	"sender", "recipient", "details", "subject", "signature", "footer"}

// parseLetter reads letter.md: front matter into b's fields and b.fm, the body into b.body.
// funcsFor builds the template functions once the letter's locale is known.
func (b *Bundle) parseLetter(src string, funcsFor func(*locale.Locale) template.FuncMap) error {
	yml, body, err := splitFrontMatter(b.file, src)
	if err != nil {
		return err
	}
	d := yamlDoc{file: b.file, line: 1}
	top, err := d.parse(yml)
	if err != nil {
		return err
	}
	f, err := d.fields(top, "the front matter", letterKeys...)
	if err != nil {
		return err
	}
	for _, k := range []string{"title", "language", "layout", "recipient"} {
		if f[k] == nil {
			return &TemplateError{File: b.file, Line: 1, Msg: fmt.Sprintf("the front matter needs %s:", k)}
		}
	}
	fm := &letterFront{}
	b.fm = fm
	lang, err := d.str(f["language"], "language")
	if err != nil {
		return err
	}
	b.Language = lang.s
	fm.language = lang
	if b.loc, err = locale.Lookup(lang.s); err != nil {
		return &TemplateError{File: b.file, Line: lang.line, Col: lang.col, Msg: err.Error()}
	}
	funcs := funcsFor(b.loc)
	tpl := func(t text) (*tmpl, error) {
		col := t.col - 1
		if t.style == yaml.SingleQuotedStyle || t.style == yaml.DoubleQuotedStyle {
			col++
		}
		return parseTemplate(b.file, t.s, t.line-1, col, funcs, plainFunc)
	}
	str := func(key, what string) (*tmpl, error) {
		if f[key] == nil {
			return nil, nil
		}
		t, err := d.str(f[key], what)
		if err != nil {
			return nil, err
		}
		return tpl(t)
	}
	strList := func(n *yaml.Node, what string) ([]*tmpl, error) {
		ts, err := d.strs(n, what)
		if err != nil {
			return nil, err
		}
		out := make([]*tmpl, len(ts))
		for i, t := range ts {
			if out[i], err = tpl(t); err != nil {
				return nil, err
			}
		}
		return out, nil
	}

	title, err := d.str(f["title"], "title")
	if err != nil {
		return err
	}
	b.Title = title.s
	if fm.title, err = tpl(title); err != nil {
		return err
	}
	desc, err := d.str(f["description"], "description")
	if err != nil {
		return err
	}
	b.Description = desc.s
	if fm.layoutText, err = d.str(f["layout"], "layout"); err != nil {
		return err
	}
	b.Layout = fm.layoutText.s
	if fm.blockNames, err = d.strs(f["blocks"], "blocks"); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, t := range fm.blockNames {
		if seen[t.s] {
			return &TemplateError{File: b.file, Line: t.line, Col: t.col, Msg: fmt.Sprintf("block %q is listed twice", t.s)}
		}
		seen[t.s] = true
		b.Blocks = append(b.Blocks, t.s)
	}
	if fm.requires, err = d.strs(f["requires"], "requires"); err != nil {
		return err
	}
	for _, t := range fm.requires {
		b.Requires = append(b.Requires, t.s)
	}
	kws, err := d.strs(f["keywords"], "keywords")
	if err != nil {
		return err
	}
	for _, k := range kws {
		fm.keywords = append(fm.keywords, k.s)
	}
	if n := f["memo"]; n != nil {
		if fm.memo, err = parseMemo(d, n, tpl); err != nil {
			return err
		}
	}
	if n := f["sender"]; n != nil {
		sf, err := d.fields(n, "sender", senderKeys...)
		if err != nil {
			return err
		}
		for _, kd := range []struct {
			key string
			dst **tmpl
		}{{"name", &fm.sender.name}, {"department", &fm.sender.department}} {
			key, dst := kd.key, kd.dst
			if sf[key] == nil {
				continue
			}
			t, err := d.str(sf[key], "sender "+key)
			if err != nil {
				return err
			}
			if *dst, err = tpl(t); err != nil {
				return err
			}
		}
		if fm.sender.address, err = strList(sf["address"], "sender address"); err != nil {
			return err
		}
		if fm.sender.contact, err = strList(sf["contact"], "sender contact"); err != nil {
			return err
		}
		fm.sender.hasAddress, fm.sender.hasContact = sf["address"] != nil, sf["contact"] != nil
	}
	if fm.recipient, err = strList(f["recipient"], "recipient"); err != nil {
		return err
	}
	if len(fm.recipient) == 0 {
		return d.err(f["recipient"], "recipient needs at least one address line")
	}
	if n := f["details"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			return d.err(n, "details must be a list of {label: ..., value: ...}, got %s", kindName(n))
		}
		for _, item := range n.Content {
			df, err := d.fields(item, "a details entry", detailKeys...)
			if err != nil {
				return err
			}
			var det detailFront
			if df["value"] == nil {
				return d.err(item, "a details entry needs value:")
			}
			v, err := d.str(df["value"], "details value")
			if err != nil {
				return err
			}
			if det.value, err = tpl(v); err != nil {
				return err
			}
			if df["key"] != nil {
				k, err := d.str(df["key"], "details key")
				if err != nil {
					return err
				}
				if k.s != "date" && k.s != "case" {
					return d.err(df["key"], `details key must be "date" or "case", got %q`, k.s)
				}
				det.key = k.s
			}
			if df["label"] != nil {
				l, err := d.str(df["label"], "details label")
				if err != nil {
					return err
				}
				if det.label, err = tpl(l); err != nil {
					return err
				}
			} else if det.key == "" {
				return d.err(item, `a details entry needs label: or key: (date or case)`)
			}
			fm.details = append(fm.details, det)
		}
	}
	if fm.subject, err = str("subject", "subject"); err != nil {
		return err
	}
	if fm.footer, err = str("footer", "footer"); err != nil {
		return err
	}
	if n := f["signature"]; n != nil {
		sf, err := d.fields(n, "signature", signatureKeys...)
		if err != nil {
			return err
		}
		sig := &signatureFront{}
		for _, kd := range []struct {
			key string
			dst **tmpl
		}{{"greeting", &sig.greeting}, {"name", &sig.name}, {"title", &sig.title}} {
			key, dst := kd.key, kd.dst
			if sf[key] == nil {
				continue
			}
			t, err := d.str(sf[key], "signature "+key)
			if err != nil {
				return err
			}
			if *dst, err = tpl(t); err != nil {
				return err
			}
		}
		if sf["image"] != nil {
			if sig.imageName, err = d.str(sf["image"], "signature image"); err != nil {
				return err
			}
		}
		fm.signature = sig
	}

	b.body, err = parseTemplate(b.file, body, 0, 0, funcs, escapeFunc)
	return err
}
