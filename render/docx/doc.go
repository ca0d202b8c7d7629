// Package docx renders a render.Document as a WordprocessingML (.docx) file that opens in Word and
// LibreOffice, with the same text as the PDF back end.
//
// The writer is focused: it produces exactly the parts a letter needs (document, styles, numbering,
// settings, header, footer, relationships, media, core and app properties) with real heading,
// list and table styles, PAGE and NUMPAGES fields in the footer and the recipient address placed
// for the envelope window. Output depends only on the Document: the same Document gives the same
// bytes, and Render is safe for concurrent use.
package docx
