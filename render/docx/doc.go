// Package docx renders a render.Document as a WordprocessingML (.docx) file that opens in Word and
// LibreOffice, with the same text as the PDF back end.
//
// The writer is focused: it produces exactly the parts a letter needs (document, styles, numbering,
// settings, headers, footer, font table and embedded fonts, relationships, media, core and app
// properties) with real heading, list and table styles, PAGE and NUMPAGES fields in the footer
// and the running head, and the recipient address placed for the envelope window. Output depends
// only on the Document: the same Document gives the same bytes, and Render is safe for concurrent
// use.
//
// Layout: the DOCX repeats render/pdf's geometry and typography (the constants in firstpage.go),
// so that a DOCX converted by LibreOffice has the PDF's page count and its address where the
// PDF's is (TestMatchesPDF measures both with pdftotext -bbox): the first page's letterhead,
// window and details as a table of exact row heights; body text in exact lines with the PDF's
// leading and spacing, widow control, headings and the closing kept with what follows; tables
// ruled as the PDF rules them (no grid), their header rows repeated and no row split; the footer
// and the running head of pages 2..n as one line of text and page label over or under a rule.
// Where Word and LibreOffice would break a line elsewhere than the PDF (the address and details,
// after a hyphen), the PDF's line breaks are written in. The outline is Heading1 for the subject
// and Heading2 and Heading3 for the body's headings.
//
// Fonts: a letter in render.DefaultFont carries the font set render/pdf embeds in its PDF,
// chosen by render/fonts from the same text: Postbud Sans Latin (Latin subsets of Liberation
// Sans, about 23 KB a style) for letters of Latin text, the full Liberation Sans for letters with
// other characters; only the styles the letter uses, obfuscated as ECMA-376 Part 1, 17.8.1
// describes. word/fontTable.xml names the font with its alternative names (Liberation Sans,
// Arial), panose number, family class, pitch and Unicode ranges, so that Word shows and edits
// the letter in its font. The obfuscation key is derived from the font's bytes, so each style's
// part is the same in every letter: it is obfuscated and deflated (at the best level) once per
// process. The same advance widths render/pdf measures with size table columns, the return line
// and the address.
//
// Packaging: parts are deflated with a pooled klauspost/compress flate writer at level 1, and the
// parts that are the same for many letters (content types, styles, numbering, settings, footer,
// font table) are compressed once per process and reused, keyed by their exact bytes; the running
// head, which names the recipient, is packed for each letter and never cached. The zip
// container itself is written by writeZip (pack.go), not archive/zip: with every part already
// compressed and its CRC known, a zip is a few fixed headers, written here into one buffer of the
// exact final size without archive/zip's per-entry writers and allocations. TestWriteZip checks
// writeZip byte for byte against archive/zip's CreateRaw for the same entries. No zip64: a package over 4 GB is an
// error.
package docx
