package preview

import (
	"cmp"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/postbud/postbud/delivery/memo"
	"github.com/postbud/postbud/templates"
)

//go:embed assets
var assets embed.FS

// Options configure a Server. The zero value works: every field documents its default.
type Options struct {
	// Logger receives the server's own messages (watch errors, failed tools); never case data.
	// nil discards them.
	Logger *slog.Logger
	// Timeout bounds one render (merge, PDF, text layer) and the making of one page image;
	// 0 means 20 seconds.
	Timeout time.Duration
	// Debounce is how long the watcher waits after a change for more changes before it
	// re-renders; 0 means 100 ms.
	Debounce time.Duration
	// Public serves requests whatever host name they were sent to. When false (the default) a
	// request whose Host is not a loopback address or "localhost" is refused, so that a web page
	// elsewhere cannot reach the preview by a DNS name that points at 127.0.0.1.
	Public bool
	// Sender and Recipient go into the downloadable MeMo message in place of the tenant's sender
	// and the citizen, whom the preview does not know. Zero values mean placeholders: sender CVR
	// 12345674 "postbud preview", recipient CPR 0101010000.
	Sender    memo.Sender
	Recipient memo.Recipient
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.Debounce <= 0 {
		o.Debounce = 100 * time.Millisecond
	}
	if o.Sender.ID == "" {
		o.Sender = memo.Sender{ID: "12345674", Label: "postbud preview"}
	}
	if o.Recipient.ID == "" {
		o.Recipient = memo.Recipient{ID: "0101010000", Label: "Preview recipient"}
	}
	return o
}

// cacheSize is how many renders the server keeps (besides the last good one of each bundle and
// language): enough for a few bundles, languages and data edits going back and forth.
const cacheSize = 24

// Server is the preview of the bundles under one root folder: an http.Handler. It watches the
// root's files from New until Close.
type Server struct {
	root    string
	opts    Options
	tools   tools
	handler http.Handler
	pages   *template.Template
	sem     chan struct{}
	seq     atomic.Uint64
	boot    string // tells this server's renders from those of an earlier start
	watcher *fsnotify.Watcher
	done    chan struct{}
	wg      sync.WaitGroup
	close   sync.Once

	mu       sync.Mutex
	gen      uint64            // counts the changes seen on disk
	loaded   map[string]loaded // bundles loaded since the last change, by name
	lints    map[string]*lintEntry
	cache    []*entry           // renders, least recently used first
	lastGood map[string]*result // by bundle and language
	views    map[string]view    // what the open pages of each bundle show
	subs     map[chan uint64]struct{}
}

var _ http.Handler = (*Server)(nil)

type loaded struct {
	b   *templates.Bundle
	err error
}

// entry is one cached render, or one under way (r is nil until done is closed).
type entry struct {
	key  string
	done chan struct{}
	r    *result
}

// view is the language and case data an open page shows; data nil means the sample.
type view struct {
	lang string
	data []byte
}

// New returns the preview of the bundles under root (the folder holding templates/, layouts/
// and blocks/) and starts watching its files. Call Close to stop.
func New(root string, opts Options) (*Server, error) {
	if fi, err := os.Stat(filepath.Join(root, "templates")); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("preview: %s has no templates/ folder: give the folder that holds templates/, layouts/ and blocks/", root)
	}
	pages, err := template.New("").Funcs(funcs).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("preview: parse page templates: %w", err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("preview: watch files: %w", err)
	}
	s := &Server{
		root: root, opts: opts.withDefaults(), tools: findTools(), pages: pages,
		boot: strconv.FormatInt(time.Now().UnixNano(), 36), sem: make(chan struct{}, 2), watcher: w, done: make(chan struct{}),
		loaded: map[string]loaded{}, lints: map[string]*lintEntry{}, lastGood: map[string]*result{}, views: map[string]view{},
		subs: map[chan uint64]struct{}{},
	}
	for _, dir := range []string{"templates", "layouts", "blocks"} {
		s.watchTree(filepath.Join(root, dir))
	}
	s.routes()
	s.wg.Add(1)
	go s.watch()
	return s, nil
}

// Close stops watching files and ends the event streams of open pages. It waits for neither
// running renders nor other requests.
func (s *Server) Close() error {
	var err error
	s.close.Do(func() {
		close(s.done)
		err = s.watcher.Close()
		s.wg.Wait()
	})
	return err
}

// ServeHTTP serves the preview's pages.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.opts.Public && !loopbackHost(r.Host) {
		http.Error(w, "postbud preview answers on loopback addresses only (start it with --public to serve other hosts)", http.StatusForbidden)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'; object-src 'self'")
	s.handler.ServeHTTP(w, r)
}

// loopbackHost reports whether the Host header names this machine: localhost or a loopback IP.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handleList)
	m.HandleFunc("GET /b/{name}", s.handleBundle)
	m.HandleFunc("POST /b/{name}/render", s.handleRender)
	m.HandleFunc("GET /r/{id}/page/{n}", s.handlePage)
	m.HandleFunc("GET /r/{id}/{kind}", s.handleFile)
	m.HandleFunc("GET /events", s.handleEvents)
	static, _ := fs.Sub(assets, "assets")
	m.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	// A page of another site must not make the preview render (and so read its files).
	s.handler = http.NewCrossOriginProtection().Handler(m)
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// bundleNames lists the folders under templates/ that hold a letter.md, sorted.
func (s *Server) bundleNames() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.root, "templates"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() && validName.MatchString(e.Name()) {
			if _, err := os.Stat(filepath.Join(s.root, "templates", e.Name(), "letter.md")); err == nil {
				names = append(names, e.Name())
			}
		}
	}
	return names, nil
}

