package memo_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/testenv"
)

// validMessages are messages Check accepts, covering every element Write can produce. Each call
// builds them afresh (content readers are read once).
func validMessages() map[string]*memo.Message {
	with := func(base *memo.Message, f func(m *memo.Message)) *memo.Message {
		f(base)
		return base
	}
	return map[string]*memo.Message{
		"minimal": minimalMessage(),
		"full":    fullMessage(),
		"cvr recipient": with(minimalMessage(), func(m *memo.Message) {
			m.Recipient = memo.Recipient{ID: recipientCVR, Label: "Firma ApS & Co"}
		}),
		"only KLE": with(minimalMessage(), func(m *memo.Message) {
			m.KLE = &memo.Classification{Key: "00.00.00", Version: "Maj 2018", Label: "KLE"}
		}),
		"only FORM": with(minimalMessage(), func(m *memo.Message) {
			m.FORM = &memo.Classification{Key: "00.00.00.00", Version: "v2.12", ActivityFacet: "x", Label: "FORM"}
		}),
		"only case id": with(minimalMessage(), func(m *memo.Message) {
			m.CaseID = &memo.CaseID{ID: "1", System: "S"}
		}),
		"contact point without label": with(minimalMessage(), func(m *memo.Message) {
			m.Sender.ContactPoint = &memo.ContactPoint{ID: contactPoint}
		}),
		"limits exactly": with(minimalMessage(), func(m *memo.Message) {
			m.Label = strings.Repeat("🏠", 256) // 256 characters, 1024 bytes
			m.Notification = strings.Repeat("ø", 150)
			m.AdditionalNotification = strings.Repeat("a", 256)
			m.MessageID = strings.Repeat("日", 256)
			m.Main.Files[0].Filename = strings.Repeat("é", 252) + ".pdf"
			m.Main.Actions = []memo.Action{{Label: "x", Code: "INFORMATION", URL: "https://e.dk/" + strings.Repeat("æ", 243)}}
		}),
		"control-like whitespace in text": with(minimalMessage(), func(m *memo.Message) {
			m.Label = "line one\nline two\r\n\ttabbed"
		}),
		"action without times": with(minimalMessage(), func(m *memo.Message) {
			m.Main.Actions = []memo.Action{{Label: "Se mere", Code: "INFORMATION", URL: "https://borger.dk"}}
		}),
		"action with equal start and end": with(minimalMessage(), func(m *memo.Message) {
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			m.Main.Actions = []memo.Action{{Label: "Møde", Code: "AFTALE", URL: "https://borger.dk/a", Start: at, End: at}}
		}),
		"many additional documents": with(minimalMessage(), func(m *memo.Message) {
			for i := range 5 {
				m.Additional = append(m.Additional, memo.Document{
					ID: "bilag", Files: []memo.File{
						{Filename: "a.pdf", MimeType: pdfMIME, Language: "da", Content: bytes.NewReader(payload(uint64(i), 100*i))},
						{Filename: "b.docx", MimeType: docxMIME, Language: "da", Content: bytes.NewReader(payload(uint64(i+10), 7))},
					},
					Actions: []memo.Action{{Label: "l", Code: "INFORMATION", URL: "https://x.dk"}},
				})
			}
		}),
	}
}

// TestWriteValidatesAgainstXSD writes messages covering every element and checks each with the
// real xmllint against the MeMo 1.1 XSD set.
func TestWriteValidatesAgainstXSD(t *testing.T) {
	testenv.Need(t, "xmllint")
	for name, m := range validMessages() {
		t.Run(name, func(t *testing.T) {
			testenv.ValidateMemo(t, write(t, m))
		})
	}
}

// TestSamplesValidate proves the harness accepts valid MeMo: the four official and fixture 1.1
// samples validate with the same command.
func TestSamplesValidate(t *testing.T) {
	testenv.Need(t, "xmllint")
	files, err := filepath.Glob("testdata/v1.1/*.xml")
	if err != nil || len(files) != 4 {
		t.Fatalf("want the four MeMo 1.1 samples in testdata/v1.1, found %v (%v)", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			testenv.ValidateMemo(t, b)
		})
	}
}

// TestBrokenMessagesFailXSD proves the harness can fail: a written message altered to break one
// rule each is rejected by xmllint, and the same message unaltered is not.
func TestBrokenMessagesFailXSD(t *testing.T) {
	testenv.Need(t, "xmllint")
	m := minimalMessage()
	m.Label = strings.Repeat("🏠", 256)
	m.Notification = strings.Repeat("ø", 150)
	good := string(write(t, m))
	if err := testenv.LintMemo(t, []byte(good)); err != nil {
		t.Fatalf("the unaltered message must validate: %v", err)
	}
	swap := func(s, a, b string) string {
		i, j := strings.Index(s, a), strings.Index(s, b)
		if i < 0 || j < 0 || i > j {
			t.Fatalf("cannot swap %q and %q", a, b)
		}
		return s[:i] + b + s[i+len(a):j] + a + s[j+len(b):]
	}
	for name, bad := range map[string]string{
		"label before messageUUID": swap(good, "<memo:messageUUID>"+testUUID+"</memo:messageUUID>",
			"<memo:label>"+m.Label+"</memo:label>"),
		"label of 257 characters": strings.Replace(good, m.Label, m.Label+"x", 1),
		"notification of 151":     strings.Replace(good, m.Notification, m.Notification+"x", 1),
		"language da-DK":          strings.Replace(good, ">da<", ">da-DK<", 1),
		"uuid version 1":          strings.Replace(good, testUUID, strings.Replace(testUUID, "-4b1a-", "-1b1a-", 1), 1),
		"local time":              strings.Replace(good, "09:30:00Z", "09:30:00+01:00", 1),
		"no memoSchVersion":       strings.Replace(good, ` memoSchVersion="1.1.0"`, "", 1),
	} {
		t.Run(name, func(t *testing.T) {
			if bad == good {
				t.Fatal("the alteration changed nothing")
			}
			if err := testenv.LintMemo(t, []byte(bad)); err == nil {
				t.Errorf("xmllint accepted the broken message:\n%s", bad)
			}
		})
	}
}

func TestMemoXSDPath(t *testing.T) {
	p := testenv.MemoXSD(t)
	want, err := filepath.Abs("testdata/v1.1/MeMo_core.xsd")
	if err != nil {
		t.Fatal(err)
	}
	got, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("MemoXSD = %s, want %s", got, want)
	}
}
