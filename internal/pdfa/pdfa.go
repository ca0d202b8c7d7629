package pdfa

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Options selects the PDF/A part and conformance level to check against.
type Options struct {
	// Part is the part of ISO 19005: 1, 2 or 3. Zero means 2.
	Part int
	// Conformance is the pdfaid:conformance the XMP must declare. Empty means "B".
	Conformance string
}

// Problem is one way the file breaks a rule.
type Problem struct {
	Clause  string // clause of ISO 19005 (of the part checked unless it says otherwise)
	Object  string // the object concerned, e.g. "object 12 0 (Link annotation on page 2)", or "file"
	Message string // what is wrong
}

func (p Problem) String() string { return p.Clause + ": " + p.Object + ": " + p.Message }

// rule names a check; clause gives its clause number per part.
type rule int

const (
	ruleHeader rule = iota
	ruleTrailer
	ruleXref
	ruleStreamKeys
	ruleFilter
	ruleOutputIntent
	ruleTransparency
	ruleCIDToGID
	ruleFontEmbed
	ruleFontWidths
	ruleAnnotFlags
	ruleActions
	ruleAA
	ruleMetadata
	ruleXMPHeader
	ruleXMPWellFormed
	rulePDFAID
	ruleInfoXMP
	ruleEmbeddedFiles
)

// clauses holds each rule's clause in ISO 19005-2 (also part 3) and ISO 19005-1.
var clauses = map[rule][2]string{
	ruleHeader:        {"6.1.2", "6.1.2"},
	ruleTrailer:       {"6.1.3", "6.1.3"},
	ruleXref:          {"6.1.4", "6.1.4"},
	ruleStreamKeys:    {"6.1.7.1", "6.1.7"},
	ruleFilter:        {"6.1.7.2", "6.1.10"},
	ruleOutputIntent:  {"6.2.3", "6.2.2"},
	ruleTransparency:  {"6.2.10", "6.4"},
	ruleCIDToGID:      {"6.2.11.3.2", "6.3.3.2"},
	ruleFontEmbed:     {"6.2.11.4.1", "6.3.4"},
	ruleFontWidths:    {"6.2.11.5", "6.3.6"},
	ruleAnnotFlags:    {"6.3.2", "6.5.3"},
	ruleActions:       {"6.5.1", "6.6.1"},
	ruleAA:            {"6.5.2", "6.6.2"},
	ruleMetadata:      {"6.6.2.1", "6.7.2"},
	ruleXMPHeader:     {"6.6.2.1", "6.7.5"},
	ruleXMPWellFormed: {"6.6.2.1", "6.7.9"},
	rulePDFAID:        {"6.6.4", "6.7.11"},
	ruleInfoXMP:       {"19005-1 6.7.3", "6.7.3"},
	ruleEmbeddedFiles: {"6.8", "6.1.11"},
}

// CheckFile reads the PDF at path and checks it; see [Check].
func CheckFile(path string, opt Options) ([]Problem, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Check(b, opt)
}

// Check checks pdf against the rules listed in the package documentation and returns every
// problem found, in file order of the checks (header, trailer, xref, catalog, objects by number).
// The error is non-nil only when the options are invalid or the file cannot be read as a PDF at
// all; the problems found in the raw bytes before that are returned with it.
func Check(pdf []byte, opt Options) ([]Problem, error) {
	if opt.Part == 0 {
		opt.Part = 2
	}
	if opt.Part < 1 || opt.Part > 3 {
		return nil, fmt.Errorf("pdfa: part %d: only parts 1, 2 and 3 are checked", opt.Part)
	}
	if opt.Conformance == "" {
		opt.Conformance = "B"
	}
	c := &checker{opt: opt, raw: pdf, desc: map[int]string{}, kind: map[int]string{}}
	c.checkHeader()
	c.checkEOF()
	c.checkXref()
	c.checkRawEncrypt()

	ctx, err := readContext(pdf)
	if err != nil && len(c.problems) > 0 && c.problems[0].Clause == c.clause(ruleHeader) && len(pdf) > 8 && bytes.HasPrefix(pdf, []byte("%PDF-")) {
		// pdfcpu refuses header versions it does not know. The header is reported already;
		// read a copy claiming 1.7 so that the other checks still run.
		cp := bytes.Clone(pdf)
		copy(cp[5:8], "1.7")
		ctx, err = readContext(cp)
	}
	if err != nil {
		c.sortProblems()
		return c.problems, fmt.Errorf("pdfa: cannot read the PDF: %w", err)
	}
	c.x = ctx.XRefTable
	c.checkTrailer()
	c.checkXrefStreamOffsets()
	c.describe()
	c.checkCatalog()
	c.checkObjects()
	c.sortProblems()
	return c.problems, nil
}

func readContext(pdf []byte) (ctx *model.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdfcpu: %v", r)
		}
	}()
	// A configuration of our own: model.NewDefaultConfiguration would create pdfcpu's config
	// folder in the user's home.
	conf := &model.Configuration{
		Reader15:       true,
		ValidationMode: model.ValidationRelaxed,
		Limits:         model.DefaultResourceLimits(),
		Cmd:            model.VALIDATE,
		Offline:        true,
	}
	return api.ReadContext(bytes.NewReader(pdf), conf)
}

type checker struct {
	opt      Options
	raw      []byte
	x        *model.XRefTable
	desc     map[int]string // object number → what it is ("Link annotation on page 2")
	kind     map[int]string // object number → "Annot", "ExtGState" or "Group", from the page tree
	problems []Problem
	order    []int // sort key per problem: phase*1e9 + object number
	phase    int
	xrefKind string // "table" or "stream" (set by checkXref)
	// lastTrailer is the last trailer dictionary as written, when the last cross-reference
	// section is a table.
	lastTrailer []byte
}

