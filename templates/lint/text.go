package lint

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/templates"
)

// place is a position in a named file.
type place struct {
	file      string
	line, col int
}

// lineIndex turns byte offsets of a text into lines and columns quickly.
type lineIndex struct {
	src    string
	starts []int
}

func newLineIndex(src string) *lineIndex {
	ix := &lineIndex{src: src, starts: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			ix.starts = append(ix.starts, i+1)
		}
	}
	return ix
}

func (ix *lineIndex) pos(off int) pos {
	l := sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > off }) - 1
	return pos{l + 1, utf8.RuneCountInString(ix.src[ix.starts[l]:off]) + 1}
}

// srcWord is a literal word of a template source (outside {{ }} actions), lower-cased.
type srcWord struct {
	w   string
	at  place
	par int // the paragraph of the source it is in
}

// locator finds where a text of the merged letter comes from: the case data string of the
// sample that holds it, or the template paragraph whose literal words it has.
type locator struct {
	c     *checker
	words [][]srcWord // per source paragraph
	data  []dataString
	body  place // the first line of the letter's body
}

type dataString struct {
	path, norm string
	words      int
}

// tokens are the words of s as the locator compares them: runs of letters and digits,
// lower-cased.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// locator indexes the Markdown of letter v (its body and the shared blocks it lists) and the
// strings of the sample data.
func (c *checker) locator(v *templates.Bundle, m *templates.Merged, lang string) *locator {
	file := c.letterFile(lang)
	loc := &locator{c: c, body: place{file, 1, 1}}
	var files []string
	if ls := c.letters[file]; ls != nil {
		loc.body = place{file, ls.bodyLine, 1}
		files = append(files, file)
	}
	for p := range v.Files() {
		if strings.HasPrefix(p, "blocks/") {
			files = append(files, filepath.Join(c.root, filepath.FromSlash(p)))
		}
	}
	sort.Strings(files[min(1, len(files)):])
	for _, f := range files {
		src, ok := c.sources[f]
		if !ok {
			continue
		}
		start := 0
		if ls := c.letters[f]; ls != nil {
			start = ls.bodyOff
		}
		ix := c.index(f)
		blank := blankActions(src)
		par := -1
		blankLine := true
		for off := start; off < len(blank); {
			end := strings.IndexByte(blank[off:], '\n')
			if end < 0 {
				end = len(blank) - off
			}
			line := blank[off : off+end]
			if strings.TrimSpace(line) == "" {
				blankLine = true
			} else {
				if blankLine {
					par = len(loc.words)
					loc.words = append(loc.words, nil)
					blankLine = false
				}
				for i := 0; i < len(line); {
					r, n := utf8.DecodeRuneInString(line[i:])
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
						i += n
						continue
					}
					j := i
					for j < len(line) {
						r, n := utf8.DecodeRuneInString(line[j:])
						if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
							break
						}
						j += n
					}
					p := ix.pos(off + i)
					loc.words[par] = append(loc.words[par], srcWord{w: strings.ToLower(line[i:j]), at: place{f, p.line, p.col}, par: par})
					i = j
				}
			}
			off += end + 1
		}
	}
	m.Strings([]string{""}, func(p, s string) {
		if n := len(tokens(s)); n > 0 {
			loc.data = append(loc.data, dataString{path: p, norm: normSpace(s), words: n})
		}
	})
	return loc
}

// find places text of the merged letter: at the sample string that holds all of it; else
// at the template paragraph that has most of its literal words in order (from the first of
// them); else at the largest sample string it holds; else at the start of the body.
func (l *locator) find(text string) place {
	t := normSpace(text)
	for _, d := range l.data {
		if strings.Contains(d.norm, t) {
			return l.dataPlace(d.path)
		}
	}
	tw := tokens(t)
	if len(tw) == 0 {
		return l.body
	}
	best, bestAt := 0, place{}
	for _, par := range l.words {
		for i := range par {
			matched, k, first := 0, i, -1
			for _, w := range tw {
				if k < len(par) && par[k].w == w {
					if first < 0 {
						first = k
					}
					matched++
					k++
				}
			}
			if matched > best {
				best, bestAt = matched, par[first].at
			}
		}
	}
	if best >= min(2, len(tw)) && best > 0 {
		return bestAt
	}
	largest := -1
	for i, d := range l.data {
		if strings.Contains(t, d.norm) && (largest < 0 || d.words > l.data[largest].words) {
			largest = i
		}
	}
	if largest >= 0 {
		return l.dataPlace(l.data[largest].path)
	}
	return l.body
}

