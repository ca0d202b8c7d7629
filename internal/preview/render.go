package preview

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/docx"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/worker"
)

// pageDPI is the resolution of the page images: 1.25 device pixels per CSS pixel of the page
// (96 per inch), sharp enough on an ordinary screen and quick to make.
const pageDPI = 120

// result is one render of a letter: the PDF and its text layer when it worked, the problems
// that stopped it when not. A result is immutable but for the lazily made files.
type result struct {
	// Seq numbers renders in the order they were made; ID is the server's start and Seq, which
	// the URLs of the files carry, so that a page still open after a restart asks for nothing
	// that another letter now answers to.
	Seq     uint64
	ID      string
	Bundle  string
	Lang    string
	Version string
	Made    time.Time
	// Errors stopped the letter (empty when it rendered); Warnings are beside it.
	Errors, Warnings []Item
	// Pages are the PDF's pages with their words, from pdftotext; nil without pdftotext.
	Pages []page
	// NoText says why Pages is empty for a letter that rendered.
	NoText string

	b      *templates.Bundle
	doc    *render.Document
	header *templates.Memo
	pdf    []byte

	docxOnce sync.Once
	docx     []byte
	docxErr  error

	pngMu sync.Mutex
	pngs  map[int]*lazyPNG
}

// OK reports whether the letter rendered.
func (r *result) OK() bool { return len(r.Errors) == 0 && r.pdf != nil }

// lazyPNG is one page image, made by the first request for it.
type lazyPNG struct {
	once sync.Once
	data []byte
	err  error
}

// page is one page of the PDF as pdftotext sees it: size in PDF points and its words.
type page struct {
	W, H  float64
	Words []word
}

// word is one word of a page and its box, in PDF points from the top left corner.
type word struct {
	X, Y, W, H float64
	Text       string
	// LineEnd is true for the last word of a line.
	LineEnd bool
}

// tools are the external programs the preview runs: "" when not installed.
type tools struct {
	pdftoppm, pdftotext string
}

func findTools() tools {
	var t tools
	t.pdftoppm, _ = exec.LookPath("pdftoppm")
	t.pdftotext, _ = exec.LookPath("pdftotext")
	return t
}

// renderLetter merges data into b (the language variant) and renders the PDF and its text
// layer. It fills r.Errors instead of returning an error: every failure is something to show.
func (s *Server) renderLetter(ctx context.Context, r *result, data []byte) {
	m, err := r.b.Merge(data)
	if err != nil {
		r.Errors = errorItems(err, data)
		return
	}
	r.doc = m.Document
	h, err := m.Memo()
	if err != nil {
		r.Errors = errorItems(err, data)
		return
	}
	r.header = h
	out, err := pdf.Render(m.Document)
	if err != nil {
		if ps := pdf.Preflight(m.Document); len(ps) > 0 {
			r.Errors = preflightItems(m, ps)
		} else {
			r.Errors = []Item{{Severity: "error", Msg: "render PDF: " + err.Error()}}
		}
		return
	}
	r.pdf = out
	if msg, err := s.memoMessage(r, bytes.NewReader(nil)); err == nil {
		if err := msg.Check(); err != nil {
			r.Warnings = append(r.Warnings, memoItems(r.b, err)...)
		}
	}
	if s.tools.pdftotext == "" {
		r.NoText = "pdftotext is not installed (Debian package poppler-utils): the letter has no text layer"
		return
	}
	pages, err := s.textLayer(ctx, out)
	if err != nil {
		r.NoText = err.Error()
		return
	}
	r.Pages = pages
}

// memoMessage is the MeMo message of the letter, for the preview's placeholder sender and
// recipient (the tenant's sender and the citizen's CPR number are not known here), with content
// as its PDF.
func (s *Server) memoMessage(r *result, content io.Reader) (*memo.Message, error) {
	h := r.header
	if h == nil {
		return nil, errors.New("the letter has no MeMo header")
	}
	m := worker.MemoMessage(r.b, h, memo.V11)
	m.UUID, m.MessageID = previewUUID(r), "preview-"+strconv.FormatUint(r.Seq, 10)
	m.Created = r.Made.UTC().Truncate(time.Second)
	m.Sender, m.Recipient = s.opts.Sender, s.opts.Recipient
	m.Main.Files[0].Content = content
	return m, nil
}

