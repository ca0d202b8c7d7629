package worker

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/docstore"
	"github.com/postbud/postbud/internal/sealed"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/templates"
)

// caseFormat is the format under which a letter's case record is stored beside its documents.
const caseFormat = "case"

// caseRecord is everything that went into a letter's documents besides its template version: the
// render payload and the settings the render step applied. It is stored sealed (the letter id and
// the format in the additional data, see sealAD) as "<tenant>/<letter id>/case", written with the
// documents, and outlives the letter's record in Redis, so that Rerender can make the letter
// again years later.
type caseRecord struct {
	// V is the record's layout version.
	V               int    `json:"v"`
	Letter          string `json:"letter"`
	Tenant          string `json:"tenant"`
	Template        string `json:"template"`
	TemplateVersion string `json:"template_version"`
	// Language is the language of the letter's text (its bundle's letter in that language).
	Language string    `json:"language,omitempty"`
	Formats  []string  `json:"formats"`
	Created  time.Time `json:"created"`
	// PDFA is the tenant's PDF/A choice the render step applied to a layout that chose none.
	PDFA render.PDFA `json:"pdfa,omitempty"`
	// Memo holds what the MeMo message was built with; nil for a letter without one.
	Memo *caseMemo `json:"memo,omitempty"`
	// Fonts is fontsDigest of the fonts the worker rendered with.
	Fonts string `json:"fonts"`
	// Build is the vcs revision of the worker binary, when it knows it.
	Build string `json:"build,omitempty"`

	Data        json.RawMessage    `json:"data"`
	Recipient   delivery.Recipient `json:"recipient"`
	Attachments []Attachment       `json:"attachments,omitempty"`
}

// caseMemo is what a letter's MeMo message was built with besides the template and the data.
type caseMemo struct {
	UUID    string      `json:"uuid"`
	Version string      `json:"version"` // the default for templates that name none
	Sender  memo.Sender `json:"sender"`
	DOCX    bool        `json:"docx,omitempty"`
}

// caseRecordVersion is caseRecord.V as this code writes it.
const caseRecordVersion = 1

// putCase stores the case record of letter l, rendered from payload p, beside its documents.
func (o Options) putCase(ctx context.Context, l *Letter, p *renderPayload) error {
	fl, err := currentFonts()
	if err != nil {
		return err
	}
	rec := caseRecord{
		V: caseRecordVersion, Letter: l.ID, Tenant: l.Tenant, Template: l.Template, TemplateVersion: l.TemplateVersion,
		Language: l.Language, Formats: l.Formats, Created: l.Created, PDFA: o.Tenants[l.Tenant].PDFA, Fonts: fontsDigest(fl),
		Build: currentBuild().Revision, Data: p.Data, Recipient: p.Recipient, Attachments: p.Attachments,
	}
	if l.MessageUUID != "" {
		t := o.Tenants[l.Tenant]
		rec.Memo = &caseMemo{UUID: l.MessageUUID, Version: o.MemoVersion, Sender: t.Sender, DOCX: t.MemoDOCX}
	}
	plain, err := json.Marshal(&rec)
	if err != nil {
		return fmt.Errorf("store case record: %w", err)
	}
	box, err := sealed.Seal(o.Key, plain, sealAD(l.ID, caseFormat))
	if err != nil {
		return fmt.Errorf("store case record: %w", err)
	}
	if _, err := o.Documents.Put(ctx, l.Tenant, l.ID, caseFormat, box); err != nil {
		return fmt.Errorf("store case record: %w", err)
	}
	return nil
}

// readCase reads and opens the case record of letter id of tenant from store.
func readCase(ctx context.Context, store *docstore.Store, key sealed.Key, tenant, id string) (*caseRecord, error) {
	box, err := store.Get(ctx, tenant, id, caseFormat)
	if errors.Is(err, docstore.ErrNotFound) {
		return nil, fmt.Errorf("letter %s of tenant %s has no case record in %s (not rendered yet, rendered before postbud kept case records, or another tenant's or store's letter): %w", id, tenant, store.URL(), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read the case record of letter %s: %w", id, err)
	}
	plain, err := sealed.Open(key, box, sealAD(id, caseFormat))
	if err != nil {
		return nil, fmt.Errorf("open the case record of letter %s (is this the key the worker had?): %w", id, err)
	}
	var rec caseRecord
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, fmt.Errorf("the case record of letter %s is not the expected JSON: %w", id, err)
	}
	if rec.V != caseRecordVersion {
		return nil, fmt.Errorf("the case record of letter %s has layout version %d; this postbud reads version %d", id, rec.V, caseRecordVersion)
	}
	if rec.Letter != id || rec.Tenant != tenant {
		return nil, fmt.Errorf("the case record of letter %s names letter %s of tenant %s", id, rec.Letter, rec.Tenant)
	}
	return &rec, nil
}

// Rerendered is a letter rendered again by Rerender.
type Rerendered struct {
	Letter, Tenant, Template, Version string
	// Language is the language of the letter's text.
	Language string
	// Documents are the documents in the order the letter's formats list them, the MeMo message
	// (format "memo", in clear) last when the letter had one.
	Documents []RerenderedDocument
	// Fonts says how the fonts of this binary differ from those the letter was rendered with
	// (a file changed, new or gone), "" when they are the same: with other fonts a letter need
	// not come out the same.
	Fonts string
	// Kept is the template version's manifest.
	Kept *TemplateVersion
}

// RerenderedDocument is one document made again, with the hash of the one stored for the letter.
type RerenderedDocument struct {
	Format string
	Data   []byte
	SHA256 string
	// StoredSHA256 is the hex SHA-256 of the document stored for the letter (for "memo", of the
	// message in clear), "" when none is stored.
	StoredSHA256 string
}

