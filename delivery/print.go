package delivery

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/postbud/postbud/internal/rawfile"
)

// PrintChannel is the channel name the Print channel writes into its receipts and errors.
const PrintChannel = "print"

// Print delivers letters on paper, for recipients without a digital mailbox: it files each letter's
// PDF in a print folder that a print and mail house (or the agency's own print room) collects, in
// batches of one UTC day:
//
//	<Dir>/<YYYY-MM-DD>/manifest.csv
//	<Dir>/<YYYY-MM-DD>/<tenant>/<letter id>.pdf
//
// manifest.csv starts with the header line
//
//	letter_id,tenant,file,pages,sheets,envelope,duplex,postage_class,sha256
//
// and holds one line per letter, in the order filed: file is the PDF's path relative to the day
// folder ("kommune-a/01JD3YQ2Z8.pdf"), sheets the paper it takes (pages, or half of them rounded up
// when duplex), envelope "C5" or "DL", duplex "true" or "false", postage_class "A" or "B", sha256 the
// PDF's hex SHA-256. No field ever needs CSV quoting. A letter's PDF always exists, whole, before
// its line; a line is written with one write. Should a power cut tear the last line, the next
// Deliver ends it with a newline; a reader should skip lines of fewer than nine fields.
// Names starting with "." are temporary files (a killed process can leave one); skip them.
// Collect a day's batch only once the day (UTC) is over and retries of its letters have run.
//
// Deliver is idempotent per letter id across goroutines and processes sharing Dir (on one machine
// or a file system with working flock): a letter's PDF is filed once, and its line appears once.
// A Deliver that finds the letter's PDF in today's folder, or in yesterday's (a retry across
// midnight UTC), completes that filing rather than filing the letter again: it appends the line if
// it is missing, describing the PDF already there. So a letter is filed under a new day only if the
// earlier attempt wrote nothing.
//
// The manifest is locked (flock) while a letter's PDF gets its final name and its line is appended;
// the PDF itself is written and synced before. Writing a letter never reads the manifest; only a
// Deliver that finds the PDF already filed does.
type Print struct {
	// Dir is the print folder; it and the day and tenant folders are created (mode 0750) when
	// missing.
	Dir string
	// Envelope is "C5" (the default when empty) or "DL", for the manifest.
	Envelope string
	// Duplex prints on both sides of the paper.
	Duplex bool
	// PostageClass is "B" (the default when empty) or "A".
	PostageClass string
	// Now gives the delivery time, whose UTC date names the batch; nil means time.Now.
	Now func() time.Time
	// NoSync skips the fsync of the PDF, the manifest and the folders, as Outbox.NoSync. Leave it
	// false in production.
	NoSync bool
}

var _ Channel = (*Print)(nil)

const (
	manifestName   = "manifest.csv"
	manifestHeader = "letter_id,tenant,file,pages,sheets,envelope,duplex,postage_class,sha256"
	// manifestFields is the number of fields of a manifest line.
	manifestFields = 9
)

// A4 in PostScript points, and the tolerance of the page size check.
const (
	a4Width, a4Height = 595.28, 841.89
	a4Tolerance       = 1.0
)

type printSettings struct {
	envelope, postage string
}

