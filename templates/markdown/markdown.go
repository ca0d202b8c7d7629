package markdown

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/postbud/postbud/render"
)

// Options tunes Blocks. The zero value works (images are then an error).
type Options struct {
	// Image resolves the destination of ![alt](dest) to an image; nil means images are an error.
	// Blocks copies the image it returns before setting Alt, so a resolver may hand out shared,
	// cached images.
	Image func(dest string) (*render.Image, error)
}

// Error is a problem in the Markdown; Line is 1-based in src.
type Error struct {
	Line int
	Msg  string

	err error // the cause, e.g. the image resolver's error
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Unwrap returns the cause of the problem, if any, such as the error of Options.Image.
func (e *Error) Unwrap() error { return e.err }

// md is the one parser: goldmark with GFM tables, safe for concurrent use.
var md = goldmark.New(goldmark.WithExtensions(extension.Table))

// Blocks parses CommonMark with GFM tables and returns the letter body as render blocks. See the
// package documentation for how each construct maps. A problem in src, such as raw HTML or an
// image that cannot be resolved, is an *Error naming the line.
func Blocks(src []byte, opt Options) ([]render.Block, error) {
	doc := md.Parser().Parse(text.NewReader(src))
	c := &converter{src: src, opt: opt}
	return c.blocks(doc)
}

type converter struct {
	src []byte
	opt Options
	// pieces is runs' buffer, reused from block to block: finish copies nothing out of it.
	pieces []piece
}

// line returns the 1-based line of n in the source, looking at n's children and ancestors
// when n itself has no position.
func (c *converter) line(n ast.Node) int {
	pos := c.pos(n)
	if pos < 0 {
		return 1
	}
	return bytes.Count(c.src[:min(pos, len(c.src))], []byte{'\n'}) + 1
}

func (c *converter) pos(n ast.Node) int {
	for m := n; m != nil; m = m.Parent() {
		if p := nodePos(m); p >= 0 {
			return p
		}
		// A child's position is the best guess for a node without one, e.g. a link.
		for ch := m.FirstChild(); ch != nil; ch = ch.NextSibling() {
			if p := nodePos(ch); p >= 0 {
				return p
			}
		}
	}
	return -1
}

func nodePos(n ast.Node) int {
	switch n := n.(type) {
	case *ast.Text:
		return n.Segment.Start
	case *ast.RawHTML:
		if n.Segments.Len() > 0 {
			return n.Segments.At(0).Start
		}
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	return n.Pos()
}

func (c *converter) errorf(n ast.Node, format string, args ...any) *Error {
	return &Error{Line: c.line(n), Msg: fmt.Sprintf(format, args...)}
}

// blocks converts the block children of parent.
func (c *converter) blocks(parent ast.Node) ([]render.Block, error) {
	var out []render.Block
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		bs, err := c.block(n)
		if err != nil {
			return nil, err
		}
		out = append(out, bs...)
	}
	return out, nil
}

func (c *converter) block(n ast.Node) ([]render.Block, error) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		if img := c.soleImage(n); img != nil {
			b, err := c.image(img)
			if err != nil {
				return nil, err
			}
			return []render.Block{b}, nil
		}
		runs, err := c.runs(n)
		if err != nil {
			return nil, err
		}
		if len(runs) == 0 {
			return nil, nil
		}
		return []render.Block{&render.Paragraph{Runs: runs}}, nil
	case *ast.Heading:
		runs, err := c.runs(n)
		if err != nil {
			return nil, err
		}
		if len(runs) == 0 {
			return nil, nil
		}
		return []render.Block{&render.Heading{Level: n.Level, Runs: runs}}, nil
	case *ast.LinkReferenceDefinition:
		return nil, nil // used by the links that refer to it
	case *ast.ThematicBreak:
		return []render.Block{&render.PageBreak{}}, nil
	case *ast.Blockquote:
		return c.blocks(n)
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		runs := c.codeLines(n)
		if len(runs) == 0 {
			return nil, nil
		}
		return []render.Block{&render.Paragraph{Runs: runs}}, nil
	case *ast.List:
		l := &render.List{Ordered: n.IsOrdered(), Items: [][]render.Block{}}
		if l.Ordered {
			l.Start = n.Start
		}
		for it := n.FirstChild(); it != nil; it = it.NextSibling() {
			item, err := c.blocks(it)
			if err != nil {
				return nil, err
			}
			if item == nil {
				item = []render.Block{}
			}
			l.Items = append(l.Items, item)
		}
		return []render.Block{l}, nil
	case *ast.HTMLBlock:
		return nil, c.rawHTML(n, htmlBlockText(n, c.src))
	case *east.Table:
		t, err := c.table(n)
		if err != nil {
			return nil, err
		}
		return []render.Block{t}, nil
	}
	return nil, c.errorf(n, "%s is not supported in letters; use paragraphs, headings, lists, tables or images", n.Kind())
}

