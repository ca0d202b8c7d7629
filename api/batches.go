package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/postbud/postbud/worker"
)

// batchBody is a batch as the API shows it.
type batchBody struct {
	ID            string                  `json:"id"`
	Total         int                     `json:"total"`
	Rejected      []worker.BatchLineError `json:"rejected"`
	RejectedTotal int                     `json:"rejected_total"`
	Duplicates    int                     `json:"duplicates"`
	Counts        map[worker.Status]int   `json:"counts"`
	Done          bool                    `json:"done"`
	Created       time.Time               `json:"created"`
	Links         map[string]string       `json:"links"`
}

func batchPath(id string) string { return "/v1/batches/" + id }

func newBatchBody(b *worker.Batch) batchBody {
	out := batchBody{
		ID: b.ID, Total: b.Total, Rejected: b.Rejected, RejectedTotal: b.RejectedTotal, Duplicates: b.Duplicates,
		Counts: map[worker.Status]int{}, Done: b.Done, Created: b.Created,
		Links: map[string]string{"self": batchPath(b.ID)},
	}
	if out.Rejected == nil {
		out.Rejected = []worker.BatchLineError{}
	}
	for _, st := range worker.Statuses {
		out.Counts[st] = b.Counts[st]
	}
	return out
}

// batchDefaults reads the query parameters of POST /v1/batches: template, language, formats
// (comma-separated), delivery and priority apply to every line that leaves them out.
func batchDefaults(r *http.Request) (worker.Submission, error) {
	var d worker.Submission
	q := r.URL.Query()
	var problems []Problem
	for name := range q {
		if !contains([]string{"template", "language", "formats", "delivery", "priority"}, name) {
			problems = append(problems, Problem{Path: "?" + shorten(name), Message: "unknown query parameter; the parameters are template, language, formats, delivery, priority"})
		}
	}
	one := func(name string) (string, bool) {
		v := q[name]
		switch {
		case len(v) == 0:
			return "", false
		case len(v) > 1:
			problems = append(problems, Problem{Path: "?" + name, Message: "given more than once"})
			return "", false
		}
		return v[0], true
	}
	if v, ok := one("template"); ok {
		if !namePattern.MatchString(v) {
			problems = append(problems, Problem{Path: "?template", Message: "not a template name: names are 1 to 64 lowercase letters a-z, digits and hyphens"})
		}
		d.Template = v
	}
	if v, ok := one("language"); ok {
		if !languagePattern.MatchString(v) {
			problems = append(problems, Problem{Path: "?language", Message: "not a language tag: give one like \"da\", \"en\" or \"nb-NO\""})
		}
		d.Language = v
	}
	if v, ok := one("delivery"); ok {
		if !namePattern.MatchString(v) {
			problems = append(problems, Problem{Path: "?delivery", Message: "not a delivery channel name: names are 1 to 64 lowercase letters a-z, digits and hyphens"})
		}
		d.Delivery = v
	}
	if v, ok := one("priority"); ok {
		if !contains(knownPriorities, v) {
			problems = append(problems, Problem{Path: "?priority", Message: "must be one of " + strings.Join(knownPriorities, ", ")})
		}
		d.Priority = worker.Priority(v)
	}
	if v, ok := one("formats"); ok {
		for _, f := range strings.Split(v, ",") {
			if !contains(knownFormats, f) || contains(d.Formats, f) {
				problems = append(problems, Problem{Path: "?formats", Message: "a comma-separated list of distinct formats: " + strings.Join(knownFormats, ", ")})
				d.Formats = nil
				break
			}
			d.Formats = append(d.Formats, f)
		}
	}
	if len(problems) > 0 {
		return d, fail(http.StatusBadRequest, "the query parameters do not follow the API; see problems", problems...)
	}
	return d, nil
}

