package templates

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/postbud/postbud/render"
)

// Merged is a letter merged with its case data (see Merge): the Document for render/pdf and
// render/docx, and what a check of the rendering needs to name the case data or template a
// problem of one of the letter's places comes from.
type Merged struct {
	Document *render.Document

	b    *Bundle
	data any // the decoded case data
	kept keptLines
}

// Merge is Document, and also keeps what Source and Strings need. Errors are those of Document.
func (b *Bundle) Merge(data []byte) (*Merged, error) {
	v, err := b.decode(data)
	if err != nil {
		return nil, fmt.Errorf("merge case data into %s: %w", b.Name, err)
	}
	m := &Merged{b: b, data: v}
	if m.Document, err = b.merge(v, &m.kept); err != nil {
		return nil, fmt.Errorf("merge case data into %s: %w", b.Name, err)
	}
	return m, nil
}

// Source is PlaceSource for a place of the merged Document: index counts the lines of the
// Document, which lacks the lines that came out empty.
// Memo executes the memo front matter against the merged data (the case data is not decoded
// again), as ExecMemo does.
func (m *Merged) Memo() (*Memo, error) {
	out, err := m.b.memo(m.data, &m.Document.Meta.Title)
	if err != nil {
		return nil, fmt.Errorf("memo of %s: %w", m.b.Name, err)
	}
	return out, nil
}

func (m *Merged) Source(place string, index int) (pos string, paths []string, ok bool) {
	fm := m.b.fm
	var kept []int
	switch {
	case place == "sender.address" && fm.sender.hasAddress:
		kept = m.kept.address
	case place == "sender.contact" && fm.sender.hasContact:
		kept = m.kept.contact
	case place == "recipient" && index >= 0:
		kept = m.kept.recipient
	}
	if kept != nil {
		if index >= len(kept) {
			return "", nil, false
		}
		index = kept[index]
	}
	return m.b.PlaceSource(place, index)
}

// Strings calls f, in path order, with the JSON Pointer and text of every string of the case
// data at or inside the JSON Pointer patterns ("*" stands for any array index or object key),
// each string once. It is for naming the data a problem of a place comes from: Source gives a
// place's patterns.
func (m *Merged) Strings(patterns []string, f func(path, s string)) {
	found := map[string]string{}
	var walk func(v any, tokens []string, at []string)
	walk = func(v any, tokens []string, at []string) {
		if len(tokens) == 0 {
			eachString(v, at, found)
			return
		}
		switch v := v.(type) {
		case map[string]any:
			if tokens[0] == "*" {
				for k, e := range v {
					walk(e, tokens[1:], append(at[:len(at):len(at)], k))
				}
			} else if e, ok := v[tokens[0]]; ok {
				walk(e, tokens[1:], append(at[:len(at):len(at)], tokens[0]))
			}
		case []any:
			if tokens[0] == "*" {
				for i, e := range v {
					walk(e, tokens[1:], append(at[:len(at):len(at)], strconv.Itoa(i)))
				}
			} else if i, err := strconv.Atoi(tokens[0]); err == nil && i >= 0 && i < len(v) {
				walk(v[i], tokens[1:], append(at[:len(at):len(at)], tokens[0]))
			}
		}
	}
	for _, p := range patterns {
		if p == "" {
			walk(m.data, nil, nil)
			continue
		}
		walk(m.data, splitPointer(p), nil)
	}
	paths := make([]string, 0, len(found))
	for p := range found {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f(p, found[p])
	}
}

// eachString records every string at or inside v, at JSON Pointer tokens at.
func eachString(v any, at []string, found map[string]string) {
	switch v := v.(type) {
	case string:
		found[joinPointer(at)] = v
	case map[string]any:
		for k, e := range v {
			eachString(e, append(at[:len(at):len(at)], k), found)
		}
	case []any:
		for i, e := range v {
			eachString(e, append(at[:len(at):len(at)], strconv.Itoa(i)), found)
		}
	}
}

