package memo_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/postbud/postbud/delivery/memo"
)

// prefixes names the namespaces of the MeMo samples, for readable element paths.
var prefixes = map[string]string{
	memoNamespace:                     "memo",
	"http://kle-online.dk/":           "kle",
	"http://www.form-online.dk/":      "form",
	"https://data.gov.dk/model/core/": "grd",
}

// structure is the shape of a MeMo document: every element path, and for each parent path the
// pairs of child names the document has in that order ([2]string{a, b}: an a before a b).
type structure struct {
	paths  map[string]bool
	before map[string]map[[2]string]bool
	// root holds the root element's attributes, by local name.
	root map[string]string
}

// element is one parsed element: its path and its children's names, in document order.
type element struct {
	path     string
	children []string
}

// parseStructure reads a MeMo document into its elements, in document order.
func parseStructure(t *testing.T, data []byte) (elements []*element, root map[string]string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	var stack []*element
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			p, ok := prefixes[tok.Name.Space]
			if !ok {
				p = "{" + tok.Name.Space + "}"
			}
			name := p + ":" + tok.Name.Local
			path := name
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, name)
				path = parent.path + "/" + name
			} else {
				root = map[string]string{}
				for _, a := range tok.Attr {
					if a.Name.Space == "" {
						root[a.Name.Local] = a.Value
					}
				}
			}
			e := &element{path: path}
			elements = append(elements, e)
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	return elements, root
}

// sampleStructure merges the elements of a sample into its structure.
func sampleStructure(t *testing.T, data []byte) structure {
	t.Helper()
	elements, root := parseStructure(t, data)
	s := structure{paths: map[string]bool{}, before: map[string]map[[2]string]bool{}, root: root}
	for _, e := range elements {
		s.paths[e.path] = true
		if s.before[e.path] == nil {
			s.before[e.path] = map[[2]string]bool{}
		}
		for i, a := range e.children {
			for _, b := range e.children[i+1:] {
				if a != b {
					s.before[e.path][[2]string{a, b}] = true
				}
			}
		}
	}
	return s
}

// conform lists how the document's elements depart from the sample's structure: paths the sample
// does not have, and pairs of siblings in an order the sample does not show (the sample has them
// the other way round, or never together).
func (s structure) conform(t *testing.T, data []byte) []string {
	t.Helper()
	elements, _ := parseStructure(t, data)
	var faults []string
	for _, e := range elements {
		if !s.paths[e.path] {
			faults = append(faults, "no such element in the sample: "+e.path)
			continue
		}
		reported := map[[2]string]bool{}
		for i, a := range e.children {
			for _, b := range e.children[i+1:] {
				pair := [2]string{a, b}
				if a == b || reported[pair] || !s.paths[e.path+"/"+a] || !s.paths[e.path+"/"+b] {
					continue
				}
				reported[pair] = true
				switch {
				case s.before[e.path][[2]string{b, a}]:
					faults = append(faults, fmt.Sprintf("%s: %s before %s; the sample has them the other way round", e.path, a, b))
				case !s.before[e.path][pair]:
					faults = append(faults, fmt.Sprintf("%s: %s before %s; the sample never has them together", e.path, a, b))
				}
			}
		}
	}
	return faults
}

// TestV12Structure checks MeMo 1.2 output against the official 1.2 full example: every element
// path written exists in the sample, siblings come in the sample's order, and the root carries
// memoVersion="1.2" and no memoSchVersion.
func TestV12Structure(t *testing.T) {
	sample, err := os.ReadFile("testdata/v1.2-examples/MeMo_Full_Example.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := sampleStructure(t, sample)
	if len(s.paths) < 100 || s.root["memoVersion"] != "1.2" {
		t.Fatalf("the 1.2 sample parsed into %d paths with memoVersion %q; is it the full example?", len(s.paths), s.root["memoVersion"])
	}
	if faults := s.conform(t, sample); len(faults) != 0 {
		t.Fatalf("the sample does not conform to itself: %v", faults)
	}

	for name, m := range validMessages() {
		t.Run(name, func(t *testing.T) {
			m.Version = memo.V12
			out := write(t, m)
			for _, f := range s.conform(t, out) {
				t.Error(f)
			}
			_, root := parseStructure(t, out)
			if root["memoVersion"] != "1.2" {
				t.Errorf("memoVersion = %q, want 1.2", root["memoVersion"])
			}
			if v, ok := root["memoSchVersion"]; ok {
				t.Errorf("memoSchVersion = %q; a 1.2 message has none", v)
			}
		})
	}

	// The checker can fail: a message with two header elements swapped, and one with an element
	// the sample lacks, are reported.
	out := string(write(t, minimalMessage()))
	swapped := strings.Replace(out, "<memo:mandatory>false</memo:mandatory>\n\t\t<memo:legalNotification>false</memo:legalNotification>",
		"<memo:legalNotification>false</memo:legalNotification>\n\t\t<memo:mandatory>false</memo:mandatory>", 1)
	if swapped == out {
		t.Fatal("could not swap mandatory and legalNotification")
	}
	if faults := s.conform(t, []byte(swapped)); len(faults) != 1 || !strings.Contains(faults[0], "memo:legalNotification before memo:mandatory; the sample has them the other way round") {
		t.Errorf("swapped elements: faults %q, want one about legalNotification before mandatory", faults)
	}
	extra := strings.Replace(out, "<memo:label>Pladsanvisning</memo:label>", "<memo:label>Pladsanvisning</memo:label><memo:bogus/>", 1)
	if faults := s.conform(t, []byte(extra)); len(faults) != 1 || faults[0] != "no such element in the sample: memo:Message/memo:MessageHeader/memo:bogus" {
		t.Errorf("unknown element: faults %q, want one about memo:bogus", faults)
	}
}

// TestV11Root checks the 1.1 root: memoVersion="1.1" and memoSchVersion="1.1.0", also when
// Version is empty.
func TestV11Root(t *testing.T) {
	for _, v := range []string{"", memo.V11} {
		m := minimalMessage()
		m.Version = v
		_, root := parseStructure(t, write(t, m))
		if root["memoVersion"] != "1.1" || root["memoSchVersion"] != "1.1.0" {
			t.Errorf("Version %q: root attributes %v, want memoVersion 1.1 and memoSchVersion 1.1.0", v, root)
		}
	}
}