func (c *checker) clause(r rule) string {
	cl := clauses[r]
	if c.opt.Part == 1 {
		return cl[1]
	}
	return cl[0]
}

func (c *checker) add(r rule, objNr int, object, format string, args ...any) {
	c.problems = append(c.problems, Problem{Clause: c.clause(r), Object: object, Message: fmt.Sprintf(format, args...)})
	c.order = append(c.order, c.phase*1_000_000_000+objNr)
}

// addObj reports a problem with indirect object nr (0 for the file itself or a direct object in
// the trailer).
func (c *checker) addObj(r rule, nr int, format string, args ...any) {
	c.add(r, nr, c.objName(nr), format, args...)
}

func (c *checker) objName(nr int) string {
	if nr <= 0 {
		return "file"
	}
	gen := 0
	if c.x != nil {
		if e, ok := c.x.Table[nr]; ok && e.Generation != nil {
			gen = *e.Generation
		}
	}
	s := fmt.Sprintf("object %d %d", nr, gen)
	if d := c.desc[nr]; d != "" {
		s += " (" + d + ")"
	}
	return s
}

func (c *checker) sortProblems() {
	idx := make([]int, len(c.problems))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return c.order[idx[a]] < c.order[idx[b]] })
	ps := make([]Problem, len(idx))
	for i, j := range idx {
		ps[i] = c.problems[j]
	}
	c.problems = ps
}

// deref resolves o; a reference to a missing object gives nil. nr is the object number when o
// was a reference, else 0.
func (c *checker) deref(o types.Object) (types.Object, int) {
	ir, ok := o.(types.IndirectRef)
	if !ok {
		return o, 0
	}
	for range 32 { // references to references are legal, if odd
		obj, err := c.x.Dereference(ir)
		if err != nil || obj == nil {
			return nil, ir.ObjectNumber.Value()
		}
		next, ok := obj.(types.IndirectRef)
		if !ok {
			return obj, ir.ObjectNumber.Value()
		}
		ir = next
	}
	return nil, ir.ObjectNumber.Value()
}

func (c *checker) dict(o types.Object) (types.Dict, int) {
	obj, nr := c.deref(o)
	switch v := obj.(type) {
	case types.Dict:
		return v, nr
	case types.StreamDict:
		return v.Dict, nr
	case *types.StreamDict:
		return v.Dict, nr
	}
	return nil, nr
}

func (c *checker) stream(o types.Object) (*types.StreamDict, int) {
	obj, nr := c.deref(o)
	switch v := obj.(type) {
	case types.StreamDict:
		return &v, nr
	case *types.StreamDict:
		return v, nr
	}
	return nil, nr
}

func (c *checker) array(o types.Object) types.Array {
	obj, _ := c.deref(o)
	a, _ := obj.(types.Array)
	return a
}

func (c *checker) name(o types.Object) (string, bool) {
	obj, _ := c.deref(o)
	n, ok := obj.(types.Name)
	return n.Value(), ok
}

func (c *checker) number(o types.Object) (float64, bool) {
	obj, _ := c.deref(o)
	switch v := obj.(type) {
	case types.Integer:
		return float64(v.Value()), true
	case types.Float:
		return v.Value(), true
	}
	return 0, false
}

func (c *checker) integer(o types.Object) (int, bool) {
	obj, _ := c.deref(o)
	v, ok := obj.(types.Integer)
	return v.Value(), ok
}

// text decodes a PDF text string (PDFDocEncoding or UTF-16BE).
func (c *checker) text(o types.Object) (string, bool) {
	obj, _ := c.deref(o)
	switch obj.(type) {
	case types.StringLiteral, types.HexLiteral:
		s, err := model.Text(obj)
		return s, err == nil
	}
	return "", false
}

// decode returns sd's decoded bytes.
func decode(sd *types.StreamDict) ([]byte, error) {
	if sd.Content != nil {
		return sd.Content, nil
	}
	if len(sd.FilterPipeline) == 0 {
		return sd.Raw, nil
	}
	cp := *sd // pdfcpu's Decode stores the result; keep the table's copy as read
	if err := cp.Decode(); err != nil {
		return nil, err
	}
	return cp.Content, nil
}

// filterNames lists the names in a stream's /Filter (a name or an array of names).
func (c *checker) filterNames(d types.Dict) []string {
	f, ok := d.Find("Filter")
	if !ok {
		return nil
	}
	if n, ok := c.name(f); ok {
		return []string{n}
	}
	var out []string
	for _, e := range c.array(f) {
		if n, ok := c.name(e); ok {
			out = append(out, n)
		}
	}
	return out
}

var errNoCatalog = errors.New("no catalog")

func (c *checker) catalog() (types.Dict, int, error) {
	if c.x.Root == nil {
		return nil, 0, errNoCatalog
	}
	d, nr := c.dict(*c.x.Root)
	if d == nil {
		return nil, nr, errNoCatalog
	}
	return d, nr, nil
}

// objectNumbers lists the in-use objects in ascending order.
func (c *checker) objectNumbers() []int {
	nrs := make([]int, 0, len(c.x.Table))
	for nr, e := range c.x.Table {
		if nr == 0 || e == nil || e.Free || e.Object == nil {
			continue
		}
		nrs = append(nrs, nr)
	}
	sort.Ints(nrs)
	return nrs
}

func quoteName(n string) string {
	if n == "" {
		return "/"
	}
	if strings.HasPrefix(n, "/") {
		return n
	}
	return "/" + n
}
