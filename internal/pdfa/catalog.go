package pdfa

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// checkRawEncrypt reports /Encrypt in the last trailer as written, before pdfcpu (which may fail
// to decrypt the file) reads it.
func (c *checker) checkRawEncrypt() {
	if c.lastTrailer != nil && reEncrypt.Match(c.lastTrailer) {
		c.phase = 1
		c.add(ruleTrailer, 0, "trailer", "the trailer has /Encrypt: PDF/A files must not be encrypted")
	}
}

var reEncrypt = regexp.MustCompile(`/Encrypt[\x00\t\n\f\r /<\[0-9]`)

func (c *checker) checkTrailer() {
	c.phase = 1
	if c.x.Encrypt != nil && c.lastTrailer == nil {
		c.add(ruleTrailer, 0, "trailer", "the trailer has /Encrypt: PDF/A files must not be encrypted")
	}
	if c.lastTrailer != nil {
		strs, other, ok := rawTrailerID(c.lastTrailer)
		switch {
		case !ok:
			c.add(ruleTrailer, 0, "trailer", "the trailer has no /ID")
		case strs != 2 || other:
			c.add(ruleTrailer, 0, "trailer", "/ID has %d byte strings%s, want an array of exactly two", strs, map[bool]string{true: " and other elements"}[other])
		}
		return
	}
	if c.x.ID == nil {
		c.add(ruleTrailer, 0, "trailer", "the trailer has no /ID")
		return
	}
	id := c.x.ID
	if len(id) != 2 {
		c.add(ruleTrailer, 0, "trailer", "/ID has %d elements, want an array of two byte strings", len(id))
		return
	}
	for i, e := range id {
		obj, _ := c.deref(e)
		switch obj.(type) {
		case types.StringLiteral, types.HexLiteral:
		default:
			c.add(ruleTrailer, 0, "trailer", "/ID element %d is %T, not a byte string", i, obj)
		}
	}
}

// describe names the objects reachable from the page tree and the catalog, for messages.
func (c *checker) describe() {
	cat, catNr, err := c.catalog()
	if err != nil {
		return
	}
	c.desc[catNr] = "catalog"
	if c.x.Info != nil {
		c.desc[c.x.Info.ObjectNumber.Value()] = "document information dictionary"
	}
	if o, ok := cat.Find("Metadata"); ok {
		if _, nr := c.deref(o); nr > 0 {
			c.desc[nr] = "XMP metadata stream"
		}
	}
	for i, oi := range c.array(mustFind(cat, "OutputIntents")) {
		d, nr := c.dict(oi)
		if nr > 0 {
			c.desc[nr] = fmt.Sprintf("output intent %d", i+1)
		}
		if d != nil {
			if _, pnr := c.deref(mustFind(d, "DestOutputProfile")); pnr > 0 {
				c.desc[pnr] = fmt.Sprintf("ICC profile of output intent %d", i+1)
			}
		}
	}
	pages, _ := c.dict(mustFind(cat, "Pages"))
	n := 0
	seen := map[int]bool{}
	var walk func(d types.Dict, depth int)
	walk = func(d types.Dict, depth int) {
		if depth > 64 {
			return
		}
		for _, k := range c.array(mustFind(d, "Kids")) {
			kd, nr := c.dict(k)
			if kd == nil || seen[nr] {
				continue
			}
			seen[nr] = true
			if t, _ := c.name(mustFind(kd, "Type")); t == "Pages" || kd.HasEntry("Kids") {
				walk(kd, depth+1)
				continue
			}
			n++
			if nr > 0 {
				c.desc[nr] = fmt.Sprintf("page %d", n)
			}
			if _, gnr := c.deref(mustFind(kd, "Group")); gnr > 0 {
				c.kind[gnr] = "Group"
			}
			where := fmt.Sprintf("on page %d", n)
			c.describeResources(mustFind(kd, "Resources"), where, 0)
			for _, a := range c.array(mustFind(kd, "Annots")) {
				ad, anr := c.dict(a)
				if ad == nil || anr == 0 {
					continue
				}
				st, _ := c.name(mustFind(ad, "Subtype"))
				c.desc[anr] = strings.TrimSpace(st+" annotation") + " " + where
				c.kind[anr] = "Annot"
			}
		}
	}
	if pages != nil {
		walk(pages, 0)
	}
}

