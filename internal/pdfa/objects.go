package pdfa

import (
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Annotation flags (ISO 32000-1, 12.5.3).
const (
	flagInvisible    = 1 << 0
	flagHidden       = 1 << 1
	flagPrint        = 1 << 2
	flagNoView       = 1 << 5
	flagToggleNoView = 1 << 8
)

var forbiddenActions2 = map[string]bool{
	"Launch": true, "Sound": true, "Movie": true, "ResetForm": true, "ImportData": true,
	"Hide": true, "SetOCGState": true, "Rendition": true, "Trans": true, "GoTo3DView": true,
	"JavaScript": true, "SetState": true, "NOP": true,
}

var forbiddenActions1 = map[string]bool{
	"Launch": true, "Sound": true, "Movie": true, "ResetForm": true, "ImportData": true,
	"JavaScript": true, "SetState": true, "NOP": true,
}

var allowedNamed = map[string]bool{"NextPage": true, "PrevPage": true, "FirstPage": true, "LastPage": true}

// checkObjects walks every object in the file, and every dictionary nested in one, and applies
// the checks that depend on what a dictionary is rather than where it sits.
func (c *checker) checkObjects() {
	c.phase = 3
	for _, nr := range c.objectNumbers() {
		obj := c.x.Table[nr].Object
		c.visit(obj, nr, "", "", "", c.kind[nr], 0)
	}
}

// visit checks o, found in indirect object nr under key (the dictionary key it is the value of;
// for array elements, the array's key) whose parent had key parentKey. path says where in nr it
// sits, for messages; kind is what the page tree says o is ("Annot", "ExtGState", "Group"), if
// anything.
func (c *checker) visit(o types.Object, nr int, key, parentKey, path, kind string, depth int) {
	if depth > 64 {
		return
	}
	var d types.Dict
	var sd *types.StreamDict
	switch v := o.(type) {
	case types.Dict:
		d = v
	case types.StreamDict:
		d, sd = v.Dict, &v
	case *types.StreamDict:
		d, sd = v.Dict, v
	case types.Array:
		for _, e := range v {
			k := ""
			if key == "Annots" {
				k = "Annot"
			}
			c.visit(e, nr, key, parentKey, path, k, depth+1)
		}
		return
	default:
		return
	}
	c.checkDict(d, sd, nr, key, parentKey, path, kind)
	for _, k := range sortedKeys(d) {
		c.visit(d[k], nr, k, key, path+" /"+k, "", depth+1)
	}
}

// where prefixes a message with the path of a direct object inside nr.
func where(path, msg string) string {
	if path == "" {
		return msg
	}
	return "in" + path + ": " + msg
}

func (c *checker) checkDict(d types.Dict, sd *types.StreamDict, nr int, key, parentKey, path, kind string) {
	typ, _ := c.name(mustFind(d, "Type"))
	sub, _ := c.name(mustFind(d, "Subtype"))
	report := func(r rule, format string, args ...any) {
		c.addObj(r, nr, "%s", where(path, fmt.Sprintf(format, args...)))
	}

	if sd != nil {
		for _, k := range []string{"F", "FFilter", "FDecodeParms"} {
			if d.HasEntry(k) {
				report(ruleStreamKeys, "the stream dictionary has /%s (external stream data is not allowed)", k)
			}
		}
		for _, f := range c.filterNames(d) {
			if f == "LZWDecode" || f == "LZW" {
				report(ruleFilter, "the stream uses the LZWDecode filter")
			}
		}
		if sub == "Image" {
			if s, ok := d.Find("SMask"); ok {
				if n, _ := c.name(s); n != "None" {
					report(ruleTransparency, "the image has a soft mask (/SMask)%s", policy(c.opt.Part))
				}
			}
			if v, ok := c.integer(mustFind(d, "SMaskInData")); ok && v != 0 {
				report(ruleTransparency, "the image has /SMaskInData %d%s", v, policy(c.opt.Part))
			}
		}
	}

	if d.HasEntry("AA") {
		report(ruleAA, "the dictionary has /AA (additional actions)")
	}

	// Actions: a dictionary of /Type /Action, or the value of an action key.
	if s, ok := c.name(mustFind(d, "S")); ok && (typ == "Action" || key == "A" || key == "OpenAction" || key == "Next" || parentKey == "AA") {
		forbidden := forbiddenActions2
		if c.opt.Part == 1 {
			forbidden = forbiddenActions1
		}
		switch {
		case forbidden[s]:
			report(ruleActions, "%s action is not allowed", s)
		case s == "Named":
			if n, _ := c.name(mustFind(d, "N")); !allowedNamed[n] {
				report(ruleActions, "named action /%s is not allowed (only NextPage, PrevPage, FirstPage, LastPage)", n)
			}
		}
	}

	// Transparency groups on pages and form XObjects.
	if key == "Group" || kind == "Group" {
		if s, _ := c.name(mustFind(d, "S")); s == "Transparency" {
			report(ruleTransparency, "a transparency group (/Group /S /Transparency)%s", policy(c.opt.Part))
		}
	}

	// Extended graphics states: values in a resource dictionary's /ExtGState, or typed ones.
	if typ == "ExtGState" || parentKey == "ExtGState" || kind == "ExtGState" {
		c.checkExtGState(d, report)
	}

	if typ == "Annot" || kind == "Annot" {
		c.checkAnnot(d, sub, report)
	}

	if typ == "Font" && sub != "CIDFontType0" && sub != "CIDFontType2" {
		c.checkFont(d, nr, path)
	}
}

func policy(part int) string {
	if part == 1 {
		return ""
	}
	return " (PDF/A-2 allows transparency; postbud's policy forbids it)"
}

func (c *checker) checkExtGState(d types.Dict, report func(rule, string, ...any)) {
	if s, ok := d.Find("SMask"); ok {
		if n, _ := c.name(s); n != "None" {
			report(ruleTransparency, "ExtGState /SMask is not /None%s", policy(c.opt.Part))
		}
	}
	for _, k := range []string{"CA", "ca"} {
		if v, ok := d.Find(k); ok {
			if f, ok := c.number(v); !ok || f != 1 {
				report(ruleTransparency, "ExtGState /%s is %v, want 1.0%s", k, v, policy(c.opt.Part))
			}
		}
	}
	if v, ok := d.Find("BM"); ok {
		bm, isName := c.name(v)
		if !isName {
			if a := c.array(v); len(a) > 0 {
				bm, _ = c.name(a[0])
			}
		}
		if bm != "Normal" && bm != "Compatible" {
			if isName {
				report(ruleTransparency, "ExtGState /BM is %s, want /Normal%s", quoteName(bm), policy(c.opt.Part))
			} else {
				report(ruleTransparency, "ExtGState /BM is %v, want /Normal%s", v, policy(c.opt.Part))
			}
		}
	}
}

func (c *checker) checkAnnot(d types.Dict, sub string, report func(rule, string, ...any)) {
	if c.opt.Part == 1 {
		if v, ok := d.Find("CA"); ok {
			if f, ok := c.number(v); !ok || f != 1 {
				report(ruleAnnotFlags, "the annotation's /CA is %v, want 1.0", v)
			}
		}
	}
	fo, ok := d.Find("F")
	if !ok {
		if sub == "Popup" && c.opt.Part != 1 {
			return
		}
		report(ruleAnnotFlags, "the annotation has no /F (flags); Print must be set")
		return
	}
	f, ok := c.integer(fo)
	if !ok {
		report(ruleAnnotFlags, "the annotation's /F is %v, not an integer", fo)
		return
	}
	var bad []string
	if f&flagPrint == 0 {
		bad = append(bad, "Print is clear")
	}
	for _, fl := range []struct {
		bit  int
		name string
	}{{flagHidden, "Hidden"}, {flagInvisible, "Invisible"}, {flagNoView, "NoView"}, {flagToggleNoView, "ToggleNoView"}} {
		if f&fl.bit != 0 {
			bad = append(bad, fl.name+" is set")
		}
	}
	if len(bad) > 0 {
		report(ruleAnnotFlags, "annotation flags /F %d: %s (Print must be set; Hidden, Invisible, NoView and ToggleNoView clear)", f, strings.Join(bad, ", "))
	}
}