// exists reports whether name is a bundle folder under templates/.
func (s *Server) exists(name string) bool {
	if !validName.MatchString(name) {
		return false
	}
	fi, err := os.Stat(filepath.Join(s.root, "templates", name))
	return err == nil && fi.IsDir()
}

// bundle loads bundle name, once per change on disk.
func (s *Server) bundle(name string) (*templates.Bundle, error) {
	s.mu.Lock()
	l, ok := s.loaded[name]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return l.b, l.err
	}
	b, err := templates.Load(os.DirFS(s.root), name)
	s.mu.Lock()
	if s.gen == gen {
		s.loaded[name] = loaded{b, err}
	}
	s.mu.Unlock()
	return b, err
}

// sample is the sample data of bundle name in lang: templates/<name>/sample.<lang>.json when
// there is one, else sample.json, else an empty object (which the schema then complains about).
func (s *Server) sample(name, lang string) []byte {
	dir := filepath.Join(s.root, "templates", name)
	if lang != "" && validName.MatchString(lang) {
		if data, err := os.ReadFile(filepath.Join(dir, "sample."+lang+".json")); err == nil {
			return data
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, "sample.json")); err == nil {
		return data
	}
	return []byte("{}\n")
}

// render renders bundle name in lang with data (nil: the sample of that language), from the
// cache when it can. It always returns a result: failures are its Errors. The languages are
// those of the bundle, nil when it does not load.
func (s *Server) render(ctx context.Context, name, lang string, data []byte) (r *result, languages []string) {
	newResult := func(errs []Item) *result {
		seq := s.seq.Add(1)
		return &result{Seq: seq, ID: s.id(seq), Bundle: name, Lang: lang, Made: time.Now(), Errors: errs}
	}
	b, err := s.bundle(name)
	if data == nil {
		data = s.sample(name, cmp.Or(lang, bundleLang(b)))
	}
	if err != nil {
		if lang == "" {
			// The page's language, so that the page keeps it while the bundle does not load.
			s.mu.Lock()
			lang = s.views[name].lang
			s.mu.Unlock()
		}
		return newResult(errorItems(err, data)), nil
	}
	languages = b.Languages()
	if lang == "" {
		lang = b.Language
	}
	lb, err := b.Lang(lang)
	if err != nil {
		return newResult(errorItems(err, data)), languages
	}
	sum := sha256.Sum256(data)
	key := name + "\x00" + lang + "\x00" + hex.EncodeToString(sum[:]) + "\x00" + b.Version

	s.mu.Lock()
	if e := s.lookup(key); e != nil {
		s.mu.Unlock()
		select {
		case <-e.done:
			return e.r, languages
		case <-ctx.Done():
			return newResult([]Item{{Severity: "error", Msg: "the render was cancelled"}}), languages
		}
	}
	e := &entry{key: key, done: make(chan struct{})}
	s.cache = append(s.cache, e)
	s.mu.Unlock()

	seq := s.seq.Add(1)
	r = &result{Seq: seq, ID: s.id(seq), Bundle: name, Lang: lang, Version: b.Version, Made: time.Now(), b: lb}
	r, ok := s.run(ctx, r, data)
	s.mu.Lock()
	if ok {
		e.r = r
		if r.OK() {
			s.lastGood[name+"\x00"+lang] = r
		}
		if len(s.cache) > cacheSize {
			s.cache = slices.Delete(s.cache, 0, len(s.cache)-cacheSize)
		}
	} else {
		// A render that timed out is not kept: the next request tries again.
		e.r = r
		s.cache = slices.DeleteFunc(s.cache, func(x *entry) bool { return x == e })
	}
	close(e.done)
	s.mu.Unlock()
	return r, languages
}

// lookup finds the entry of key and marks it most recently used; s.mu is held.
func (s *Server) lookup(key string) *entry {
	for i, e := range s.cache {
		if e.key == key {
			s.cache = append(slices.Delete(s.cache, i, i+1), e)
			return e
		}
	}
	return nil
}

// run renders r in a goroutine of its own, at most two at a time, and gives up after the
// timeout. It returns r and true when the render finished, else a result saying why not (r then
// belongs to the goroutine still running) and false.
func (s *Server) run(ctx context.Context, r *result, data []byte) (*result, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.Timeout)
	defer cancel()
	failed := func(msg string) (*result, bool) {
		return &result{Seq: r.Seq, ID: r.ID, Bundle: r.Bundle, Lang: r.Lang, Version: r.Version, Made: r.Made,
			Errors: []Item{{Severity: "error", Msg: msg}}}, false
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return failed(fmt.Sprintf("the preview is busy: no render could start within %v; try again", s.opts.Timeout))
	}
	done := make(chan struct{})
	go func() {
		defer func() { <-s.sem }()
		defer close(done)
		s.renderLetter(ctx, r, data)
	}()
	select {
	case <-done:
		return r, true
	case <-ctx.Done():
		// The goroutine keeps its semaphore slot until the renderer returns.
		return failed(fmt.Sprintf("rendering the letter took longer than %v: the preview gave up", s.opts.Timeout))
	}
}

// id is the ID of render seq: the server's start and seq.
func (s *Server) id(seq uint64) string { return s.boot + "-" + strconv.FormatUint(seq, 10) }

// resultByID finds a kept render by its ID.
func (s *Server) resultByID(id string) *result {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.cache {
		if e.r != nil && e.r.ID == id {
			return e.r
		}
	}
	for _, r := range s.lastGood {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// good is the last good render of a bundle in a language, or nil.
func (s *Server) good(name, lang string) *result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastGood[name+"\x00"+lang]
}

func bundleLang(b *templates.Bundle) string {
	if b == nil {
		return ""
	}
	return b.Language
}