func (c *checker) describeResources(res types.Object, where string, depth int) {
	rd, _ := c.dict(res)
	if rd == nil || depth > 16 {
		return
	}
	if fd, _ := c.dict(mustFind(rd, "Font")); fd != nil {
		for _, k := range sortedKeys(fd) {
			f := fd[k]
			fdict, nr := c.dict(f)
			if nr == 0 || c.desc[nr] != "" {
				continue
			}
			base, _ := c.name(mustFind(fdict, "BaseFont"))
			c.desc[nr] = fmt.Sprintf("font %s %s, %s", quoteName(k), where, quoteName(base))
			c.describeFont(fdict, base)
		}
	}
	if xd, _ := c.dict(mustFind(rd, "XObject")); xd != nil {
		for _, k := range sortedKeys(xd) {
			xo := xd[k]
			xdict, nr := c.dict(xo)
			if nr == 0 || c.desc[nr] != "" {
				continue
			}
			st, _ := c.name(mustFind(xdict, "Subtype"))
			c.desc[nr] = fmt.Sprintf("%s XObject %s %s", st, quoteName(k), where)
			if _, gnr := c.deref(mustFind(xdict, "Group")); gnr > 0 {
				c.kind[gnr] = "Group"
			}
			if st == "Form" {
				c.describeResources(mustFind(xdict, "Resources"), fmt.Sprintf("in form %s %s", quoteName(k), where), depth+1)
			}
		}
	}
	if gd, _ := c.dict(mustFind(rd, "ExtGState")); gd != nil {
		for _, k := range sortedKeys(gd) {
			g := gd[k]
			if _, nr := c.deref(g); nr > 0 && c.desc[nr] == "" {
				c.desc[nr] = fmt.Sprintf("ExtGState %s %s", quoteName(k), where)
				c.kind[nr] = "ExtGState"
			}
		}
	}
}

func (c *checker) describeFont(f types.Dict, base string) {
	for _, df := range c.array(mustFind(f, "DescendantFonts")) {
		dd, nr := c.dict(df)
		if nr > 0 && c.desc[nr] == "" {
			c.desc[nr] = "descendant font of " + quoteName(base)
		}
		if dd != nil {
			c.describeFont(dd, base)
		}
	}
	fdesc, nr := c.dict(mustFind(f, "FontDescriptor"))
	if nr > 0 && c.desc[nr] == "" {
		c.desc[nr] = "font descriptor of " + quoteName(base)
	}
	if fdesc != nil {
		for _, k := range []string{"FontFile", "FontFile2", "FontFile3"} {
			if _, fnr := c.deref(mustFind(fdesc, k)); fnr > 0 {
				c.desc[fnr] = k + " of " + quoteName(base)
			}
		}
	}
}

// mustFind returns d[key], or nil when d is nil or lacks it.
func mustFind(d types.Dict, key string) types.Object {
	if d == nil {
		return nil
	}
	o, _ := d.Find(key)
	return o
}

func (c *checker) checkCatalog() {
	c.phase = 2
	cat, catNr, err := c.catalog()
	if err != nil {
		c.add(ruleMetadata, 0, "trailer", "the trailer's /Root is not a dictionary")
		return
	}
	xmp := c.checkMetadata(cat, catNr)
	c.checkInfo(xmp)
	c.checkOutputIntents(cat, catNr)
	c.checkNames(cat, catNr)
}

func (c *checker) checkOutputIntents(cat types.Dict, catNr int) {
	ois := c.array(mustFind(cat, "OutputIntents"))
	if ois == nil {
		c.addObj(ruleOutputIntent, catNr, "the catalog has no /OutputIntents")
		return
	}
	found := false
	var profile types.Object
	profileNr := -1
	for i, oi := range ois {
		d, nr := c.dict(oi)
		where := nr
		if nr == 0 {
			where = catNr
		}
		if d == nil {
			c.addObj(ruleOutputIntent, where, "output intent %d is not a dictionary", i+1)
			continue
		}
		if p, ok := d.Find("DestOutputProfile"); ok {
			_, pnr := c.deref(p)
			if profileNr >= 0 && pnr != profileNr {
				c.addObj(ruleOutputIntent, where, "output intents %d and an earlier one have different DestOutputProfile streams; all must share one", i+1)
			}
			profileNr = pnr
			if profile == nil {
				profile = p
			}
		}
		s, _ := c.name(mustFind(d, "S"))
		if s != "GTS_PDFA1" {
			continue
		}
		found = true
		p, ok := d.Find("DestOutputProfile")
		if !ok {
			c.addObj(ruleOutputIntent, where, "the GTS_PDFA1 output intent has no /DestOutputProfile")
			continue
		}
		c.checkICC(p, where)
	}
	if !found {
		c.addObj(ruleOutputIntent, catNr, "no output intent has /S /GTS_PDFA1")
	}
}

