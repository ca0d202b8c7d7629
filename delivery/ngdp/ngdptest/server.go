package ngdptest

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ulikunitz/xz/lzma"

	"github.com/postbud/postbud/delivery"
)

// Fault is what Options.Fault makes the stand-in do with one POST /memos/ request.
type Fault int

// The faults. Each models something NgDP or the network does to a sender.
const (
	// FaultNone answers as NgDP would.
	FaultNone Fault = iota
	// Fault503 answers 503 Service Unavailable with Retry-After: 1, accepting nothing.
	Fault503
	// Fault429 answers 429 Too Many Requests with Retry-After: 2, accepting nothing.
	Fault429
	// Fault401 answers 401 Unauthorized as for wrong credentials, accepting nothing.
	Fault401
	// FaultInvalid answers 201 with a receipt whose receiptStatus is INVALID (errorCode
	// "INVALID_CONTENT"), accepting nothing. A message already accepted is still answered with its
	// original receipt: NgDP deduplicates before it judges.
	FaultInvalid
	// FaultSlow handles the request as FaultNone (so the message is accepted), then waits
	// Options.SlowDelay before answering; it gives up without answering when the client
	// disconnects first.
	FaultSlow
	// FaultDrop reads the whole body and accepts the message (stores it), then closes the TCP
	// connection without answering: the sender cannot know the message arrived.
	FaultDrop
	// Fault403 answers 403 Forbidden with errorCode "NOT_ALLOWED", accepting nothing.
	Fault403
)

// Options configure a stand-in server.
type Options struct {
	// SystemID and Secret are the HTTP Basic credentials every request must carry (401
	// otherwise). Both are required.
	SystemID, Secret string
	// Dir, if set, receives each newly accepted MeMo as Dir/<messageUUID>.xml (the UUID in lower
	// case), written to a temporary file and renamed into place. Dir is created (mode 0750) when
	// missing.
	Dir string
	// Contacts maps CPR and CVR numbers to what GET /contacts/ answers for them; a number not in
	// the map, or mapped to delivery.NotFound, is answered with an empty list.
	Contacts map[string]delivery.ContactStatus
	// Validate, if set, is an extra check of each message's XML (tests pass an XSD check). A single
	// message that fails it is answered 201 with an INVALID receipt, errorCode "SCHEMA" and the
	// error's text as errorMessage; an entry of a bulk archive that fails it fails the whole
	// request with 400. It must be safe for concurrent use.
	Validate func(xml []byte) error
	// Fault decides what to do with each POST /memos/ request: n is the 1-based count of such
	// requests so far, uuid the memo-message-uuid query parameter ("" for a bulk send). Nil means
	// FaultNone for every request. It must be safe for concurrent use.
	Fault func(n int, uuid string) Fault
	// SlowDelay is how long FaultSlow waits before answering; zero means 3 seconds.
	SlowDelay time.Duration
	// RetryAfter is the Retry-After that Fault503 and Fault429 answers carry, in whole seconds
	// (rounded up). Zero means 1 second for 503 and 2 for 429; negative sends no Retry-After.
	RetryAfter time.Duration
}

// Accepted is one message the stand-in accepted (stored) for the first time.
type Accepted struct {
	// UUID is the messageUUID as the message has it.
	UUID string
	// MessageID is the MeMo messageID, "" if the message has none.
	MessageID string
	// Bytes is the size of the XML.
	Bytes int
	// SHA256 is the hex SHA-256 of the XML.
	SHA256 string
	// At is when it was accepted.
	At time.Time
}

// Request is one POST /memos/ or GET /contacts/ request the stand-in answered.
type Request struct {
	At time.Time
	// Method and Path are the request's (the path without the query, so no CPR number).
	Method, Path string
	// UUID is the memo-message-uuid query parameter, "" for bulk sends and contact look-ups.
	UUID string
	// Status is the HTTP status answered, 0 when the stand-in answered nothing (FaultDrop, or a
	// client that gave up on FaultSlow).
	Status int
}

