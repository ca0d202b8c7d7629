package worker

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/templates"
)

// Formats of the documents store for the sealed MeMo message and attachments.
const memoFormat = "memo"

func attachmentFormat(i int) string { return "attachment-" + strconv.Itoa(i) }

// sealAD binds a sealed blob to its letter and role, so a blob moved to another letter or slot
// does not open.
func sealAD(id, format string) []byte { return []byte("postbud " + format + " of letter " + id) }

// wantsMemo reports whether letters of tenant to channel get a MeMo message: every letter of a
// tenant with a sender (the outbox and the webhook carry it too), and ngdp needs one.
func (o Options) wantsMemo(tenant string) bool { return o.Tenants[tenant].Sender.ID != "" }

// memoMessage builds the MeMo message of a letter from the template's memo front matter, the
// tenant's sender and the letter's documents. The files' Content is left nil: checks need none,
// and the render step fills it in.
func (o Options) memoMessage(b *templates.Bundle, fm *templates.Memo, l *Letter, r delivery.Recipient, atts []Attachment) *memo.Message {
	t := o.Tenants[l.Tenant]
	m := MemoMessage(b, fm, o.MemoVersion)
	m.UUID, m.MessageID, m.Created = l.MessageUUID, l.ID, l.Created
	m.Sender, m.Recipient = t.Sender, memo.Recipient{ID: r.ID, Label: r.Name}
	if t.MemoDOCX && containsString(l.Formats, "docx") {
		m.Additional = append(m.Additional, memo.Document{Label: fm.Label,
			Files: []memo.File{{Filename: b.Name + ".docx", MimeType: memo.MimeType("docx"), Language: b.Language}}})
	}
	for _, a := range atts {
		m.Additional = append(m.Additional, memo.Document{Label: a.Filename,
			Files: []memo.File{{Filename: a.Filename, MimeType: a.MimeType, Language: b.Language}}})
	}
	return m
}

// MemoMessage is the part of a letter's MeMo message that its template decides: the header
// from the memo front matter (version, or defaultVersion when the template names none; label,
// notifications, flags, post type, case id, KLE and FORM) and the main document, the PDF
// <bundle>.pdf in the letter's language, with its actions. The caller sets what the letter and
// its sender decide: UUID, MessageID, Created, Sender, Recipient, the files' Content and any
// additional documents. The worker and the template preview build their messages with it.
func MemoMessage(b *templates.Bundle, fm *templates.Memo, defaultVersion string) *memo.Message {
	version := fm.Version
	if version == "" {
		version = defaultVersion
	}
	m := &memo.Message{
		Version:                version,
		Label:                  fm.Label,
		Notification:           fm.Notification,
		AdditionalNotification: fm.AdditionalNotification,
		Mandatory:              fm.Mandatory,
		LegalNotification:      fm.LegalNotification,
		PostType:               fm.PostType,
		Main: memo.Document{
			Label: fm.Label,
			Files: []memo.File{{Filename: b.Name + ".pdf", MimeType: memo.MimeType("pdf"), Language: b.Language}},
		},
	}
	if fm.CaseID != "" || fm.CaseSystem != "" {
		m.CaseID = &memo.CaseID{ID: fm.CaseID, System: fm.CaseSystem}
	}
	if c := fm.KLE; c != nil {
		m.KLE = &memo.Classification{Key: c.Key, Version: c.Version, ActivityFacet: c.ActivityFacet, Label: c.Label}
	}
	if c := fm.FORM; c != nil {
		m.FORM = &memo.Classification{Key: c.Key, Version: c.Version, ActivityFacet: c.ActivityFacet, Label: c.Label}
	}
	for _, a := range fm.Actions {
		m.Main.Actions = append(m.Main.Actions, memo.Action{Label: a.Label, Code: a.Code, URL: a.URL, Start: a.Start, End: a.End})
	}
	return m
}

