package templates

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// Names of the functions the rewriting step appends to printing actions. They start with an
// underscore so that no template author can call them by accident (the parser rejects
// identifiers it does not know, and these are not documented).
const (
	escapeFunc = "_markdown" // body and blocks: value → Markdown-escaped text
	plainFunc  = "_text"     // front matter: value → plain text
)

// maxRangeLiteral bounds {{ range N }} over an integer literal, so that a template cannot spin
// for ever without writing anything.
const maxRangeLiteral = 10000

// builtins are text/template's predefined functions, named for the parser's function check
// (which wants a non-nil value for each).
var builtins = func() map[string]any {
	m := map[string]any{}
	for _, name := range []string{"and", "or", "not", "len", "index", "slice", "print", "printf",
		"println", "html", "js", "urlquery", "call", "eq", "ne", "lt", "le", "gt", "ge"} {
		m[name] = true
	}
	return m
}()

// tmpl is one parsed and rewritten template: the letter body, a shared block or one front
// matter string.
type tmpl struct {
	file string // as shown to people, e.g. samples/templates/x/letter.md
	src  string // the text that was parsed; positions in errors refer to it
	// line and col place src in file: src's line 1 is file line line+1; on that first line,
	// columns are shifted by col.
	line, col int
	fn        string // the escaper appended to prints: escapeFunc or plainFunc
	t         *template.Template
	tree      *parse.Tree
	includes  []includeRef
	// reads are the patterns of the data the template reads, first read first, without
	// repeats; set by analyse.
	reads []pattern
}

// includeRef is one {{ include "name" }} in a template.
type includeRef struct {
	name      string
	line, col int
}

// reuseRE finds {{define}}, {{template}} and {{block}} actions for a precise error position.
var reuseRE = regexp.MustCompile(`\{\{-?\s*(define|template|block)\b`)

// parseTemplate parses src as a template of file and rewrites its printing actions to append
// the escaper named fn. line and col place src in file (see tmpl).
func parseTemplate(file, src string, line, col int, funcs template.FuncMap, fn string) (*tmpl, error) {
	tp := &tmpl{file: file, src: src, line: line, col: col, fn: fn}
	if m := reuseRE.FindStringSubmatchIndex(src); m != nil {
		return nil, tp.errorAt(m[0], fmt.Sprintf("{{%s}} is not supported: reuse text through shared blocks (blocks/<name>.md and {{ include \"name\" }})", src[m[2]:m[3]]))
	}
	trees := map[string]*parse.Tree{}
	tr := parse.New(file)
	if _, err := tr.Parse(src, "", "", trees, funcs, builtins); err != nil {
		return nil, tp.parseError(err)
	}
	if len(trees) != 1 || trees[file] != tr {
		for name, t := range trees {
			if t != tr {
				return nil, tp.errorAt(int(t.Root.Pos), fmt.Sprintf("{{define %q}} is not supported: reuse text through shared blocks", name))
			}
		}
		return nil, tp.errorAt(0, "{{define}} is not supported: reuse text through shared blocks")
	}
	if tr.Root == nil {
		return nil, tp.errorAt(0, "empty template")
	}
	tp.tree = tr
	if err := tp.check(tr.Root); err != nil {
		return nil, err
	}
	var descs []string
	rewritePrints(tr, tr.Root, fn, &descs)
	t := template.New(file).Option("missingkey=error").Funcs(funcs)
	if len(descs) > 0 {
		t.Funcs(boundEscapers(funcs, fn, descs))
	}
	if _, err := t.AddParseTree(file, tr); err != nil {
		return nil, fmt.Errorf("%s: add parsed template: %w", file, err)
	}
	tp.t = t
	return tp, nil
}

// errorAt returns a *TemplateError at byte offset off of tp.src.
func (tp *tmpl) errorAt(off int, msg string) *TemplateError {
	if off < 0 || off > len(tp.src) {
		off = 0
	}
	l, c := position(tp.src, off)
	return tp.at(l, c, msg)
}

