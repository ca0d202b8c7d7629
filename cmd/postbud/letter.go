package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/postbud/postbud/render"
	"github.com/postbud/postbud/render/docx"
	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

// document is one rendered file of a letter.
type document struct {
	format string // "pdf" or "docx"
	data   []byte
}

// produce merges data into b and renders the letter in each format.
func produce(b *templates.Bundle, data []byte, formats []string) ([]document, error) {
	d, err := b.Document(data)
	if err != nil {
		return nil, err
	}
	return renderFormats(d, formats)
}

func renderFormats(d *render.Document, formats []string) ([]document, error) {
	out := make([]document, 0, len(formats))
	for _, f := range formats {
		var (
			data []byte
			err  error
		)
		switch f {
		case "pdf":
			data, err = pdf.Render(d)
		case "docx":
			data, err = docx.Render(d)
		default:
			err = fmt.Errorf("unknown format %q", f)
		}
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", f, err)
		}
		out = append(out, document{format: f, data: data})
	}
	return out, nil
}

// reportError writes err for a person: one line per data problem (JSON path, what was expected,
// where the template uses the field), file:line:col for template errors, prefixed by prefix.
func reportError(w io.Writer, prefix string, err error) {
	var de *templates.DataError
	if errors.As(err, &de) {
		for _, p := range de.Problems {
			path := p.Path
			if path == "" {
				path = "(root)"
			}
			line := fmt.Sprintf("%s: %s: %s", prefix, path, p.Message)
			if len(p.Uses) > 0 {
				line += " (used at " + strings.Join(p.Uses, ", ") + ")"
			}
			fmt.Fprintln(w, line)
		}
		return
	}
	fmt.Fprintf(w, "%s: %v\n", prefix, err)
}
