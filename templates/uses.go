package templates

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/postbud/postbud/internal/jsonpointer"
)

// pattern is a JSON Pointer pattern as tokens: "*" stands for any array index. nil means the
// value's place in the data is not known (a function result); an empty non-nil pattern is the
// root of the data.
type pattern []string

func (p pattern) with(tokens ...string) pattern {
	if p == nil {
		return nil
	}
	out := make(pattern, 0, len(p)+len(tokens))
	return append(append(out, p...), tokens...)
}

// use is one template action that reads the data at pattern.
type use struct {
	pattern pattern
	file    string
	rank    int // order of the file: 0 for letter.md, then the blocks in front matter order
	line    int
	col     int
}

// analyser walks templates once at load, tracking dot through range and with, and records
// which data each field chain reads.
type analyser struct {
	uses  []use
	dates []pattern // data read by date calls, in order, for the template being walked
	t     *tmpl
	rank  int
}

// analyse fills b.uses and b.dateField.
func (b *Bundle) analyse() {
	a := &analyser{}
	fm := b.fm
	walk := func(t *tmpl, rank int) {
		if t != nil {
			a.t, a.rank = t, rank
			start := len(a.uses)
			a.walk(t.tree.Root, pattern{}, map[string]pattern{"$": {}})
			t.reads = distinctPatterns(a.uses[start:])
		}
	}
	// Details first, so that the first date they read is the letter's date.
	for _, d := range fm.details {
		walk(d.label, 0)
		walk(d.value, 0)
	}
	for _, p := range a.dates {
		if p != nil && !contains(p, "*") {
			b.dateField = p
			break
		}
	}
	walk(fm.title, 0)
	walk(fm.subject, 0)
	walk(fm.footer, 0)
	walk(fm.sender.name, 0)
	walk(fm.sender.department, 0)
	for _, t := range append(append(append([]*tmpl(nil), fm.sender.address...), fm.sender.contact...), fm.recipient...) {
		walk(t, 0)
	}
	if s := fm.signature; s != nil {
		walk(s.greeting, 0)
		walk(s.name, 0)
		walk(s.title, 0)
	}
	for _, f := range fm.memo.fields() {
		walk(f.t, 0)
	}
	walk(b.body, 0)
	for i, name := range b.Blocks {
		walk(b.blocks[name], i+1)
	}
	b.uses = a.uses
}

// distinctPatterns returns the patterns of uses, first use first, without repeats.
func distinctPatterns(uses []use) []pattern {
	var out []pattern
	seen := map[string]bool{}
	for _, u := range uses {
		k := joinPointer(u.pattern)
		if !seen[k] {
			seen[k] = true
			out = append(out, u.pattern)
		}
	}
	return out
}

func copyVars(vars map[string]pattern) map[string]pattern {
	out := make(map[string]pattern, len(vars))
	for k, v := range vars {
		out[k] = v
	}
	return out
}

func (a *analyser) walk(n parse.Node, dot pattern, vars map[string]pattern) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			a.walk(c, dot, vars)
		}
	case *parse.ActionNode:
		p := a.pipe(n.Pipe, dot, vars)
		for _, d := range n.Pipe.Decl {
			vars[d.Ident[0]] = p
		}
	case *parse.IfNode:
		v := copyVars(vars)
		p := a.pipe(n.Pipe, dot, v)
		for _, d := range n.Pipe.Decl {
			v[d.Ident[0]] = p
		}
		a.walk(n.List, dot, copyVars(v))
		a.walk(n.ElseList, dot, copyVars(v))
	case *parse.WithNode:
		v := copyVars(vars)
		p := a.pipe(n.Pipe, dot, v)
		for _, d := range n.Pipe.Decl {
			v[d.Ident[0]] = p
		}
		a.walk(n.List, p, copyVars(v))
		a.walk(n.ElseList, dot, copyVars(v))
	case *parse.RangeNode:
		v := copyVars(vars)
		elem := a.pipe(n.Pipe, dot, v).with("*")
		switch d := n.Pipe.Decl; len(d) {
		case 1:
			v[d[0].Ident[0]] = elem
		case 2:
			v[d[0].Ident[0]] = nil
			v[d[1].Ident[0]] = elem
		}
		a.walk(n.List, elem, copyVars(v))
		a.walk(n.ElseList, dot, copyVars(v))
	}
}

