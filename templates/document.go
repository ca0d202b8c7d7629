package templates

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/templates/markdown"
)

// Validate checks data (JSON text) against the bundle's schema and the limits on case data
// (4 MiB, nesting 64 deep, UTF-8). Problems come back as a *DataError.
func (b *Bundle) Validate(data []byte) error {
	_, err := b.decode(data)
	return err
}

// Document validates data, merges it into the template and returns the letter, ready for
// render/pdf and render/docx. Bad data gives a *DataError, a template that fails on this data a
// *TemplateError naming the file, line and column. Safe for concurrent use.
func (b *Bundle) Document(data []byte) (*render.Document, error) {
	v, err := b.decode(data)
	if err != nil {
		return nil, fmt.Errorf("merge case data into %s: %w", b.Name, err)
	}
	doc, err := b.document(v)
	if err != nil {
		return nil, fmt.Errorf("merge case data into %s: %w", b.Name, err)
	}
	return doc, nil
}

// ExecMemo validates data and executes the memo front matter with it: the MeMo header of the
// letter for Danish Digital Post. Bad data gives a *DataError (also for an action start or end
// that is not a date), a template that fails on this data a *TemplateError.
func (b *Bundle) ExecMemo(data []byte) (*Memo, error) {
	v, err := b.decode(data)
	if err != nil {
		return nil, fmt.Errorf("memo of %s: %w", b.Name, err)
	}
	m, err := b.memo(v, nil)
	if err != nil {
		return nil, fmt.Errorf("memo of %s: %w", b.Name, err)
	}
	return m, nil
}

// LetterMemo is Document and ExecMemo in one: the case data is decoded and validated once.
func (b *Bundle) LetterMemo(data []byte) (*render.Document, *Memo, error) {
	v, err := b.decode(data)
	if err != nil {
		return nil, nil, fmt.Errorf("merge case data into %s: %w", b.Name, err)
	}
	doc, err := b.document(v)
	if err != nil {
		return nil, nil, fmt.Errorf("merge case data into %s: %w", b.Name, err)
	}
	m, err := b.memo(v, &doc.Meta.Title)
	if err != nil {
		return nil, nil, fmt.Errorf("memo of %s: %w", b.Name, err)
	}
	return doc, m, nil
}

// execText executes a template against data.
func execText(t *tmpl, data any) (string, error) {
	var w limitedBuffer
	if err := t.t.Execute(&w, data); err != nil {
		return "", t.execError(err)
	}
	return w.String(), nil
}

// execLine executes a front matter template: one line of plain text, white space runs
// (newlines included) collapsed to one space. A nil template gives "".
func execLine(t *tmpl, data any) (string, error) {
	if t == nil {
		return "", nil
	}
	s, err := execText(t, data)
	return strings.Join(strings.Fields(s), " "), err
}

// execLines executes a list of front matter templates, dropping lines that come out empty (an
// optional address line inside {{ if has ... }}). When kept is not nil, it receives the index in
// ts of each line kept.
func execLines(ts []*tmpl, data any, kept *[]int) ([]string, error) {
	var out []string
	for i, t := range ts {
		s, err := execLine(t, data)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out = append(out, s)
			if kept != nil {
				*kept = append(*kept, i)
			}
		}
	}
	return out, nil
}

// keptLines maps the lines of a merged letter's line lists to the front matter templates they
// come from: the index of the template of each line (empty lines are dropped).
type keptLines struct {
	address, contact, recipient []int
}

// document merges the decoded case data v into the letter.
func (b *Bundle) document(v any) (*render.Document, error) { return b.merge(v, nil) }

