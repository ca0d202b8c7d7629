package worker

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// preflight refuses, before anything is queued, a letter that the render step would fail on
// for a reason in the submission: it merges the case data into the template as the render step
// does and runs render/pdf's Preflight over the letter, which applies every limit of the PDF
// layout (glyphs of the letter's fonts, the envelope window, the letter parts, the subject,
// headings and table headers, the signature, the footer) without writing a PDF. render/docx
// fails only for a page or an image of the template, which the PDF check covers. So a nil
// error means the letter renders, short of faults of ours or of the machine.
//
// Errors, each listing every problem at once: a *templates.DataError (paths into the case
// data) when the case data alone is at fault, else a *SubmissionError (paths from the body's
// root: "/data/recipient/street", or "/template" for a problem of the template or of how it
// uses the data). Messages name the place, the measure or the character (U+XXXX), never the
// value. The recipient r of the submission is not in the documents (they take the address from
// the case data); it only keeps its values out of the messages.
func (o Options) preflight(b *templates.Bundle, data []byte, r delivery.Recipient) (*templates.Merged, error) {
	m, err := b.Merge(data)
	if err != nil {
		return nil, mergeProblem(data, r, err)
	}
	return m, checkLayout(b, m)
}

// mergeProblem is the answer for data the template cannot be merged with.
func mergeProblem(data []byte, r delivery.Recipient, err error) error {
	var de *templates.DataError
	var te *templates.TemplateError
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &te):
		return &SubmissionError{Problems: []Problem{{Path: "/template",
			Message: "the template cannot be merged with this case data: " + newRedactor(data, r).text(te.Error())}}}
	}
	return fmt.Errorf("check the letter renders: %w", err)
}

// checkLayout runs the PDF layout's checks over a merged letter.
func checkLayout(b *templates.Bundle, m *templates.Merged) error {
	found := pdf.Preflight(m.Document)
	if len(found) == 0 {
		return nil
	}
	var problems []Problem
	seen := map[Problem]bool{}
	// Characters no font has: one problem per field and place, naming them all.
	type glyphKey struct {
		path, place string
		index       int
	}
	glyphs := map[glyphKey][]rune{}
	at := map[glyphKey]int{} // index in problems
	for _, p := range found {
		for _, q := range placeProblems(m, p) {
			if p.Rune != 0 {
				k := glyphKey{q.Path, p.Place, p.Index}
				glyphs[k] = append(glyphs[k], p.Rune)
				if i, ok := at[k]; ok {
					pos, _, _ := m.Source(p.Place, p.Index)
					problems[i].Message = glyphMessage(placeName(p), glyphs[k], pos)
					continue
				}
				at[k] = len(problems)
			}
			if !seen[q] {
				seen[q] = true
				problems = append(problems, q)
			}
		}
	}
	de := &templates.DataError{Template: b.Name}
	for _, p := range problems {
		path, ok := strings.CutPrefix(p.Path, "/data")
		if !ok {
			return &SubmissionError{Problems: problems}
		}
		de.Problems = append(de.Problems, templates.Problem{Path: path, Message: p.Message})
	}
	return de
}

// placeProblems names the submission fields a problem of a place of the letter comes from.
//
// A character no font has is looked for in the strings of the case data that the place's
// templates read: each string that has it is a problem. A place with no room for its text names
// the one field its template reads or, when it reads several, the longest of them (the text
// that does not fit is, but for a template's own words, theirs). A place whose text is the
// template's own, or whose data cannot be found, names "/template" and the template position.
func placeProblems(m *templates.Merged, p pdf.Problem) []Problem {
	pos, paths, ok := LayoutFields(m, p)
	where := placeName(p)
	if !ok {
		return []Problem{{Path: "/template", Message: fmt.Sprintf("%s: %s", where, p.Message)}}
	}
	at := where + ": " + p.Message + " (set at " + pos + ")"
	if len(paths) == 0 {
		return []Problem{{Path: "/template", Message: at}}
	}
	out := make([]Problem, len(paths))
	for i, path := range paths {
		out[i] = Problem{Path: "/data" + path, Message: at}
	}
	return out
}

// LayoutFields finds where a problem of the letter's layout comes from, by the rules
// placeProblems gives: the template position of the place (pos; ok is false when it is not
// known) and the case data fields to blame, as JSON paths within the case data; none when the
// text is the template's own (its lines, layout or images).
func LayoutFields(m *templates.Merged, p pdf.Problem) (pos string, paths []string, ok bool) {
	pos, reads, ok := m.Source(p.Place, p.Index)
	if !ok {
		return "", nil, false
	}
	if p.Rune != 0 {
		m.Strings(reads, func(path, s string) {
			if strings.ContainsRune(s, p.Rune) {
				paths = append(paths, path)
			}
		})
		return pos, paths, true
	}
	if p.Place == pdf.PlaceRecipient && p.Index < 0 || p.Place == pdf.PlacePageLabel || p.Place == pdf.PlaceLayout ||
		p.Place == pdf.PlaceLogo || p.Place == pdf.PlaceSignatureImage {
		return pos, nil, true // the template's lines, layout or images
	}
	longest, n := "", -1
	m.Strings(reads, func(path, s string) {
		if c := utf8.RuneCountInString(s); c > n {
			longest, n = path, c
		}
	})
	if n < 0 {
		return pos, nil, true
	}
	return pos, []string{longest}, true
}

// glyphMessage says that the characters rs of the place cannot be printed.
func glyphMessage(place string, rs []rune, pos string) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("%s: the characters %s cannot be printed: the letter's font has no glyph for them; remove or replace them (set at %s)",
		place, strings.Join(names, ", "), pos)
}

// placeName says in words which part of the letter a problem is about.
func placeName(p pdf.Problem) string {
	n := p.Index + 1
	switch p.Place {
	case pdf.PlaceSenderName:
		return "letterhead: sender name"
	case pdf.PlaceSenderDepartment:
		return "letterhead: department"
	case pdf.PlaceSenderAddress:
		return fmt.Sprintf("letterhead: sender address line %d", n)
	case pdf.PlaceSenderContact:
		return fmt.Sprintf("letterhead: contact line %d", n)
	case pdf.PlaceLogo:
		return "letterhead: logo"
	case pdf.PlaceReturnAddress:
		return "envelope window: return address"
	case pdf.PlaceRecipient:
		if p.Index < 0 {
			return "envelope window: recipient address"
		}
		return fmt.Sprintf("envelope window: recipient address line %d", n)
	case pdf.PlaceDetails:
		return fmt.Sprintf("details entry %d", n)
	case pdf.PlaceParts:
		return "letter parts of page 1"
	case pdf.PlaceBody:
		if p.Index < 0 {
			return "letter body"
		}
		return fmt.Sprintf("letter body, block %d", n)
	case pdf.PlaceSignature:
		return "signature"
	case pdf.PlaceSignatureGreeting:
		return "signature greeting"
	case pdf.PlaceSignatureName:
		return "signature name"
	case pdf.PlaceSignatureTitle:
		return "signature title"
	case pdf.PlaceSignatureImage:
		return "signature image"
	case pdf.PlacePageLabel:
		return "page label"
	}
	return p.Place
}