// Same reports whether the document is byte for byte the one stored.
func (d RerenderedDocument) Same() bool { return d.StoredSHA256 != "" && d.StoredSHA256 == d.SHA256 }

// Rerender renders letter id of tenant again from what store keeps of it: its case record (sealed
// with key) and the template version it was made with, from the template archive, whatever the
// templates are today. It renders every format the letter had, and the MeMo message when it had
// one, and hashes the documents stored for the letter to compare. It needs neither Redis nor the
// templates root. An error wraps ErrNotFound when the letter has no case record, and
// docstore.ErrCorrupt when a file of the template version was changed in the archive.
func Rerender(ctx context.Context, store *docstore.Store, key sealed.Key, tenant, id string) (*Rerendered, error) {
	rec, err := readCase(ctx, store, key, tenant, id)
	if err != nil {
		return nil, err
	}
	b, tv, err := keptBundle(ctx, store, rec.Template, rec.TemplateVersion)
	if errors.Is(err, errNotKept) {
		return nil, fmt.Errorf("render letter %s again: template %s version %s is not in the template archive of %s", id, rec.Template, rec.TemplateVersion, store.URL())
	}
	if err != nil {
		return nil, fmt.Errorf("render letter %s again: %w", id, err)
	}
	if b, err = b.Lang(rec.Language); err != nil {
		return nil, fmt.Errorf("render letter %s again: %w", id, err)
	}
	out := &Rerendered{Letter: id, Tenant: tenant, Template: rec.Template, Version: rec.TemplateVersion, Language: b.Language, Kept: tv}
	if fl, err := currentFonts(); err != nil {
		return nil, err
	} else if fontsDigest(fl) != rec.Fonts {
		out.Fonts = "the fonts differ from those the letter was rendered with"
		if fontsDigest(tv.Fonts) == rec.Fonts {
			if diff, err := fontsDiffer(tv.Fonts); err == nil && diff != "" {
				out.Fonts += ": " + diff
			}
		}
	}
	red := newRedactor(rec.Data, rec.Recipient)
	d, fm, err := b.LetterMemo(rec.Data)
	if err != nil {
		return nil, fmt.Errorf("render letter %s again: %s", id, red.text(err.Error()))
	}
	if d.PDFA == "" {
		d.PDFA = rec.PDFA
	}
	docs := map[string][]byte{}
	for _, f := range rec.Formats {
		data, err := renderFormat(d, f)
		if err != nil {
			return nil, fmt.Errorf("render letter %s again: %s", id, red.text(err.Error()))
		}
		docs[f] = data
		doc := RerenderedDocument{Format: f, Data: data, SHA256: sha256Hex(data)}
		if doc.StoredSHA256, err = storedSHA256(ctx, store, tenant, id, f, nil); err != nil {
			return nil, err
		}
		out.Documents = append(out.Documents, doc)
	}
	if rec.Memo != nil {
		o := Options{Key: key, Documents: store, MemoVersion: rec.Memo.Version,
			Tenants: map[string]Tenant{tenant: {Sender: rec.Memo.Sender, MemoDOCX: rec.Memo.DOCX}}}
		data, err := o.rebuildMemo(ctx, b, fm, rec, docs)
		if err != nil {
			return nil, fmt.Errorf("render letter %s again: MeMo message: %s", id, red.text(err.Error()))
		}
		doc := RerenderedDocument{Format: memoFormat, Data: data, SHA256: sha256Hex(data)}
		if doc.StoredSHA256, err = storedSHA256(ctx, store, tenant, id, memoFormat, &key); err != nil {
			return nil, err
		}
		out.Documents = append(out.Documents, doc)
	}
	return out, nil
}

// rebuildMemo builds the MeMo message of the letter of rec again, as buildMemo did, into memory.
func (o Options) rebuildMemo(ctx context.Context, b *templates.Bundle, fm *templates.Memo, rec *caseRecord, docs map[string][]byte) ([]byte, error) {
	l := &Letter{ID: rec.Letter, Tenant: rec.Tenant, Language: rec.Language, Formats: rec.Formats, Created: rec.Created, MessageUUID: rec.Memo.UUID}
	m := o.memoMessage(b, fm, l, rec.Recipient, rec.Attachments)
	m.Main.Files[0].Content = bytes.NewReader(docs["pdf"])
	next := 0
	if rec.Memo.DOCX && containsString(rec.Formats, "docx") {
		m.Additional[0].Files[0].Content = bytes.NewReader(docs["docx"])
		next = 1
	}
	for i := range rec.Attachments {
		rc, err := o.openSealed(ctx, rec.Tenant, rec.Letter, attachmentFormat(i))
		if err != nil {
			return nil, fmt.Errorf("read attachment %d: %w", i, err)
		}
		defer rc.Close()
		m.Additional[next+i].Files[0].Content = rc
	}
	var buf bytes.Buffer
	if _, err := m.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// storedSHA256 hashes the document stored for a letter in format, opening it with key when it is
// sealed; "" when none is stored.
func storedSHA256(ctx context.Context, store *docstore.Store, tenant, id, format string, key *sealed.Key) (string, error) {
	rc, err := store.Open(ctx, tenant, id, format)
	if errors.Is(err, docstore.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the stored %s of letter %s: %w", format, id, err)
	}
	defer rc.Close()
	var r io.Reader = rc
	if key != nil {
		if r, err = sealed.NewReader(*key, rc, sealAD(id, format)); err != nil {
			return "", fmt.Errorf("open the stored %s of letter %s: %w", format, id, err)
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("read the stored %s of letter %s: %w", format, id, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
