package memo_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postbud/postbud/delivery/memo"
)

// Identifiers used throughout the tests. The CVR numbers pass modulus 11; the CPR number is a
// made-up one of the kind used in examples.
const (
	testUUID      = "3f0c8a52-6d2e-4b1a-9c3e-5d7f8a9b0c1d"
	senderCVR     = "34051178" // 3*2+4*7+0*6+5*5+1*4+1*3+7*2+8*1 = 88 = 8*11
	recipientCVR  = "12345674" // 106 + 4 = 110 = 10*11
	recipientCPR  = "0101701234"
	badCVR        = "12345678" // weighted sum 114, not a multiple of 11
	contactPoint  = "241d39f6-998e-4929-b198-ccacbbf4b330"
	specials      = `<tag attr="x"> & 'quote' ]]> &amp;`
	emoji         = "🏠📬✉️👍🏽"
	nonLatin      = "Ελληνικά Українська 日本語 العربية ᐃᓄᒃᑎᑐᑦ"
	danish        = "Afgørelse om boligstøtte – Århus"
	pdfMIME       = "application/pdf"
	docxMIME      = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	memoNamespace = "https://DigitalPost.dk/MeMo-1"
)

// payload returns n pseudo-random bytes, the same for the same seed.
func payload(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// minimalMessage is a message with only what MeMo requires.
func minimalMessage() *memo.Message {
	return &memo.Message{
		UUID:      testUUID,
		Label:     "Pladsanvisning",
		Sender:    memo.Sender{ID: senderCVR, Label: "Kommunen"},
		Recipient: memo.Recipient{ID: recipientCPR},
		Created:   time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		Main: memo.Document{Files: []memo.File{{
			Filename: "brev.pdf", MimeType: pdfMIME, Language: "da",
			Content: strings.NewReader("%PDF-1.7 minimal"),
		}}},
	}
}

// fullMessage is a message with every field this package writes, several documents, actions
// with and without times, and text full of XML specials, emoji and non-Latin letters. Each call
// returns fresh content readers.
func fullMessage() *memo.Message {
	return &memo.Message{
		UUID:                   strings.ToUpper(testUUID), // the pattern allows upper case; it is written lower case
		MessageID:              "01JD3YQ2Z8 " + specials,
		Label:                  danish + " " + specials + " " + emoji,
		Notification:           "Du har fået post fra Kommunen " + emoji,
		AdditionalNotification: "Se brevet i din digitale postkasse: " + nonLatin + " " + specials,
		Mandatory:              true,
		LegalNotification:      true,
		PostType:               "MYNDIGHEDSPOST",
		Sender: memo.Sender{ID: senderCVR, Label: "Kommunen, Borgerservice & Ydelse",
			ContactPoint: &memo.ContactPoint{ID: contactPoint, Label: "Pladsanvisningen <Øst>"}},
		Recipient: memo.Recipient{ID: recipientCPR, Label: "Jens Hansen-Ødegård 'Jr.' " + nonLatin},
		CaseID:    &memo.CaseID{ID: "SAG-2026/0042 & co", System: "Sagssystem \"Nova\""},
		KLE:       &memo.Classification{Key: "27.24.00", Version: "Maj 2018", ActivityFacet: "G01", Label: "Boligstøtte <i alt>"},
		FORM:      &memo.Classification{Key: "27.24.00.00", Version: "Opgavenøglen v2.12", Label: "Boligstøtte " + emoji},
		Created:   time.Date(2026, 3, 1, 10, 30, 15, 987654321, time.FixedZone("CET", 3600)),
		Main: memo.Document{
			ID:    "main-1",
			Label: "Afgørelse " + specials,
			Files: []memo.File{
				{Filename: "Afgørelse & 'bilag' " + emoji + " 日本.pdf", MimeType: pdfMIME, Language: "da", Content: bytes.NewReader(payload(1, 4096))},
				{Filename: "Afgørelse.docx", MimeType: docxMIME, Language: "en", Content: bytes.NewReader(payload(2, 1000))},
			},
			Actions: []memo.Action{
				{Label: "Klag over afgørelsen & få svar", Code: "SELVBETJENING", URL: "https://www.borger.dk/klage?sag=42&type='a'",
					Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
				{Label: "Læs mere", Code: "INFORMATION", URL: "https://www.tusindfryd.dk/spørgeskema.html"},
				{Label: "Betal", Code: "BETALING", URL: "https://betal.example.dk/", Start: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
			},
		},
		Additional: []memo.Document{
			{ID: "bilag-1", Label: "Klagevejledning", Files: []memo.File{
				{Filename: "klagevejledning.pdf", MimeType: pdfMIME, Language: "da", Content: bytes.NewReader(payload(3, 10))},
				{Filename: "complaints.pdf", MimeType: pdfMIME, Language: "en", Content: bytes.NewReader(nil)},
			}, Actions: []memo.Action{
				{Label: "Aftale", Code: "AFTALE", URL: "https://tid.example.dk/book", End: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)},
			}},
			{Files: []memo.File{
				{Filename: nonLatin + ".pdf", MimeType: pdfMIME, Language: "el", Content: bytes.NewReader(payload(4, 3))},
			}},
			{Label: "Beregning", Files: []memo.File{
				{Filename: "beregning.pdf", MimeType: pdfMIME, Language: "kl", Content: bytes.NewReader(payload(5, 2))},
			}},
		},
	}
}

// write writes m and fails the test on an error or a byte count that does not match.
func write(t testing.TB, m *memo.Message) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := m.Write(&buf)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("Write returned %d bytes written, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

// The decoded form of what Write produces, element by element, with namespaces.
type (
	xMessage struct {
		XMLName        xml.Name `xml:"https://DigitalPost.dk/MeMo-1 Message"`
		MemoVersion    string   `xml:"memoVersion,attr"`
		MemoSchVersion string   `xml:"memoSchVersion,attr"`
		Header         xHeader  `xml:"https://DigitalPost.dk/MeMo-1 MessageHeader"`
		Body           xBody    `xml:"https://DigitalPost.dk/MeMo-1 MessageBody"`
	}
	xHeader struct {
		MessageType            string        `xml:"https://DigitalPost.dk/MeMo-1 messageType"`
		MessageUUID            string        `xml:"https://DigitalPost.dk/MeMo-1 messageUUID"`
		MessageID              string        `xml:"https://DigitalPost.dk/MeMo-1 messageID"`
		Label                  string        `xml:"https://DigitalPost.dk/MeMo-1 label"`
		Notification           string        `xml:"https://DigitalPost.dk/MeMo-1 notification"`
		AdditionalNotification string        `xml:"https://DigitalPost.dk/MeMo-1 additionalNotification"`
		Mandatory              bool          `xml:"https://DigitalPost.dk/MeMo-1 mandatory"`
		LegalNotification      bool          `xml:"https://DigitalPost.dk/MeMo-1 legalNotification"`
		PostType               string        `xml:"https://DigitalPost.dk/MeMo-1 postType"`
		Sender                 xParty        `xml:"https://DigitalPost.dk/MeMo-1 Sender"`
		Recipient              xParty        `xml:"https://DigitalPost.dk/MeMo-1 Recipient"`
		ContentData            *xContentData `xml:"https://DigitalPost.dk/MeMo-1 ContentData"`
	}
	xParty struct {
		SenderID     string `xml:"https://DigitalPost.dk/MeMo-1 senderID"`
		RecipientID  string `xml:"https://DigitalPost.dk/MeMo-1 recipientID"`
		IDType       string `xml:"https://DigitalPost.dk/MeMo-1 idType"`
		Label        string `xml:"https://DigitalPost.dk/MeMo-1 label"`
		ContactPoint *struct {
			ID    string `xml:"https://DigitalPost.dk/MeMo-1 contactPointID"`
			Label string `xml:"https://DigitalPost.dk/MeMo-1 label"`
		} `xml:"https://DigitalPost.dk/MeMo-1 ContactPoint"`
	}
	xContentData struct {
		CaseID *struct {
			ID     string `xml:"https://DigitalPost.dk/MeMo-1 caseID"`
			System string `xml:"https://DigitalPost.dk/MeMo-1 caseSystem"`
		} `xml:"https://DigitalPost.dk/MeMo-1 CaseID"`
		KLE *struct {
			Key           string `xml:"http://kle-online.dk/ subjectKey"`
			Version       string `xml:"http://kle-online.dk/ version"`
			ActivityFacet string `xml:"http://kle-online.dk/ activityFacet"`
			Label         string `xml:"http://kle-online.dk/ label"`
		} `xml:"http://kle-online.dk/ KLEdata"`
		FORM *struct {
			Key           string `xml:"http://www.form-online.dk/ taskKey"`
			Version       string `xml:"http://www.form-online.dk/ version"`
			ActivityFacet string `xml:"http://www.form-online.dk/ activityFacet"`
			Label         string `xml:"http://www.form-online.dk/ label"`
		} `xml:"http://www.form-online.dk/ FORMdata"`
	}
	xBody struct {
		Created    string      `xml:"https://DigitalPost.dk/MeMo-1 createdDateTime"`
		Main       xDocument   `xml:"https://DigitalPost.dk/MeMo-1 MainDocument"`
		Additional []xDocument `xml:"https://DigitalPost.dk/MeMo-1 AdditionalDocument"`
	}
	xDocument struct {
		MainID       string    `xml:"https://DigitalPost.dk/MeMo-1 mainDocumentID"`
		AdditionalID string    `xml:"https://DigitalPost.dk/MeMo-1 additionalDocumentID"`
		Label        string    `xml:"https://DigitalPost.dk/MeMo-1 label"`
		Files        []xFile   `xml:"https://DigitalPost.dk/MeMo-1 File"`
		Actions      []xAction `xml:"https://DigitalPost.dk/MeMo-1 Action"`
	}
	xFile struct {
		EncodingFormat string `xml:"https://DigitalPost.dk/MeMo-1 encodingFormat"`
		Filename       string `xml:"https://DigitalPost.dk/MeMo-1 filename"`
		Language       string `xml:"https://DigitalPost.dk/MeMo-1 language"`
		Content        string `xml:"https://DigitalPost.dk/MeMo-1 content"`
	}
	xAction struct {
		Label string `xml:"https://DigitalPost.dk/MeMo-1 label"`
		Code  string `xml:"https://DigitalPost.dk/MeMo-1 actionCode"`
		Start string `xml:"https://DigitalPost.dk/MeMo-1 startDateTime"`
		End   string `xml:"https://DigitalPost.dk/MeMo-1 endDateTime"`
		URL   string `xml:"https://DigitalPost.dk/MeMo-1 EntryPoint>url"`
	}
)

// decoded is a written message read back: the Message it describes (File.Content nil) and the
// decoded bytes of each file, main document first.
type decoded struct {
	msg      memo.Message
	contents [][]byte
	// recipientIDType is the idType written for the recipient.
	recipientIDType string
}

// decode parses a written message with encoding/xml and rebuilds the Message it describes.
func decode(t testing.TB, data []byte) decoded {
	t.Helper()
	var x xMessage
	if err := xml.Unmarshal(data, &x); err != nil {
		t.Fatalf("decode the written message: %v", err)
	}
	if x.Header.MessageType != "DIGITALPOST" {
		t.Errorf("messageType = %q, want DIGITALPOST", x.Header.MessageType)
	}
	if x.Header.Sender.IDType != "CVR" {
		t.Errorf("Sender/idType = %q, want CVR", x.Header.Sender.IDType)
	}
	var d decoded
	h := x.Header
	d.msg = memo.Message{
		Version: x.MemoVersion, UUID: h.MessageUUID, MessageID: h.MessageID, Label: h.Label,
		Notification: h.Notification, AdditionalNotification: h.AdditionalNotification,
		Mandatory: h.Mandatory, LegalNotification: h.LegalNotification, PostType: h.PostType,
		Sender:    memo.Sender{ID: h.Sender.SenderID, Label: h.Sender.Label},
		Recipient: memo.Recipient{ID: h.Recipient.RecipientID, Label: h.Recipient.Label},
		Created:   parseTime(t, x.Body.Created),
	}
	d.recipientIDType = h.Recipient.IDType
	if cp := h.Sender.ContactPoint; cp != nil {
		d.msg.Sender.ContactPoint = &memo.ContactPoint{ID: cp.ID, Label: cp.Label}
	}
	if cd := h.ContentData; cd != nil {
		if c := cd.CaseID; c != nil {
			d.msg.CaseID = &memo.CaseID{ID: c.ID, System: c.System}
		}
		if k := cd.KLE; k != nil {
			d.msg.KLE = &memo.Classification{Key: k.Key, Version: k.Version, ActivityFacet: k.ActivityFacet, Label: k.Label}
		}
		if f := cd.FORM; f != nil {
			d.msg.FORM = &memo.Classification{Key: f.Key, Version: f.Version, ActivityFacet: f.ActivityFacet, Label: f.Label}
		}
	}
	doc := func(xd xDocument, id string) memo.Document {
		md := memo.Document{ID: id, Label: xd.Label}
		for _, f := range xd.Files {
			md.Files = append(md.Files, memo.File{Filename: f.Filename, MimeType: f.EncodingFormat, Language: f.Language})
			b, err := base64.StdEncoding.Strict().DecodeString(f.Content)
			if err != nil {
				t.Fatalf("file %q: content is not base64: %v", f.Filename, err)
			}
			d.contents = append(d.contents, b)
		}
		for _, a := range xd.Actions {
			ma := memo.Action{Label: a.Label, Code: a.Code, URL: a.URL}
			if a.Start != "" {
				ma.Start = parseTime(t, a.Start)
			}
			if a.End != "" {
				ma.End = parseTime(t, a.End)
			}
			md.Actions = append(md.Actions, ma)
		}
		return md
	}
	d.msg.Main = doc(x.Body.Main, x.Body.Main.MainID)
	for _, a := range x.Body.Additional {
		d.msg.Additional = append(d.msg.Additional, doc(a, a.AdditionalID))
	}
	return d
}

func parseTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02T15:04:05Z", s)
	if err != nil {
		t.Fatalf("date-time %q is not UTC to the second with Z: %v", s, err)
	}
	return tm
}

// expected returns m as it should come back from decode: version and UUID as written, times in
// UTC to the second, and (separately) each file's bytes, read from m's readers. It consumes them.
func expected(t testing.TB, m *memo.Message) (memo.Message, [][]byte) {
	t.Helper()
	e := *m
	if e.Version == "" {
		e.Version = memo.V11
	}
	e.UUID = strings.ToLower(e.UUID)
	e.Created = e.Created.UTC().Truncate(time.Second)
	var contents [][]byte
	doc := func(d memo.Document) memo.Document {
		d.Files = append([]memo.File(nil), d.Files...)
		for i := range d.Files {
			b, err := io.ReadAll(d.Files[i].Content)
			if err != nil {
				t.Fatal(err)
			}
			contents = append(contents, b)
			d.Files[i].Content = nil
		}
		d.Actions = append([]memo.Action(nil), d.Actions...)
		for i := range d.Actions {
			a := &d.Actions[i]
			if !a.Start.IsZero() {
				a.Start = a.Start.UTC().Truncate(time.Second)
			}
			if !a.End.IsZero() {
				a.End = a.End.UTC().Truncate(time.Second)
			}
		}
		return d
	}
	e.Main = doc(e.Main)
	e.Additional = nil
	for _, a := range m.Additional {
		e.Additional = append(e.Additional, doc(a))
	}
	return e, contents
}

// diffMessages compares two messages, ignoring File.Content (compare contents separately).
func diffMessages(want, got memo.Message) string {
	return cmp.Diff(want, got, cmpopts.IgnoreFields(memo.File{}, "Content"), cmpopts.EquateEmpty())
}