// Deliver files l's PDF for print and appends its manifest line. The receipt is {Channel: "print",
// Reference: "<YYYY-MM-DD>/<tenant>/<id>.pdf" (relative to Dir), Status: "PRINT_QUEUED", Manifest:
// the letter's manifest line}.
//
// Errors: a letter without a "pdf" document, or whose PDF is not print-ready as far as can be
// checked cheaply (it must start with %PDF-, have pages, and every MediaBox must be A4 portrait,
// 595.28 x 841.89 pt ± 1), gives a Permanent error saying what is wrong, as do the checks of
// Outbox.Deliver; an empty Dir or an unknown Envelope or PostageClass gives a *HaltError; a
// failing disk a plain error.
func (p *Print) Deliver(ctx context.Context, l *Letter) (*Receipt, error) {
	if err := checkLetter(l); err != nil {
		return nil, Permanent(fmt.Errorf("print: deliver: %w", err))
	}
	set, err := p.settings()
	if err != nil {
		return nil, &HaltError{Channel: PrintChannel, Err: err}
	}
	doc, ok := l.Document("pdf")
	if !ok {
		return nil, Permanent(fmt.Errorf("print: deliver %s: the letter has no PDF; render the pdf format for letters that may go to print", l.ID))
	}
	pages, err := checkPrintable(doc.Data)
	if err != nil {
		return nil, Permanent(fmt.Errorf("print: deliver %s: %w", l.ID, err))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	dir, err := filepath.Abs(p.Dir)
	if err != nil {
		return nil, fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	t := now().UTC()
	file := l.Tenant + "/" + l.ID + ".pdf"

	day := t.Format(time.DateOnly)
	for _, d := range []string{day, t.AddDate(0, 0, -1).Format(time.DateOnly)} {
		_, err := os.Stat(filepath.Join(dir, d, l.Tenant, l.ID+".pdf"))
		if err == nil {
			line, err := p.complete(filepath.Join(dir, d), file, l, set)
			if err != nil {
				return nil, err
			}
			return printReceipt(d, file, line, t), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("print: deliver %s: %w", l.ID, err)
		}
	}
	line, err := p.file(dir, day, file, l, doc.Data, pages, set)
	if err != nil {
		return nil, err
	}
	return printReceipt(day, file, line, t), nil
}

func printReceipt(day, file, line string, t time.Time) *Receipt {
	return &Receipt{Channel: PrintChannel, Reference: day + "/" + file, Status: "PRINT_QUEUED", Manifest: line, DeliveredAt: t}
}

func (p *Print) settings() (printSettings, error) {
	s := printSettings{envelope: p.Envelope, postage: p.PostageClass}
	if p.Dir == "" {
		return s, errors.New("Print.Dir is empty; configure the print folder")
	}
	switch s.envelope {
	case "":
		s.envelope = "C5"
	case "C5", "DL":
	default:
		return s, fmt.Errorf("Print.Envelope %q is unknown; use \"C5\" or \"DL\"", p.Envelope)
	}
	switch s.postage {
	case "":
		s.postage = "B"
	case "A", "B":
	default:
		return s, fmt.Errorf("Print.PostageClass %q is unknown; use \"A\" or \"B\"", p.PostageClass)
	}
	return s, nil
}

// file files a letter no attempt has filed yet: the PDF goes to a synced temporary file, then, with
// the manifest locked, gets its final name and its line. When another attempt gave the PDF its name
// first, file completes that attempt's filing instead.
func (p *Print) file(dir, day, file string, l *Letter, pdf []byte, pages int, set printSettings) (string, error) {
	dayDir := filepath.Join(dir, day)
	tenantDir := filepath.Join(dayDir, l.Tenant)
	final := filepath.Join(dayDir, filepath.FromSlash(file))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	for _, d := range []string{dayDir, tenantDir} {
		if err := mkdirSynced(d, !p.NoSync); err != nil {
			return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
		}
	}
	tmp, err := p.writeTemp(tenantDir, l.ID, pdf)
	if err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	// Once linked, the PDF lives on under its final name; a failure before leaves nothing.
	defer os.Remove(tmp)

	m, err := lockManifest(dayDir, !p.NoSync)
	if err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	defer m.close()
	// Link, unlike rename, fails when the name exists: exactly one attempt files the PDF.
	if err := os.Link(tmp, final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			line, err := p.completeLocked(m, dayDir, file, l, set)
			if err != nil {
				return "", err
			}
			return line, m.commit()
		}
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	if !p.NoSync {
		// The PDF's name is durable before its line is.
		if err := rawfile.SyncDir(tenantDir); err != nil {
			return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
		}
	}
	if testHookPrintFiled != nil {
		testHookPrintFiled(final)
	}
	sum := sha256.Sum256(pdf)
	line := manifestLine(l, file, pages, hex.EncodeToString(sum[:]), p.Duplex, set)
	if err := m.append(line); err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	if err := m.commit(); err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	return line, nil
}

// testHookPrintFiled, when set by a test, runs once a letter's PDF has its final name, before its
// manifest line is written, with the manifest locked.
var testHookPrintFiled func(pdfPath string)

func (p *Print) writeTemp(tenantDir, id string, pdf []byte) (_ string, err error) {
	f, err := os.CreateTemp(tenantDir, "."+id+".pdf.tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(pdf); err != nil {
		return "", err
	}
	if err := f.Chmod(0o640); err != nil {
		return "", err
	}
	if !p.NoSync {
		if err := f.Sync(); err != nil {
			return "", err
		}
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// complete finishes the filing of a letter whose PDF an earlier attempt filed in dayDir.
func (p *Print) complete(dayDir, file string, l *Letter, set printSettings) (string, error) {
	m, err := lockManifest(dayDir, !p.NoSync)
	if err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	defer m.close()
	line, err := p.completeLocked(m, dayDir, file, l, set)
	if err != nil {
		return "", err
	}
	if err := m.commit(); err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	return line, nil
}

// completeLocked returns the letter's manifest line, appending it (built from the PDF on disk,
// which is what will be printed) when the manifest lacks it. m is locked.
func (p *Print) completeLocked(m *manifest, dayDir, file string, l *Letter, set printSettings) (string, error) {
	line, ok, err := m.find(l.ID, l.Tenant)
	if err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	if ok {
		return line, nil
	}
	path := filepath.Join(dayDir, filepath.FromSlash(file))
	pdf, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("print: deliver %s: read the PDF an earlier attempt filed: %w", l.ID, err)
	}
	pages, err := checkPrintable(pdf)
	if err != nil {
		return "", Permanent(fmt.Errorf("print: deliver %s: %s was filed by an earlier attempt but %w; move it away to file the letter again", l.ID, path, err))
	}
	sum := sha256.Sum256(pdf)
	line = manifestLine(l, file, pages, hex.EncodeToString(sum[:]), p.Duplex, set)
	if err := m.append(line); err != nil {
		return "", fmt.Errorf("print: deliver %s: %w", l.ID, err)
	}
	return line, nil
}

func manifestLine(l *Letter, file string, pages int, sum string, duplex bool, set printSettings) string {
	sheets := pages
	if duplex {
		sheets = (pages + 1) / 2
	}
	return strings.Join([]string{l.ID, l.Tenant, file, strconv.Itoa(pages), strconv.Itoa(sheets),
		set.envelope, strconv.FormatBool(duplex), set.postage, sum}, ",")
}

// mkdirSynced creates dir (0750) unless it exists; a folder it creates is made durable by syncing
// its parent.
func mkdirSynced(dir string, sync bool) error {
	err := os.Mkdir(dir, 0o750)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if sync {
		return rawfile.SyncDir(filepath.Dir(dir))
	}
	return nil
}

// manifest is a day's manifest.csv, open and exclusively locked.
type manifest struct {
	f    *os.File
	sync bool
	// dirty is set once something was written.
	dirty bool
}

// lockManifest opens (creating, with its header) dayDir's manifest and locks it. If the file does
// not end in a newline (a power cut tore the last write), it ends it, so that the next line is
// whole.
func lockManifest(dayDir string, sync bool) (_ *manifest, err error) {
	path := filepath.Join(dayDir, manifestName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open the manifest: %w", err)
	}
	m := &manifest{f: f, sync: sync}
	defer func() {
		if err != nil {
			m.close()
		}
	}()
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Size() == 0 {
		if err := m.write(manifestHeader + "\n"); err != nil {
			return nil, err
		}
		if sync {
			// The manifest may be new: make its name durable.
			if err := rawfile.SyncDir(dayDir); err != nil {
				return nil, fmt.Errorf("sync %s: %w", dayDir, err)
			}
		}
		return m, nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if last[0] != '\n' {
		if err := m.write("\n"); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *manifest) write(s string) error {
	m.dirty = true
	if _, err := m.f.WriteString(s); err != nil {
		return fmt.Errorf("append to %s: %w", m.f.Name(), err)
	}
	return nil
}

// append writes line and a newline in one write.
func (m *manifest) append(line string) error { return m.write(line + "\n") }

// find scans the manifest for the whole line of letter id of tenant.
func (m *manifest) find(id, tenant string) (string, bool, error) {
	st, err := m.f.Stat()
	if err != nil {
		return "", false, fmt.Errorf("stat %s: %w", m.f.Name(), err)
	}
	sc := bufio.NewScanner(io.NewSectionReader(m.f, 0, st.Size()))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	prefix := id + "," + tenant + ","
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		fields := strings.Split(line, ",")
		if len(fields) == manifestFields && len(fields[manifestFields-1]) == sha256.Size*2 {
			return line, true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", false, fmt.Errorf("read %s: %w", m.f.Name(), err)
	}
	return "", false, nil
}

// commit unlocks the manifest and, unless NoSync, syncs what was written. The lock is released
// first: the sync makes this Deliver's line durable whoever appends next.
func (m *manifest) commit() error {
	syscall.Flock(int(m.f.Fd()), syscall.LOCK_UN)
	if m.sync && m.dirty {
		if err := m.f.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", m.f.Name(), err)
		}
	}
	return nil
}

// close releases the lock, if still held, and closes the file. Safe to call after commit.
func (m *manifest) close() { m.f.Close() }

// PDFPages returns the number of pages of pdf: the distinct objects whose dictionary has /Type
// /Page (not /Pages), with any whitespace between the names, skipping stream contents. It is a
// cheap structural count, not a PDF parser: an object redefined by an incremental update counts
// once. It fails when it finds no page, which is also the answer for a PDF whose pages sit in
// compressed object streams (PDF 1.5 /ObjStm); render/pdf writes none.
func PDFPages(pdf []byte) (int, error) {
	info := scanPDF(pdf)
	if len(info.pages) == 0 {
		return 0, errors.New("found no /Type /Page object: not a PDF, or its pages are in compressed object streams")
	}
	return len(info.pages), nil
}

// checkPrintable checks that pdf is a PDF of A4 portrait pages and returns its page count.
func checkPrintable(pdf []byte) (int, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return 0, errors.New("the PDF document does not start with %PDF-: it is not a PDF")
	}
	info := scanPDF(pdf)
	if len(info.pages) == 0 {
		return 0, errors.New("the PDF has no pages that can be counted (no /Type /Page object)")
	}
	if info.indirectBox {
		return 0, errors.New("the PDF gives a MediaBox by reference; print checks only literal page sizes: render the letter with render/pdf")
	}
	if len(info.boxes) == 0 {
		return 0, errors.New("the PDF has no MediaBox: its page size is unknown")
	}
	for _, b := range info.boxes {
		w, h := math.Abs(b[2]-b[0]), math.Abs(b[3]-b[1])
		if math.Abs(w-a4Width) > a4Tolerance || math.Abs(h-a4Height) > a4Tolerance {
			return 0, fmt.Errorf("the PDF has a %.2f x %.2f pt page, not A4 portrait (%.2f x %.2f pt): print takes A4 letters; use the A4 page in the letter's layout", w, h, a4Width, a4Height)
		}
	}
	return len(info.pages), nil
}

type pdfInfo struct {
	// pages holds the object numbers of the page objects.
	pages map[int]bool
	// boxes are the literal MediaBox arrays: x1, y1, x2, y2.
	boxes [][4]float64
	// indirectBox is set when a MediaBox is not a literal array of four numbers.
	indirectBox bool
}

var (
	objHeader = regexp.MustCompile(`(?:^|[^0-9])([0-9]+)[ \t\r\n\f\x00]+[0-9]+[ \t\r\n\f\x00]+obj`)
	pageType  = regexp.MustCompile(`/Type[ \t\r\n\f\x00]*/Page(?:[ \t\r\n\f\x00/<>\[\]()%{}]|$)`)
	mediaBox  = regexp.MustCompile(`/MediaBox(?:[ \t\r\n\f\x00]*\[[ \t\r\n\f\x00]*(` + num + `)[ \t\r\n\f\x00]+(` + num + `)[ \t\r\n\f\x00]+(` + num + `)[ \t\r\n\f\x00]+(` + num + `)[ \t\r\n\f\x00]*\])?`)

	endobj    = []byte("endobj")
	endstream = []byte("endstream")
)

const num = `[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)`

// scanPDF walks pdf's indirect objects, looking at each object's dictionary and skipping stream
// data.
func scanPDF(pdf []byte) pdfInfo {
	info := pdfInfo{pages: map[int]bool{}}
	look := func(n int, dict []byte) {
		if pageType.Match(dict) {
			info.pages[n] = true
		}
		for _, m := range mediaBox.FindAllSubmatch(dict, -1) {
			if m[1] == nil {
				info.indirectBox = true
				continue
			}
			var b [4]float64
			for i := range b {
				b[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
			}
			info.boxes = append(info.boxes, b)
		}
	}
	for pos := 0; pos < len(pdf); {
		loc := objHeader.FindSubmatchIndex(pdf[pos:])
		if loc == nil {
			break
		}
		n, err := strconv.Atoi(string(pdf[pos+loc[2] : pos+loc[3]]))
		if err != nil {
			n = -1 - pos // a number too large: a distinct object all the same
		}
		start := pos + loc[1]
		body := pdf[start:]
		end := bytes.Index(body, endobj)
		s := streamStart(body)
		if s < 0 || end >= 0 && end < s {
			if end < 0 {
				look(n, body)
				break
			}
			look(n, body[:end])
			pos = start + end + len(endobj)
			continue
		}
		look(n, body[:s])
		e := bytes.Index(body[s:], endstream)
		if e < 0 {
			break
		}
		pos = start + s + e + len(endstream)
	}
	return info
}

// streamStart returns the index of the first "stream" keyword in b that starts a stream's data
// (after whitespace or ">>", followed by an end of line), or -1.
func streamStart(b []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("stream"))
		if i < 0 {
			return -1
		}
		i += off
		after := b[i+len("stream"):]
		before := byte(' ')
		if i > 0 {
			before = b[i-1]
		}
		if (before == '>' || before == ' ' || before == '\n' || before == '\r' || before == '\t') &&
			(bytes.HasPrefix(after, []byte("\n")) || bytes.HasPrefix(after, []byte("\r\n"))) {
			return i
		}
		off = i + len("stream")
	}
}
