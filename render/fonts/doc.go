// Package fonts holds the font files postbud's renderers embed, and chooses which of them a
// letter needs.
//
// A family (render.DefaultFont, Liberation Sans) comes as font sets, smallest first: Postbud Sans
// Latin, Latin subsets of Liberation Sans of about 23 KB a style (Basic Latin, Latin-1, Latin
// Extended-A, the Romanian comma-below letters, general punctuation, euro, trade mark and minus
// sign; renamed, as the SIL OFL 1.1 requires of a Modified Version), and the full Liberation
// Sans 2 of about 410 KB a style, with Greek and Cyrillic. Choose gives a letter the first set
// with a glyph for every character it prints in each style; render/pdf and render/docx both
// embed that set, so that the DOCX carries the PDF's font and is measured with its widths.
// generate.sh regenerates the files (`go generate ./render/fonts`); OFL.txt is their licence.
package fonts
