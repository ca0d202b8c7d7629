// Package docx renders a render.Document as a WordprocessingML (.docx) file that opens in Word and
// LibreOffice, with the same text as the PDF back end.
//
// The writer is focused: it produces exactly the parts a letter needs (document, styles, numbering,
// settings, header, footer, relationships, media, core and app properties) with real heading,
// list and table styles, PAGE and NUMPAGES fields in the footer and the recipient address placed
// for the envelope window. Output depends only on the Document: the same Document gives the same
// bytes, and Render is safe for concurrent use.
//
// Packaging: parts are deflated with a pooled klauspost/compress flate writer at level 1, and the
// parts that are the same for many letters (content types, styles, numbering, settings, header,
// footer) are compressed once per process and reused, keyed by their exact bytes. The zip
// container itself is written by writeZip (pack.go), not archive/zip: with every part already
// compressed and its CRC known, a zip is a few fixed headers, written here into one buffer of the
// exact final size without archive/zip's per-entry writers and allocations. TestWriteZip checks
// writeZip byte for byte against archive/zip's CreateRaw for the same entries. No zip64: a package over 4 GB is an
// error.
package docx
