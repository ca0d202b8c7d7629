package preview

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchTree watches dir and every folder under it (hidden ones left out). fsnotify watches
// folders, not files, so a file an editor replaces by renaming a new one into place is seen as
// a create in its folder and needs no new watch; a folder created later is added by watch.
func (s *Server) watchTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := s.watcher.Add(p); err != nil {
			s.opts.Logger.Warn("preview: cannot watch folder", "folder", p, "err", err)
		}
		return nil
	})
}

// watch takes the watcher's events until Close: each change restarts the debounce timer, and
// when it fires the open pages' letters are rendered again and a "render" event goes out.
func (s *Server) watch() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-s.done:
			timer.Stop()
			return
		case ev, ok := <-s.watcher.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					s.watchTree(ev.Name)
				}
			}
			timer.Reset(s.opts.Debounce)
		case err, ok := <-s.watcher.Errors:
			if !ok {
				return
			}
			s.opts.Logger.Warn("preview: watching files", "err", err)
		case <-timer.C:
			s.changed()
		}
	}
}

// changed forgets the loaded bundles, renders again what the open pages show, and tells them.
func (s *Server) changed() {
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.loaded = map[string]loaded{}
	s.lints = map[string]*lintEntry{}
	views := make(map[string]view, len(s.views))
	for k, v := range s.views {
		views[k] = v
	}
	s.mu.Unlock()
	for name, v := range views {
		if s.exists(name) {
			go s.lint(name)
			s.render(context.Background(), name, v.lang, v.data)
		}
	}
	s.broadcast(gen)
}

// setView remembers what a page of bundle name shows, for the render after the next change.
func (s *Server) setView(name, lang string, data []byte) {
	s.mu.Lock()
	s.views[name] = view{lang: lang, data: data}
	s.mu.Unlock()
}

func (s *Server) broadcast(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		// A page that has not taken the last event yet will fetch the newest letter anyway.
		select {
		case ch <- gen:
		default:
		}
	}
}

// handleEvents is the server-sent event stream of a page: "hello" with the change count and
// the server's start when it connects, then "render" with the new count after each re-render.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch := make(chan uint64, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	gen := s.gen
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}()
	fmt.Fprintf(w, "retry: 1000\nevent: hello\ndata: {\"gen\":%d,\"boot\":%q}\n\n", gen, s.boot)
	if err := rc.Flush(); err != nil {
		return
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case gen := <-ch:
			fmt.Fprintf(w, "event: render\ndata: {\"gen\":%d}\n\n", gen)
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
