package pdfa

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

const (
	nsRDF    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsDC     = "http://purl.org/dc/elements/1.1/"
	nsXMP    = "http://ns.adobe.com/xap/1.0/"
	nsPDF    = "http://ns.adobe.com/pdf/1.3/"
	nsPDFAID = "http://www.aiim.org/pdfa/ns/id/"
	nsXML    = "http://www.w3.org/XML/1998/namespace"
)

// xmpValue is one top-level XMP property: its simple value, or the items of its array (for an
// rdf:Alt, the x-default item first).
type xmpValue struct {
	prefix string // as written, for the pdfaid prefix rule
	text   string
	items  []string
	isArr  bool
}

// first is the simple value or the first (x-default) item.
func (v xmpValue) first() string {
	if v.isArr {
		if len(v.items) > 0 {
			return v.items[0]
		}
		return ""
	}
	return v.text
}

type xmpProps map[xml.Name]xmpValue

var (
	reXpacketBegin = regexp.MustCompile(`<\?xpacket\s+([^?]*)\?>`)
	reXpacketEnd   = regexp.MustCompile(`<\?xpacket\s+end\s*=\s*["'][rw]["']\s*\?>`)
	reAttr         = regexp.MustCompile(`(\w+)\s*=`)
)

// checkMetadata checks the catalog's XMP stream and returns its properties (nil when there are
// none to compare with).
func (c *checker) checkMetadata(cat types.Dict, catNr int) xmpProps {
	mo, ok := cat.Find("Metadata")
	if !ok {
		c.addObj(ruleMetadata, catNr, "the catalog has no /Metadata")
		return nil
	}
	sd, nr := c.stream(mo)
	if sd == nil {
		c.addObj(ruleMetadata, catNr, "/Metadata is not a stream")
		return nil
	}
	if nr == 0 {
		nr = catNr
	}
	if t, _ := c.name(mustFind(sd.Dict, "Type")); t != "Metadata" {
		c.addObj(ruleMetadata, nr, "the metadata stream's /Type is %q, want /Metadata", t)
	}
	if st, _ := c.name(mustFind(sd.Dict, "Subtype")); st != "XML" {
		c.addObj(ruleMetadata, nr, "the metadata stream's /Subtype is %q, want /XML", st)
	}
	filters := c.filterNames(sd.Dict)
	if c.opt.Part == 1 && len(filters) > 0 {
		c.addObj(ruleMetadata, nr, "the metadata stream has /Filter %v; PDF/A-1 requires it unfiltered", filters)
	}
	for _, f := range filters {
		if f != "FlateDecode" {
			c.addObj(ruleMetadata, nr, "the metadata stream uses filter /%s; only none or FlateDecode are accepted here", f)
			return nil
		}
	}
	b, err := decode(sd)
	if err != nil {
		c.addObj(ruleMetadata, nr, "cannot decode the metadata stream: %v", err)
		return nil
	}
	return c.parseXMP(b, nr)
}

func (c *checker) parseXMP(b []byte, nr int) xmpProps {
	if !utf8.Valid(b) {
		c.addObj(ruleXMPWellFormed, nr, "the XMP packet is not UTF-8")
		return nil
	}
	begin := reXpacketBegin.FindSubmatchIndex(b)
	if begin == nil || !strings.HasPrefix(strings.TrimSpace(string(b[begin[2]:begin[3]])), "begin") {
		c.addObj(ruleXMPWellFormed, nr, "the metadata stream does not start an xpacket (<?xpacket begin=... ?>)")
	} else {
		for _, m := range reAttr.FindAllStringSubmatch(string(b[begin[2]:begin[3]]), -1) {
			if m[1] == "bytes" || m[1] == "encoding" {
				c.addObj(ruleXMPHeader, nr, "the xpacket header has the %s attribute, which PDF/A forbids", m[1])
			}
		}
	}
	if !reXpacketEnd.Match(b) {
		c.addObj(ruleXMPWellFormed, nr, `the metadata stream has no xpacket trailer (<?xpacket end="w"?> or end="r")`)
	}

	props, err := readXMP(b)
	if err != nil {
		c.addObj(ruleXMPWellFormed, nr, "the XMP is not well-formed XML: %v", err)
		return nil
	}
	c.checkPDFAID(props, nr)
	return props
}