// merge is document; kept, when not nil, receives where the lines of the letter's line lists
// come from.
func (b *Bundle) merge(v any, kept *keptLines) (*render.Document, error) {
	fm, lay := b.fm, b.lay
	d := &render.Document{
		Page:     lay.page,
		Font:     lay.font,
		FontSize: lay.size,
		Accent:   lay.accent,
		Window:   lay.window,
		Footer:   lay.footer,
		PDFA:     lay.pdfa,
	}
	var err error
	line := func(t *tmpl) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = execLine(t, v)
		return s
	}
	lines := func(ts []*tmpl, k *[]int) []string {
		if err != nil {
			return nil
		}
		var s []string
		s, err = execLines(ts, v, k)
		return s
	}
	var keptAddress, keptContact, keptRecipient *[]int
	if kept != nil {
		keptAddress, keptContact, keptRecipient = &kept.address, &kept.contact, &kept.recipient
	}

	lh := lay.sender
	lh.Address = append([]string(nil), lh.Address...)
	lh.Contact = append([]string(nil), lh.Contact...)
	if lh.Logo != nil {
		lh.Logo = &render.Image{Data: append([]byte(nil), lh.Logo.Data...), Alt: lh.Logo.Alt, Width: lh.Logo.Width}
	}
	if fm.sender.name != nil {
		lh.Name = line(fm.sender.name)
	}
	if fm.sender.department != nil {
		lh.Department = line(fm.sender.department)
	}
	if fm.sender.hasAddress {
		lh.Address = lines(fm.sender.address, keptAddress)
	}
	if fm.sender.hasContact {
		lh.Contact = lines(fm.sender.contact, keptContact)
	}
	if lh.Logo != nil && lh.Logo.Alt == "" {
		// A logo's text alternative is the sender it stands for (what a screen reader should
		// say), unless the layout gives one (logo_alt). The layout's image is shared: copy it.
		logo := *lh.Logo
		logo.Alt = lh.Name
		if logo.Alt == "" {
			logo.Alt = "Logo"
		}
		lh.Logo = &logo
	}
	d.Letterhead = lh
	d.Recipient = lines(fm.recipient, keptRecipient)
	for _, det := range fm.details {
		label := b.loc.Label(det.key)
		if det.label != nil {
			label = line(det.label)
		}
		d.Details = append(d.Details, render.Detail{Label: label, Value: line(det.value), Key: det.key})
	}
	d.Subject = line(fm.subject)
	if fm.footer != nil {
		d.Footer = line(fm.footer)
	}
	title := line(fm.title)
	var sig *render.Signature
	if s := fm.signature; s != nil {
		sig = &render.Signature{Greeting: b.loc.Label("regards"), Name: line(s.name), Title: line(s.title)}
		if s.greeting != nil {
			sig.Greeting = line(s.greeting)
		}
		if s.imageName.set {
			sig.Image = &render.Image{Data: append([]byte(nil), b.images[s.imageName.s]...), Alt: sig.Name}
		}
	}
	if err != nil {
		return nil, err
	}

	body, err := execText(b.body, v)
	if err != nil {
		return nil, err
	}
	d.Body, err = b.bodyBlocks(body, sig)
	if err != nil {
		return nil, err
	}

	d.PageLabel = b.loc.Label("page")
	for _, tag := range []string{b.Language, b.loc.Tag, strings.SplitN(b.loc.Tag, "-", 2)[0]} {
		if p, ok := lay.pageLabel[tag]; ok {
			d.PageLabel = p
			break
		}
	}
	subject := d.Subject
	if subject == "" {
		subject = title
	}
	d.Meta = render.Meta{
		Title:    title,
		Author:   lh.Name,
		Subject:  subject,
		Keywords: append([]string(nil), fm.keywords...),
		Language: b.loc.Tag,
		Creator:  "postbud " + b.Name + " " + b.Version,
	}
	if b.dateField != nil {
		if t, err := parseDate(valueAt(v, b.dateField)); err == nil {
			y, m, day := t.Date()
			d.Meta.Created = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		}
	}
	return d, nil
}

// signatureMarker is the line {{ signature }} writes into the merged Markdown. Case data can
// never produce it: escaped data has a backslash before every "@".
const signatureMarker = "@@postbud:signature@@"

// bodyBlocks converts the merged Markdown body and places the signature: where the body says
// {{ signature }} (once at most), else at the end.
func (b *Bundle) bodyBlocks(body string, sig *render.Signature) ([]render.Block, error) {
	lines := strings.Split(body, "\n")
	at := -1
	for i, l := range lines {
		if strings.TrimSpace(l) != signatureMarker {
			continue
		}
		if at >= 0 {
			return nil, &TemplateError{File: b.file, Msg: "{{ signature }} is used more than once: a letter has one signature"}
		}
		at = i
	}
	if at >= 0 && sig == nil {
		return nil, &TemplateError{File: b.file, Msg: "{{ signature }} is used but the front matter has no signature: section"}
	}
	if at < 0 {
		blocks, err := b.markdownBlocks(body, 0, body)
		if err != nil || sig == nil {
			return blocks, err
		}
		return append(blocks, sig), nil
	}
	before, err := b.markdownBlocks(strings.Join(lines[:at], "\n"), 0, body)
	if err != nil {
		return nil, err
	}
	after, err := b.markdownBlocks(strings.Join(lines[at+1:], "\n"), at+1, body)
	if err != nil {
		return nil, err
	}
	return append(append(before, sig), after...), nil
}

// markdownBlocks converts part of the merged body that starts after line offset of it.
func (b *Bundle) markdownBlocks(part string, offset int, body string) ([]render.Block, error) {
	blocks, err := markdown.Blocks([]byte(part), markdown.Options{Image: b.image})
	if err != nil {
		var me *markdown.Error
		if errors.As(err, &me) {
			me.Line += offset
		}
		return nil, b.markdownError(err, body)
	}
	return blocks, nil
}

// image resolves an image of the letter body: a PNG or JPEG file next to letter.md.
func (b *Bundle) image(dest string) (*render.Image, error) {
	name := path.Clean(strings.TrimPrefix(dest, "./"))
	data, ok := b.images[name]
	if !ok {
		return nil, fmt.Errorf("no such PNG or JPEG file next to %s", b.file)
	}
	return &render.Image{Data: append([]byte(nil), data...)}, nil
}

// markdownError places a Markdown problem of the merged body: at the line of letter.md or a
// block whose text is that line, else by the merged line itself.
func (b *Bundle) markdownError(err error, body string) error {
	var me *markdown.Error
	if !errors.As(err, &me) {
		return &TemplateError{File: b.file, Msg: "cannot read the merged Markdown: " + err.Error()}
	}
	merged := strings.Split(body, "\n")
	text := ""
	if me.Line >= 1 && me.Line <= len(merged) {
		text = strings.TrimSpace(merged[me.Line-1])
	}
	if text != "" {
		sources := append([]*tmpl{b.body}, make([]*tmpl, 0, len(b.Blocks))...)
		for _, name := range b.Blocks {
			sources = append(sources, b.blocks[name])
		}
		for _, t := range sources {
			for i, l := range strings.Split(t.src, "\n") {
				if strings.TrimSpace(l) == text {
					return &TemplateError{File: t.file, Line: i + 1, Msg: me.Msg}
				}
			}
		}
	}
	return &TemplateError{File: b.file, Msg: fmt.Sprintf("%s (line %d of the merged letter)", me.Msg, me.Line), Value: quoteExcerpt(text)}
}
