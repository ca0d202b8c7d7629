package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/templates"
	"github.com/postbud/postbud/worker"
)

// contentTypes are the media types of the documents by format.
var contentTypes = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// letterBody is a letter as the API shows it.
type letterBody struct {
	ID              string            `json:"id"`
	Status          worker.Status     `json:"status"`
	Template        string            `json:"template"`
	TemplateVersion string            `json:"template_version"`
	Language        string            `json:"language,omitempty"`
	Priority        worker.Priority   `json:"priority"`
	Delivery        string            `json:"delivery"`
	Formats         []string          `json:"formats"`
	Attempts        int               `json:"attempts"`
	LastError       string            `json:"last_error,omitempty"`
	Documents       []documentBody    `json:"documents"`
	MessageUUID     string            `json:"message_uuid,omitempty"`
	Memo            *worker.MemoInfo  `json:"memo,omitempty"`
	Route           *worker.Route     `json:"route,omitempty"`
	Receipt         *delivery.Receipt `json:"receipt,omitempty"`
	BatchID         string            `json:"batch_id,omitempty"`
	Created         time.Time         `json:"created"`
	Updated         time.Time         `json:"updated"`
	Links           map[string]string `json:"links"`
}

type documentBody struct {
	Format string `json:"format"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url"`
}

// letterPath is the URL path of letter id.
func letterPath(id string) string { return "/v1/letters/" + id }

func newLetterBody(l *worker.Letter) letterBody {
	b := letterBody{
		ID: l.ID, Status: l.Status, Template: l.Template, TemplateVersion: l.TemplateVersion, Language: l.Language,
		Priority: l.Priority, Delivery: l.Delivery, Formats: l.Formats, Attempts: l.Attempts,
		LastError: l.LastError, Documents: []documentBody{}, BatchID: l.BatchID,
		Created: l.Created, Updated: l.Updated,
		Links: map[string]string{"self": letterPath(l.ID)},
	}
	for _, d := range l.Documents {
		u := letterPath(l.ID) + "/documents/" + d.Format
		b.Documents = append(b.Documents, documentBody{Format: d.Format, Bytes: d.Bytes, SHA256: d.SHA256, URL: u})
		b.Links[d.Format] = u
	}
	b.MessageUUID, b.Memo, b.Route, b.Receipt = l.MessageUUID, l.Memo, l.Route, l.Receipt
	if l.BatchID != "" {
		b.Links["batch"] = batchPath(l.BatchID)
	}
	return b
}

// postLetter queues a letter: 202 with the new letter, or 200 with the letter an earlier request
// with the same Idempotency-Key created.
func (s *server) postLetter(w http.ResponseWriter, r *http.Request, tenant string) error {
	if err := needContentType(r, "application/json"); err != nil {
		return err
	}
	key, err := checkIdempotencyKey(r.Header)
	if err != nil {
		return err
	}
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	sub, err := decodeSubmission(body)
	if err != nil {
		return err
	}
	l, created, err := s.cfg.Letters.Submit(r.Context(), worker.Submission{
		Tenant:         tenant,
		Template:       sub.Template,
		Language:       sub.Language,
		Data:           sub.Data,
		Recipient:      delivery.Recipient{ID: sub.Recipient.ID, Name: sub.Recipient.Name, Address: sub.Recipient.Address},
		Formats:        sub.Formats,
		Delivery:       sub.Delivery,
		Priority:       worker.Priority(sub.Priority),
		IdempotencyKey: key,
		Attachments:    attachments(sub.Attachments),
	})
	if err != nil {
		if ce := clientError(sub.Template, err); ce != nil {
			return ce
		}
		return fmt.Errorf("submit letter: %w", err)
	}
	status := http.StatusAccepted
	if !created {
		status = http.StatusOK
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "letter submitted",
		slog.String("request_id", requestID(r.Context())), slog.String("tenant", tenant),
		slog.String("letter", l.ID), slog.String("template", l.Template), slog.Bool("created", created))
	w.Header().Set("Location", letterPath(l.ID))
	writeJSON(w, status, newLetterBody(l))
	return nil
}

func attachments(in []attachmentBody) []worker.Attachment {
	var out []worker.Attachment
	for _, a := range in {
		out = append(out, worker.Attachment{Filename: a.Filename, MimeType: a.MimeType, Content: a.Content})
	}
	return out
}

// clientError turns a refusal of the worker client that is the request's fault into the answer
// for the client; nil for any other error.
func clientError(template string, err error) error {
	var (
		de *templates.DataError
		ie *worker.InputError
		se *worker.SubmissionError
	)
	switch {
	case errors.Is(err, worker.ErrUnknownTemplate):
		return unknownTemplate(template)
	case errors.As(err, &de):
		return dataError(de)
	case errors.As(err, &se):
		problems := make([]Problem, len(se.Problems))
		for i, p := range se.Problems {
			problems[i] = Problem{Path: p.Path, Message: p.Message}
		}
		return fail(http.StatusUnprocessableEntity, "the letter cannot be rendered or delivered as submitted; fix every problem listed", problems...)
	case errors.As(err, &ie):
		return fail(http.StatusUnprocessableEntity, "the letter cannot be queued; see problems",
			Problem{Path: "/" + ie.Field, Message: ie.Message})
	}
	return nil
}

