package preview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxData caps the case data a page may post: above the 4 MiB templates accept, so that the
// answer for too much data is the templates' own message.
const maxData = 8 << 20

// funcs are the page templates' helpers.
var funcs = template.FuncMap{
	// pageStyle and wordStyle place a page and a word of its text layer in CSS pixels (96 per
	// inch) from the PDF's points (72 per inch).
	"pageStyle": func(p page) template.CSS {
		return template.CSS(fmt.Sprintf("width:%.1fpx;height:%.1fpx", p.W*96/72, p.H*96/72))
	},
	"wordStyle": func(w word) template.CSS {
		return template.CSS(fmt.Sprintf("left:%.1fpx;top:%.1fpx;width:%.1fpx;height:%.1fpx;font-size:%.1fpx",
			w.X*96/72, w.Y*96/72, w.W*96/72, w.H*96/72, w.H*96/72*0.86))
	},
	"add":   func(a, b int) int { return a + b },
	"clock": func(t time.Time) string { return t.Format("15:04:05") },
}

// bundleInfo is one line of the list of bundles.
type bundleInfo struct {
	Name, Title, Description, Layout string
	Languages                        []string
	Error                            string
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	names, err := s.bundleNames()
	if err != nil {
		http.Error(w, "list bundles: "+err.Error(), http.StatusInternalServerError)
		return
	}
	infos := make([]bundleInfo, 0, len(names))
	for _, n := range names {
		info := bundleInfo{Name: n}
		if b, err := s.bundle(n); err != nil {
			info.Error = err.Error()
		} else {
			info.Title, info.Description, info.Layout, info.Languages = b.Title, b.Description, b.Layout, b.Languages()
		}
		infos = append(infos, info)
	}
	s.html(w, "list.html", map[string]any{"Root": s.root, "Bundles": infos})
}

// letterView is what the letter and problems fragments show.
type letterView struct {
	Name, Lang string
	Languages  []string
	// R is the render asked for; Shown the one whose pages are shown: R when it worked, else the
	// last good one (Stale), else nil.
	R, Shown *result
	Stale    bool
	// Images is false when pdftoppm is missing: the PDF is embedded instead.
	Images bool
	// Lint are the problems templates/lint finds in the bundle, less those R names already.
	Lint []Item
}

func (s *Server) letterView(name, lang string, r *result, languages []string) letterView {
	v := letterView{Name: name, Lang: r.Lang, Languages: languages, R: r, Shown: r, Images: s.tools.pdftoppm != ""}
	if v.Lang == "" {
		v.Lang = lang
	}
	if !r.OK() {
		v.Shown = s.good(name, v.Lang)
		v.Stale = v.Shown != nil
	}
	v.Lint = withoutRepeats(s.lint(name), append(append([]Item(nil), r.Errors...), r.Warnings...))
	return v
}

func (s *Server) handleBundle(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !s.exists(name) {
		http.Error(w, fmt.Sprintf("no bundle %q under %s/templates", name, s.root), http.StatusNotFound)
		return
	}
	lang := r.URL.Query().Get("lang")
	res, languages := s.render(r.Context(), name, lang, nil)
	s.setView(name, res.Lang, nil)
	v := s.letterView(name, lang, res, languages)
	s.html(w, "bundle.html", map[string]any{"View": v, "Sample": string(s.sample(name, v.Lang)), "Boot": s.boot})
}

// renderAnswer is the JSON answer to a page's render request.
type renderAnswer struct {
	Seq uint64 `json:"seq"`
	ID  string `json:"id"`
	OK  bool   `json:"ok"`
	// Lang is the language rendered; Letter and Side the HTML of the letter and of the panel.
	Lang   string `json:"lang"`
	Letter string `json:"letter"`
	Side   string `json:"side"`
	// Sample is the sample data of the language, when the page did not send data of its own.
	Sample *string `json:"sample,omitempty"`
}

// handleRender renders the letter for a page: form fields lang and, when the author edited the
// case data in the page, data.
func (s *Server) handleRender(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !s.exists(name) {
		http.Error(w, fmt.Sprintf("no bundle %q under %s/templates", name, s.root), http.StatusNotFound)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxData)
	if err := r.ParseMultipartForm(maxData); err != nil && err != http.ErrNotMultipart {
		http.Error(w, "read the form: "+err.Error(), http.StatusBadRequest)
		return
	}
	lang := r.FormValue("lang")
	var data []byte
	if _, ok := r.Form["data"]; ok {
		data = []byte(r.FormValue("data"))
	}
	res, languages := s.render(r.Context(), name, lang, data)
	s.setView(name, res.Lang, data)
	v := s.letterView(name, lang, res, languages)
	var letter, side bytes.Buffer
	if err := s.pages.ExecuteTemplate(&letter, "letter", v); err != nil {
		http.Error(w, "page template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if err := s.pages.ExecuteTemplate(&side, "side", v); err != nil {
		http.Error(w, "page template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	a := renderAnswer{Seq: res.Seq, ID: res.ID, OK: res.OK(), Lang: v.Lang, Letter: letter.String(), Side: side.String()}
	if data == nil {
		sample := string(s.sample(name, v.Lang))
		a.Sample = &sample
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(a)
}

// idResult finds the render a file URL names.
func (s *Server) idResult(w http.ResponseWriter, r *http.Request) *result {
	res := s.resultByID(r.PathValue("id"))
	if res == nil || !res.OK() {
		http.Error(w, "this render is no longer kept: reload the page", http.StatusNotFound)
		return nil
	}
	return res
}

// handlePage serves page n of a render as PNG.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	res := s.idResult(w, r)
	if res == nil {
		return
	}
	n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("n"), ".png"))
	if err != nil || n < 1 || n > len(res.Pages) {
		http.Error(w, "no such page", http.StatusNotFound)
		return
	}
	img, err := s.png(r.Context(), res, n)
	if err != nil {
		s.opts.Logger.Warn("preview: page image", "bundle", res.Bundle, "page", n, "err", err)
		http.Error(w, "make the page image: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600, immutable")
	_, _ = w.Write(img)
}

// handleFile serves a render's documents: kind is "pdf", "docx" or "memo" (the MeMo message).
func (s *Server) handleFile(w http.ResponseWriter, r *http.Request) {
	res := s.idResult(w, r)
	if res == nil {
		return
	}
	base := res.Bundle + "-" + res.Lang
	var body []byte
	var ctype, filename string
	switch r.PathValue("kind") {
	case "pdf":
		body, ctype, filename = res.pdf, "application/pdf", base+".pdf"
	case "docx":
		d, err := res.DOCX()
		if err != nil {
			http.Error(w, "render DOCX: "+err.Error(), http.StatusUnprocessableEntity)
			return
		}
		body, ctype, filename = d, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", base+".docx"
	case "memo":
		m, err := s.memoMessage(res, bytes.NewReader(res.pdf))
		if err == nil {
			var buf bytes.Buffer
			if _, err = m.Write(&buf); err == nil {
				body = buf.Bytes()
			}
		}
		if err != nil {
			http.Error(w, "build the MeMo message: "+err.Error(), http.StatusUnprocessableEntity)
			return
		}
		ctype, filename = "application/xml", base+"-memo.xml"
	default:
		http.Error(w, "no such document: use pdf, docx or memo", http.StatusNotFound)
		return
	}
	disposition := "attachment"
	if r.URL.Query().Get("inline") == "1" {
		disposition = "inline"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "private, max-age=3600, immutable")
	_, _ = w.Write(body)
}

// html writes a page template.
func (s *Server) html(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "page template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