// Server is a running stand-in. Its methods are safe for concurrent use.
type Server struct {
	o        Options
	contacts map[string]delivery.ContactStatus
	srv      *http.Server
	ln       net.Listener
	url      string

	closed    chan struct{} // closed by Close: wakes FaultSlow handlers
	served    chan struct{} // closed when Serve has returned
	closeOnce sync.Once

	mu          sync.Mutex
	posts       int
	accepted    []Accepted
	byUUID      map[string]*stored // lower-case messageUUID
	requests    []Request
	duplicates  int
	byMessageID map[string][]string // messageID -> distinct lower-case UUIDs, in order seen
}

type stored struct {
	sha     string
	receipt receipt
}

// Limits on what the stand-in reads.
const (
	// maxBody is the largest request body accepted (413 above it).
	maxBody = 100 << 20
	// maxArchive is the most a bulk archive may decompress to.
	maxArchive = 512 << 20
	// maxMessage caps the error text put into an answer.
	maxMessage = 500
)

const memoNS = "https://DigitalPost.dk/MeMo-1"

// Start starts a stand-in on 127.0.0.1 (a free port), serving TLS with a certificate from ca and
// requiring client certificates issued by ca. Close it when done.
func Start(ca *CA, o Options) (*Server, error) {
	if ca == nil {
		return nil, errors.New("ngdptest: start: no CA; make one with NewCA")
	}
	if o.SystemID == "" || o.Secret == "" {
		return nil, errors.New("ngdptest: start: Options.SystemID and Options.Secret must both be set: they are the Basic auth the stand-in demands")
	}
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o750); err != nil {
			return nil, fmt.Errorf("ngdptest: start: create Options.Dir: %w", err)
		}
	}
	cfg, err := ca.ServerTLS()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ngdptest: start: listen on 127.0.0.1: %w", err)
	}
	s := &Server{
		o:           o,
		contacts:    make(map[string]delivery.ContactStatus, len(o.Contacts)),
		ln:          ln,
		url:         "https://" + ln.Addr().String() + "/apis/v1",
		closed:      make(chan struct{}),
		served:      make(chan struct{}),
		byUUID:      make(map[string]*stored),
		byMessageID: make(map[string][]string),
	}
	for id, st := range o.Contacts {
		s.contacts[id] = st
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /apis/v1/memos/{$}", s.handleMemos)
	mux.HandleFunc("GET /apis/v1/contacts/{$}", s.handleContacts)
	s.srv = &http.Server{
		Handler:           mux,
		TLSConfig:         cfg,
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){}, // HTTP/1.1 only, as NgDP
		ReadHeaderTimeout: 10 * time.Second,
		// Failed handshakes (clients without a certificate, tests of exactly that) are not news.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.served)
		s.srv.ServeTLS(ln, "", "")
	}()
	return s, nil
}

// URL returns the base URL of the API, "https://127.0.0.1:PORT/apis/v1": what ngdp.Config.URL
// takes.
func (s *Server) URL() string { return s.url }

// Close stops the server and closes its connections. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.srv.Close()
		<-s.served
	})
}

// Accepted returns the messages accepted so far, in the order they were accepted; a message sent
// again (deduplicated) is not listed again.
func (s *Server) Accepted() []Accepted {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Accepted(nil), s.accepted...)
}

// Requests returns every POST /memos/ and GET /contacts/ request so far, in the order answered.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Duplicates returns how many messages were sent again after being accepted, with identical bytes
// (answered with the original receipt, not stored again).
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.duplicates
}

// UUIDsByMessageID returns, per MeMo messageID, every distinct messageUUID (lower case) seen in a
// well-formed message carrying it, accepted or not, in the order first seen. A sender that never
// makes a new UUID for a retry has exactly one per messageID.
func (s *Server) UUIDsByMessageID() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string][]string, len(s.byMessageID))
	for id, uuids := range s.byMessageID {
		m[id] = append([]string(nil), uuids...)
	}
	return m
}