// PlaceSource tells where the text of a place of the letter comes from, for messages about a
// place the renderer has no room for or cannot print: the template position pos (file:line, the
// file as Load or LoadDir names it) and the JSON Pointer patterns of the case data the place's
// templates read, first read first ("*" stands for any array index; nil when the text is fixed).
// place is a place as render/pdf names it:
//
//   - "sender.name", "sender.department", "sender.logo", "subject", "footer",
//     "signature.greeting", "signature.name", "signature.title", "signature.image": index 0;
//   - "sender.address", "sender.contact", "recipient", "details": index is the entry of the front
//     matter list (Merged.Source counts the lines of a merged letter instead); "recipient" with
//     index -1 is the address as a whole;
//   - "return-address" (the sender's name and address), "signature" (greeting, name and title)
//     and "parts" (letterhead, address and details) combine the places they are made of;
//   - "body": the letter body and its shared blocks, any index;
//   - "page-label" and "layout": the layout.
//
// A place the front matter does not set comes from the layout (pos names layout.yaml) or the
// language's defaults. ok is false for an unknown place or an index out of range.
func (b *Bundle) PlaceSource(place string, index int) (pos string, paths []string, ok bool) {
	fm := b.fm
	layoutPos := b.layoutFile()
	one := func(t *tmpl, fallback string) (string, []string, bool) {
		if index != 0 {
			return "", nil, false
		}
		if t == nil {
			return fallback, nil, true
		}
		return t.pos(), t.readPaths(), true
	}
	entry := func(ts []*tmpl, set bool) (string, []string, bool) {
		if !set {
			return layoutPos, nil, index >= 0
		}
		if index < 0 || index >= len(ts) {
			return "", nil, false
		}
		return ts[index].pos(), ts[index].readPaths(), true
	}
	switch place {
	case "sender.name":
		return one(fm.sender.name, layoutPos)
	case "sender.department":
		return one(fm.sender.department, layoutPos)
	case "sender.address":
		return entry(fm.sender.address, fm.sender.hasAddress)
	case "sender.contact":
		return entry(fm.sender.contact, fm.sender.hasContact)
	case "sender.logo", "page-label", "layout":
		return layoutPos, nil, true
	case "return-address":
		ts := []*tmpl{fm.sender.name}
		if fm.sender.hasAddress {
			ts = append(ts, fm.sender.address...)
		}
		return combined(ts, layoutPos)
	case "recipient":
		if index == -1 {
			return combined(fm.recipient, b.file)
		}
		return entry(fm.recipient, true)
	case "details":
		if index < 0 || index >= len(fm.details) {
			return "", nil, false
		}
		d := fm.details[index]
		return combined([]*tmpl{d.value, d.label}, b.file)
	case "parts":
		ts := []*tmpl{fm.sender.name, fm.sender.department}
		ts = append(append(append(ts, fm.sender.address...), fm.sender.contact...), fm.recipient...)
		for _, d := range fm.details {
			ts = append(ts, d.value, d.label)
		}
		return combined(ts, layoutPos)
	case "subject":
		return one(fm.subject, b.file)
	case "footer":
		return one(fm.footer, layoutPos)
	case "signature", "signature.greeting", "signature.name", "signature.title", "signature.image":
		s := fm.signature
		if s == nil {
			return "", nil, false
		}
		switch place {
		case "signature":
			return combined([]*tmpl{s.name, s.title, s.greeting}, b.file)
		case "signature.greeting":
			return one(s.greeting, b.file)
		case "signature.name":
			return one(s.name, b.file)
		case "signature.title":
			return one(s.title, b.file)
		}
		if s.imageName.line > 0 {
			return fmt.Sprintf("%s:%d", b.file, s.imageName.line), nil, index == 0
		}
		return b.file, nil, index == 0
	case "body":
		ts := []*tmpl{b.body}
		for _, name := range b.Blocks {
			ts = append(ts, b.blocks[name])
		}
		_, paths, _ := combined(ts, b.file)
		return b.file, paths, true
	}
	return "", nil, false
}

// combined is the source of a place made of several templates: the position of the first that
// is set, else fallback, and the data all of them read, without repeats.
func combined(ts []*tmpl, fallback string) (string, []string, bool) {
	pos := ""
	var paths []string
	seen := map[string]bool{}
	for _, t := range ts {
		if t == nil {
			continue
		}
		if pos == "" {
			pos = t.pos()
		}
		for _, p := range t.readPaths() {
			if !seen[p] {
				seen[p] = true
				paths = append(paths, p)
			}
		}
	}
	if pos == "" {
		pos = fallback
	}
	return pos, paths, true
}

// pos is the position of a front matter template: file:line.
func (tp *tmpl) pos() string { return fmt.Sprintf("%s:%d", tp.file, tp.line+1) }

// readPaths are the JSON Pointer patterns of the data tp reads.
func (tp *tmpl) readPaths() []string {
	out := make([]string, 0, len(tp.reads))
	for _, p := range tp.reads {
		out = append(out, joinPointer(p))
	}
	return out
}

// layoutFile names the bundle's layout.yaml as Load or LoadDir names files.
func (b *Bundle) layoutFile() string {
	rel := filepath.Join("templates", b.Name, "letter.md")
	if root, ok := strings.CutSuffix(b.file, rel); ok {
		return root + filepath.Join("layouts", b.Layout, "layout.yaml")
	}
	return "layouts/" + b.Layout + "/layout.yaml"
}