// pipe records the reads of a pipeline and returns the pattern of its value.
func (a *analyser) pipe(p *parse.PipeNode, dot pattern, vars map[string]pattern) pattern {
	if p == nil {
		return nil
	}
	var val pattern
	for _, c := range p.Cmds {
		val = a.command(c, dot, vars)
	}
	return val
}

func (a *analyser) command(c *parse.CommandNode, dot pattern, vars map[string]pattern) pattern {
	args := make([]pattern, len(c.Args))
	for i, arg := range c.Args {
		args[i] = a.arg(arg, dot, vars)
	}
	if len(c.Args) == 1 {
		return args[0]
	}
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil
	}
	switch id.Ident {
	case "date":
		a.dates = append(a.dates, args[1])
	case "has":
		if len(c.Args) == 3 {
			if key, ok := c.Args[2].(*parse.StringNode); ok && args[1] != nil {
				a.record(args[1].with(key.Text), c.Pos)
			}
		}
	case "index":
		p := args[1]
		for _, k := range c.Args[2:] {
			switch k := k.(type) {
			case *parse.StringNode:
				p = p.with(k.Text)
			case *parse.NumberNode:
				if !k.IsInt {
					return nil
				}
				p = p.with(strconv.FormatInt(k.Int64, 10))
			default:
				p = p.with("*")
			}
		}
		if p != nil {
			a.record(p, c.Pos)
		}
		return p
	}
	return nil
}

func (a *analyser) arg(n parse.Node, dot pattern, vars map[string]pattern) pattern {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		p := dot.with(n.Ident...)
		a.record(p, n.Pos)
		return p
	case *parse.VariableNode:
		p := vars[n.Ident[0]].with(n.Ident[1:]...)
		if len(n.Ident) > 1 {
			a.record(p, n.Pos)
		}
		return p
	case *parse.ChainNode:
		p := a.arg(n.Node, dot, vars).with(n.Field...)
		a.record(p, n.Pos)
		return p
	case *parse.PipeNode:
		return a.pipe(n, dot, vars)
	}
	return nil
}

func (a *analyser) record(p pattern, pos parse.Pos) {
	if p == nil || len(p) == 0 {
		return
	}
	l, c := position(a.t.src, int(pos))
	at := a.t.at(l, c, "")
	a.uses = append(a.uses, use{pattern: p, file: a.t.file, rank: a.rank, line: at.Line, col: at.Col})
}

// usesOf returns file:line of every action that reads the data at JSON pointer path or inside
// it, in file order.
func (b *Bundle) usesOf(path string) []string {
	if path == "" {
		return nil
	}
	tokens := splitPointer(path)
	var found []use
	for _, u := range b.uses {
		if len(u.pattern) < len(tokens) {
			continue
		}
		match := true
		for i, t := range tokens {
			if u.pattern[i] != "*" && u.pattern[i] != t {
				match = false
				break
			}
		}
		if match {
			found = append(found, u)
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].rank != found[j].rank {
			return found[i].rank < found[j].rank
		}
		return found[i].line < found[j].line
	})
	var out []string
	for _, u := range found {
		s := fmt.Sprintf("%s:%d", u.file, u.line)
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// splitPointer splits a JSON Pointer ("/a/b~1c") into tokens ("a", "b/c").
func splitPointer(p string) []string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = jsonpointer.Unescape(s)
	}
	return parts
}

// joinPointer builds a JSON Pointer from tokens.
func joinPointer(tokens []string) string { return jsonpointer.Join(tokens) }