// receipt is NgDP's Receipt as JSON.
type receipt struct {
	TransmissionID string    `json:"transmissionId"`
	MessageUUID    string    `json:"messageUUID"`
	MessageID      string    `json:"messageId,omitempty"`
	ReceiptStatus  string    `json:"receiptStatus"`
	ErrorCode      string    `json:"errorCode,omitempty"`
	ErrorMessage   string    `json:"errorMessage,omitempty"`
	TimeStamp      time.Time `json:"timeStamp"`
}

// bulkAnswer is the answer to a bulk send.
type bulkAnswer struct {
	TransmissionID string    `json:"transmissionId"`
	Receipts       []receipt `json:"receipts"`
}

// apiError is NgDP's error message as JSON.
type apiError struct {
	status  int
	Code    string `json:"errorCode"`
	Message string `json:"errorMessage"`
}

func badRequest(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, Code: code, Message: cut(fmt.Sprintf(format, args...))}
}

// recorder notes the status a handler answered with.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (FaultDrop hijacks it).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) record(r *http.Request, uuid string, rec *recorder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{At: time.Now(), Method: r.Method, Path: r.URL.Path, UUID: uuid, Status: rec.status})
}

func (s *Server) authorized(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.o.SystemID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.o.Secret)) == 1
	return ok && idOK && secretOK
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errorCode":"INTERNAL","errorMessage":"encode answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.status, e) }

var unauthorized = &apiError{status: http.StatusUnauthorized, Code: "UNAUTHORIZED", Message: "unknown system id or wrong key"}