func (l *locator) dataPlace(p string) place {
	if l.c.cur.doc == nil {
		return place{l.c.cur.file, 0, 0}
	}
	at := l.c.cur.doc.find(p)
	return place{l.c.cur.file, at.line, at.col}
}

// paragraphs returns the text of every paragraph of the body, list items' included, in order.
func paragraphs(bs []render.Block) []string {
	var out []string
	for _, b := range bs {
		switch b := b.(type) {
		case *render.Paragraph:
			var sb strings.Builder
			for _, r := range b.Runs {
				sb.WriteString(r.Text)
			}
			if strings.TrimSpace(sb.String()) != "" {
				out = append(out, sb.String())
			}
		case *render.List:
			for _, item := range b.Items {
				out = append(out, paragraphs(item)...)
			}
		}
	}
	return out
}

// prose warns, on the merged sample letter, about sentences and paragraphs too long for a
// citizen to read easily and about a letter whose LIX score is above MaxLIX.
func (c *checker) prose(v *templates.Bundle, doc *render.Document, loc *locator, file string) {
	ps := paragraphs(doc.Body)
	lang := v.Language
	for _, p := range ps {
		if n := Words(p); n > MaxParagraphWords {
			at := loc.find(p)
			c.add(Problem{File: at.file, Line: at.line, Col: at.col, Severity: Warning, Msg: fmt.Sprintf(
				"paragraph of %d words (%s): split it, or make a list; plain language keeps paragraphs to %d words", n, c.cur.with(), MaxParagraphWords)})
		}
		for _, s := range Sentences(lang, p) {
			if s.Words <= MaxSentenceWords {
				continue
			}
			at := loc.find(p[s.Start:s.End])
			c.add(Problem{File: at.file, Line: at.line, Col: at.col, Severity: Warning, Msg: fmt.Sprintf(
				"sentence of %d words (%s): split it; plain language keeps sentences to %d words", s.Words, c.cur.with(), MaxSentenceWords)})
		}
	}
	if !LIXApplies(lang) {
		return
	}
	s := LIX(lang, ps)
	if s.Score > MaxLIX {
		c.add(Problem{File: loc.body.file, Line: loc.body.line, Col: loc.body.col, Severity: Warning, Msg: fmt.Sprintf(
			"LIX readability %.0f is above %d, hard for many readers (%s): LIX = words/sentences + 100 × long words/words = %d/%d + 100 × %d/%d, a long word having more than 6 letters; use shorter sentences and shorter words",
			s.Score, MaxLIX, c.cur.with(), s.Words, s.Sentences, s.LongWords, s.Words)})
	}
}

// The links and images of Markdown, in text whose {{ }} actions are blanked: inline links and
// images (the destination is group 2), autolinks (group 1) and bare http:// addresses.
var (
	inlineRE   = regexp.MustCompile(`(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]*)`)
	autolinkRE = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*)>`)
	bareRE     = regexp.MustCompile(`(?i)\bhttp://[^\s)>\]]+`)
)

// goodLink reports whether a link destination is one a letter may have: https://, mailto: or
// tel:.
func goodLink(dest string) bool {
	d := strings.ToLower(dest)
	return strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "mailto:") || strings.HasPrefix(d, "tel:")
}