func (c *checker) checkICC(p types.Object, intentNr int) {
	sd, nr := c.stream(p)
	if sd == nil {
		c.addObj(ruleOutputIntent, intentNr, "/DestOutputProfile is not a stream")
		return
	}
	if nr == 0 {
		nr = intentNr
	}
	b, err := decode(sd)
	if err != nil {
		c.addObj(ruleOutputIntent, nr, "cannot decode the ICC profile: %v", err)
		return
	}
	if len(b) < 128 {
		c.addObj(ruleOutputIntent, nr, "the ICC profile has %d bytes, shorter than its 128-byte header", len(b))
		return
	}
	if size := binary.BigEndian.Uint32(b[0:4]); int64(size) != int64(len(b)) {
		c.addObj(ruleOutputIntent, nr, "the ICC header's size field says %d bytes, the profile has %d", size, len(b))
	}
	if string(b[36:40]) != "acsp" {
		c.addObj(ruleOutputIntent, nr, "no 'acsp' signature at byte 36 of the ICC profile (found %q)", b[36:40])
	}
	if cls := string(b[12:16]); cls != "mntr" && cls != "prtr" {
		c.addObj(ruleOutputIntent, nr, "the ICC profile's device class is %q; an output intent needs 'mntr' or 'prtr'", cls)
	}
	cs := string(b[16:20])
	want := map[string]int{"GRAY": 1, "RGB ": 3, "CMYK": 4}
	comps, ok := want[cs]
	if !ok {
		c.addObj(ruleOutputIntent, nr, "the ICC profile's colour space is %q; an output intent needs GRAY, RGB or CMYK", cs)
		return
	}
	n, ok := c.integer(mustFind(sd.Dict, "N"))
	if !ok {
		c.addObj(ruleOutputIntent, nr, "the ICC profile stream has no /N")
	} else if n != comps {
		c.addObj(ruleOutputIntent, nr, "the ICC profile stream's /N is %d but its colour space %q has %d components", n, strings.TrimSpace(cs), comps)
	}
}

func (c *checker) checkNames(cat types.Dict, catNr int) {
	names, nr := c.dict(mustFind(cat, "Names"))
	if names == nil {
		return
	}
	if nr == 0 {
		nr = catNr
	}
	if names.HasEntry("JavaScript") {
		c.addObj(ruleActions, nr, "the name dictionary has a /JavaScript name tree")
	}
	ef, ok := names.Find("EmbeddedFiles")
	if !ok {
		return
	}
	switch c.opt.Part {
	case 1:
		c.addObj(ruleEmbeddedFiles, nr, "the name dictionary has /EmbeddedFiles (PDF/A-1 allows no embedded files, not even an empty tree)")
	case 2:
		c.nameTree(ef, 0, func(key string, v types.Object) {
			fs, fnr := c.dict(v)
			if fnr == 0 {
				fnr = nr
			}
			what := fmt.Sprintf("embedded file %q", key)
			if fs != nil {
				if f, ok := c.text(mustFind(fs, "UF")); ok {
					what = fmt.Sprintf("embedded file %q", f)
				} else if f, ok := c.text(mustFind(fs, "F")); ok {
					what = fmt.Sprintf("embedded file %q", f)
				}
			}
			c.addObj(ruleEmbeddedFiles, fnr, "%s: PDF/A-2 allows only embedded files that are themselves PDF/A, which this check cannot confirm", what)
		})
	}
}

// nameTree calls fn for every key and value in the name tree at o.
func (c *checker) nameTree(o types.Object, depth int, fn func(key string, v types.Object)) {
	d, _ := c.dict(o)
	if d == nil || depth > 32 {
		return
	}
	a := c.array(mustFind(d, "Names"))
	for i := 0; i+1 < len(a); i += 2 {
		k, _ := c.text(a[i])
		fn(k, a[i+1])
	}
	for _, kid := range c.array(mustFind(d, "Kids")) {
		c.nameTree(kid, depth+1, fn)
	}
}

func sortedKeys(d types.Dict) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