// handleMemos serves POST /memos/: one MeMo (application/xml or text/xml, with the
// memo-message-uuid query parameter) or a tar + LZMA archive of them (application/x-lzma, without).
func (s *Server) handleMemos(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	query := r.URL.Query()
	queryUUID := query.Get("memo-message-uuid")
	defer s.record(r, queryUUID, rec)

	s.mu.Lock()
	s.posts++
	n := s.posts
	s.mu.Unlock()

	if !s.authorized(r) {
		writeError(rec, unauthorized)
		return
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var bulk bool
	switch {
	case err != nil:
		writeError(rec, badRequest("UNSUPPORTED_CONTENT_TYPE", "Content-Type is missing or malformed; send application/xml, text/xml or application/x-lzma"))
		return
	case mediaType == "application/xml" || mediaType == "text/xml":
		if !query.Has("memo-message-uuid") || queryUUID == "" {
			writeError(rec, badRequest("MISSING_MEMO_MESSAGE_UUID", "a single MeMo needs the memo-message-uuid query parameter"))
			return
		}
	case mediaType == "application/x-lzma":
		if query.Has("memo-message-uuid") {
			writeError(rec, badRequest("UNEXPECTED_MEMO_MESSAGE_UUID", "a bulk archive is sent without the memo-message-uuid query parameter"))
			return
		}
		bulk = true
	default:
		writeError(rec, badRequest("UNSUPPORTED_CONTENT_TYPE", "Content-Type %q is not accepted; send application/xml, text/xml or application/x-lzma", mediaType))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rec, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(rec, &apiError{status: http.StatusRequestEntityTooLarge, Code: "TOO_LARGE", Message: fmt.Sprintf("the body exceeds %d bytes", maxBody)})
			return
		}
		writeError(rec, badRequest("READ_BODY", "read the body: %v", err))
		return
	}

	fault := FaultNone
	if s.o.Fault != nil {
		fault = s.o.Fault(n, queryUUID)
	}
	switch fault {
	case Fault503:
		s.retryAfter(rec, 1)
		writeError(rec, &apiError{status: http.StatusServiceUnavailable, Code: "SERVICE_UNAVAILABLE", Message: "the service is unavailable; try again later"})
		return
	case Fault429:
		s.retryAfter(rec, 2)
		writeError(rec, &apiError{status: http.StatusTooManyRequests, Code: "TOO_MANY_REQUESTS", Message: "slow down"})
		return
	case Fault401:
		writeError(rec, unauthorized)
		return
	case Fault403:
		writeError(rec, &apiError{status: http.StatusForbidden, Code: "NOT_ALLOWED", Message: "the sender may not send this message"})
		return
	}

	var status int
	var answer any
	if bulk {
		status, answer = s.bulk(body, fault == FaultInvalid)
	} else {
		status, answer = s.single(queryUUID, body, fault == FaultInvalid)
	}

	switch fault {
	case FaultDrop:
		conn, _, err := http.NewResponseController(rec).Hijack()
		if err == nil {
			if tc, ok := conn.(*tls.Conn); ok {
				tc.NetConn().Close() // the TCP connection, without a TLS close_notify
			} else {
				conn.Close()
			}
		}
		return
	case FaultSlow:
		delay := s.o.SlowDelay
		if delay <= 0 {
			delay = 3 * time.Second
		}
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
	if e, ok := answer.(*apiError); ok {
		writeError(rec, e)
		return
	}
	writeJSON(rec, status, answer)
}

// entry is one checked message ready to be accepted.
type entry struct {
	name string // the tar entry's name, "" for a single send
	hdr  memoHeader
	body []byte
	sha  string
}

func (s *Server) single(queryUUID string, body []byte, invalid bool) (int, any) {
	hdr, e := s.check(body)
	if e != nil {
		return e.status, e
	}
	if !strings.EqualFold(queryUUID, hdr.UUID) {
		return http.StatusBadRequest, badRequest("UUID_MISMATCH", "the memo-message-uuid query parameter %q differs from the message's messageUUID %q", queryUUID, hdr.UUID)
	}
	sum := sha256.Sum256(body)
	en := entry{hdr: hdr, body: body, sha: hex.EncodeToString(sum[:])}
	tid := newUUID()
	// NgDP deduplicates before it judges: a message it already has gets its original receipt.
	if st, e := s.deduplicate(en); e != nil {
		return e.status, e
	} else if st != nil {
		return http.StatusCreated, st.receipt
	}
	if invalid {
		return http.StatusCreated, invalidReceipt(tid, hdr, "INVALID_CONTENT", "ngdptest: Options.Fault made this receipt INVALID")
	}
	if s.o.Validate != nil {
		if err := s.o.Validate(body); err != nil {
			return http.StatusCreated, invalidReceipt(tid, hdr, "SCHEMA", cut(err.Error()))
		}
	}
	rs, e := s.accept([]entry{en}, tid)
	if e != nil {
		return e.status, e
	}
	return http.StatusCreated, rs[0]
}

func invalidReceipt(tid string, hdr memoHeader, code, msg string) receipt {
	return receipt{
		TransmissionID: tid, MessageUUID: hdr.UUID, MessageID: hdr.MessageID,
		ReceiptStatus: "INVALID", ErrorCode: code, ErrorMessage: msg, TimeStamp: time.Now().UTC(),
	}
}

// deduplicate returns the record of en's UUID, counting a duplicate, when it was accepted before
// with the same bytes; an error when with other bytes; nil, nil when it is new.
func (s *Server) deduplicate(en entry) (*stored, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, dup, e := s.knownLocked(en)
	if dup {
		s.duplicates++
	}
	return st, e
}

// knownLocked reports whether en's UUID was accepted before: dup with its record when with the
// same bytes, an error when with other bytes. s.mu is held.
func (s *Server) knownLocked(en entry) (*stored, bool, *apiError) {
	st, ok := s.byUUID[strings.ToLower(en.hdr.UUID)]
	if !ok {
		return nil, false, nil
	}
	if st.sha != en.sha {
		where := ""
		if en.name != "" {
			where = "entry " + en.name + ": "
		}
		return nil, false, badRequest("DUPLICATE_UUID", "%sa different message with messageUUID %s was accepted before; a new message needs a new UUID", where, en.hdr.UUID)
	}
	return st, true, nil
}

// accept stores entries not accepted before, all or none, and returns a receipt for each (the
// original receipt for those accepted before with the same bytes).
func (s *Server) accept(entries []entry, tid string) ([]receipt, *apiError) {
	var temps []string
	if s.o.Dir != "" {
		// Write outside the lock; rename under it once the entries are known to be new.
		temps = make([]string, len(entries))
		defer func() {
			for _, t := range temps {
				if t != "" {
					os.Remove(t)
				}
			}
		}()
		for i, en := range entries {
			t, err := writeTemp(s.o.Dir, en.body)
			if err != nil {
				return nil, &apiError{status: http.StatusInternalServerError, Code: "STORAGE", Message: "ngdptest could not store the message"}
			}
			temps[i] = t
		}
	}
	now := time.Now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := make(map[string]string, len(entries)) // lower uuid -> sha, within this request
	for _, en := range entries {
		key := strings.ToLower(en.hdr.UUID)
		if sha, ok := seen[key]; ok && sha != en.sha {
			return nil, badRequest("DUPLICATE_UUID", "entry %s: messageUUID %s appears twice in the archive with different content", en.name, en.hdr.UUID)
		}
		seen[key] = en.sha
		if _, _, e := s.knownLocked(en); e != nil {
			return nil, e
		}
	}
	rs := make([]receipt, len(entries))
	for i, en := range entries {
		if st, dup, _ := s.knownLocked(en); dup {
			s.duplicates++
			rs[i] = st.receipt
			continue
		}
		key := strings.ToLower(en.hdr.UUID)
		if temps != nil {
			if err := os.Rename(temps[i], filepath.Join(s.o.Dir, key+".xml")); err != nil {
				return nil, &apiError{status: http.StatusInternalServerError, Code: "STORAGE", Message: "ngdptest could not store the message"}
			}
			temps[i] = ""
		}
		r := receipt{TransmissionID: tid, MessageUUID: en.hdr.UUID, MessageID: en.hdr.MessageID, ReceiptStatus: "RECEIVED", TimeStamp: now}
		s.byUUID[key] = &stored{sha: en.sha, receipt: r}
		s.accepted = append(s.accepted, Accepted{UUID: en.hdr.UUID, MessageID: en.hdr.MessageID, Bytes: len(en.body), SHA256: en.sha, At: now})
		rs[i] = r
	}
	return rs, nil
}

func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".tmp-memo-*")
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Chmod(0o640)
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(f.Name())
		return "", werr
	}
	return f.Name(), nil
}

