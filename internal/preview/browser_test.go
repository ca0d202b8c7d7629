package preview

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/postbud/postbud/internal/testenv"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// browser starts headless Chromium for the test and returns a context to drive it with.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if testenv.InCI() {
			t.Fatalf("headless Chromium is missing at %s: install the Debian package chromium (.ci/run does)", chromiumPath)
		}
		t.Skipf("headless Chromium is missing at %s: apt-get install chromium (Debian package chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// copySamples copies the repository's samples/ to a temporary folder the test may change.
func copySamples(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "samples")
	if err := os.CopyFS(root, os.DirFS(filepath.Join("..", "..", "samples"))); err != nil {
		t.Fatalf("copy samples: %v", err)
	}
	return root
}

// writeLikeEditor replaces a file the way many editors save: a new file renamed over the old.
func writeLikeEditor(t *testing.T, path, text string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".new")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// letterJS is the text of the letter the page shows, from the text layer of its pages (the
// words of the real PDF); "" while only a stale letter or none is shown.
const letterJS = `(() => { const p = document.querySelector('#pages:not(.stale)'); return p ? p.textContent : ''; })()`

// errorsJS is the text of the page's error box, "" when there is none.
const errorsJS = `(() => { const e = document.querySelector('#errors'); return e ? e.textContent : ''; })()`

// waitFor evaluates js in the page until cond holds for its string result, and fails the test
// after within, with the last result.
func waitFor(t *testing.T, ctx context.Context, what, js string, within time.Duration, cond func(string) bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: evaluate in the page: %v", what, err)
		}
		if cond(got) {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("%s: not seen within %v; the page shows:\n%.2000s", what, within, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func contains(s string) func(string) bool {
	return func(got string) bool { return strings.Contains(got, s) }
}

// TestBrowser drives the preview in headless Chromium as an author would: pick a bundle, see
// the letter, edit the template on disk, break it, fix it, and edit the case data in the page.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	testenv.Need(t, "pdftoppm", "pdftotext")
	_, ts, root := newServer(t)
	const name = bundleName
	letterPath := filepath.Join(root, "templates", name, "letter.md")
	orig, err := os.ReadFile(letterPath)
	if err != nil {
		t.Fatal(err)
	}

	// Open the list of bundles and pick one: the letter appears, as page images with the PDF's
	// text over them, and the page follows changes (its event stream is connected).
	if err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.Click(chromedp.CSS(`a.bundle[href="/b/`+name+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#pages .page img`)),
		chromedp.WaitVisible(chromedp.CSS(`#conn.live`)),
	); err != nil {
		t.Fatalf("open the bundle's page: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#pages .page img').complete`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("page 1 image: %v", err)
	}
	imgWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector('#pages .page img').naturalWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if imgWidth < 900 {
		t.Errorf("page 1 image is %d pixels wide, want a page at %d dpi (about 990)", imgWidth, pageDPI)
	}
	// The page is laid out at the size of A4 (96 CSS pixels an inch), its image filling it.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const p = document.querySelector('#pages .page').getBoundingClientRect();
		const i = document.querySelector('#pages .page img').getBoundingClientRect();
		return [p.width, p.height, i.width, i.height]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{793.7, 1122.5, 793.7, 1122.5}; len(box) != 4 || math.Abs(box[0]-want[0]) > 1 || math.Abs(box[1]-want[1]) > 1 || math.Abs(box[2]-want[2]) > 1 || math.Abs(box[3]-want[3]) > 1 {
		t.Errorf("page 1 and its image are laid out at %v CSS pixels, want %v (A4)", box, want)
	}
	waitFor(t, ctx, "the sample letter", letterJS, 5*time.Second, contains("Kære Søren Ærbø Møller"))

	// Change a word of the template on disk: the new word is in the letter within two seconds.
	changed := strings.Replace(string(orig), "## {{ .table.caption }}", "## Udbetalingsplan", 1)
	if changed == string(orig) {
		t.Fatal("the sample letter.md has no table caption heading to change")
	}
	writeLikeEditor(t, letterPath, changed)
	took := waitFor(t, ctx, "the changed word", letterJS, 2*time.Second, contains("Udbetalingsplan"))
	t.Logf("the changed word was in the page %v after the file was saved", took.Round(time.Millisecond))

	// Break the template: the error names the file, line and column, and the last good letter
	// stays visible, dimmed, below it.
	lines := strings.Split(changed, "\n")
	brokenLine := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "{{ .closing }}") {
			lines[i] = "{{ .closing | nosuchfunc }}"
			brokenLine = i + 1
		}
	}
	if brokenLine < 0 {
		t.Fatal("the sample letter.md has no {{ .closing }} line to break")
	}
	writeLikeEditor(t, letterPath, strings.Join(lines, "\n"))
	wantPos := fmt.Sprintf("templates/%s/letter.md:%d:", name, brokenLine)
	waitFor(t, ctx, "the template error", errorsJS, 3*time.Second, contains(wantPos))
	stale, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('#pages.stale .page')`))
	if err != nil {
		t.Fatal(err)
	}
	if !stale {
		t.Error("with the template broken, the last good letter is not shown dimmed under the error")
	}

	// Fix it: the letter is back, with the changed word, and the error is gone.
	writeLikeEditor(t, letterPath, changed)
	waitFor(t, ctx, "the letter after the fix", letterJS, 3*time.Second, contains("Udbetalingsplan"))
	waitFor(t, ctx, "the error box gone", errorsJS, time.Second, func(s string) bool { return s == "" })

	// Edit the case data in the page: the letter shows the new salutation.
	data, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#data`)))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(data, `"Kære Søren Ærbø Møller"`, `"Kære Ingeborg Testesen"`, 1)
	if edited == data {
		t.Fatalf("the page's case data has no salutation to edit:\n%.500s", data)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#data`), edited), chromedp.Click(chromedp.CSS(`#apply`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the edited salutation", letterJS, 5*time.Second, contains("Kære Ingeborg Testesen"))

	// Data that breaks the schema: the error names the JSON path and its place in the text.
	bad := strings.Replace(edited, `"Kære Ingeborg Testesen"`, `42`, 1)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#data`), bad), chromedp.Click(chromedp.CSS(`#apply`))); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(bad[:strings.Index(bad, "42")], "\n")
	waitFor(t, ctx, "the data error", errorsJS, 5*time.Second, contains(fmt.Sprintf("/salutation (case data line %d,", line)))
}
