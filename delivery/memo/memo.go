package memo

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"strings"
	"time"
)

// The MeMo versions Write produces.
const (
	// V11 is MeMo 1.1 (memoVersion="1.1", memoSchVersion="1.1.0"), the version NgDP takes.
	V11 = "1.1"
	// V12 is MeMo 1.2 (memoVersion="1.2", no memoSchVersion).
	V12 = "1.2"
)

// Message is one DIGITALPOST MeMo message. The zero value is not a valid message: Check says what
// is missing.
type Message struct {
	// Version is V11 (also when empty) or V12.
	Version string
	// UUID is the messageUUID: a version 4 UUID (see NewUUID), written in lower case. NgDP
	// deduplicates on it, so a retry must send the same UUID.
	UUID string
	// MessageID is the optional messageID (postbud puts the letter id here), at most 256
	// characters.
	MessageID string
	// Label is the title shown in the recipient's mailbox: required, at most 256 characters.
	Label string
	// Notification is the optional short text of the notification (e-mail, SMS, app), at most 150
	// characters.
	Notification string
	// AdditionalNotification is the optional longer notification text, at most 256 characters.
	AdditionalNotification string
	// Mandatory marks the message as mandatory digital post; LegalNotification as a legal
	// notice ("lovpligtig meddelelse"). Both are always written.
	Mandatory, LegalNotification bool
	// PostType is the optional postType, e.g. "MYNDIGHEDSPOST", at most 256 characters.
	PostType  string
	Sender    Sender
	Recipient Recipient
	// CaseID, KLE and FORM are written, when set, as ContentData/CaseID, kle:KLEdata and
	// form:FORMdata.
	CaseID *CaseID
	KLE    *Classification
	FORM   *Classification
	// Created is MessageBody/createdDateTime: required, written in UTC to the second with a Z.
	Created time.Time
	// Main is the MainDocument: at least one file.
	Main Document
	// Additional are the AdditionalDocuments, written in order; each has at least one file.
	Additional []Document
}

// Sender is the authority that sends the message.
type Sender struct {
	// ID is the sender's CVR number: 8 digits passing modulus 11. Its idType is written "CVR".
	ID string
	// Label is the sender's name as the recipient sees it: required.
	Label string
	// ContactPoint is the optional unit the recipient can reply to.
	ContactPoint *ContactPoint
}

// ContactPoint is a sender's contact point: ID (contactPointID) is required, Label optional.
type ContactPoint struct {
	ID, Label string
}

// Recipient is who the message goes to. Both fields are personal data; Check never quotes them.
type Recipient struct {
	// ID is a CPR number (exactly 10 digits) or a CVR number (8 digits passing modulus 11). The
	// idType, "CPR" or "CVR", follows from it.
	ID string
	// Label is the optional recipient name.
	Label string
}

// IDType is "CPR" for a valid CPR number, "CVR" for a valid CVR number and "" otherwise.
func (r Recipient) IDType() string {
	switch {
	case ValidCPR(r.ID):
		return "CPR"
	case ValidCVR(r.ID):
		return "CVR"
	}
	return ""
}

// CaseID is ContentData/CaseID: the sender's case number (ID) and case system (System), both
// required.
type CaseID struct {
	ID, System string
}

// Classification is a KLE (kle:KLEdata: subjectKey) or FORM (form:FORMdata: taskKey)
// classification. Key, Version and Label are required, ActivityFacet is optional.
type Classification struct {
	Key, Version, ActivityFacet, Label string
}

// Document is a MainDocument or AdditionalDocument: an optional ID and Label, one or more files
// and any number of actions.
type Document struct {
	ID, Label string
	Files     []File
	Actions   []Action
}

// File is one file of a document.
type File struct {
	// Filename is the file's name as the recipient sees it; see CheckFilename.
	Filename string
	// MimeType is the encodingFormat, type/subtype without parameters, e.g. MimeType("pdf").
	MimeType string
	// Language is the file's language: two lower-case letters, e.g. "da".
	Language string
	// Content is the file's bytes. Write reads it once, to the end, and streams it as base64; a
	// Message whose readers are spent writes empty files.
	Content io.Reader
}

// Action is a link the recipient can follow from the document.
type Action struct {
	// Label is the link text; Code the actionCode, e.g. "SELVBETJENING", "INFORMATION",
	// "BETALING", "AFTALE". Both are required.
	Label, Code string
	// URL is the EntryPoint url; see CheckURL.
	URL string
	// Start and End are the optional startDateTime and endDateTime; a zero time is omitted.
	// When both are set End must not be before Start.
	Start, End time.Time
}

// NewUUID returns a random (version 4) UUID in lower case, read from crypto/rand.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails; it crashes the program instead
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}

// MimeType returns the MIME type of a document format postbud renders: "pdf" gives
// application/pdf, "docx" the Word (OOXML) type. The format's case and a leading dot do not
// matter; any other format gives "".
func MimeType(format string) string {
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case "pdf":
		return "application/pdf"
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return ""
}