// soleImage returns the image when a paragraph holds nothing else (but white space).
func (c *converter) soleImage(p ast.Node) *ast.Image {
	var img *ast.Image
	for n := p.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Image:
			if img != nil {
				return nil
			}
			img = n
		case *ast.Text:
			if len(bytes.TrimSpace(n.Segment.Value(c.src))) != 0 {
				return nil
			}
		default:
			return nil
		}
	}
	return img
}

func (c *converter) image(n *ast.Image) (render.Block, error) {
	dest := string(util.URLEscape(n.Destination, true))
	if c.opt.Image == nil {
		return nil, c.errorf(n, "image %q: images are not available here; remove the image or add it to the layout", dest)
	}
	img, err := c.opt.Image(dest)
	if err != nil {
		e := c.errorf(n, "image %q: %v", dest, err)
		e.err = err
		return nil, e
	}
	if img == nil {
		return nil, c.errorf(n, "image %q was not found; check the file name", dest)
	}
	cp := *img
	alt, err := c.runs(n)
	if err != nil {
		return nil, err
	}
	cp.Alt = render.PlainText(alt)
	return &cp, nil
}

// codeLines turns the lines of a code block into one run, lines joined by "\n".
func (c *converter) codeLines(n ast.Node) []render.Run {
	var lines []string
	ls := n.Lines()
	for i := 0; i < ls.Len(); i++ {
		seg := ls.At(i)
		line := string(seg.Value(c.src))
		if seg.Padding > 0 {
			line = strings.Repeat(" ", seg.Padding) + line
		}
		lines = append(lines, strings.TrimRight(line, "\r\n"))
	}
	var rs runs
	for i, l := range lines {
		if i > 0 {
			rs.add("\n", style{})
		}
		rs.add(sanitize(l), style{})
	}
	return rs.finish()
}