// links checks the links and images of every Markdown file of the bundle (letter bodies and
// shared blocks) and the URLs of the MeMo actions in the front matter: links must be https://
// (or mailto:, tel:), images PNG or JPEG files next to letter.md.
func (c *checker) links() {
	for _, f := range c.sourceOrder {
		if strings.HasSuffix(f, ".yaml") {
			continue
		}
		src := c.sources[f]
		start := 0
		if ls := c.letters[f]; ls != nil {
			start = ls.bodyOff
		}
		text := blankActions(src)
		ix := c.index(f)
		done := map[int]bool{}
		at := func(off int) (int, int) { p := ix.pos(off); return p.line, p.col }
		for _, m := range inlineRE.FindAllStringSubmatchIndex(text[start:], -1) {
			dest := text[start+m[4] : start+m[5]]
			off := start + m[4]
			done[off] = true
			if strings.TrimSpace(src[off:start+m[5]]) != dest || dest == "" {
				continue // the destination is (partly) a {{ }} action: checked on the merged letter
			}
			line, col := at(off)
			if m[3] > m[2] { // an image
				c.image(f, line, col, dest)
				continue
			}
			if !goodLink(dest) {
				c.add(Problem{File: f, Line: line, Col: col, Severity: Error, Msg: linkMessage(dest)})
			}
		}
		for _, m := range autolinkRE.FindAllStringSubmatchIndex(text[start:], -1) {
			off := start + m[2]
			done[off] = true
			if dest := text[off : start+m[3]]; !goodLink(dest) {
				line, col := at(off)
				c.add(Problem{File: f, Line: line, Col: col, Severity: Error, Msg: linkMessage(dest)})
			}
		}
		for _, m := range bareRE.FindAllStringIndex(text[start:], -1) {
			if off := start + m[0]; !done[off] {
				line, col := at(off)
				c.add(Problem{File: f, Line: line, Col: col, Severity: Error, Msg: linkMessage(text[off : start+m[1]])})
			}
		}
	}
	for _, f := range c.letterOrder {
		actions := get(get(c.letters[f].front, "memo"), "actions")
		if actions == nil {
			continue
		}
		for i, a := range actions.Content {
			n := get(a, "url")
			u, ok := scalar(n)
			if !ok {
				continue
			}
			literal, _, _ := strings.Cut(u, "{{")
			lower := strings.ToLower(literal)
			if literal == "" || strings.HasPrefix(lower, "https://") || strings.HasPrefix("https://", lower) {
				continue
			}
			c.staticURL[f+"#"+fmt.Sprint(i)] = true
			c.add(Problem{File: f, Line: n.Line, Col: valueCol(n), Severity: Error, Msg: fmt.Sprintf(
				"MeMo action %d url must start with https:// (Digital Post refuses other links)", i+1)})
		}
	}
}

// linkMessage says why a link destination is refused, naming it (a template's own text).
func linkMessage(dest string) string {
	if !strings.Contains(dest, ":") {
		return fmt.Sprintf("link %q is not a full address: write it as https://...", dest)
	}
	return fmt.Sprintf("link %q is not https: link only to https:// addresses (or mailto:, tel:), so readers reach the site safely", dest)
}

// image checks that an image of the Markdown is a PNG or JPEG file next to letter.md.
func (c *checker) image(file string, line, col int, dest string) {
	name := path.Clean(strings.TrimPrefix(dest, "./"))
	ext := strings.ToLower(path.Ext(name))
	switch {
	case strings.Contains(dest, ":"):
		c.add(Problem{File: file, Line: line, Col: col, Severity: Error, Msg: fmt.Sprintf("image %q is an address: images are PNG or JPEG files next to letter.md", dest)})
	case ext != ".png" && ext != ".jpg" && ext != ".jpeg":
		c.add(Problem{File: file, Line: line, Col: col, Severity: Error, Msg: fmt.Sprintf("image %q is not a PNG or JPEG file (.png, .jpg, .jpeg)", dest)})
	default:
		if st, err := os.Stat(filepath.Join(c.dir, filepath.FromSlash(name))); err == nil && !st.IsDir() {
			return
		}
		c.add(Problem{File: file, Line: line, Col: col, Severity: Error, Msg: fmt.Sprintf("image %q not found: add it as %s", dest, filepath.Join(c.dir, filepath.FromSlash(name)))})
	}
}

// dataLinks checks the links of the merged sample letter that come from the sample data (a link
// whose destination is a {{ }} action): each must be https:// (or mailto:, tel:).
func (c *checker) dataLinks(m *templates.Merged, doc *render.Document) {
	var bad []string
	var walk func(bs []render.Block)
	runs := func(rs []render.Run) {
		for _, r := range rs {
			if r.Link != "" && !goodLink(r.Link) {
				bad = append(bad, r.Link)
			}
		}
	}
	walk = func(bs []render.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *render.Paragraph:
				runs(b.Runs)
			case *render.Heading:
				runs(b.Runs)
			case *render.List:
				for _, item := range b.Items {
					walk(item)
				}
			case *render.Table:
				for _, cl := range b.Header {
					runs(cl.Runs)
				}
				for _, row := range b.Rows {
					for _, cl := range row {
						runs(cl.Runs)
					}
				}
				for _, cl := range b.Total {
					runs(cl.Runs)
				}
			}
		}
	}
	walk(doc.Body)
	for _, link := range bad {
		m.Strings([]string{""}, func(p, s string) {
			if strings.Contains(s, link) && c.cur.doc != nil {
				at := c.cur.doc.find(p)
				c.add(Problem{File: c.cur.file, Line: at.line, Col: at.col, Severity: Error, Msg: fmt.Sprintf(
					"sample data %s is a link of the letter that is not https: links must be https:// addresses (or mailto:, tel:)", p)})
			}
		})
	}
}