// previewUUID is a version 4 UUID made from the render's ID and version, so that a
// downloaded message is the same bytes each time it is fetched.
func previewUUID(r *result) string {
	h := sha256.Sum256([]byte(r.ID + " " + r.Version))
	u := h[:16]
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// DOCX renders the letter as DOCX the first time it is asked for.
func (r *result) DOCX() ([]byte, error) {
	r.docxOnce.Do(func() { r.docx, r.docxErr = docx.Render(r.doc) })
	return r.docx, r.docxErr
}

// png returns the image of page n (1-based), made with pdftoppm the first time it is asked for.
func (s *Server) png(ctx context.Context, r *result, n int) ([]byte, error) {
	if n < 1 || n > len(r.Pages) {
		return nil, fmt.Errorf("page %d: the letter has %d pages", n, len(r.Pages))
	}
	r.pngMu.Lock()
	if r.pngs == nil {
		r.pngs = map[int]*lazyPNG{}
	}
	p := r.pngs[n]
	if p == nil {
		p = &lazyPNG{}
		r.pngs[n] = p
	}
	r.pngMu.Unlock()
	p.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.Timeout)
		defer cancel()
		p.data, p.err = runTool(ctx, s.tools.pdftoppm, r.pdf, "-png", "-r", strconv.Itoa(pageDPI),
			"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-singlefile", "-")
	})
	return p.data, p.err
}

// textLayer runs pdftotext -bbox-layout on the PDF and returns its pages and words.
func (s *Server) textLayer(ctx context.Context, pdfBytes []byte) ([]page, error) {
	out, err := runTool(ctx, s.tools.pdftotext, pdfBytes, "-bbox-layout", "-enc", "UTF-8", "-", "-")
	if err != nil {
		return nil, err
	}
	return parseBBox(out)
}

// parseBBox reads the XHTML of pdftotext -bbox-layout: page elements with width and height,
// line elements, and word elements with xMin, yMin, xMax and yMax.
func parseBBox(x []byte) ([]page, error) {
	d := xml.NewDecoder(bytes.NewReader(x))
	d.Strict = false
	var pages []page
	var cur *word
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return pages, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read pdftotext -bbox-layout output: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "page":
				pages = append(pages, page{W: attrFloat(t, "width"), H: attrFloat(t, "height")})
			case "word":
				if len(pages) == 0 {
					return nil, errors.New("read pdftotext -bbox-layout output: a word outside a page")
				}
				x0, y0 := attrFloat(t, "xMin"), attrFloat(t, "yMin")
				cur = &word{X: x0, Y: y0, W: attrFloat(t, "xMax") - x0, H: attrFloat(t, "yMax") - y0}
			}
		case xml.CharData:
			if cur != nil {
				cur.Text += string(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "word":
				if cur != nil {
					p := &pages[len(pages)-1]
					p.Words = append(p.Words, *cur)
					cur = nil
				}
			case "line":
				if len(pages) > 0 {
					if p := &pages[len(pages)-1]; len(p.Words) > 0 {
						p.Words[len(p.Words)-1].LineEnd = true
					}
				}
			}
		}
	}
}

func attrFloat(e xml.StartElement, name string) float64 {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			f, _ := strconv.ParseFloat(a.Value, 64)
			return f
		}
	}
	return 0
}

// runTool runs an external program with stdin as its input and returns what it wrote, in its own
// process group, which is killed with ctx.
func runTool(ctx context.Context, path string, stdin []byte, args ...string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("tool not installed")
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	name := path[strings.LastIndexByte(path, os.PathSeparator)+1:]
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", name, ctx.Err())
		}
		return nil, fmt.Errorf("%s: %v: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}