// bulk handles a tar + LZMA archive: every .xml entry is checked, then all are accepted or none.
func (s *Server) bulk(body []byte, invalid bool) (int, any) {
	zr, err := lzma.NewReader(bytes.NewReader(body))
	if err != nil {
		return http.StatusBadRequest, badRequest("NOT_LZMA", "the body is not LZMA-compressed: %v", err)
	}
	lr := &capReader{r: zr, left: maxArchive}
	tr := tar.NewReader(lr)
	var entries []entry
	for {
		th, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.over {
				return http.StatusRequestEntityTooLarge, &apiError{status: http.StatusRequestEntityTooLarge, Code: "TOO_LARGE", Message: fmt.Sprintf("the archive decompresses to more than %d bytes", maxArchive)}
			}
			return http.StatusBadRequest, badRequest("NOT_TAR", "the decompressed body is not a tar archive: %v", err)
		}
		switch th.Typeflag {
		case tar.TypeDir:
			continue
		case tar.TypeReg:
		default:
			return http.StatusBadRequest, badRequest("BAD_ENTRY", "entry %s: not a regular file", th.Name)
		}
		if !strings.HasSuffix(strings.ToLower(th.Name), ".xml") {
			return http.StatusBadRequest, badRequest("BAD_ENTRY", "entry %s: not a .xml file", th.Name)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			if lr.over {
				return http.StatusRequestEntityTooLarge, &apiError{status: http.StatusRequestEntityTooLarge, Code: "TOO_LARGE", Message: fmt.Sprintf("the archive decompresses to more than %d bytes", maxArchive)}
			}
			return http.StatusBadRequest, badRequest("BAD_ARCHIVE", "entry %s: read: %v", th.Name, err)
		}
		hdr, e := s.check(data)
		if e != nil {
			e.Message = cut("entry " + th.Name + ": " + e.Message)
			return e.status, e
		}
		if s.o.Validate != nil {
			if err := s.o.Validate(data); err != nil {
				return http.StatusBadRequest, badRequest("SCHEMA", "entry %s: %v", th.Name, err)
			}
		}
		sum := sha256.Sum256(data)
		entries = append(entries, entry{name: th.Name, hdr: hdr, body: data, sha: hex.EncodeToString(sum[:])})
	}
	if len(entries) == 0 {
		return http.StatusBadRequest, badRequest("EMPTY_ARCHIVE", "the archive holds no .xml entries")
	}
	tid := newUUID()
	if invalid {
		a := bulkAnswer{TransmissionID: tid}
		for _, en := range entries {
			a.Receipts = append(a.Receipts, invalidReceipt(tid, en.hdr, "INVALID_CONTENT", "ngdptest: Options.Fault made this receipt INVALID"))
		}
		return http.StatusCreated, a
	}
	rs, e := s.accept(entries, tid)
	if e != nil {
		return e.status, e
	}
	return http.StatusCreated, bulkAnswer{TransmissionID: tid, Receipts: rs}
}

