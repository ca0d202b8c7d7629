package memo_test

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery/memo"
)

// problemFields returns the Field of each problem in err, which must be nil or a *memo.Error.
func problemFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var me *memo.Error
	if !errors.As(err, &me) {
		t.Fatalf("Check returned %T (%v), want *memo.Error", err, err)
	}
	if len(me.Problems) == 0 {
		t.Fatal("Check returned a *memo.Error without problems")
	}
	fields := make([]string, len(me.Problems))
	for i, p := range me.Problems {
		fields[i] = p.Field
		if p.Message == "" {
			t.Errorf("problem %s has no message", p.Field)
		}
	}
	return fields
}

func TestCheck(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		change func(m *memo.Message)
		want   []string // problem fields; nil: Check accepts the message
	}{
		{"minimal is valid", func(m *memo.Message) {}, nil},
		{"upper-case uuid is valid", func(m *memo.Message) { m.UUID = strings.ToUpper(testUUID) }, nil},
		{"cvr recipient is valid", func(m *memo.Message) { m.Recipient.ID = recipientCVR }, nil},
		{"label of 256 emoji is valid", func(m *memo.Message) { m.Label = strings.Repeat("👍", 256) }, nil},
		{"version 1.2 is valid", func(m *memo.Message) { m.Version = memo.V12 }, nil},

		{"label of 300 characters", func(m *memo.Message) { m.Label = strings.Repeat("x", 300) }, []string{"label"}},
		{"label of 257 two-byte characters", func(m *memo.Message) { m.Label = strings.Repeat("ø", 257) }, []string{"label"}},
		{"empty label", func(m *memo.Message) { m.Label = "" }, []string{"label"}},
		{"blank label", func(m *memo.Message) { m.Label = " \t\n" }, []string{"label"}},
		{"U+0008 in label", func(m *memo.Message) { m.Label = "Afgørelse\bx" }, []string{"label"}},
		{"U+FFFE in label", func(m *memo.Message) { m.Label = "a\uFFFEb" }, []string{"label"}},
		{"U+0000 in label", func(m *memo.Message) { m.Label = "a\x00b" }, []string{"label"}},
		{"notification of 151", func(m *memo.Message) { m.Notification = strings.Repeat("n", 151) }, []string{"notification"}},
		{"invalid UTF-8 in notification", func(m *memo.Message) { m.Notification = "abc\xffdef" }, []string{"notification"}},
		{"additional notification of 257", func(m *memo.Message) { m.AdditionalNotification = strings.Repeat("a", 257) }, []string{"additionalNotification"}},
		{"message id of 257", func(m *memo.Message) { m.MessageID = strings.Repeat("1", 257) }, []string{"messageID"}},
		{"U+000C in post type", func(m *memo.Message) { m.PostType = "MYNDIGHEDS\fPOST" }, []string{"postType"}},
		{"bad uuid", func(m *memo.Message) { m.UUID = "not-a-uuid" }, []string{"uuid"}},
		{"version 1 uuid", func(m *memo.Message) { m.UUID = "3f0c8a52-6d2e-1b1a-9c3e-5d7f8a9b0c1d" }, []string{"uuid"}},
		{"wrong uuid variant", func(m *memo.Message) { m.UUID = "3f0c8a52-6d2e-4b1a-cc3e-5d7f8a9b0c1d" }, []string{"uuid"}},
		{"uuid in braces", func(m *memo.Message) { m.UUID = "{" + testUUID + "}" }, []string{"uuid"}},
		{"empty uuid", func(m *memo.Message) { m.UUID = "" }, []string{"uuid"}},
		{"unknown version", func(m *memo.Message) { m.Version = "2.0" }, []string{"version"}},

		{"sender cvr failing modulus 11", func(m *memo.Message) { m.Sender.ID = badCVR }, []string{"sender.id"}},
		{"sender id of 7 digits", func(m *memo.Message) { m.Sender.ID = "3405117" }, []string{"sender.id"}},
		{"sender without label", func(m *memo.Message) { m.Sender.Label = "" }, []string{"sender.label"}},
		{"contact point without id", func(m *memo.Message) { m.Sender.ContactPoint = &memo.ContactPoint{Label: "x"} }, []string{"sender.contactPoint.id"}},
		{"9-digit CPR", func(m *memo.Message) { m.Recipient.ID = "010170123" }, []string{"recipient.id"}},
		{"CPR with a dash", func(m *memo.Message) { m.Recipient.ID = "010170-1234" }, []string{"recipient.id"}},
		{"recipient CVR failing modulus 11", func(m *memo.Message) { m.Recipient.ID = badCVR }, []string{"recipient.id"}},
		{"empty recipient", func(m *memo.Message) { m.Recipient.ID = "" }, []string{"recipient.id"}},
		{"full-width digits", func(m *memo.Message) { m.Recipient.ID = "０１０１７０１２３４" }, []string{"recipient.id"}},
		{"recipient label of 257", func(m *memo.Message) { m.Recipient.Label = strings.Repeat("J", 257) }, []string{"recipient.label"}},

		{"case id without system", func(m *memo.Message) { m.CaseID = &memo.CaseID{ID: "1"} }, []string{"caseID.system"}},
		{"empty case id", func(m *memo.Message) { m.CaseID = &memo.CaseID{} }, []string{"caseID.id", "caseID.system"}},
		{"KLE without key", func(m *memo.Message) {
			m.KLE = &memo.Classification{Version: "v", Label: "l"}
		}, []string{"kle.key"}},
		{"FORM without version and label", func(m *memo.Message) {
			m.FORM = &memo.Classification{Key: "k"}
		}, []string{"form.version", "form.label"}},
		{"zero created", func(m *memo.Message) { m.Created = time.Time{} }, []string{"created"}},
		{"created in year 10000", func(m *memo.Message) { m.Created = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{"created"}},

		{"empty main", func(m *memo.Message) { m.Main.Files = nil }, []string{"main.files"}},
		{"additional without files", func(m *memo.Message) {
			m.Additional = []memo.Document{{Label: "x"}}
		}, []string{"additional[0].files"}},
		{"filename with colon", func(m *memo.Message) { m.Main.Files[0].Filename = "brev:1.pdf" }, []string{"main.files[0].filename"}},
		{"filename with U+00A0", func(m *memo.Message) { m.Main.Files[0].Filename = "brev\u00a01.pdf" }, []string{"main.files[0].filename"}},
		{"filename with U+200B", func(m *memo.Message) { m.Main.Files[0].Filename = "brev\u200b.pdf" }, []string{"main.files[0].filename"}},
		{"filename with right-to-left override", func(m *memo.Message) { m.Main.Files[0].Filename = "brev\u202efdp.exe" }, []string{"main.files[0].filename"}},
		{"filename with slash", func(m *memo.Message) { m.Main.Files[0].Filename = "a/b.pdf" }, []string{"main.files[0].filename"}},
		{"filename with tab", func(m *memo.Message) { m.Main.Files[0].Filename = "a\tb.pdf" }, []string{"main.files[0].filename"}},
		{"filename ending in a dot", func(m *memo.Message) { m.Main.Files[0].Filename = "brev." }, []string{"main.files[0].filename"}},
		{"filename of dots", func(m *memo.Message) { m.Main.Files[0].Filename = ".." }, []string{"main.files[0].filename"}},
		{"empty filename", func(m *memo.Message) { m.Main.Files[0].Filename = "" }, []string{"main.files[0].filename"}},
		{"filename of 257", func(m *memo.Message) { m.Main.Files[0].Filename = strings.Repeat("a", 253) + ".pdf" }, []string{"main.files[0].filename"}},
		{"empty mime type", func(m *memo.Message) { m.Main.Files[0].MimeType = "" }, []string{"main.files[0].mimeType"}},
		{"mime type without subtype", func(m *memo.Message) { m.Main.Files[0].MimeType = "pdf" }, []string{"main.files[0].mimeType"}},
		{"language da-DK", func(m *memo.Message) { m.Main.Files[0].Language = "da-DK" }, []string{"main.files[0].language"}},
		{"language DA", func(m *memo.Message) { m.Main.Files[0].Language = "DA" }, []string{"main.files[0].language"}},
		{"empty language", func(m *memo.Message) { m.Main.Files[0].Language = "" }, []string{"main.files[0].language"}},
		{"language of additional document", func(m *memo.Message) {
			m.Additional = []memo.Document{
				{Files: []memo.File{{Filename: "a.pdf", MimeType: pdfMIME, Language: "da", Content: bytes.NewReader(nil)}}},
				{Files: []memo.File{{Filename: "b.pdf", MimeType: pdfMIME, Language: "da-DK", Content: bytes.NewReader(nil)}}},
			}
		}, []string{"additional[1].files[0].language"}},
		{"nil content", func(m *memo.Message) { m.Main.Files[0].Content = nil }, []string{"main.files[0].content"}},

		{"http action url", func(m *memo.Message) {
			m.Main.Actions = []memo.Action{{Label: "l", Code: "INFORMATION", URL: "http://borger.dk"}}
		}, []string{"main.actions[0].url"}},
		{"action without label, code and url", func(m *memo.Message) {
			m.Main.Actions = []memo.Action{{}}
		}, []string{"main.actions[0].label", "main.actions[0].code", "main.actions[0].url"}},
		{"action ending before it starts", func(m *memo.Message) {
			m.Main.Actions = []memo.Action{{Label: "l", Code: "AFTALE", URL: "https://a.dk", Start: start, End: start.Add(-time.Second)}}
		}, []string{"main.actions[0].end"}},
		{"second action of an additional document", func(m *memo.Message) {
			m.Additional = []memo.Document{{Files: m.Main.Files, Actions: []memo.Action{
				{Label: "l", Code: "INFORMATION", URL: "https://a.dk"},
				{Label: "l", Code: "INFORMATION", URL: "https://a.dk/x y"},
			}}}
		}, []string{"additional[0].actions[1].url"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := minimalMessage()
			tc.change(m)
			got := problemFields(t, m.Check())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problem fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckListsEveryProblem breaks many rules at once and wants each reported, in field order,
// with messages that never quote the recipient's data.
func TestCheckListsEveryProblem(t *testing.T) {
	m := fullMessage()
	m.UUID = "x"
	m.Label = strings.Repeat("x", 300)
	m.Notification = strings.Repeat("n", 151)
	m.Sender.ID = badCVR
	m.Recipient.ID = "010170123"
	m.Recipient.Label = "Jens\x01Hansen"
	m.Main.Files[0].Filename = "a:b.pdf"
	m.Main.Files[1].Language = "da-DK"
	m.Main.Actions[1].URL = "http://borger.dk"
	m.Additional[2].Files = nil
	m.KLE.Key = ""
	want := []string{"uuid", "label", "notification", "sender.id", "recipient.id", "recipient.label", "kle.key",
		"main.files[0].filename", "main.files[1].language", "main.actions[1].url", "additional[2].files"}
	err := m.Check()
	if diff := cmp.Diff(want, problemFields(t, err)); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s", diff)
	}
	msg := err.Error()
	for _, personal := range []string{m.Recipient.ID, "Jens", "Hansen"} {
		if strings.Contains(msg, personal) {
			t.Errorf("the error quotes personal data %q: %s", personal, msg)
		}
	}
	if !strings.Contains(msg, "(11 problems)") || !strings.Contains(msg, "notification: is 151 characters long; at most 150") {
		t.Errorf("error message does not list the problems: %s", msg)
	}

	var buf bytes.Buffer
	n, werr := m.Write(&buf)
	if n != 0 || buf.Len() != 0 {
		t.Errorf("Write of an invalid message wrote %d bytes (returned %d); want none", buf.Len(), n)
	}
	var me *memo.Error
	if !errors.As(werr, &me) || werr.Error() != msg {
		t.Errorf("Write error = %v, want Check's error %v", werr, msg)
	}
}

// TestProblemMessages pins the wording of a few problems: what is wrong, what is allowed, and
// the offending character as U+XXXX.
func TestProblemMessages(t *testing.T) {
	m := minimalMessage()
	m.Label = "ab\bc"
	m.Main.Files[0].Filename = "brev\u00a0.pdf"
	m.Recipient.ID = badCVR
	var me *memo.Error
	if !errors.As(m.Check(), &me) {
		t.Fatal("Check accepted the message")
	}
	want := []memo.Problem{
		{"label", "contains U+0008 at character 3, which XML 1.0 does not allow; remove it"},
		{"recipient.id", "is 8 digits but fails the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1); check the number for a typing error"},
		{"main.files[0].filename", "contains U+00A0 at character 5, a space or invisible character file names may not hold; use an ordinary space (U+0020) or none"},
	}
	if diff := cmp.Diff(want, me.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestValidCPR(t *testing.T) {
	for s, want := range map[string]bool{
		"0101701234": true, "2211771212": true, "0000000000": true,
		"010170123": false, "01017012345": false, "010170-123": false, "": false, "０１０１７０１２３": false, "01017O1234": false,
	} {
		if got := memo.ValidCPR(s); got != want {
			t.Errorf("ValidCPR(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValidCVR(t *testing.T) {
	for s, want := range map[string]bool{
		senderCVR: true, recipientCVR: true, "25052943": true, "12345682": true,
		badCVR: false, "34051179": false, "3405117": false, "340511788": false, "3405117a": false, "": false,
	} {
		if got := memo.ValidCVR(s); got != want {
			t.Errorf("ValidCVR(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCheckFilename(t *testing.T) {
	for _, ok := range []string{"brev.pdf", "Afgørelse om boligstøtte.pdf", "日本語.docx", "a b.c", ".hidden", "🏠.pdf",
		strings.Repeat("é", 256), "name (1) [2] {3} #4 %5 &6 'x'.pdf"} {
		if err := memo.CheckFilename(ok); err != nil {
			t.Errorf("CheckFilename(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("é", 257), "a<b", "a>b", "a:b", `a"b`, "a/b", `a\b`, "a|b", "a?b", "a*b",
		"a\x7fb", "a\u0085b", "a\u00a0b", "a\u2003b", "a\u3000b", "a\u200bb", "a\u200cb", "a\u200db", "a\u2060b", "a\ufeffb",
		"a\u00adb", "a\u2028b", ".", "...", " . ", "brev.pdf ", "brev.pdf.", "a\x00b", "a\xffb", "a\ufffeb"} {
		if err := memo.CheckFilename(bad); err == nil {
			t.Errorf("CheckFilename(%q) = nil, want an error", bad)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, ok := range []string{"https://borger.dk", "HTTPS://borger.dk/a?b=c&d=e#f", "https://www.tusindfryd.dk/spørgeskema.html",
		"https://a.dk:8443/x", "https://æøå.dk/", "https://a.dk/p:a@b;c=d?q=/?x#f/?:@", "https://a.dk/%20x", "https://a.dk?x", "https://a.dk#f", "https://e.dk/" + strings.Repeat("a", 243)} {
		if err := memo.CheckURL(ok); err != nil {
			t.Errorf("CheckURL(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "http://borger.dk", "ftp://borger.dk", "https://", "https:///path", "https:borger.dk",
		"borger.dk", "https://a.dk/x y", "https://a.dk/\tx", "https://a.dk/<x>", `https://a.dk/"x"`, "https://a.dk/%zz",
		"https://a.dk/%", "https://a.dk/\u00a0", "https://a.dk/\x00", "https://e.dk/" + strings.Repeat("a", 244),
		"javascript:alert(1)//https://x", "https://[::1]:8443/x", "https://borger.dk@evil.example", "https://0:", "https://a.dk:x",
		"https://a.dk:99999", "https://a.dk:+80", "https://a.dk:80:80", "https://a.dk/#a#b", "https://a.dk/[x]", "https://a%41.dk", "https://a!.dk"} {
		if err := memo.CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) = nil, want an error", bad)
		}
	}
}

// TestCheckMessages pins the messages that name a rule more precisely than a neighbouring rule
// would.
func TestCheckMessages(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{memo.CheckFilename(".."), "file name consists only of dots and spaces"},
		{memo.CheckFilename("brev. "), "file name ends in a space or a dot"},
		{memo.CheckURL("https://borger.dk@evil.example/"), "URL has a user name before the host"},
		{memo.CheckURL("https://a.dk:"), "URL has a : after the host that is not followed by a port number"},
		{memo.CheckURL("http://a.dk"), "URL does not start with https://"},
		{memo.CheckText("ab\x0b", 10), "text contains U+000B at character 3"},
		{memo.CheckText("abc", 2), "text is 3 characters long; at most 2 are allowed"},
	} {
		if tc.err == nil || !strings.HasPrefix(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want one starting %q", tc.err, tc.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		s    string
		max  int
		want bool
	}{
		{"", 0, true}, {"abc", 3, true}, {"abcd", 3, false}, {"ææø", 3, true}, {"👍👍👍", 3, true}, {"👍👍👍👍", 3, false},
		{"a\tb\nc\rd", 10, true}, {"<&\"'>", 5, true}, {"\ufffd", 1, true},
		{"a\x08", 10, false}, {"a\x0b", 10, false}, {"a\x0c", 10, false}, {"a\x1f", 10, false}, {"a\x00", 10, false},
		{"a\uffff", 10, false}, {"a\ufffe", 10, false}, {"a\xc3", 10, false}, {"\xed\xa0\x80", 10, false},
	} {
		if got := memo.CheckText(tc.s, tc.max) == nil; got != tc.want {
			t.Errorf("CheckText(%q, %d) == nil is %v, want %v", tc.s, tc.max, got, tc.want)
		}
	}
}

func TestNewUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		u := memo.NewUUID()
		if !re.MatchString(u) {
			t.Fatalf("NewUUID() = %q, not a lower-case version 4 UUID", u)
		}
		if seen[u] {
			t.Fatalf("NewUUID() returned %q twice", u)
		}
		seen[u] = true
		m := minimalMessage()
		m.UUID = u
		if err := m.Check(); err != nil {
			t.Fatalf("Check rejects NewUUID's %q: %v", u, err)
		}
	}
}

func TestMimeType(t *testing.T) {
	for format, want := range map[string]string{"pdf": pdfMIME, "PDF": pdfMIME, ".pdf": pdfMIME, "docx": docxMIME, "odt": "", "": ""} {
		if got := memo.MimeType(format); got != want {
			t.Errorf("MimeType(%q) = %q, want %q", format, got, want)
		}
	}
}
