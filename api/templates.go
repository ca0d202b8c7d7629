package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/worker"
)

// templateSummary is a template in the list.
type templateSummary struct {
	Name        string            `json:"name"`
	Version     string            `json:"version,omitempty"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description,omitempty"`
	Language    string            `json:"language,omitempty"`
	Languages   []string          `json:"languages,omitempty"`
	Error       string            `json:"error,omitempty"`
	Links       map[string]string `json:"links"`
}

// templateBody is one template with its schema and sample data.
type templateBody struct {
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	Title       string            `json:"title"`
	Description string            `json:"description,omitempty"`
	Language    string            `json:"language"`
	Languages   []string          `json:"languages"`
	Layout      string            `json:"layout"`
	Blocks      []string          `json:"blocks"`
	Schema      json.RawMessage   `json:"schema"`
	Sample      json.RawMessage   `json:"sample,omitempty"`
	Links       map[string]string `json:"links"`
}

func templateLinks(name string) map[string]string {
	return map[string]string{"self": "/v1/templates/" + name, "preview": "/v1/templates/" + name + "/preview"}
}

// listTemplates answers the templates the tenant may use, by name. A template that does not load
// is listed with its error, so its authors see what to fix.
func (s *server) listTemplates(w http.ResponseWriter, r *http.Request, tenant string) error {
	names, err := s.cfg.Templates.Names(tenant)
	if err != nil {
		return fmt.Errorf("list templates of %s: %w", tenant, err)
	}
	sort.Strings(names)
	list := make([]templateSummary, 0, len(names))
	for _, n := range names {
		t := templateSummary{Name: n, Links: templateLinks(n)}
		b, err := s.cfg.Templates.Bundle(tenant, n)
		switch {
		case errors.Is(err, worker.ErrUnknownTemplate):
			continue // removed since Names
		case err != nil:
			t.Error = s.templateProblem(r.Context(), n, err)
		default:
			t.Version, t.Title, t.Description, t.Language, t.Languages = b.Version, b.Title, b.Description, b.Language, b.Languages()
		}
		list = append(list, t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": list})
	return nil
}

// templateProblem says why template name does not load: the template error (file, line, what
// to fix), or for other failures a pointer to the log, where the full error goes.
func (s *server) templateProblem(ctx context.Context, name string, err error) string {
	var te *templates.TemplateError
	if errors.As(err, &te) {
		return te.Error()
	}
	s.log.ErrorContext(ctx, "load template", slog.String("request_id", requestID(ctx)),
		slog.String("template", name), slog.Any("error", err))
	return "the template cannot be loaded; the server log has the details under request id " + requestID(ctx)
}

// bundle returns the tenant's template named in the path: 404 when there is none, 500 naming the
// file and line when it does not load.
func (s *server) bundle(r *http.Request, tenant string) (*templates.Bundle, error) {
	name := r.PathValue("name")
	if !namePattern.MatchString(name) {
		return nil, fail(http.StatusNotFound, "no such template; names are lowercase letters, digits and hyphens, and GET /v1/templates lists yours")
	}
	b, err := s.cfg.Templates.Bundle(tenant, name)
	if errors.Is(err, worker.ErrUnknownTemplate) {
		return nil, unknownTemplate(name)
	}
	if err != nil {
		return nil, fail(http.StatusInternalServerError, fmt.Sprintf("template %q cannot be loaded: %s", name, s.templateProblem(r.Context(), name, err)))
	}
	return b, nil
}

// getTemplate answers one template with its JSON Schema and sample data.
func (s *server) getTemplate(w http.ResponseWriter, r *http.Request, tenant string) error {
	b, err := s.bundle(r, tenant)
	if err != nil {
		return err
	}
	t := templateBody{
		Name: b.Name, Version: b.Version, Title: b.Title, Description: b.Description,
		Language: b.Language, Languages: b.Languages(), Layout: b.Layout, Blocks: b.Blocks, Schema: json.RawMessage(b.Schema),
		Links: templateLinks(b.Name),
	}
	if t.Blocks == nil {
		t.Blocks = []string{}
	}
	if json.Valid(b.Sample) {
		t.Sample = json.RawMessage(b.Sample)
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// preview renders the template with the body's data, or its sample data, and answers the PDF.
// At most GOMAXPROCS previews render at once; others wait for a slot.
func (s *server) preview(w http.ResponseWriter, r *http.Request, tenant string) error {
	b, err := s.bundle(r, tenant)
	if err != nil {
		return err
	}
	if err := needContentType(r, "application/json"); err != nil {
		return err
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	data, lang, err := decodePreview(body)
	if err != nil {
		return err
	}
	if b, err = b.Lang(lang); err != nil {
		return fail(http.StatusUnprocessableEntity, err.Error(), Problem{Path: "/language", Message: err.Error()})
	}
	if data == nil {
		if b.Sample == nil {
			return fail(http.StatusUnprocessableEntity, fmt.Sprintf("template %q has no sample.json; send {\"data\": {...}} to preview it", b.Name))
		}
		data = b.Sample
	}
	select {
	case s.previews <- struct{}{}:
		defer func() { <-s.previews }()
	case <-r.Context().Done():
		return fmt.Errorf("wait to render a preview: %w", r.Context().Err())
	}
	d, err := b.Document(data)
	// The errors of package templates hold no value of the data (the excerpt for the tenant is
	// in Value); those of other packages (render/pdf) may quote the letter's text, so they are
	// redacted before they reach the answer or the log.
	red := templates.NewRedactor(data)
	var (
		de *templates.DataError
		te *templates.TemplateError
	)
	switch {
	case errors.As(err, &de):
		return dataError(de)
	case errors.As(err, &te):
		return fail(http.StatusUnprocessableEntity, withValue("the template fails on this data: "+te.Error(), te.Value))
	case err != nil:
		return fmt.Errorf("preview %s: %s", b.Name, red.Text(err.Error()))
	}
	out, err := pdf.Render(d)
	if err != nil {
		// The data made a letter the renderer refuses (a character the font lacks, a recipient
		// line wider than the envelope window): the tenant's to fix, not a server fault.
		msg := red.Text(err.Error())
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "preview does not render",
			slog.String("request_id", requestID(r.Context())), slog.String("tenant", tenant),
			slog.String("template", b.Name), slog.String("error", msg))
		return fail(http.StatusUnprocessableEntity, "the letter cannot be rendered with this data: "+msg)
	}
	h := w.Header()
	h.Set("Content-Type", contentTypes["pdf"])
	h.Set("Content-Length", fmt.Sprint(len(out)))
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s-preview.pdf"`, b.Name))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(out) //nolint:errcheck // the client went away
	return nil
}

// keptVersion is one kept version of a template as GET /v1/templates/{name}/versions answers it.
type keptVersion struct {
	Version   string     `json:"version"`
	FirstUsed time.Time  `json:"first_used"`
	Files     []keptFile `json:"files"`
	Fonts     []keptFile `json:"fonts"`
}

// keptFile is a file of a kept version: a path in the templates root, or a font file's name.
type keptFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// templateVersions answers the versions of the tenant's template that letters were made with,
// newest first: each with its first use, its files and the renderers' fonts.
func (s *server) templateVersions(w http.ResponseWriter, r *http.Request, tenant string) error {
	name := r.PathValue("name")
	if !namePattern.MatchString(name) {
		return fail(http.StatusNotFound, "no such template; names are lowercase letters, digits and hyphens, and GET /v1/templates lists yours")
	}
	list, err := s.cfg.Letters.TemplateVersions(r.Context(), tenant, name)
	if errors.Is(err, worker.ErrUnknownTemplate) {
		return unknownTemplate(name)
	}
	if err != nil {
		return fmt.Errorf("list the kept versions of template %s: %w", name, err)
	}
	out := make([]keptVersion, 0, len(list))
	for _, v := range list {
		k := keptVersion{Version: v.Version, FirstUsed: v.FirstUsed, Files: make([]keptFile, 0, len(v.Files)), Fonts: make([]keptFile, 0, len(v.Fonts))}
		for _, f := range v.Files {
			k.Files = append(k.Files, keptFile(f))
		}
		for _, f := range v.Fonts {
			k.Fonts = append(k.Fonts, keptFile(f))
		}
		out = append(out, k)
	}
	writeJSON(w, http.StatusOK, map[string]any{"template": name, "versions": out})
	return nil
}