// capReader reads at most left bytes from r, then fails, noting that it did.
type capReader struct {
	r    io.Reader
	left int64
	over bool
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.over = true
		return 0, errors.New("archive too large")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// memoHeader is what the stand-in keeps of a checked message.
type memoHeader struct {
	UUID, MessageID string
}

// memoDoc is the part of a MeMo message the stand-in checks.
type memoDoc struct {
	XMLName        xml.Name
	MemoVersion    string `xml:"memoVersion,attr"`
	MemoSchVersion string `xml:"memoSchVersion,attr"`
	Header         *struct {
		MessageType string    `xml:"https://DigitalPost.dk/MeMo-1 messageType"`
		UUID        string    `xml:"https://DigitalPost.dk/MeMo-1 messageUUID"`
		MessageID   string    `xml:"https://DigitalPost.dk/MeMo-1 messageID"`
		Label       string    `xml:"https://DigitalPost.dk/MeMo-1 label"`
		Sender      *struct{} `xml:"https://DigitalPost.dk/MeMo-1 Sender"`
		Recipient   *struct{} `xml:"https://DigitalPost.dk/MeMo-1 Recipient"`
	} `xml:"https://DigitalPost.dk/MeMo-1 MessageHeader"`
	Body *struct {
		MainDocument *struct {
			Files []struct{} `xml:"https://DigitalPost.dk/MeMo-1 File"`
		} `xml:"https://DigitalPost.dk/MeMo-1 MainDocument"`
	} `xml:"https://DigitalPost.dk/MeMo-1 MessageBody"`
}

var uuidV4 = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// check parses b as a MeMo message and checks its envelope, noting the messageID and UUID seen.
func (s *Server) check(b []byte) (memoHeader, *apiError) {
	var doc memoDoc
	d := xml.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&doc); err != nil {
		return memoHeader{}, badRequest("MALFORMED_XML", "the body is not well-formed XML: %v", err)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return memoHeader{}, badRequest("MALFORMED_XML", "the body is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return memoHeader{}, badRequest("MALFORMED_XML", "the body has more than one root element")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return memoHeader{}, badRequest("MALFORMED_XML", "the body has text after the root element")
			}
		}
	}
	if doc.XMLName.Space != memoNS || doc.XMLName.Local != "Message" {
		return memoHeader{}, badRequest("NOT_MEMO", "the root element is {%s}%s, not {%s}Message", doc.XMLName.Space, doc.XMLName.Local, memoNS)
	}
	switch doc.MemoVersion {
	case "1.1":
		if doc.MemoSchVersion == "" {
			return memoHeader{}, badRequest("MISSING_MEMO_SCH_VERSION", "a memoVersion 1.1 message needs the memoSchVersion attribute")
		}
	case "1.2":
	default:
		return memoHeader{}, badRequest("UNSUPPORTED_MEMO_VERSION", "memoVersion %q is not supported; send 1.1 or 1.2", cut(doc.MemoVersion))
	}
	h := doc.Header
	if h == nil {
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageHeader is missing")
	}
	hdr := memoHeader{UUID: strings.TrimSpace(h.UUID), MessageID: strings.TrimSpace(h.MessageID)}
	if hdr.MessageID != "" && uuidV4.MatchString(hdr.UUID) {
		s.sawMessage(hdr)
	}
	switch {
	case strings.TrimSpace(h.MessageType) == "":
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageHeader/messageType is missing")
	case hdr.UUID == "":
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageHeader/messageUUID is missing")
	case !uuidV4.MatchString(hdr.UUID):
		return memoHeader{}, badRequest("INVALID_UUID", "MessageHeader/messageUUID is not a version 4 UUID")
	case strings.TrimSpace(h.Label) == "":
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageHeader/label is missing")
	case h.Sender == nil:
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageHeader/Sender is missing")
	case h.Recipient == nil:
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageHeader/Recipient is missing")
	case doc.Body == nil:
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageBody is missing")
	case doc.Body.MainDocument == nil:
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageBody/MainDocument is missing")
	case len(doc.Body.MainDocument.Files) == 0:
		return memoHeader{}, badRequest("MISSING_ELEMENT", "MessageBody/MainDocument/File is missing")
	}
	return hdr, nil
}

