package memo

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Namespaces the root element declares.
const (
	nsMemo = "https://DigitalPost.dk/MeMo-1"
	nsKLE  = "http://kle-online.dk/"
	nsFORM = "http://www.form-online.dk/"
)

// dateTimeLayout is dt:memoDateTimeType as Write produces it: UTC, whole seconds, Z.
const dateTimeLayout = "2006-01-02T15:04:05Z"

// bufSize is the size of the output buffer and of the buffer content is copied through.
const bufSize = 32 << 10

// writeState is the reusable memory of one Write: the output buffer and the copy buffer.
type writeState struct {
	bw   *bufio.Writer
	copy []byte
	cw   countingWriter
}

var statePool = sync.Pool{New: func() any {
	s := &writeState{copy: make([]byte, bufSize)}
	s.bw = bufio.NewWriterSize(&s.cw, bufSize)
	return s
}}

// countingWriter passes writes on to w and counts the bytes w took.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Write checks the message and, when Check finds nothing wrong, writes it to w as MeMo XML and
// returns the number of bytes written. When Check fails, Write returns its *Error and writes
// nothing.
//
// The XML is UTF-8, indented with tabs, with elements in the order of the MeMo XSD sequences.
// Each file's Content is read once, to the end, and written as base64 while it is read, so memory
// use does not depend on the files' sizes. The output is the same bytes for the same message and
// document bytes. If reading a file or writing to w fails, Write returns the error with the bytes
// written so far; that output is incomplete and must be discarded.
func (m *Message) Write(w io.Writer) (int64, error) {
	if err := m.Check(); err != nil {
		return 0, err
	}
	st := statePool.Get().(*writeState)
	st.cw = countingWriter{w: w} // st.bw writes to &st.cw, empty (see below)
	x := xmlWriter{bw: st.bw, copyBuf: st.copy}
	err := x.message(m)
	if err == nil {
		err = x.bw.Flush()
		if err != nil {
			err = fmt.Errorf("write MeMo message %s: %w", strings.ToLower(m.UUID), err)
		}
	}
	n := st.cw.n
	st.cw = countingWriter{}
	st.bw.Reset(&st.cw) // drop any unflushed bytes (after an error) and the error
	statePool.Put(st)
	return n, err
}

// xmlWriter writes XML into a bufio.Writer. Write errors stick in the bufio.Writer and come out of
// the final Flush; only reading a file's content returns an error early.
type xmlWriter struct {
	bw      *bufio.Writer
	copyBuf []byte
}

const tabs = "\t\t\t\t\t\t\t\t"

func (x *xmlWriter) indent(depth int) {
	x.bw.WriteByte('\n')
	x.bw.WriteString(tabs[:depth])
}

// open writes <name> on a new line at depth.
func (x *xmlWriter) open(depth int, name string) {
	x.indent(depth)
	x.bw.WriteByte('<')
	x.bw.WriteString(name)
	x.bw.WriteByte('>')
}

// close writes </name> on a new line at depth.
func (x *xmlWriter) close(depth int, name string) {
	x.indent(depth)
	x.endTag(name)
}

func (x *xmlWriter) endTag(name string) {
	x.bw.WriteString("</")
	x.bw.WriteString(name)
	x.bw.WriteByte('>')
}

// leaf writes <name>text</name> on a new line at depth, text escaped.
func (x *xmlWriter) leaf(depth int, name, text string) {
	x.open(depth, name)
	x.escape(text)
	x.endTag(name)
}

// optLeaf writes leaf unless text is empty.
func (x *xmlWriter) optLeaf(depth int, name, text string) {
	if text != "" {
		x.leaf(depth, name, text)
	}
}

func (x *xmlWriter) boolLeaf(depth int, name string, v bool) {
	x.leaf(depth, name, strconv.FormatBool(v))
}

func (x *xmlWriter) timeLeaf(depth int, name string, t time.Time) {
	x.open(depth, name)
	x.bw.Write(t.UTC().AppendFormat(x.bw.AvailableBuffer(), dateTimeLayout))
	x.endTag(name)
}

// escape writes s as XML character data. Besides the five specials it escapes tab, newline and
// carriage return as character references, so that a parser gives them back unchanged instead of
// normalising them. s must hold only XML characters (Check makes sure).
func (x *xmlWriter) escape(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		x.bw.WriteString(s[last:i])
		x.bw.WriteString(esc)
		last = i + 1
	}
	x.bw.WriteString(s[last:])
}

func (x *xmlWriter) message(m *Message) error {
	x.bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.bw.WriteString(`<memo:Message xmlns:memo="` + nsMemo + `" xmlns:kle="` + nsKLE + `" xmlns:form="` + nsFORM + `"`)
	if m.Version == V12 {
		x.bw.WriteString(` memoVersion="1.2">`)
	} else {
		x.bw.WriteString(` memoVersion="1.1" memoSchVersion="1.1.0">`)
	}
	x.header(m)
	if err := x.body(m); err != nil {
		return err
	}
	x.bw.WriteString("\n</memo:Message>\n")
	return nil
}