// at maps a 1-based line and column of tp.src to the file.
func (tp *tmpl) at(line, col int, msg string) *TemplateError {
	if line == 1 && col > 0 {
		col += tp.col
	}
	return &TemplateError{File: tp.file, Line: line + tp.line, Col: col, Msg: msg}
}

var parseErrRE = regexp.MustCompile(`^template: .*?:(\d+):(?:(\d+):)? (?s:(.*))$`)

// parseError converts a text/template parse error.
func (tp *tmpl) parseError(err error) error {
	m := parseErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return &TemplateError{File: tp.file, Msg: err.Error()}
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[3]
	if strings.HasPrefix(msg, "function ") && strings.HasSuffix(msg, " not defined") {
		msg += "; the functions are date, money, number, plural, upper, lower, join, has, include and signature"
	}
	if strings.Contains(msg, "unexpected EOF") {
		msg = "the text ends inside an action or block: an {{ if }}, {{ range }} or {{ with }} needs its {{ end }}, and every {{ needs }}"
	}
	col := 0
	if m[2] != "" {
		c, _ := strconv.Atoi(m[2])
		col = runeCol(tp.src, line, c)
	} else if q := quotedToken.FindStringSubmatch(m[3]); q != nil {
		// text/template's parser gives only the line; the token it quotes locates the column.
		if tok, err := strconv.Unquote(q[1]); err == nil && tok != "" {
			if c := strings.Index(lineText(tp.src, line), tok); c >= 0 {
				col = runeCol(tp.src, line, c)
			}
		}
	}
	return tp.at(line, col, msg)
}

// quotedToken finds the token a parse error quotes: `function "x" not defined`, `unexpected "}" in operand`.
var quotedToken = regexp.MustCompile(`^(?:function|unexpected) ("(?:[^"\\]|\\.)*")`)

// lineText returns the 1-based line of src, without its newline.
func lineText(src string, line int) string {
	off := lineStart(src, line)
	if off < 0 {
		return ""
	}
	if nl := strings.IndexByte(src[off:], '\n'); nl >= 0 {
		return src[off : off+nl]
	}
	return src[off:]
}

// check rejects what the language does not allow and records includes: {{template}} nodes,
// include without a literal name, include or signature in front matter, range over a huge literal.
func (tp *tmpl) check(n parse.Node) error {
	var err error
	walkNodes(n, func(n parse.Node) bool {
		switch n := n.(type) {
		case *parse.TemplateNode:
			err = tp.errorAt(int(n.Pos), "{{template}} is not supported: reuse text through shared blocks")
		case *parse.RangeNode:
			if c := n.Pipe.Cmds; len(c) == 1 && len(c[0].Args) == 1 {
				if num, ok := c[0].Args[0].(*parse.NumberNode); ok && num.IsInt && num.Int64 > maxRangeLiteral {
					err = tp.errorAt(actionStart(tp.src, n.Pos), fmt.Sprintf("range over %d is too large (at most %d)", num.Int64, maxRangeLiteral))
				}
			}
		case *parse.CommandNode:
			id, ok := n.Args[0].(*parse.IdentifierNode)
			if ok && id.Ident == "signature" && tp.fn != escapeFunc {
				err = tp.errorAt(int(n.Pos), "signature is only allowed in the letter body and in shared blocks")
				break
			}
			if !ok || id.Ident != "include" {
				break
			}
			if tp.fn != escapeFunc {
				err = tp.errorAt(int(n.Pos), "include is only allowed in the letter body and in shared blocks")
				break
			}
			var name *parse.StringNode
			if len(n.Args) == 2 {
				name, _ = n.Args[1].(*parse.StringNode)
			}
			if name == nil {
				err = tp.errorAt(int(n.Pos), `include takes one quoted block name, e.g. {{ include "klagevejledning" }}`)
				break
			}
			l, c := position(tp.src, actionStart(tp.src, n.Pos))
			e := tp.at(l, c, "")
			tp.includes = append(tp.includes, includeRef{name: name.Text, line: e.Line, col: e.Col})
			// Pass the case data ($) along: a block sees the same data as the letter.
			n.Args = append(n.Args, &parse.VariableNode{NodeType: parse.NodeVariable, Pos: n.Pos, Ident: []string{"$"}})
		}
		return err == nil
	})
	return err
}

