package lint

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/docx"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// The MeMo 1.1 limits, in characters, that delivery/memo's Check applies to the header: texts
// (label, additional notification, action labels) and the notification.
// MinLastPageLines is the fewest lines of text the last page of a letter of several pages
// should hold: a page with fewer reads as a leftover and costs a sheet of paper in print.
const MinLastPageLines = 4

// letter merges the sample into the letter of one language and checks what the merge, the
// renderers and the MeMo header make of it.
func (c *checker) letter(v *templates.Bundle, lang string) {
	file := c.letterFile(lang)
	m, err := v.Merge(v.Sample)
	if err != nil {
		var de *templates.DataError
		var te *templates.TemplateError
		switch {
		case errors.As(err, &de): // checkSample has placed these in the sample file
		case errors.As(err, &te):
			if te.Line > 0 && c.reported(te.File, te.Line) {
				return
			}
			c.add(Problem{File: te.File, Line: te.Line, Col: te.Col, Severity: Error, Msg: c.cur.with() + ": " + te.Msg})
		default:
			c.add(Problem{File: file, Severity: Error, Msg: c.cur.with() + ": " + err.Error()})
		}
		return
	}
	c.memo(v, m, file)
	doc := m.Document
	if !c.preflight(m, doc, file) {
		if _, err := pdf.Render(doc); err != nil {
			c.add(Problem{File: file, Severity: Error, Msg: c.cur.with() + " the PDF cannot be made: " + err.Error()})
		}
	}
	if _, err := docx.Render(doc); err != nil {
		c.add(Problem{File: file, Severity: Error, Msg: c.cur.with() + " the DOCX cannot be made: " + err.Error()})
	}
	c.dataLinks(m, doc)
	loc := c.locator(v, m, lang)
	c.prose(v, doc, loc, file)
	c.lastPage(doc, loc, file)
}

// letterFile is the file of the letter in language lang ("" or the default: letter.md).
func (c *checker) letterFile(lang string) string {
	if lang == "" || lang == c.b.Language {
		return c.files.letter
	}
	return filepath.Join(c.dir, "letter."+lang+".md")
}

// preflight runs render/pdf's Preflight over the merged sample letter and places each problem:
// a character the font lacks at the sample string that holds it, else where the template
// has it; any other problem at the template line of the place. It reports whether there were
// problems.
func (c *checker) preflight(m *templates.Merged, doc *render.Document, file string) bool {
	found := pdf.Preflight(doc)
	family := doc.Font
	if family == "" {
		family = render.DefaultFont
	}
	for _, p := range found {
		at, reads, ok := m.Source(p.Place, p.Index)
		if p.Rune != 0 {
			msg := fmt.Sprintf("character U+%04X %s is not in the font %s, so the letter cannot be printed: replace it, or choose a font that has it",
				p.Rune, strconv.QuoteRune(p.Rune), family)
			placed := false
			if ok {
				m.Strings(reads, func(path, s string) {
					if strings.ContainsRune(s, p.Rune) && c.cur.doc != nil {
						sp := c.cur.doc.find(path)
						c.add(Problem{File: c.cur.file, Line: sp.line, Col: sp.col, Severity: Error, Msg: msg + " (sample data " + path + ")"})
						placed = true
					}
				})
			}
			if !placed {
				f, l, col := c.findRune(p.Rune, at)
				c.add(Problem{File: f, Line: l, Col: col, Severity: Error, Msg: msg})
			}
			continue
		}
		f, l := splitPos(at, file)
		msg := c.cur.with() + " the letter cannot be laid out: " + p.String()
		if len(reads) > 0 {
			msg += " (it shows sample data " + strings.Join(reads, ", ") + ")"
		}
		c.add(Problem{File: f, Line: l, Severity: Error, Msg: msg})
	}
	return len(found) > 0
}

// splitPos splits "file:line" as MemoSource and PlaceSource give it; a position without a line
// is file alone, and an empty one fallback.
func splitPos(at, fallback string) (string, int) {
	if at == "" {
		return fallback, 0
	}
	i := strings.LastIndexByte(at, ':')
	if i < 0 {
		return at, 0
	}
	n, err := strconv.Atoi(at[i+1:])
	if err != nil {
		return at, 0
	}
	return at[:i], n
}

// findRune finds the first place the template's own text has r: the file and line at (from
// PlaceSource) first, then every source file of the bundle.
func (c *checker) findRune(r rune, at string) (string, int, int) {
	file, line := splitPos(at, c.files.letter)
	if src, ok := c.sources[file]; ok {
		lines := strings.Split(src, "\n")
		if line >= 1 && line <= len(lines) {
			if i := strings.IndexRune(lines[line-1], r); i >= 0 {
				return file, line, utf8.RuneCountInString(lines[line-1][:i]) + 1
			}
		}
	}
	for _, f := range c.sourceOrder {
		src := c.sources[f]
		if i := strings.IndexRune(src, r); i >= 0 {
			p := position([]byte(src), i)
			return f, p.line, p.col
		}
	}
	return file, line, 0
}