// unknownTemplate is the 404 for a template the tenant does not have.
func unknownTemplate(name string) error {
	return fail(http.StatusNotFound, fmt.Sprintf("no template named %q; GET /v1/templates lists yours", name))
}

// dataError is the 422 listing every problem of the case data, with paths from the body's root.
//
// It is the one text that may show a value of the case data: the answer goes to the tenant who
// sent the data, over their own authenticated connection, so each problem ends in the excerpt
// of the value at fault (Problem.Value, at most 40 characters): `expected integer, got string
// (value: "12,50")`. Records, task errors, batch rejections and logs only ever get
// DataError.Error(), which holds no value.
func dataError(de *templates.DataError) error {
	problems := make([]Problem, len(de.Problems))
	for i, p := range de.Problems {
		problems[i] = Problem{Path: "/data" + p.Path, Message: withValue(p.Message, p.Value)}
	}
	return fail(http.StatusUnprocessableEntity, fmt.Sprintf("the case data does not fit template %q; fix every problem listed", de.Template), problems...)
}

// withValue appends the excerpt of a value to a message for the tenant who sent it.
func withValue(msg, value string) string {
	if value == "" {
		return msg
	}
	return msg + " (value: " + value + ")"
}

// validID reports whether id may be a letter or batch id; any other is unknown without a lookup.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// letterOf reads the tenant's letter named in the path; 404 when it has none of that id.
func (s *server) letterOf(r *http.Request, tenant string) (*worker.Letter, error) {
	id := r.PathValue("id")
	if !validID(id) {
		return nil, fail(http.StatusNotFound, "no such letter")
	}
	l, err := s.cfg.Letters.Letter(r.Context(), tenant, id)
	if errors.Is(err, worker.ErrNotFound) {
		return nil, fail(http.StatusNotFound, "no such letter; letters are kept for the retention period after they are submitted")
	}
	return l, err
}

// getLetter answers the letter's record.
func (s *server) getLetter(w http.ResponseWriter, r *http.Request, tenant string) error {
	l, err := s.letterOf(r, tenant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newLetterBody(l))
	return nil
}

// getDocument answers a rendered document's bytes, 409 while it is not rendered yet.
func (s *server) getDocument(w http.ResponseWriter, r *http.Request, tenant string) error {
	format := r.PathValue("format")
	ctype, ok := contentTypes[format]
	if !ok {
		return fail(http.StatusNotFound, "no such format; the formats are pdf and docx")
	}
	l, err := s.letterOf(r, tenant)
	if err != nil {
		return err
	}
	info, ok := l.Document(format)
	switch {
	case !ok && !contains(l.Formats, format):
		return fail(http.StatusNotFound, fmt.Sprintf("this letter is not rendered as %s; its formats are %s", format, strings.Join(l.Formats, ", ")))
	case !ok && l.Status == worker.StatusFailed:
		return fail(http.StatusConflict, "the letter failed before its documents were stored: "+l.LastError)
	case !ok:
		w.Header().Set("Retry-After", "1")
		return fail(http.StatusConflict, fmt.Sprintf("the letter is %s; its documents exist once its status is rendered", l.Status))
	}
	data, err := s.cfg.Letters.Document(r.Context(), tenant, l.ID, format)
	if errors.Is(err, worker.ErrNotFound) {
		return fail(http.StatusNotFound, "the document is no longer stored")
	}
	if err != nil {
		return fmt.Errorf("read %s of letter %s: %w", format, l.ID, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != info.SHA256 {
		return fmt.Errorf("read %s of letter %s: stored bytes do not match the recorded SHA-256 %s", format, l.ID, info.SHA256)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+info.SHA256+`"`)
	h.Set("Cache-Control", "private, max-age=0")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, l.ID, format))
	http.ServeContent(w, r, "", l.Updated, bytes.NewReader(data))
	return nil
}

// readBody reads the request body up to the body limit: 413 past it.
func (s *server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > s.maxBody {
		return nil, tooLarge(s.maxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge(s.maxBody)
	}
	if err != nil {
		return nil, fail(http.StatusBadRequest, "cannot read the request body: "+err.Error())
	}
	return body, nil
}

func tooLarge(limit int64) error {
	return fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %s; send large sets of letters as a batch (POST /v1/batches)", byteSize(limit)))
}

// byteSize writes n bytes for people.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// needContentType refuses a body whose Content-Type is set and is not want (JSON also as
// anything+json); a missing Content-Type is taken to be want.
func needContentType(r *http.Request, want ...string) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil {
		for _, w := range want {
			if mt == w || w == "application/json" && strings.HasSuffix(mt, "+json") {
				return nil
			}
		}
	}
	return fail(http.StatusUnsupportedMediaType, "send the body as "+strings.Join(want, " or ")+" (Content-Type header)")
}