func docPointers(ds []memo.Document) []*memo.Document {
	out := make([]*memo.Document, len(ds))
	for i := range ds {
		out[i] = &ds[i]
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkMemo refuses, naming the submission's fields, whatever Digital Post would reject of the
// letter's MeMo message: a nil error means the message built at render time will be valid.
func (o Options) checkMemo(b *templates.Bundle, m *memo.Message, atts []Attachment) error {
	// Check wants a reader for each file; the content itself is not checked (render makes it).
	for _, d := range append([]*memo.Document{&m.Main}, docPointers(m.Additional)...) {
		for i := range d.Files {
			if d.Files[i].Content == nil {
				d.Files[i].Content = strings.NewReader("")
			}
		}
	}
	err := m.Check()
	if err == nil {
		return nil
	}
	me, ok := err.(*memo.Error)
	if !ok {
		return err
	}
	firstAttachment := len(m.Additional) - len(atts)
	se := &SubmissionError{}
	for _, p := range me.Problems {
		se.Problems = append(se.Problems, submissionProblem(b, p, firstAttachment))
	}
	return se
}

var (
	additionalField = regexp.MustCompile(`^additional\[(\d+)\]\.files\[\d+\]\.(\w+)$`)
	camelHump       = regexp.MustCompile(`([a-z])([A-Z])`)
)

// submissionProblem names a MeMo problem by the submission field it comes from: the recipient,
// an attachment, or (through the template's memo front matter) the case data or the template.
func submissionProblem(b *templates.Bundle, p memo.Problem, firstAttachment int) Problem {
	f := p.Field
	switch {
	case f == "recipient.id":
		return Problem{Path: "/recipient/id", Message: "Digital Post: " + p.Message}
	case f == "recipient.label":
		return Problem{Path: "/recipient/name", Message: "Digital Post: " + p.Message}
	case strings.HasPrefix(f, "sender."):
		return Problem{Path: "/template", Message: "the tenant's Digital Post sender is misconfigured (" + f + ": " + p.Message + "); tell the operator"}
	}
	if m := additionalField.FindStringSubmatch(f); m != nil {
		if i, _ := strconv.Atoi(m[1]); i >= firstAttachment {
			field := m[2]
			if field == "mimeType" {
				field = "mime_type"
			}
			return Problem{Path: fmt.Sprintf("/attachments/%d/%s", i-firstAttachment, field), Message: "Digital Post: " + p.Message}
		}
	}
	// A memo field of the template: name the data it reads when it reads one field.
	tf := strings.TrimPrefix(f, "main.")
	tf = strings.ToLower(camelHump.ReplaceAllString(tf, "${1}_${2}"))
	tf = strings.NewReplacer("kle.key", "kle.subject_key", "form.key", "form.task_key", "case_id.id", "case_id", "case_id.system", "case_system", "caseid.id", "case_id", "caseid.system", "case_system").Replace(tf)
	if pos, paths, ok := b.MemoSource(tf); ok {
		if len(paths) == 1 && !strings.Contains(paths[0], "*") {
			return Problem{Path: "/data" + paths[0], Message: fmt.Sprintf("Digital Post: memo %s (set at %s from this field): %s", tf, pos, p.Message)}
		}
		return Problem{Path: "/template", Message: fmt.Sprintf("Digital Post: memo %s (set at %s): %s", tf, pos, p.Message)}
	}
	return Problem{Path: "/template", Message: fmt.Sprintf("Digital Post: memo %s: %s", tf, p.Message)}
}

// storeSealed writes a blob through the streaming seal: write is given the plaintext writer. It
// returns the plaintext's size and hex SHA-256.
func (o Options) storeSealed(ctx context.Context, tenant, id, format string, write func(io.Writer) error) (int64, string, error) {
	w, err := o.Documents.Create(ctx, tenant, id, format)
	if err != nil {
		return 0, "", err
	}
	sw, err := sealed.NewWriter(o.Key, w, sealAD(id, format))
	if err != nil {
		w.Abort()
		return 0, "", err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(sw, h)}
	if err := write(cw); err != nil {
		w.Abort()
		return 0, "", err
	}
	if err := sw.Close(); err != nil {
		w.Abort()
		return 0, "", err
	}
	if _, _, err := w.Close(); err != nil {
		return 0, "", err
	}
	return cw.n, hex.EncodeToString(h.Sum(nil)), nil
}

// openSealed reads back a blob stored with storeSealed.
func (o Options) openSealed(ctx context.Context, tenant, id, format string) (io.ReadCloser, error) {
	rc, err := o.Documents.Open(ctx, tenant, id, format)
	if err != nil {
		return nil, err
	}
	r, err := sealed.NewReader(o.Key, rc, sealAD(id, format))
	if err != nil {
		rc.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{r, rc}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// buildMemo writes the letter's MeMo message, with the rendered documents and the stored
// attachments as content, into the document store (sealed), and describes it.
func (s *Server) buildMemo(ctx context.Context, b *templates.Bundle, fm *templates.Memo, l *Letter, p *renderPayload, docs map[string][]byte) (*MemoInfo, error) {
	m := s.o.memoMessage(b, fm, l, p.Recipient, p.Attachments)
	m.Main.Files[0].Content = bytes.NewReader(docs["pdf"])
	next := 0
	if s.o.Tenants[l.Tenant].MemoDOCX && containsString(l.Formats, "docx") {
		m.Additional[0].Files[0].Content = bytes.NewReader(docs["docx"])
		next = 1
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for i := range p.Attachments {
		rc, err := s.o.openSealed(ctx, l.Tenant, l.ID, attachmentFormat(i))
		if err != nil {
			return nil, fmt.Errorf("read attachment %d: %w", i, err)
		}
		closers = append(closers, rc)
		m.Additional[next+i].Files[0].Content = rc
	}
	n, sum, err := s.o.storeSealed(ctx, l.Tenant, l.ID, memoFormat, func(w io.Writer) error {
		_, err := m.Write(w)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store MeMo message: %w", err)
	}
	return &MemoInfo{Version: m.Version, Bytes: n, SHA256: sum}, nil
}