func htmlBlockText(n *ast.HTMLBlock, src []byte) string {
	var b strings.Builder
	ls := n.Lines()
	for i := 0; i < ls.Len(); i++ {
		seg := ls.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// rawHTML is the error for HTML in a letter.
func (c *converter) rawHTML(n ast.Node, html string) *Error {
	html = strings.TrimSpace(html)
	if i := strings.IndexByte(html, '\n'); i >= 0 {
		html = html[:i] + " ..."
	}
	if r := []rune(html); len(r) > 60 {
		html = string(r[:60]) + " ..."
	}
	advice := `use Markdown instead (**bold**, *italic*, [text](https://...)); write \< for a literal "<"`
	lower := strings.ToLower(html)
	if strings.HasPrefix(lower, "<br") {
		advice = "use a blank line or two trailing spaces for a line break"
	} else if strings.HasPrefix(lower, "<!--") {
		advice = "remove the comment; comments belong in the template's {{/* */}} syntax"
	}
	return c.errorf(n, "raw HTML %q is not supported in letters; %s", html, advice)
}

func (c *converter) table(n *east.Table) (*render.Table, error) {
	t := &render.Table{}
	for _, a := range n.Alignments {
		col := render.Column{Align: render.AlignLeft}
		switch a {
		case east.AlignCenter:
			col.Align = render.AlignCenter
		case east.AlignRight:
			col.Align = render.AlignRight
		}
		t.Columns = append(t.Columns, col)
	}
	for r := n.FirstChild(); r != nil; r = r.NextSibling() {
		cells := make([]render.Cell, 0, len(t.Columns))
		for cell := r.FirstChild(); cell != nil; cell = cell.NextSibling() {
			runs, err := c.runs(cell)
			if err != nil {
				return nil, err
			}
			cells = append(cells, render.Cell{Runs: runs})
		}
		switch r.(type) {
		case *east.TableHeader:
			t.Header = cells
		default:
			t.Rows = append(t.Rows, cells)
		}
	}
	width := len(t.Columns)
	t.Header = fit(t.Header, width)
	for i := range t.Rows {
		t.Rows[i] = fit(t.Rows[i], width)
	}
	if len(t.Rows) > 0 && isTotal(t.Rows[len(t.Rows)-1]) {
		last := t.Rows[len(t.Rows)-1]
		t.Rows = t.Rows[:len(t.Rows)-1]
		if len(t.Rows) == 0 {
			t.Rows = nil
		}
		for i := range last {
			var rs runs
			for _, r := range last[i].Runs {
				r.Bold = false
				rs.addRun(r)
			}
			last[i].Runs = rs.finish()
		}
		t.Total = last
	}
	return t, nil
}

// fit pads a row with empty cells, or cuts it, to width cells.
func fit(row []render.Cell, width int) []render.Cell {
	if len(row) > width {
		return row[:width]
	}
	for len(row) < width {
		row = append(row, render.Cell{})
	}
	return row
}

// isTotal reports whether every non-empty cell of row is wholly bold, and at least one is.
func isTotal(row []render.Cell) bool {
	bold := false
	for _, c := range row {
		for _, r := range c.Runs {
			if !r.Bold {
				return false
			}
			bold = true
		}
	}
	return bold
}

// style is the inline formatting in effect.
type style struct {
	bold, italic bool
	link         string
}

// runs converts the inline children of n.
func (c *converter) runs(n ast.Node) ([]render.Run, error) {
	rs := runs{pieces: c.pieces[:0]}
	if err := c.inline(n, style{}, &rs); err != nil {
		return nil, err
	}
	out := rs.finish()
	clear(rs.pieces) // drop the texts, which out may share
	c.pieces = rs.pieces[:0]
	return out, nil
}

func (c *converter) inline(parent ast.Node, st style, rs *runs) error {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			if n.IsRaw() {
				rs.add(sanitize(string(n.Segment.Value(c.src))), st)
			} else {
				rs.add(decode(n.Segment.Value(c.src)), st)
			}
			switch {
			case n.HardLineBreak():
				rs.add("\n", st)
			case n.SoftLineBreak():
				rs.add(" ", st)
			}
		case *ast.String:
			if n.IsCode() || n.IsRaw() {
				rs.add(sanitize(string(n.Value)), st)
			} else {
				rs.add(decode(n.Value), st)
			}
		case *ast.CodeSpan:
			for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
				switch ch := ch.(type) {
				case *ast.Text:
					rs.add(sanitize(string(ch.Segment.Value(c.src))), st)
				case *ast.String:
					rs.add(sanitize(string(ch.Value)), st)
				}
			}
		case *ast.Emphasis:
			inner := st
			if n.Level >= 2 {
				inner.bold = true
			} else {
				inner.italic = true
			}
			if err := c.inline(n, inner, rs); err != nil {
				return err
			}
		case *ast.Link:
			dest := string(util.URLEscape(n.Destination, true))
			if err := c.checkURL(n, dest); err != nil {
				return err
			}
			inner := st
			inner.link = dest
			mark := rs.len()
			if err := c.inline(n, inner, rs); err != nil {
				return err
			}
			if rs.textSince(mark) == "" {
				// A link without text shows its destination.
				rs.add(dest, inner)
			}
		case *ast.AutoLink:
			url := string(n.URL(c.src))
			label := string(n.Label(c.src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
				url = "mailto:" + url
			}
			if err := c.checkURL(n, url); err != nil {
				return err
			}
			inner := st
			inner.link = url
			rs.add(sanitize(label), inner)
		case *ast.Image:
			return c.errorf(n, "image %q must be a paragraph of its own; put a blank line before and after it",
				string(n.Destination))
		case *ast.RawHTML:
			var b strings.Builder
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				b.Write(seg.Value(c.src))
			}
			return c.rawHTML(n, b.String())
		default:
			if n.Type() == ast.TypeBlock {
				return c.errorf(n, "%s is not allowed here", n.Kind())
			}
			// Any other inline node: keep its text.
			if err := c.inline(n, st, rs); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkURL rejects link destinations that run code or read files when clicked.
func (c *converter) checkURL(n ast.Node, url string) error {
	lower := strings.ToLower(strings.TrimSpace(url))
	for _, scheme := range []string{"javascript:", "vbscript:", "file:", "data:"} {
		if strings.HasPrefix(lower, scheme) {
			return c.errorf(n, "link %q: %q links are not allowed in letters; use an https:// or mailto: link", url, scheme)
		}
	}
	return nil
}

// decode resolves backslash escapes and character references in Markdown text, in one pass as
// CommonMark does (so "\&amp;" is "&amp;"), and makes the text valid UTF-8.
func decode(v []byte) string {
	bs, amp := bytes.IndexByte(v, '\\'), bytes.IndexByte(v, '&')
	if bs < 0 && amp < 0 {
		return sanitize(string(v))
	}
	// Text between backslashes and ampersands is copied as it is, a run at a time; bs and amp
	// are the next backslash and ampersand at or after i, or -1.
	var b strings.Builder
	b.Grow(len(v))
	i := 0 // v[:i] is done
	for bs >= 0 || amp >= 0 {
		j := bs
		if j < 0 || amp >= 0 && amp < j {
			j = amp
		}
		b.Write(v[i:j])
		i = j + 1
		switch {
		case v[j] == '\\' && j+1 < len(v) && util.IsPunct(v[j+1]):
			b.WriteByte(v[j+1])
			i = j + 2
		case v[j] == '&':
			if r, n, ok := charRef(v[j:]); ok {
				b.WriteString(r)
				i = j + n
			} else {
				b.WriteByte('&')
			}
		default:
			b.WriteByte('\\')
		}
		if bs >= 0 && bs < i {
			bs = indexFrom(v, i, '\\')
		}
		if amp >= 0 && amp < i {
			amp = indexFrom(v, i, '&')
		}
	}
	b.Write(v[i:])
	return sanitize(b.String())
}

// indexFrom is the index of the first c in v at or after i, or -1.
func indexFrom(v []byte, i int, c byte) int {
	if j := bytes.IndexByte(v[i:], c); j >= 0 {
		return i + j
	}
	return -1
}

// charRef decodes a character reference at the start of v: &name;, &#123; or &#x1F;. It returns
// the characters, the length of the reference, and whether there was one.
func charRef(v []byte) (string, int, bool) {
	end := bytes.IndexByte(v, ';')
	if end < 2 || end > 40 {
		return "", 0, false
	}
	body := string(v[1:end])
	if body[0] == '#' {
		digits, base := body[1:], 10
		if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
			digits, base = digits[1:], 16
		}
		maxLen := 7
		if base == 16 {
			maxLen = 6
		}
		if len(digits) == 0 || len(digits) > maxLen {
			return "", 0, false
		}
		n, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return "", 0, false
		}
		r := rune(n)
		if r == 0 || !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		return string(r), end + 1, true
	}
	for i := 0; i < len(body); i++ {
		if !util.IsAlphaNumeric(body[i]) {
			return "", 0, false
		}
	}
	e, ok := util.LookUpHTML5EntityByName(body)
	if !ok {
		return "", 0, false
	}
	return string(e.Characters), end + 1, true
}

// sanitize makes s valid UTF-8 without NUL characters, replacing both with U+FFFD as CommonMark
// does.
func sanitize(s string) string {
	if !utf8.ValidString(s) { // ValidString is the faster check of the two
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	return s
}