// actionStart returns the offset of the "{{" that opens the action around pos.
func actionStart(src string, pos parse.Pos) int {
	return max(strings.LastIndex(src[:min(int(pos), len(src))], "{{"), 0)
}

// walkNodes calls f on n and every node below it, pipelines and arguments included, until f
// returns false.
func walkNodes(n parse.Node, f func(parse.Node) bool) bool {
	if n == nil || !f(n) {
		return n == nil
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return true
		}
		for _, c := range n.Nodes {
			if !walkNodes(c, f) {
				return false
			}
		}
	case *parse.ActionNode:
		return walkNodes(n.Pipe, f)
	case *parse.PipeNode:
		if n == nil {
			return true
		}
		for _, c := range n.Cmds {
			if !walkNodes(c, f) {
				return false
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if !walkNodes(a, f) {
				return false
			}
		}
	case *parse.ChainNode:
		return walkNodes(n.Node, f)
	case *parse.IfNode:
		return walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		return walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		return walkBranch(&n.BranchNode, f)
	}
	return true
}

func walkBranch(b *parse.BranchNode, f func(parse.Node) bool) bool {
	if !walkNodes(b.Pipe, f) || !walkNodes(b.List, f) {
		return false
	}
	if b.ElseList != nil {
		return walkNodes(b.ElseList, f)
	}
	return true
}

// rewritePrints appends the escaper fn to every action that prints, the way html/template
// does: actions without a variable declaration, in lists (not in if/range/with conditions).
// The escaper takes what the action prints as its description ("recipient.name", for the "is
// null" message); rather than passing it, which costs text/template an allocation on every
// print, each description gets an escaper of its own, named fn_<index in descs>, that knows it
// (see boundEscapers).
func rewritePrints(tr *parse.Tree, n parse.Node, fn string, descs *[]string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			rewritePrints(tr, c, fn, descs)
		}
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			return
		}
		desc := describe(n.Pipe)
		k := slices.Index(*descs, desc)
		if k < 0 {
			k = len(*descs)
			*descs = append(*descs, desc)
		}
		n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{
			NodeType: parse.NodeCommand,
			Pos:      n.Pos,
			Args:     []parse.Node{parse.NewIdentifier(fn + "_" + strconv.Itoa(k)).SetTree(tr).SetPos(n.Pos)},
		})
	case *parse.IfNode:
		rewritePrints(tr, n.List, fn, descs)
		rewritePrints(tr, n.ElseList, fn, descs)
	case *parse.RangeNode:
		rewritePrints(tr, n.List, fn, descs)
		rewritePrints(tr, n.ElseList, fn, descs)
	case *parse.WithNode:
		rewritePrints(tr, n.List, fn, descs)
		rewritePrints(tr, n.ElseList, fn, descs)
	}
}

// boundEscapers makes the escapers rewritePrints names: fn_<k> is funcs[fn] with descs[k] as
// its description. Each has one argument and one result, which text/template calls with the
// fewest allocations; an error is a panic, which text/template reports as it reports a
// returned error ("error calling fn_<k>: ...").
func boundEscapers(funcs template.FuncMap, fn string, descs []string) template.FuncMap {
	esc := funcs[fn].(func(desc string, v any) (string, error))
	out := make(template.FuncMap, len(descs))
	for k, desc := range descs {
		out[fn+"_"+strconv.Itoa(k)] = func(v any) string {
			s, err := esc(desc, v)
			if err != nil {
				panic(err)
			}
			return s
		}
	}
	return out
}

// describe names what a printing pipeline prints, for the "is null" message: the field chain
// when it prints a field ("recipient.name"), else "".
func describe(p *parse.PipeNode) string {
	if len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return ""
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		return strings.Join(a.Ident, ".")
	case *parse.VariableNode:
		if len(a.Ident) > 1 {
			return strings.Join(a.Ident[1:], ".")
		}
	}
	return ""
}
