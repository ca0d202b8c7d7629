package preview

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/postbud/postbud/internal/testenv"
)

const bundleName = "boligstoette-afgoerelse"

// newServer serves the preview of a temporary copy of samples/.
func newServer(t *testing.T) (*Server, *httptest.Server, string) {
	t.Helper()
	root := copySamples(t)
	s, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, ts, root
}

func get(t *testing.T, url string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// renderPost asks for the letter as the page does; data nil means the sample.
func renderPost(t *testing.T, ts *httptest.Server, name, lang string, data []byte) renderAnswer {
	t.Helper()
	form := url.Values{"lang": {lang}}
	if data != nil {
		form.Set("data", string(data))
	}
	resp, err := http.PostForm(ts.URL+"/b/"+name+"/render", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("render: %s: %s", resp.Status, b)
	}
	var a renderAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

// text is the visible text of an HTML fragment: tags dropped, entities of html/template undone.
func text(html string) string {
	s := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, "")
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func TestPointerPos(t *testing.T) {
	data := []byte("{\n  \"a\": {\"b\": [1, {\"c\": \"x\\\"}\"}, 3]},\n  \"ø/~\": \"æ\",\n  \"d\": null\n}")
	tests := []struct {
		ptr       string
		line, col int
		ok        bool
	}{
		{"", 1, 1, true},
		{"/a", 2, 8, true},
		{"/a/b", 2, 14, true},
		{"/a/b/0", 2, 15, true},
		{"/a/b/1", 2, 18, true},
		{"/a/b/1/c", 2, 24, true},
		{"/a/b/2", 2, 33, true},
		{"/ø~1~0", 3, 10, true},
		{"/d", 4, 8, true},
		// A member that is not there: the object that lacks it.
		{"/a/missing", 2, 8, true},
		{"/a/b/7", 2, 14, true},
		{"no-slash", 0, 0, false},
	}
	for _, tt := range tests {
		line, col, ok := pointerPos(data, tt.ptr)
		if line != tt.line || col != tt.col || ok != tt.ok {
			t.Errorf("pointerPos(%q) = %d, %d, %v; want %d, %d, %v", tt.ptr, line, col, ok, tt.line, tt.col, tt.ok)
		}
	}
}

func TestParseBBox(t *testing.T) {
	x := `<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><doc>
<page width="595.280000" height="841.890000"><flow><block><line>
<word xMin="70.87" yMin="42.85" xMax="139.08" yMax="64.95">Aarhus</word>
<word xMin="144.58" yMin="42.85" xMax="241.38" yMax="64.95">K&amp;ommune</word>
</line><line><word xMin="70" yMin="70" xMax="80" yMax="80">2</word></line></block></flow></page>
<page width="100" height="200"></page></doc></body></html>`
	got, err := parseBBox([]byte(x))
	if err != nil {
		t.Fatal(err)
	}
	want := []page{
		{W: 595.28, H: 841.89, Words: []word{
			{X: 70.87, Y: 42.85, W: 139.08 - 70.87, H: 64.95 - 42.85, Text: "Aarhus"},
			{X: 144.58, Y: 42.85, W: 241.38 - 144.58, H: 64.95 - 42.85, Text: "K&ommune", LineEnd: true},
			{X: 70, Y: 70, W: 10, H: 10, Text: "2", LineEnd: true},
		}},
		{W: 100, H: 200},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("parseBBox (-want +got):\n%s", diff)
	}
}

func TestList(t *testing.T) {
	_, ts, root := newServer(t)
	// A bundle that does not load is listed with its error.
	if err := os.WriteFile(filepath.Join(root, "templates", bundleName, "letter.md"), []byte("---\ntitle: x\nnope: 1\n---\nHi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, body := get(t, ts.URL+"/")
	if code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
	page := string(body)
	for _, want := range []string{
		`href="/b/uitnodiging-afspraak"`, `href="/b/waste-collection-information"`,
		`href="/b/betalningspaminnelse?lang=sv"`,
		"Betalningspåminnelse för en förfallen faktura",
		"templates/" + bundleName + "/letter.md:3",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the list of bundles lacks %q", want)
		}
	}
}

func TestBundlePage(t *testing.T) {
	testenv.Need(t, "pdftoppm", "pdftotext")
	s, ts, _ := newServer(t)
	code, _, body := get(t, ts.URL+"/b/"+bundleName)
	if code != http.StatusOK {
		t.Fatalf("GET bundle: %d\n%s", code, body)
	}
	page := string(body)
	for _, want := range []string{
		`<option value="da" selected>da</option>`,
		`<textarea id="data"`, "&#34;salutation&#34;: &#34;Kære Søren Ærbø Møller&#34;",
		`<img src="/r/` + s.id(1) + `/page/1.png"`, `<img src="/r/` + s.id(1) + `/page/2.png"`,
		`href="/r/` + s.id(1) + `/pdf"`, `href="/r/` + s.id(1) + `/docx"`, `href="/r/` + s.id(1) + `/memo"`,
		`<script src="/assets/preview.js"></script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the bundle page lacks %s", want)
		}
	}
	// The text layer holds the PDF's words, in reading order.
	if got := text(page); !strings.Contains(got, "Kære Søren Ærbø Møller") || !strings.Contains(got, "Afgørelse om boligstøtte") {
		t.Errorf("the text layer lacks the salutation or the subject:\n%.3000s", got)
	}
	// No asset from elsewhere.
	if m := regexp.MustCompile(`(src|href)="(https?:)?//`).FindString(page); m != "" {
		t.Errorf("the page loads %s from another host", m)
	}

	code, hdr, img := get(t, ts.URL+"/r/"+s.id(1)+"/page/2.png")
	if code != http.StatusOK || hdr.Get("Content-Type") != "image/png" {
		t.Fatalf("page 2 image: %d %s", code, hdr.Get("Content-Type"))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 992 && cfg.Width != 993 {
		t.Errorf("page 2 image is %d×%d pixels, want A4 at %d dpi (993 wide)", cfg.Width, cfg.Height, pageDPI)
	}
	if code, _, _ := get(t, ts.URL+"/r/"+s.id(1)+"/page/3.png"); code != http.StatusNotFound {
		t.Errorf("page 3 of a 2-page letter: %d, want 404", code)
	}
	if code, _, _ := get(t, ts.URL+"/b/no-such-bundle"); code != http.StatusNotFound {
		t.Errorf("unknown bundle: %d, want 404", code)
	}
	if code, _, _ := get(t, ts.URL+"/b/..%2f..%2fetc"); code != http.StatusNotFound {
		t.Errorf("a bundle name with a path: %d, want 404", code)
	}
}

func TestDownloads(t *testing.T) {
	testenv.Need(t, "pdftotext")
	s, ts, _ := newServer(t)
	a := renderPost(t, ts, bundleName, "", nil)
	if !a.OK {
		t.Fatalf("the sample did not render:\n%s", text(a.Letter))
	}
	base := ts.URL + "/r/" + a.ID + "/"

	code, hdr, pdfBytes := get(t, base+"pdf")
	if code != http.StatusOK || !bytes.HasPrefix(pdfBytes, []byte("%PDF-")) {
		t.Fatalf("PDF: %d, %.10q", code, pdfBytes)
	}
	if got, want := hdr.Get("Content-Disposition"), `attachment; filename="`+bundleName+`-da.pdf"`; got != want {
		t.Errorf("PDF Content-Disposition %q, want %q", got, want)
	}
	cmd := exec.Command(testenv.Need(t, "pdftotext")[0], "-", "-")
	cmd.Stdin = bytes.NewReader(pdfBytes)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "Kære Søren Ærbø Møller") {
		t.Errorf("the PDF's text lacks the salutation:\n%.500s", out)
	}

	code, _, docxBytes := get(t, base+"docx")
	if code != http.StatusOK {
		t.Fatalf("DOCX: %d %s", code, docxBytes)
	}
	zr, err := zip.NewReader(bytes.NewReader(docxBytes), int64(len(docxBytes)))
	if err != nil {
		t.Fatalf("DOCX is not a zip: %v", err)
	}
	var doc string
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			doc = string(b)
		}
	}
	if !strings.Contains(doc, "Kære Søren Ærbø Møller") {
		t.Error("the DOCX's word/document.xml lacks the salutation")
	}

	code, _, xml := get(t, base+"memo")
	if code != http.StatusOK {
		t.Fatalf("MeMo: %d %s", code, xml)
	}
	testenv.ValidateMemo(t, xml)
	for _, want := range []string{"<memo:label>Afgørelse om boligstøtte</memo:label>", "<memo:filename>" + bundleName + ".pdf</memo:filename>", "<memo:caseID>2026-004711</memo:caseID>"} {
		if !bytes.Contains(xml, []byte(want)) {
			t.Errorf("the MeMo message lacks %s", want)
		}
	}
	// The same render gives the same message.
	if _, _, again := get(t, base+"memo"); !bytes.Equal(again, xml) {
		t.Error("two downloads of one render's MeMo message differ")
	}
	if code, _, _ := get(t, ts.URL+"/r/"+s.id(999)+"/pdf"); code != http.StatusNotFound {
		t.Errorf("unknown render: %d, want 404", code)
	}
}

func TestErrors(t *testing.T) {
	testenv.Need(t, "pdftotext")
	_, ts, root := newServer(t)
	good := renderPost(t, ts, bundleName, "", nil)
	if !good.OK || good.Sample == nil {
		t.Fatalf("the sample did not render, or no sample came back:\n%s", text(good.Letter))
	}

	// The same data again comes from the cache: the same render.
	if again := renderPost(t, ts, bundleName, "", []byte(*good.Sample)); again.Seq != good.Seq {
		t.Errorf("the same data rendered again (render %d, then %d): want the cached render", good.Seq, again.Seq)
	}

	// Data that breaks the schema: the JSON path, its place in the data, and where the template
	// reads it; the last good letter stays, dimmed.
	bad := strings.Replace(*good.Sample, `"Kære Søren Ærbø Møller"`, `42`, 1)
	line := 1 + strings.Count(bad[:strings.Index(bad, "42")], "\n")
	a := renderPost(t, ts, bundleName, "", []byte(bad))
	if a.OK {
		t.Fatal("data with a number for the salutation rendered")
	}
	letter := text(a.Letter)
	if want := fmt.Sprintf("/salutation (case data line %d, column 17) error: expected string, got number (used at templates/%s/letter.md:", line, bundleName); !strings.Contains(letter, want) {
		t.Errorf("the error box lacks %q:\n%.1500s", want, letter)
	}
	if !strings.Contains(a.Letter, `class="pages stale"`) || !strings.Contains(a.Letter, `data-id="`+good.ID+`"`) {
		t.Errorf("the last good letter (render %d) is not shown dimmed under the error:\n%.1500s", good.Seq, a.Letter)
	}
	if !strings.Contains(a.Side, fmt.Sprintf(`data-line="%d" data-col="17"`, line)) {
		t.Error("the problem is not linked to its place in the case data")
	}
	// Not JSON at all.
	a = renderPost(t, ts, bundleName, "", []byte("{\n  \"a\": 1,\n}"))
	if want := "line 3, column 1"; a.OK || !strings.Contains(text(a.Letter), want) {
		t.Errorf("data that is not JSON: want an error with %q, got:\n%.800s", want, text(a.Letter))
	}

	// A broken template: file:line:col.
	p := filepath.Join(root, "templates", bundleName, "letter.md")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), "{{ .closing }}", "{{ .closing | nosuchfunc }}", 1)
	lineNo := 1 + strings.Count(broken[:strings.Index(broken, "nosuchfunc")], "\n")
	if err := os.WriteFile(p, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("templates/%s/letter.md:%d:", bundleName, lineNo)
	deadline := time.Now().Add(5 * time.Second)
	for {
		a = renderPost(t, ts, bundleName, "", nil)
		if strings.Contains(text(a.Letter), want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if a.OK || !strings.Contains(text(a.Letter), want) || !strings.Contains(text(a.Letter), `"nosuchfunc" not defined`) {
		t.Errorf("a template with an unknown function: want an error at %s, got:\n%.800s", want, text(a.Letter))
	}
	// The language list is gone with the bundle; the page still has a language to ask for.
	if !strings.Contains(a.Side, `<option value="da" selected>da</option>`) {
		t.Errorf("the language selector lost the language:\n%.800s", a.Side)
	}

	// A language the bundle has no letter in.
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	a = renderPost(t, ts, bundleName, "fi", nil)
	if a.OK || !strings.Contains(text(a.Letter), "da") {
		t.Errorf("language fi of a Danish-only bundle: want an error naming da, got:\n%.800s", text(a.Letter))
	}
}

func TestNoPageImages(t *testing.T) {
	testenv.Need(t, "pdftotext")
	s, ts, _ := newServer(t)
	s.tools.pdftoppm = ""
	_, _, body := get(t, ts.URL+"/b/"+bundleName)
	for _, want := range []string{"pdftoppm is not installed (Debian package poppler-utils)", `<iframe class="pdf" src="/r/` + s.id(1) + `/pdf?inline=1"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("without pdftoppm the page lacks %s", want)
		}
	}
	if strings.Contains(string(body), "<img") {
		t.Error("without pdftoppm the page still has page images")
	}
	_, hdr, _ := get(t, ts.URL+"/r/"+s.id(1)+"/pdf?inline=1")
	if got := hdr.Get("Content-Disposition"); !strings.HasPrefix(got, "inline;") {
		t.Errorf("the embedded PDF is served as %q, want inline", got)
	}
}

func TestLoopbackOnly(t *testing.T) {
	_, ts, _ := newServer(t)
	for host, want := range map[string]int{
		"127.0.0.1:8090":      http.StatusOK,
		"localhost:8090":      http.StatusOK,
		"[::1]:8090":          http.StatusOK,
		"evil.example:8090":   http.StatusForbidden,
		"192.168.1.5:8090":    http.StatusForbidden,
		"127.0.0.1.nip.io:80": http.StatusForbidden,
	} {
		req, _ := http.NewRequest("GET", ts.URL+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
	// A page of another site cannot make the preview render.
	req, _ := http.NewRequest("POST", ts.URL+"/b/"+bundleName+"/render", strings.NewReader("lang=da"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site render request: %d, want 403", resp.StatusCode)
	}
}

// TestEvents checks that a change on disk, including a file replaced by rename and a file in a
// folder created after the start, sends a "render" event after the re-render.
func TestEvents(t *testing.T) {
	testenv.Need(t, "pdftotext")
	_, ts, root := newServer(t)
	first := renderPost(t, ts, bundleName, "", nil)
	resp, err := http.Get(ts.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events Content-Type %q", ct)
	}
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
		close(events)
	}()
	next := func(what string) string {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no event within 5 s", what)
			return ""
		}
	}
	if ev := next("connect"); ev != "hello" {
		t.Fatalf("first event %q, want hello", ev)
	}

	block := filepath.Join(root, "blocks", "klagevejledning.da.md")
	src, err := os.ReadFile(block)
	if err != nil {
		t.Fatal(err)
	}
	writeLikeEditor(t, block, string(src)+"\nEkstra klagetekst.\n")
	if ev := next("a shared block replaced by rename"); ev != "render" {
		t.Fatalf("event %q after a change, want render", ev)
	}
	// The re-render happened before the event: the page's request is answered from the cache.
	a := renderPost(t, ts, bundleName, "", nil)
	if a.Seq == first.Seq || !strings.Contains(text(a.Letter), "Ekstra klagetekst.") {
		t.Errorf("after the event the letter (render %d, was %d) lacks the new block text", a.Seq, first.Seq)
	}

	// A folder made after the start is watched too.
	dir := filepath.Join(root, "templates", "new-bundle")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	next("a new folder")
	time.Sleep(200 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(dir, "letter.md"), []byte("---\ntitle: x\n---\nHi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ev := next("a file in the new folder"); ev != "render" {
		t.Fatalf("event %q, want render", ev)
	}
}

// TestLanguages switches the letter's language: the variant letter.<lang>.md with the
// language's own sample.<lang>.json.
func TestLanguages(t *testing.T) {
	testenv.Need(t, "pdftotext")
	_, ts, root := newServer(t)
	dir := filepath.Join(root, "templates", bundleName)
	letter, err := os.ReadFile(filepath.Join(dir, "letter.md"))
	if err != nil {
		t.Fatal(err)
	}
	sample, err := os.ReadFile(filepath.Join(dir, "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	en := strings.Replace(string(letter), "language: da", "language: en", 1)
	enSample := strings.Replace(string(sample), `"Kære Søren Ærbø Møller"`, `"Dear Søren Ærbø Møller"`, 1)
	if en == string(letter) || enSample == string(sample) {
		t.Fatal("the sample bundle changed: no language or salutation to replace")
	}
	if err := os.WriteFile(filepath.Join(dir, "letter.en.md"), []byte(en), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sample.en.json"), []byte(enSample), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the watcher's debounce
	a := renderPost(t, ts, bundleName, "en", nil)
	if !a.OK || a.Lang != "en" {
		t.Fatalf("lang en: ok %v, lang %q:\n%.1000s", a.OK, a.Lang, text(a.Letter))
	}
	for _, want := range []string{`<option value="da">da</option>`, `<option value="en" selected>en</option>`, `href="/r/`} {
		if !strings.Contains(a.Side, want) {
			t.Errorf("the panel for en lacks %s:\n%.800s", want, a.Side)
		}
	}
	if a.Sample == nil || *a.Sample != enSample {
		t.Error("the page did not get sample.en.json as the case data of en")
	}
	if got := text(a.Letter); !strings.Contains(got, "Dear Søren Ærbø Møller") {
		t.Errorf("the en letter lacks the salutation of sample.en.json:\n%.1000s", got)
	}
	_, hdr, _ := get(t, ts.URL+"/r/"+a.ID+"/pdf")
	if got := hdr.Get("Content-Disposition"); !strings.Contains(got, bundleName+"-en.pdf") {
		t.Errorf("the en PDF is named %q", got)
	}
	if da := renderPost(t, ts, bundleName, "da", nil); !strings.Contains(text(da.Letter), "Kære Søren Ærbø Møller") {
		t.Error("back in da, the letter lacks the Danish salutation")
	}
}
