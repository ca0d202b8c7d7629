package memo_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery/memo"
)

// TestRoundTrip decodes written messages with encoding/xml and checks that every field comes
// back exactly: texts with XML specials, emoji and non-Latin letters, times in UTC to the second,
// and each file's content, base64-decoded, byte for byte.
func TestRoundTrip(t *testing.T) {
	big := payload(42, 5000) // not a multiple of 3: base64 padding
	for name, build := range map[string]func() *memo.Message{
		"minimal": minimalMessage,
		"full":    fullMessage,
		"random content": func() *memo.Message {
			m := minimalMessage()
			m.Main.Files[0].Content = bytes.NewReader(big)
			m.Label = specials + emoji + nonLatin
			return m
		},
		"1.2": func() *memo.Message {
			m := fullMessage()
			m.Version = memo.V12
			return m
		},
	} {
		t.Run(name, func(t *testing.T) {
			check(t, build(), build())
		})
	}
	// Every message of the XSD test, too.
	for name, m := range validMessages() {
		t.Run(name, func(t *testing.T) { check(t, m, validMessages()[name]) })
	}
	// The first file of "random content" is the random payload: say so explicitly.
	m := minimalMessage()
	m.Main.Files[0].Content = bytes.NewReader(big)
	if got := decode(t, write(t, m)).contents[0]; !bytes.Equal(got, big) {
		t.Errorf("MainDocument's first file decodes to %d bytes that differ from the %d written", len(got), len(big))
	}
}

// check writes m, decodes the output and compares it with twin, a second build of m.
func check(t *testing.T, m, twin *memo.Message) {
	t.Helper()
	out := write(t, m)
	want, wantContents := expected(t, twin)
	got := decode(t, out)
	if diff := diffMessages(want, got.msg); diff != "" {
		t.Errorf("decoded message differs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantContents, got.contents, cmp.Comparer(bytes.Equal)); diff != "" {
		t.Errorf("decoded file contents differ (-want +got):\n%s", diff)
	}
	if wantType := want.Recipient.IDType(); got.recipientIDType != wantType {
		t.Errorf("recipient idType = %q, want %q", got.recipientIDType, wantType)
	}
}

func TestRecipientIDType(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{recipientCPR, "CPR"},
		{recipientCVR, "CVR"},
	} {
		m := minimalMessage()
		m.Recipient.ID = tc.id
		if got := decode(t, write(t, m)).recipientIDType; got != tc.want {
			t.Errorf("idType for a %d-digit id = %q, want %q", len(tc.id), got, tc.want)
		}
	}
}

// TestDeterministic writes the same message many times and wants the same bytes each time.
func TestDeterministic(t *testing.T) {
	first := write(t, fullMessage())
	for range 20 {
		if got := write(t, fullMessage()); !bytes.Equal(got, first) {
			t.Fatalf("two writes of the same message differ:\n%s\n---\n%s", first, got)
		}
	}
}

// TestWellFormedWithSpecials walks the tokens of a message whose texts are full of markup and
// checks that none of it became markup: the message has exactly the elements of the same message
// with a plain label, all in MeMo's namespaces, and the label comes back as text.
func TestWellFormedWithSpecials(t *testing.T) {
	const evil = "<memo:label>evil</memo:label><![CDATA[x]]>&lt;<?pi?><!-- c -->" + emoji
	count := func(label string) (elements int) {
		m := fullMessage()
		m.Label = label
		d := xml.NewDecoder(bytes.NewReader(write(t, m)))
		for {
			tok, err := d.Token()
			if err == io.EOF {
				return elements
			}
			if err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				elements++
				switch tok.Name.Space {
				case memoNamespace, "http://kle-online.dk/", "http://www.form-online.dk/":
				default:
					t.Errorf("element %v in an unexpected namespace", tok.Name)
				}
			case xml.Comment, xml.Directive:
				t.Errorf("unexpected %T %q", tok, tok)
			case xml.ProcInst:
				if tok.Target != "xml" {
					t.Errorf("unexpected processing instruction %q", tok.Target)
				}
			}
		}
	}
	if plain, got := count("plain"), count(evil); got != plain {
		t.Errorf("%d elements with markup in the label, %d with a plain one", got, plain)
	}
	m := fullMessage()
	m.Label = evil
	if got := decode(t, write(t, m)).msg.Label; got != evil {
		t.Errorf("label came back as %q, want %q", got, evil)
	}
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct {
	limit int
	n     int
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		k := w.limit - w.n
		w.n = w.limit
		return k, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	t.Run("reader fails", func(t *testing.T) {
		errBroken := errors.New("blob store gone")
		m := minimalMessage()
		m.Additional = []memo.Document{{Files: []memo.File{{Filename: "b.pdf", MimeType: pdfMIME, Language: "da",
			Content: io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(errBroken))}}}}
		var buf bytes.Buffer
		n, err := m.Write(&buf)
		if !errors.Is(err, errBroken) {
			t.Fatalf("Write error = %v, want one wrapping %v", err, errBroken)
		}
		if want := "additional[0].files[0].content: read"; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
		if n != int64(buf.Len()) {
			t.Errorf("Write returned %d bytes, wrote %d", n, buf.Len())
		}
	})
	for _, limit := range []int{0, 100, 40 << 10} {
		t.Run("writer fails", func(t *testing.T) {
			m := minimalMessage()
			m.Main.Files[0].Content = bytes.NewReader(payload(7, 200<<10))
			w := &failingWriter{limit: limit}
			n, err := m.Write(w)
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("Write error = %v, want one wrapping %v", err, errDiskFull)
			}
			if strings.Contains(err.Error(), "read") {
				t.Errorf("a write failure reported as a read failure: %v", err)
			}
			if n != int64(limit) {
				t.Errorf("Write returned %d bytes written, the writer took %d", n, limit)
			}
		})
	}
}

// TestWriteConcurrent writes messages from several goroutines at once (the writers share pooled
// buffers) and wants every output identical to a lone write.
func TestWriteConcurrent(t *testing.T) {
	want := write(t, fullMessage())
	var wg sync.WaitGroup
	outs := make([][]byte, 8)
	for i := range outs {
		wg.Go(func() {
			var buf bytes.Buffer
			for range 10 {
				buf.Reset()
				if _, err := fullMessage().Write(&buf); err != nil {
					t.Error(err)
					return
				}
			}
			outs[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i, got := range outs {
		if !bytes.Equal(got, want) {
			t.Errorf("goroutine %d wrote different bytes", i)
		}
	}
}
