// Package render holds the document model of a letter (letter parts, blocks and inline runs) that
// the template engine produces and the back ends render/pdf and render/docx turn into files.
//
// The model knows no template language, queue or delivery channel. Units are millimetres for
// geometry and points for font sizes. A Document fully determines its output: renderers never read
// the clock or the file system, so the same Document always gives the same bytes.
package render