// postBatch streams an NDJSON body, one letter per line, into the worker: lines are read and
// queued one by one, never held together. It answers 202 with the batch: how many lines were
// read, which were rejected and why.
func (s *server) postBatch(w http.ResponseWriter, r *http.Request, tenant string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return fail(http.StatusUnsupportedMediaType, "send the batch as NDJSON, one letter per line, with Content-Type: application/x-ndjson")
	}
	if err := needContentType(r, "application/x-ndjson"); err != nil {
		return err
	}
	defaults, err := batchDefaults(r)
	if err != nil {
		return err
	}
	b, err := s.cfg.Letters.SubmitBatch(r.Context(), tenant, r.Body, defaults)
	if err != nil {
		if ce := clientError(defaults.Template, err); ce != nil {
			return ce
		}
		if b == nil {
			return fmt.Errorf("submit batch: %w", err)
		}
		// Reading stopped part way (the connection broke, or Redis failed): the lines read so far
		// are in the batch. Say where, log why.
		s.log.ErrorContext(r.Context(), "batch stopped", slog.String("request_id", requestID(r.Context())),
			slog.String("tenant", tenant), slog.String("batch", b.ID), slog.Any("error", err))
		w.Header().Set("Location", batchPath(b.ID))
		return fail(http.StatusInternalServerError, fmt.Sprintf("the batch stopped after %d lines; batch %s holds the lines read so far (GET %s); quote the request id when you report it", b.Total, b.ID, batchPath(b.ID)))
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "batch submitted",
		slog.String("request_id", requestID(r.Context())), slog.String("tenant", tenant),
		slog.String("batch", b.ID), slog.Int("total", b.Total), slog.Int("rejected", b.RejectedTotal))
	w.Header().Set("Location", batchPath(b.ID))
	writeJSON(w, http.StatusAccepted, newBatchBody(b))
	return nil
}

// getBatch answers the batch's progress.
func (s *server) getBatch(w http.ResponseWriter, r *http.Request, tenant string) error {
	id := r.PathValue("id")
	if !validID(id) {
		return fail(http.StatusNotFound, "no such batch")
	}
	b, err := s.cfg.Letters.Batch(r.Context(), tenant, id)
	if errors.Is(err, worker.ErrNotFound) {
		return fail(http.StatusNotFound, "no such batch; batches are kept for the retention period after they are submitted")
	}
	if err != nil {
		return fmt.Errorf("read batch %s: %w", id, err)
	}
	writeJSON(w, http.StatusOK, newBatchBody(b))
	return nil
}

// maxBatchLetters is the most lines one GET /v1/batches/{id}/letters returns.
const maxBatchLetters = 1000

// batchLettersBody is a page of a batch's accepted lines.
type batchLettersBody struct {
	Letters []worker.BatchLetter `json:"letters"`
	Total   int                  `json:"total"`
	Next    string               `json:"next,omitempty"`
}

// getBatchLetters lists the letter of each accepted line of a batch, a page at a time:
// ?from=N (0-based position among the accepted lines) and ?limit=M (at most 1000).
func (s *server) getBatchLetters(w http.ResponseWriter, r *http.Request, tenant string) error {
	id := r.PathValue("id")
	if !validID(id) {
		return fail(http.StatusNotFound, "no such batch")
	}
	from, limit := 0, maxBatchLetters
	for _, q := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"from", &from, 0, 1 << 40}, {"limit", &limit, 1, maxBatchLetters}} {
		v := r.URL.Query().Get(q.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < q.min || n > q.max {
			return fail(http.StatusBadRequest, fmt.Sprintf("query parameter %s: want a whole number from %d to %d", q.name, q.min, q.max),
				Problem{Path: "?" + q.name, Message: fmt.Sprintf("want a whole number from %d to %d", q.min, q.max)})
		}
		*q.dst = n
	}
	lines, total, err := s.cfg.Letters.BatchLetters(r.Context(), tenant, id, from, limit)
	if errors.Is(err, worker.ErrNotFound) {
		return fail(http.StatusNotFound, "no such batch; batches are kept for the retention period after they are submitted")
	}
	if err != nil {
		return fmt.Errorf("read batch %s letters: %w", id, err)
	}
	body := batchLettersBody{Letters: lines, Total: total}
	if next := from + len(lines); next < total {
		body.Next = fmt.Sprintf("%s/letters?from=%d&limit=%d", batchPath(id), next, limit)
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