func (x *xmlWriter) header(m *Message) {
	x.open(1, "memo:MessageHeader")
	x.leaf(2, "memo:messageType", "DIGITALPOST")
	x.leaf(2, "memo:messageUUID", strings.ToLower(m.UUID))
	x.optLeaf(2, "memo:messageID", m.MessageID)
	x.leaf(2, "memo:label", m.Label)
	x.optLeaf(2, "memo:notification", m.Notification)
	x.optLeaf(2, "memo:additionalNotification", m.AdditionalNotification)
	x.boolLeaf(2, "memo:mandatory", m.Mandatory)
	x.boolLeaf(2, "memo:legalNotification", m.LegalNotification)
	x.optLeaf(2, "memo:postType", m.PostType)

	x.open(2, "memo:Sender")
	x.leaf(3, "memo:senderID", m.Sender.ID)
	x.leaf(3, "memo:idType", "CVR")
	x.leaf(3, "memo:label", m.Sender.Label)
	if cp := m.Sender.ContactPoint; cp != nil {
		x.open(3, "memo:ContactPoint")
		x.leaf(4, "memo:contactPointID", cp.ID)
		x.optLeaf(4, "memo:label", cp.Label)
		x.close(3, "memo:ContactPoint")
	}
	x.close(2, "memo:Sender")

	x.open(2, "memo:Recipient")
	x.leaf(3, "memo:recipientID", m.Recipient.ID)
	x.leaf(3, "memo:idType", m.Recipient.IDType())
	x.optLeaf(3, "memo:label", m.Recipient.Label)
	x.close(2, "memo:Recipient")

	if m.CaseID != nil || m.KLE != nil || m.FORM != nil {
		x.open(2, "memo:ContentData")
		if c := m.CaseID; c != nil {
			x.open(3, "memo:CaseID")
			x.leaf(4, "memo:caseID", c.ID)
			x.leaf(4, "memo:caseSystem", c.System)
			x.close(3, "memo:CaseID")
		}
		if k := m.KLE; k != nil {
			x.open(3, "kle:KLEdata")
			x.leaf(4, "kle:subjectKey", k.Key)
			x.leaf(4, "kle:version", k.Version)
			x.optLeaf(4, "kle:activityFacet", k.ActivityFacet)
			x.leaf(4, "kle:label", k.Label)
			x.close(3, "kle:KLEdata")
		}
		if f := m.FORM; f != nil {
			x.open(3, "form:FORMdata")
			x.leaf(4, "form:taskKey", f.Key)
			x.leaf(4, "form:version", f.Version)
			x.optLeaf(4, "form:activityFacet", f.ActivityFacet)
			x.leaf(4, "form:label", f.Label)
			x.close(3, "form:FORMdata")
		}
		x.close(2, "memo:ContentData")
	}
	x.close(1, "memo:MessageHeader")
}

func (x *xmlWriter) body(m *Message) error {
	x.open(1, "memo:MessageBody")
	x.timeLeaf(2, "memo:createdDateTime", m.Created)
	if err := x.document("memo:MainDocument", "memo:mainDocumentID", "main", &m.Main); err != nil {
		return err
	}
	for i := range m.Additional {
		field := "additional[" + strconv.Itoa(i) + "]"
		if err := x.document("memo:AdditionalDocument", "memo:additionalDocumentID", field, &m.Additional[i]); err != nil {
			return err
		}
	}
	x.close(1, "memo:MessageBody")
	return nil
}

func (x *xmlWriter) document(elem, idElem, field string, d *Document) error {
	x.open(2, elem)
	x.optLeaf(3, idElem, d.ID)
	x.optLeaf(3, "memo:label", d.Label)
	for i := range d.Files {
		f := &d.Files[i]
		x.open(3, "memo:File")
		x.leaf(4, "memo:encodingFormat", f.MimeType)
		x.leaf(4, "memo:filename", f.Filename)
		x.leaf(4, "memo:language", f.Language)
		x.open(4, "memo:content")
		if err := x.base64(f.Content); err != nil {
			return fmt.Errorf("write MeMo message: %s.files[%d].content: %w", field, i, err)
		}
		x.endTag("memo:content")
		x.close(3, "memo:File")
	}
	for i := range d.Actions {
		a := &d.Actions[i]
		x.open(3, "memo:Action")
		x.leaf(4, "memo:label", a.Label)
		x.leaf(4, "memo:actionCode", a.Code)
		if !a.Start.IsZero() {
			x.timeLeaf(4, "memo:startDateTime", a.Start)
		}
		if !a.End.IsZero() {
			x.timeLeaf(4, "memo:endDateTime", a.End)
		}
		x.open(4, "memo:EntryPoint")
		x.leaf(5, "memo:url", a.URL)
		x.close(4, "memo:EntryPoint")
		x.close(3, "memo:Action")
	}
	x.close(2, elem)
	return nil
}

// base64 streams r to the output as standard base64, on one line. It returns an error reading r
// as "read: ..." and an error writing the output as "write: ...".
func (x *xmlWriter) base64(r io.Reader) error {
	enc := base64.NewEncoder(base64.StdEncoding, x.bw)
	src := &onlyReader{r: r}
	_, err := io.CopyBuffer(enc, src, x.copyBuf)
	if err == nil {
		err = enc.Close()
	}
	switch {
	case src.err != nil:
		return fmt.Errorf("read: %w", src.err)
	case err != nil:
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// onlyReader hides every method of a reader but Read, so that io.CopyBuffer reads through the
// shared copy buffer rather than through a WriteTo that may allocate its own. It keeps the first
// error other than io.EOF that the reader returned.
type onlyReader struct {
	r   io.Reader
	err error
}

func (o *onlyReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if err != nil && err != io.EOF && o.err == nil {
		o.err = err
	}
	return n, err
}
