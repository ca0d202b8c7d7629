package delivery

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/internal/testdoc"
	"github.com/postbud/postbud/internal/testenv"
	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

var (
	referencePDF = sync.OnceValues(func() ([]byte, error) { return pdf.Render(testdoc.Reference()) })
	longPDF      = sync.OnceValues(func() ([]byte, error) { return pdf.Render(testdoc.Long(40, 60)) })
)

// samplePDF returns the reference letter (two pages) rendered by render/pdf. tb may be nil (in a
// child process).
func samplePDF(tb testing.TB) []byte { return mustPDF(tb, referencePDF) }

func mustPDF(tb testing.TB, f func() ([]byte, error)) []byte {
	b, err := f()
	if err != nil {
		if tb == nil {
			panic(err)
		}
		tb.Fatal(err)
	}
	return b
}

func printLetter(id string, pdfData []byte) *Letter {
	return &Letter{
		ID: id, Tenant: "kommune-a", Template: "boligstoette-afgoerelse", Recipient: jens,
		Documents: []Document{{Format: "pdf", Data: pdfData}, {Format: "docx", Data: []byte("PK\x03\x04")}},
	}
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// manifestLines reads a day's manifest.
func manifestLines(t *testing.T, dir, day string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, day, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		t.Fatalf("manifest does not end with a newline:\n%s", b)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

var pdfinfoField = regexp.MustCompile(`(?m)^(Pages|Page size):\s+(.*)$`)

// pdfinfo returns pdfinfo's Pages and Page size for a PDF file.
func pdfinfo(t *testing.T, path string) (pages int, size string) {
	t.Helper()
	bin := testenv.Need(t, "pdfinfo")[0]
	out, err := exec.Command(bin, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	for _, m := range pdfinfoField.FindAllStringSubmatch(string(out), -1) {
		switch m[1] {
		case "Pages":
			pages, _ = strconv.Atoi(m[2])
		case "Page size":
			size = m[2]
		}
	}
	return pages, size
}

func TestPrintDeliver(t *testing.T) {
	tests := []struct {
		name   string
		print  Print
		pdf    func() ([]byte, error)
		pages  int
		suffix string // of the manifest line, after the pages
	}{
		{"reference letter, defaults", Print{}, referencePDF, 2, "2,2,C5,false,B"},
		{"long, duplex, DL, A", Print{Envelope: "DL", Duplex: true, PostageClass: "A"}, longPDF, 9, "9,5,DL,true,A"},
		{"long, simplex, NoSync", Print{NoSync: true}, longPDF, 9, "9,9,C5,false,B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := tt.print
			p.Dir, p.Now = dir, func() time.Time { return t0 }
			data := mustPDF(t, tt.pdf)
			r, err := p.Deliver(context.Background(), printLetter("01JD3YQ2Z8", data))
			if err != nil {
				t.Fatal(err)
			}
			line := "01JD3YQ2Z8,kommune-a,kommune-a/01JD3YQ2Z8.pdf," + tt.suffix + "," + sha(data)
			want := &Receipt{Channel: "print", Reference: "2026-03-01/kommune-a/01JD3YQ2Z8.pdf", Status: "PRINT_QUEUED", Manifest: line, DeliveredAt: t0}
			if diff := cmp.Diff(want, r); diff != "" {
				t.Errorf("receipt (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{manifestHeader, line}, manifestLines(t, dir, "2026-03-01")); diff != "" {
				t.Errorf("manifest (-want +got):\n%s", diff)
			}
			path := filepath.Join(dir, filepath.FromSlash(r.Reference))
			got, err := os.ReadFile(path)
			if err != nil || sha(got) != sha(data) {
				t.Fatalf("filed PDF differs from the letter's (err %v)", err)
			}
			pages, size := pdfinfo(t, path)
			if pages != tt.pages || !strings.Contains(size, "(A4)") {
				t.Errorf("pdfinfo: %d pages of %s; want %d A4 pages", pages, size, tt.pages)
			}
			if n, _ := strconv.Atoi(strings.Split(line, ",")[3]); n != pages {
				t.Errorf("manifest says %d pages, pdfinfo %d", n, pages)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("tenant folder holds %d entries, want only the PDF (no temporary files)", len(entries))
			}

			// Delivering again (a retried task) files nothing twice and gives the same line.
			r2, err := p.Deliver(context.Background(), printLetter("01JD3YQ2Z8", data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, r2); diff != "" {
				t.Errorf("second receipt (-first +second):\n%s", diff)
			}
			if n := len(manifestLines(t, dir, "2026-03-01")); n != 2 {
				t.Errorf("manifest has %d lines after a second Deliver, want 2 (header, letter)", n)
			}
		})
	}
}

// TestPrintConcurrent delivers 10 letters twice each from 20 goroutines with separate Print values
// (as separate worker processes): one manifest line per letter, one header.
func TestPrintConcurrent(t *testing.T) {
	dir := t.TempDir()
	data := samplePDF(t)
	const letters = 10
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 2*letters)
	receipts := make([]*Receipt, 2*letters)
	for i := range 2 * letters {
		p := &Print{Dir: dir, Now: func() time.Time { return t0 }, NoSync: i%4 == 0}
		wg.Go(func() {
			<-start
			receipts[i], errs[i] = p.Deliver(context.Background(), printLetter(fmt.Sprintf("l%02d", i%letters), data))
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Deliver %d: %v", i, err)
		}
	}
	for i := range letters {
		if diff := cmp.Diff(receipts[i], receipts[i+letters]); diff != "" {
			t.Errorf("the two Delivers of l%02d got other receipts (-first +second):\n%s", i, diff)
		}
	}
	lines := manifestLines(t, dir, "2026-03-01")
	if lines[0] != manifestHeader {
		t.Errorf("first line %q, want the header", lines[0])
	}
	ids := map[string]int{}
	for _, l := range lines[1:] {
		ids[strings.Split(l, ",")[0]]++
	}
	if len(lines) != letters+1 || len(ids) != letters {
		t.Errorf("manifest has %d lines for %d distinct letters, want %d lines for %d letters:\n%s", len(lines), len(ids), letters+1, letters, strings.Join(lines, "\n"))
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "2026-03-01", "kommune-a"))
	if len(entries) != letters {
		t.Errorf("tenant folder holds %d entries for %d letters: temporary files left behind", len(entries), letters)
	}
}

// TestPrintCrash kills (SIGKILL) a real process that has filed a letter's PDF but not yet its
// manifest line, holding the manifest's lock. The lock dies with it, and the retry appends exactly
// one line, describing the PDF on disk.
func TestPrintCrash(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), printCrashEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "FILED ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v; want it to stop mid-delivery", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if got := manifestLines(t, dir, "2026-03-01"); !cmp.Equal(got, []string{manifestHeader}) {
		t.Fatalf("the killed process wrote manifest lines: %q", got)
	}

	data := samplePDF(t)
	p := &Print{Dir: dir, Now: func() time.Time { return t0 }}
	r, err := p.Deliver(context.Background(), printLetter("crash-1", data))
	if err != nil {
		t.Fatal(err)
	}
	want := "crash-1,kommune-a,kommune-a/crash-1.pdf,2,2,C5,false,B," + sha(data)
	if r.Manifest != want {
		t.Errorf("manifest line %q, want %q", r.Manifest, want)
	}
	if _, err := p.Deliver(context.Background(), printLetter("crash-1", data)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{manifestHeader, want}, manifestLines(t, dir, "2026-03-01")); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
}

// TestPrintRetryPlanted plants what an earlier attempt leaves: the PDF filed, and a manifest without
// its line (or a manifest whose last line a power cut tore, or no manifest at all), today or
// yesterday. The retry completes that filing with one whole line and files nothing under a new day.
func TestPrintRetryPlanted(t *testing.T) {
	data := samplePDF(t)
	line := "l1,kommune-a,kommune-a/l1.pdf,2,2,C5,false,B," + sha(data)
	other := "l0,kommune-a,kommune-a/l0.pdf,2,2,C5,false,B," + strings.Repeat("a", 64)
	tests := []struct {
		name     string
		day      string // where the earlier attempt filed
		manifest *string
		want     []string
	}{
		{"no manifest", "2026-03-01", nil, []string{manifestHeader, line}},
		{"manifest without the line", "2026-03-01", ptr(manifestHeader + "\n" + other + "\n"), []string{manifestHeader, other, line}},
		{"torn last line", "2026-03-01", ptr(manifestHeader + "\n" + other + "\nl1,kommune-a,kommu"), []string{manifestHeader, other, "l1,kommune-a,kommu", line}},
		{"torn inside the hash", "2026-03-01", ptr(manifestHeader + "\n" + line[:len(line)-3]), []string{manifestHeader, line[:len(line)-3], line}},
		{"filed yesterday", "2026-02-28", ptr(manifestHeader + "\n"), []string{manifestHeader, line}},
		{"line already there", "2026-03-01", ptr(manifestHeader + "\n" + line + "\n" + other + "\n"), []string{manifestHeader, line, other}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tenantDir := filepath.Join(dir, tt.day, "kommune-a")
			if err := os.MkdirAll(tenantDir, 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tenantDir, "l1.pdf"), data, 0o640); err != nil {
				t.Fatal(err)
			}
			if tt.manifest != nil {
				if err := os.WriteFile(filepath.Join(dir, tt.day, "manifest.csv"), []byte(*tt.manifest), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			// The retry carries other bytes: the PDF already filed is what gets printed.
			p := &Print{Dir: dir, Now: func() time.Time { return t0 }}
			r, err := p.Deliver(context.Background(), printLetter("l1", mustPDF(t, longPDF)))
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.day + "/kommune-a/l1.pdf"; r.Reference != want || r.Manifest != line {
				t.Errorf("receipt %+v; want reference %s and line %s", r, want, line)
			}
			if diff := cmp.Diff(tt.want, manifestLines(t, dir, tt.day)); diff != "" {
				t.Errorf("manifest (-want +got):\n%s", diff)
			}
			if tt.day != "2026-03-01" {
				if _, err := os.Stat(filepath.Join(dir, "2026-03-01")); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("a letter filed yesterday was filed again today: %v", err)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestPrintRejects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := samplePDF(t)
	letterPDF := func() []byte {
		d := testdoc.Reference()
		d.Page = render.Page{Width: 216, Height: 279, Top: 15, Right: 20, Bottom: 20, Left: 20} // US Letter
		b, err := pdf.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	noPDF := printLetter("l1", good)
	noPDF.Documents = noPDF.Documents[1:]
	p := &Print{Dir: dir}
	tests := []struct {
		name   string
		print  *Print
		letter *Letter
		want   string
		halt   bool
	}{
		{"no pdf", p, noPDF, "the letter has no PDF", false},
		{"not a pdf", p, printLetter("l1", []byte("PK\x03\x04 a docx")), "does not start with %PDF-", false},
		{"no pages", p, printLetter("l1", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")), "no pages", false},
		{"no media box", p, printLetter("l1", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Page >>\nendobj\n")), "no MediaBox", false},
		{"indirect media box", p, printLetter("l1", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Page /MediaBox 2 0 R >>\nendobj\n")), "MediaBox by reference", false},
		{"US Letter", p, printLetter("l1", letterPDF), "612.28 x 790.87 pt page, not A4", false},
		{"a MediaBox in a stream is no page size", p, printLetter("l1", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Page /MediaBox [0 0 595.28 841.89] >>\nendobj\n2 0 obj\n<< /Length 30 >>\nstream\n/MediaBox [0 0 10 10]\nendstream\nendobj\n3 0 obj\n<< /MediaBox [0 0 100 100] >>\nendobj\n")), "100.00 x 100.00 pt page", false},
		{"landscape A4", p, printLetter("l1", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Page /MediaBox [0 0 841.89 595.28] >>\nendobj\n")), "not A4 portrait", false},
		{"bad tenant", p, func() *Letter { l := printLetter("l1", good); l.Tenant = "../x"; return l }(), "starts with a dot", false},
		{"no folder", &Print{}, printLetter("l1", good), "Print.Dir is empty", true},
		{"bad envelope", &Print{Dir: dir, Envelope: "C4"}, printLetter("l1", good), `Print.Envelope "C4" is unknown`, true},
		{"bad postage", &Print{Dir: dir, PostageClass: "Q"}, printLetter("l1", good), `Print.PostageClass "Q" is unknown`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.print.Deliver(ctx, tt.letter)
			if err == nil {
				t.Fatalf("Deliver succeeded: %+v", r)
			}
			var h *HaltError
			if tt.halt != errors.As(err, &h) || !tt.halt && !IsPermanent(err) {
				t.Errorf("error %v: permanent %v, halt %v; want halt %v, else permanent", err, IsPermanent(err), errors.As(err, &h), tt.halt)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), jens.ID) {
				t.Errorf("error %q holds the recipient's id", err)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("rejected letters left %d entries in the print folder", len(entries))
	}
}

// TestPDFPages compares PDFPages with pdfinfo on the sample templates' letters and on longer ones.
func TestPDFPages(t *testing.T) {
	dir := t.TempDir()
	type sample struct {
		name string
		data []byte
	}
	var samples []sample
	root := os.DirFS("../samples")
	names, err := fs.Glob(root, "templates/*/letter.md")
	if err != nil || len(names) == 0 {
		t.Fatalf("no sample templates: %v", err)
	}
	for _, n := range names {
		name := filepath.Base(filepath.Dir(n))
		b, err := templates.Load(root, name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := b.Document(b.Sample)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, err := pdf.Render(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		samples = append(samples, sample{name, data})
	}
	samples = append(samples, sample{"long", mustPDF(t, longPDF)})
	big, err := pdf.Render(testdoc.Long(200, 500))
	if err != nil {
		t.Fatal(err)
	}
	samples = append(samples, sample{"very-long", big})
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			path := filepath.Join(dir, s.name+".pdf")
			if err := os.WriteFile(path, s.data, 0o640); err != nil {
				t.Fatal(err)
			}
			want, _ := pdfinfo(t, path)
			got, err := PDFPages(s.data)
			if err != nil || got != want {
				t.Errorf("PDFPages = %d, %v; pdfinfo says %d", got, err, want)
			}
			if _, err := checkPrintable(s.data); err != nil {
				t.Errorf("a render/pdf letter is not printable: %v", err)
			}
		})
	}
}

func TestPDFPagesSyntax(t *testing.T) {
	tests := []struct {
		name string
		pdf  string
		want int // 0: an error
	}{
		{"no pages", "%PDF-1.7\n1 0 obj << /Type /Pages /Count 0 >> endobj", 0},
		{"not a pdf", "hello", 0},
		{"whitespace", "1 0 obj<</Type/Page>>endobj 2 0 obj <<\n/Type\r\n  /Page\n>> endobj 3 0 obj << /Type /Pages >> endobj", 2},
		{"a page in a stream is no page", "1 0 obj << /Type /Page >> endobj 2 0 obj << /Length 20 >>\nstream\n/Type /Page /Type /Page\nendstream\nendobj", 1},
		{"incremental update", "4 0 obj << /Type /Page >> endobj 4 0 obj << /Type /Page /Rotate 0 >> endobj", 1},
		{"page label is no page", "1 0 obj << /Type /PageLabel >> endobj 2 0 obj << /Type /Page>> endobj", 1},
		{"truncated stream", "1 0 obj << /Type /Page >>\nstream\nxx", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PDFPages([]byte(tt.pdf))
			if tt.want == 0 {
				if err == nil {
					t.Errorf("PDFPages = %d, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("PDFPages = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func FuzzPDFPages(f *testing.F) {
	f.Add(samplePDF(f))
	f.Add([]byte("1 0 obj << /Type /Page /MediaBox [0 0 595.28 841.89] >>\nstream\n"))
	f.Add([]byte("99999999999999999999 0 obj /Type /Page endobj"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := PDFPages(data)
		if (err == nil) != (n > 0) {
			t.Fatalf("PDFPages = %d, %v", n, err)
		}
		if p, err := checkPrintable(data); err == nil && p != n {
			t.Fatalf("checkPrintable counts %d pages, PDFPages %d", p, n)
		}
	})
}

func BenchmarkPrintDeliver(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("NoSync=%v", noSync), func(b *testing.B) {
			p := &Print{Dir: b.TempDir(), NoSync: noSync}
			l := printLetter("x", samplePDF(b))
			i := 0
			for b.Loop() {
				i++
				l.ID = fmt.Sprint("l", i)
				if _, err := p.Deliver(context.Background(), l); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}