// memo executes the MeMo header with the sample and checks it against MeMo's limits, each value
// at the front matter key that sets it.
func (c *checker) memo(v *templates.Bundle, m *templates.Merged, file string) {
	h, err := m.Memo()
	if err != nil {
		var te *templates.TemplateError
		var de *templates.DataError
		switch {
		case errors.As(err, &te):
			c.add(Problem{File: te.File, Line: te.Line, Col: te.Col, Severity: Error, Msg: "memo " + c.cur.with() + ": " + te.Msg})
		case errors.As(err, &de):
			for _, p := range de.Problems {
				at := pos{}
				if c.cur.doc != nil {
					at = c.cur.doc.find(p.Path)
				}
				c.add(Problem{File: c.cur.file, Line: at.line, Col: at.col, Severity: Error, Msg: "memo with sample data: " + p.String()})
			}
		default:
			c.add(Problem{File: file, Severity: Error, Msg: "memo " + c.cur.with() + ": " + err.Error()})
		}
		return
	}
	check := func(field, what, s string, max int) {
		if err := memo.CheckText(s, max); err != nil {
			c.memoProblem(v, field, file, fmt.Sprintf("MeMo %s: %s", what, strings.TrimPrefix(err.Error(), "text ")))
		}
	}
	check("label", "label (the title in the recipient's mailbox)", h.Label, memo.MaxText)
	check("notification", "notification", h.Notification, memo.MaxNotification)
	check("additional_notification", "additional notification", h.AdditionalNotification, memo.MaxText)
	for i, a := range h.Actions {
		check(fmt.Sprintf("actions[%d].label", i), fmt.Sprintf("action %d label", i+1), a.Label, memo.MaxText)
		if c.staticURL[file+"#"+strconv.Itoa(i)] {
			continue
		}
		if err := memo.CheckURL(a.URL); err != nil {
			c.memoProblem(v, fmt.Sprintf("actions[%d].url", i), file, fmt.Sprintf("MeMo action %d url: %v", i+1, err))
		}
	}
}

// memoProblem reports msg at the front matter value that sets memo field (MemoSource), naming
// the sample data it shows.
func (c *checker) memoProblem(v *templates.Bundle, field, file, msg string) {
	at, reads, ok := v.MemoSource(field)
	if !ok {
		c.add(Problem{File: file, Severity: Error, Msg: msg})
		return
	}
	f, line := splitPos(at, file)
	col := 0
	if ls := c.letters[f]; ls != nil {
		if n := memoNode(ls.front, field); n != nil && n.Line == line {
			col = valueCol(n)
		} else if n := get(ls.front, "title"); field == "label" && n != nil && n.Line == line {
			col = valueCol(n)
		}
	}
	if len(reads) > 0 {
		msg += " (with sample data " + strings.Join(reads, ", ") + ")"
	}
	c.add(Problem{File: f, Line: line, Col: col, Severity: Error, Msg: msg})
}

// memoNode finds the YAML value of a MemoSource field ("label", "kle.label", "actions[0].url")
// under the front matter's memo:.
func memoNode(front *yaml.Node, field string) *yaml.Node {
	n := get(front, "memo")
	for part := range strings.SplitSeq(field, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		n = get(n, name)
		if indexed {
			i, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			if n == nil || n.Kind != yaml.SequenceNode || err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		}
	}
	return n
}

// lastPage warns about a letter of several pages whose last page holds fewer than
// MinLastPageLines lines, at the last paragraph of the letter.
func (c *checker) lastPage(doc *render.Document, loc *locator, file string) {
	lines, err := pdf.PageLines(doc)
	if err != nil || len(lines) < 2 || lines[len(lines)-1] >= MinLastPageLines {
		return
	}
	n := lines[len(lines)-1]
	at := loc.body
	if ps := paragraphs(doc.Body); len(ps) > 0 {
		at = loc.find(ps[len(ps)-1])
	}
	c.add(Problem{File: at.file, Line: at.line, Col: at.col, Severity: Warning, Msg: fmt.Sprintf(
		"%s the last page (page %d) holds only %d %s of text: shorten the letter or move text, so that no page is nearly empty (at least %d lines)",
		c.cur.with(), len(lines), n, plural(n, "line", "lines"), MinLastPageLines)})
}

func plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}