// readXMP collects the top-level properties of every rdf:Description, in element or attribute
// form.
func readXMP(b []byte) (xmpProps, error) {
	props := xmpProps{}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	type frame struct {
		name  xml.Name
		lang  string
		text  strings.Builder
		items []string
		arr   bool
	}
	var stack []*frame
	descDepth := -1 // depth of the rdf:Description being read, -1 when outside one
	prefixOf := map[xml.Name]string{}
	// Raw prefixes come from a second, non-translating reader over the same bytes.
	prefixes, perr := rawPrefixes(b)
	if perr != nil {
		return nil, perr
	}
	pi := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var raw []string // the element's prefix, then each attribute's
			if pi < len(prefixes) {
				raw = prefixes[pi]
			}
			pi++
			prefix := ""
			if len(raw) > 0 {
				prefix = raw[0]
			}
			f := &frame{name: t.Name}
			for _, a := range t.Attr {
				if a.Name.Space == nsXML && a.Name.Local == "lang" {
					f.lang = a.Value
				}
			}
			stack = append(stack, f)
			depth := len(stack) - 1
			if t.Name.Space == nsRDF && t.Name.Local == "Description" && descDepth < 0 {
				descDepth = depth
				for i, a := range t.Attr {
					if a.Name.Space == "" || a.Name.Space == nsRDF || a.Name.Space == "xmlns" || a.Name.Space == nsXML {
						continue
					}
					ap := ""
					if i+1 < len(raw) {
						ap = raw[i+1]
					}
					props[a.Name] = xmpValue{text: a.Value, prefix: ap}
				}
			}
			if descDepth >= 0 && depth == descDepth+1 {
				prefixOf[t.Name] = prefix
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			depth := len(stack)
			switch {
			case descDepth >= 0 && depth == descDepth:
				descDepth = -1
			case descDepth >= 0 && depth == descDepth+1:
				// a property element
				v := xmpValue{prefix: prefixOf[f.name], text: strings.TrimSpace(f.text.String()), items: f.items, isArr: f.arr}
				props[f.name] = v
			case descDepth >= 0 && depth > descDepth+1 && f.name.Space == nsRDF && f.name.Local == "li":
				// an item: belongs to the property two levels up (property > Seq/Bag/Alt > li)
				if depth >= 2 {
					prop := stack[depth-2]
					item := strings.TrimSpace(f.text.String())
					prop.arr = true
					if f.lang == "x-default" {
						prop.items = append([]string{item}, prop.items...)
					} else {
						prop.items = append(prop.items, item)
					}
				}
			}
		}
	}
	return props, nil
}

// rawPrefixes lists, for every start element in document order, its prefix followed by the
// prefix of each of its attributes (the translating decoder keeps namespaces, not prefixes, and
// keeps attributes in the same order).
func rawPrefixes(b []byte) ([][]string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var out [][]string
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if t, ok := tok.(xml.StartElement); ok {
			p := []string{t.Name.Space}
			for _, a := range t.Attr {
				p = append(p, a.Name.Space)
			}
			out = append(out, p)
		}
	}
}

func (c *checker) checkPDFAID(props xmpProps, nr int) {
	part, okPart := props[xml.Name{Space: nsPDFAID, Local: "part"}]
	conf, okConf := props[xml.Name{Space: nsPDFAID, Local: "conformance"}]
	if !okPart && !okConf {
		c.addObj(rulePDFAID, nr, "the XMP has no PDF/A identification (pdfaid:part and pdfaid:conformance in namespace %s)", nsPDFAID)
		return
	}
	want := strconv.Itoa(c.opt.Part)
	switch {
	case !okPart:
		c.addObj(rulePDFAID, nr, "the XMP has no pdfaid:part")
	case part.first() != want:
		c.addObj(rulePDFAID, nr, "pdfaid:part is %q, want %q", part.first(), want)
	}
	switch {
	case !okConf:
		c.addObj(rulePDFAID, nr, "the XMP has no pdfaid:conformance")
	case conf.first() != c.opt.Conformance:
		c.addObj(rulePDFAID, nr, "pdfaid:conformance is %q, want %q", conf.first(), c.opt.Conformance)
	}
	for _, p := range []struct {
		name string
		v    xmpValue
		ok   bool
	}{{"part", part, okPart}, {"conformance", conf, okConf}} {
		if p.ok && p.v.prefix != "pdfaid" {
			c.addObj(rulePDFAID, nr, "the pdfaid %s property is written with prefix %q; PDF/A requires \"pdfaid\"", p.name, p.v.prefix)
		}
	}
}

