package memo_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/internal/testenv"
)

// fuzzXSDEnv, when set to anything, makes FuzzWrite validate every accepted input with xmllint
// even while fuzzing (slow: one xmllint run per input, a few hundred inputs a second at most).
const fuzzXSDEnv = "POSTBUD_MEMO_FUZZ_XSD"

// fuzzing reports whether the test binary runs with -test.fuzz (the coordinator and its workers
// all do), that is, whether FuzzWrite is generating inputs rather than replaying the corpus.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// FuzzWrite builds a message from fuzzed label, notification, recipient and sender ids, file
// name, action URL, language and content, and checks that either Check and Write both refuse it
// (writing nothing) or Write produces well-formed XML that contains the UUID and decodes back to
// exactly the message, content included.
//
// Replayed as a normal test (go test, without -fuzz and without -short) every accepted input,
// the seeds below and whatever is saved in testdata/fuzz/FuzzWrite, is also validated with the
// real xmllint against the MeMo 1.1 XSD. While fuzzing it is not (xmllint would cut the rate a
// hundredfold) unless POSTBUD_MEMO_FUZZ_XSD is set.
func FuzzWrite(f *testing.F) {
	type seed struct {
		label, notification, recipient, sender, filename, url, language string
		content                                                         []byte
	}
	for _, s := range []seed{
		{"Afgørelse", "Du har fået post", recipientCPR, senderCVR, "brev.pdf", "https://borger.dk", "da", []byte("%PDF-1.7")},
		{specials, specials, recipientCVR, senderCVR, "a & 'b'.pdf", "https://a.dk/?x=1&y='2'", "en", nil},
		{emoji + nonLatin, emoji, recipientCPR, senderCVR, emoji + ".pdf", "https://www.tusindfryd.dk/spørgeskema.html", "kl", payload(1, 1000)},
		{"line\nbreak\r\ttab", "", recipientCPR, senderCVR, "x.docx", "https://[::1]:8443/a%20b", "el", payload(2, 2)},
		{strings.Repeat("🏠", 256), strings.Repeat("ø", 150), recipientCPR, senderCVR, strings.Repeat("é", 252) + ".pdf", "https://e.dk/" + strings.Repeat("a", 243), "da", payload(3, 1)},
		// Refused: each breaks one rule.
		{strings.Repeat("x", 257), "", recipientCPR, senderCVR, "brev.pdf", "https://borger.dk", "da", nil},
		{"a\bb", "", recipientCPR, senderCVR, "brev.pdf", "https://borger.dk", "da", nil},
		{"ok", strings.Repeat("n", 151), recipientCPR, senderCVR, "brev.pdf", "https://borger.dk", "da", nil},
		{"ok", "", "010170123", senderCVR, "brev.pdf", "https://borger.dk", "da", nil},
		{"ok", "", recipientCPR, badCVR, "brev.pdf", "https://borger.dk", "da", nil},
		{"ok", "", recipientCPR, senderCVR, "a:b.pdf", "https://borger.dk", "da", nil},
		{"ok", "", recipientCPR, senderCVR, "a\u00a0b.pdf", "https://borger.dk", "da", nil},
		{"ok", "", recipientCPR, senderCVR, "brev.pdf", "http://borger.dk", "da", nil},
		{"ok", "", recipientCPR, senderCVR, "brev.pdf", "https://borger.dk", "da-DK", nil},
		{"\xff", "", recipientCPR, senderCVR, "brev.pdf", "https://borger.dk", "da", nil},
	} {
		f.Add(s.label, s.notification, s.recipient, s.sender, s.filename, s.url, s.language, s.content)
	}
	validate := !testing.Short() && (!fuzzing() || os.Getenv(fuzzXSDEnv) != "")
	if validate {
		testenv.Need(f, "xmllint")
	}
	f.Fuzz(func(t *testing.T, label, notification, recipient, sender, filename, url, language string, content []byte) {
		build := func() *memo.Message {
			m := minimalMessage()
			m.Label, m.Notification = label, notification
			m.Recipient.ID, m.Sender.ID = recipient, sender
			m.Main.Files[0] = memo.File{Filename: filename, MimeType: pdfMIME, Language: language, Content: bytes.NewReader(content)}
			m.Main.Actions = []memo.Action{{Label: label, Code: "INFORMATION", URL: url}}
			return m
		}
		m := build()
		checkErr := m.Check()
		var buf bytes.Buffer
		n, err := m.Write(&buf)
		if err != nil {
			var me *memo.Error
			if !errors.As(err, &me) {
				t.Fatalf("Write failed other than by Check: %v", err)
			}
			if checkErr == nil {
				t.Fatalf("Write refused a message Check accepts: %v", err)
			}
			if n != 0 || buf.Len() != 0 {
				t.Fatalf("Write of a refused message wrote %d bytes (returned %d)", buf.Len(), n)
			}
			if allDigits(recipient) && len(recipient) >= 6 && strings.Contains(err.Error(), recipient) {
				t.Fatalf("the error quotes the recipient id: %v", err)
			}
			return
		}
		if checkErr != nil {
			t.Fatalf("Write accepted a message Check refuses: %v", checkErr)
		}
		out := buf.Bytes()
		if n != int64(len(out)) {
			t.Fatalf("Write returned %d bytes, wrote %d", n, len(out))
		}
		d := xml.NewDecoder(bytes.NewReader(out))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("output is not well-formed XML: %v\n%s", err, out)
			}
		}
		if !bytes.Contains(out, []byte("<memo:messageUUID>"+testUUID+"</memo:messageUUID>")) {
			t.Fatalf("output lacks the messageUUID")
		}
		want, wantContents := expected(t, build())
		got := decode(t, out)
		if diff := diffMessages(want, got.msg); diff != "" {
			t.Fatalf("decoded message differs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantContents, got.contents, cmp.Comparer(bytes.Equal)); diff != "" {
			t.Fatalf("decoded content differs (-want +got):\n%s", diff)
		}
		if validate {
			testenv.ValidateMemo(t, out)
		}
	})
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