func (s *Server) sawMessage(hdr memoHeader) {
	key := strings.ToLower(hdr.UUID)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.byMessageID[hdr.MessageID] {
		if u == key {
			return
		}
	}
	s.byMessageID[hdr.MessageID] = append(s.byMessageID[hdr.MessageID], key)
}

// contactPage is NgDP's paged answer to GET /contacts/ (the shape shown in
// github.com/sjkp/digitalpost's README), with only the fields a sender reads.
type contactPage struct {
	CurrentPage   int       `json:"currentPage"`
	TotalPages    int       `json:"totalPages"`
	ElementsOn    int       `json:"elementsOnPage"`
	TotalElements int       `json:"totalElements"`
	Contacts      []contact `json:"contacts"`
}

type contact struct {
	ID                  string `json:"id"`
	Type                string `json:"type"`
	CPRNumber           string `json:"cprNumber,omitempty"`
	CVRNumber           string `json:"cvrNumber,omitempty"`
	MailboxSubscription struct {
		PublicRegistrationStatus string `json:"publicRegistrationStatus"`
	} `json:"mailboxSubscription"`
}

// handleContacts serves GET /contacts/?cprNumber= or ?cvrNumber=.
func (s *Server) handleContacts(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	defer s.record(r, "", rec)
	if !s.authorized(r) {
		writeError(rec, unauthorized)
		return
	}
	q := r.URL.Query()
	cpr, cvr := q.Get("cprNumber"), q.Get("cvrNumber")
	var c contact
	switch {
	case cpr != "" && cvr == "" && digits(cpr, 10):
		c.Type, c.CPRNumber = "PERSON", cpr
	case cvr != "" && cpr == "" && digits(cvr, 8):
		c.Type, c.CVRNumber = "COMPANY", cvr
	default:
		writeError(rec, badRequest("BAD_QUERY", "give exactly one of cprNumber (10 digits) and cvrNumber (8 digits)"))
		return
	}
	page := contactPage{TotalPages: 1, Contacts: []contact{}}
	if st, ok := s.contacts[cpr+cvr]; ok && st != delivery.NotFound && st != "" {
		c.ID = newUUID()
		c.MailboxSubscription.PublicRegistrationStatus = string(st)
		page.Contacts = append(page.Contacts, c)
	}
	page.ElementsOn, page.TotalElements = len(page.Contacts), len(page.Contacts)
	writeJSON(rec, http.StatusOK, page)
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// newUUID returns a random (version 4) UUID in lower case.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// cut shortens s to at most maxMessage bytes, on a character boundary.
func cut(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	i := maxMessage
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// retryAfter sets the Retry-After header of a throttling answer: Options.RetryAfter, or def
// seconds when that is zero.
func (s *Server) retryAfter(w http.ResponseWriter, def int) {
	switch d := s.o.RetryAfter; {
	case d < 0:
	case d == 0:
		w.Header().Set("Retry-After", strconv.Itoa(def))
	default:
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}