// checkInfo compares the Info dictionary with the XMP.
func (c *checker) checkInfo(props xmpProps) {
	if c.x.Info == nil {
		return
	}
	info, nr := c.dict(*c.x.Info)
	if info == nil {
		return
	}
	type pair struct {
		key  string
		prop xml.Name
		what string
	}
	pairs := []pair{
		{"Title", xml.Name{Space: nsDC, Local: "title"}, "dc:title"},
		{"Author", xml.Name{Space: nsDC, Local: "creator"}, "dc:creator"},
		{"Subject", xml.Name{Space: nsDC, Local: "description"}, "dc:description"},
		{"Keywords", xml.Name{Space: nsPDF, Local: "Keywords"}, "pdf:Keywords"},
		{"Creator", xml.Name{Space: nsXMP, Local: "CreatorTool"}, "xmp:CreatorTool"},
		{"Producer", xml.Name{Space: nsPDF, Local: "Producer"}, "pdf:Producer"},
		{"CreationDate", xml.Name{Space: nsXMP, Local: "CreateDate"}, "xmp:CreateDate"},
		{"ModDate", xml.Name{Space: nsXMP, Local: "ModifyDate"}, "xmp:ModifyDate"},
	}
	for _, p := range pairs {
		o, ok := info.Find(p.key)
		if !ok {
			continue
		}
		s, ok := c.text(o)
		if !ok {
			c.addObj(ruleInfoXMP, nr, "Info /%s is not a text string", p.key)
			continue
		}
		if props == nil {
			c.addObj(ruleInfoXMP, nr, "Info /%s is %q but there is no usable XMP to hold %s", p.key, s, p.what)
			continue
		}
		v, ok := props[p.prop]
		if !ok {
			c.addObj(ruleInfoXMP, nr, "Info /%s is %q but the XMP has no %s", p.key, s, p.what)
			continue
		}
		switch p.key {
		case "Author":
			if len(v.items) != 1 {
				c.addObj(ruleInfoXMP, nr, "Info /Author is %q but dc:creator has %d entries, want exactly one", s, len(v.items))
			} else if v.items[0] != s {
				c.addObj(ruleInfoXMP, nr, "Info /Author is %q but dc:creator is %q", s, v.items[0])
			}
		case "CreationDate", "ModDate":
			pt, err1 := parsePDFDate(s)
			xt, err2 := parseXMPDate(v.first())
			switch {
			case err1 != nil:
				c.addObj(ruleInfoXMP, nr, "Info /%s %q is not a PDF date: %v", p.key, s, err1)
			case err2 != nil:
				c.addObj(ruleInfoXMP, nr, "%s %q is not an XMP date: %v", p.what, v.first(), err2)
			case !pt.equal(xt):
				c.addObj(ruleInfoXMP, nr, "Info /%s is %q but %s is %q", p.key, s, p.what, v.first())
			}
		default:
			if v.first() != s {
				c.addObj(ruleInfoXMP, nr, "Info /%s is %q but %s is %q", p.key, s, p.what, v.first())
			}
		}
	}
}

// date is a point in time that may lack a zone.
type date struct {
	t      time.Time // wall clock in UTC when !zoned
	zoned  bool
	offset int
}

func (a date) equal(b date) bool {
	if a.zoned && b.zoned {
		return a.t.Equal(b.t)
	}
	// Without a zone on one side only the wall clock can be compared.
	wa, wb := a.t, b.t
	if a.zoned {
		wa = a.t.In(time.FixedZone("", a.offset))
	}
	if b.zoned {
		wb = b.t.In(time.FixedZone("", b.offset))
	}
	y1, m1, d1 := wa.Date()
	y2, m2, d2 := wb.Date()
	h1, n1, s1 := wa.Clock()
	h2, n2, s2 := wb.Clock()
	return y1 == y2 && m1 == m2 && d1 == d2 && h1 == h2 && n1 == n2 && s1 == s2
}

var rePDFDate = regexp.MustCompile(`^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?(\d{2})?'?)?$`)

func parsePDFDate(s string) (date, error) {
	m := rePDFDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return date{}, fmt.Errorf("want D:YYYYMMDDHHmmSS with an optional zone")
	}
	num := func(i, def int) int {
		if m[i] == "" {
			return def
		}
		n, _ := strconv.Atoi(m[i])
		return n
	}
	t := time.Date(num(1, 0), time.Month(num(2, 1)), num(3, 1), num(4, 0), num(5, 0), num(6, 0), 0, time.UTC)
	if m[7] == "" {
		return date{t: t}, nil
	}
	off := 0
	if m[7] != "Z" {
		h, _ := strconv.Atoi(m[7][1:3])
		mm := 0
		if m[8] != "" {
			mm, _ = strconv.Atoi(m[8])
		}
		off = h*3600 + mm*60
		if m[7][0] == '-' {
			off = -off
		}
	}
	return date{t: t.Add(-time.Duration(off) * time.Second), zoned: true, offset: off}, nil
}

func parseXMPDate(s string) (date, error) {
	s = strings.TrimSpace(s)
	zoned := []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00"}
	for _, l := range zoned {
		if t, err := time.Parse(l, s); err == nil {
			_, off := t.Zone()
			return date{t: t.UTC(), zoned: true, offset: off}, nil
		}
	}
	for _, l := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return date{t: t}, nil
		}
	}
	return date{}, fmt.Errorf("want an ISO 8601 date such as 2026-12-01T10:00:00+01:00")
}
