package preview

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/postbud/postbud/templates/lint"
)

// lintEntry is the lint of one bundle since the last change on disk, or one under way.
type lintEntry struct {
	done  chan struct{}
	items []Item
}

// lint runs templates/lint on bundle name once per change on disk (it checks the files and the
// sample data on disk, not data edited in the page) and returns its problems. It waits at most
// the render timeout: lint.Bundle cannot be stopped, so a lint that takes longer goes on alone.
func (s *Server) lint(name string) []Item {
	s.mu.Lock()
	e := s.lints[name]
	if e == nil {
		e = &lintEntry{done: make(chan struct{})}
		s.lints[name] = e
		go func() {
			defer close(e.done)
			e.items = lintItems(s.root, lint.Bundle(s.root, name))
		}()
	}
	s.mu.Unlock()
	timer := time.NewTimer(s.opts.Timeout)
	defer timer.Stop()
	select {
	case <-e.done:
		return e.items
	case <-timer.C:
		return []Item{{Severity: "warning", Msg: fmt.Sprintf("the checks of templates/lint did not finish within %v", s.opts.Timeout)}}
	}
}

// lintItems turns lint problems into panel lines, naming files as the page does (relative to
// the root: templates/<name>/letter.md).
func lintItems(root string, ps []lint.Problem) []Item {
	prefix := filepath.Clean(root) + string(filepath.Separator)
	items := make([]Item, 0, len(ps))
	for _, p := range ps {
		file := filepath.ToSlash(strings.TrimPrefix(p.File, prefix))
		items = append(items, Item{Severity: string(p.Severity), Where: position(file, p.Line, p.Col), Msg: p.Msg})
	}
	return items
}

// withoutRepeats drops the items of more that say what one of shown says already.
func withoutRepeats(more, shown []Item) []Item {
	seen := map[string]bool{}
	for _, it := range shown {
		seen[it.Where+"\x00"+it.Msg] = true
	}
	var out []Item
	for _, it := range more {
		if !seen[it.Where+"\x00"+it.Msg] {
			out = append(out, it)
		}
	}
	return out
}
