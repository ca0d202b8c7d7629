// Package pdf renders a render.Document as a PDF letter for window envelopes and digital post,
// drawing through Maroto (github.com/johnfercher/maroto/v2) and its gofpdf back end.
//
// Page 1 carries the letter parts: the letterhead, the return address and recipient placed in
// the envelope window (DIN 5008 form B by default), the details beside it and the subject. The
// body follows: headings, paragraphs of styled runs with links, lists, tables whose header
// repeats on every page, images, page breaks and the signature. Every page ends with the footer
// text and the page label ("Side 2 af 5").
//
// Maroto cannot split a row across pages, style parts of a paragraph or repeat table headers, so
// the package breaks lines itself on the fonts' real advance widths and hands Maroto one
// fixed-height row per line (or per table row, or per group that must stay together). It tracks
// pages with Maroto's own rule, which lets it repeat table headers, keep headings with what
// follows, avoid single orphan and widow lines, and know the page count in advance.
//
// Pagination rules: a page neither starts nor ends with a single line of a paragraph (or list
// item); paragraphs of two or three lines move whole. A heading stays on the page of at least two
// lines of what follows it (a table's header and first row count), so no page ends with one; a
// paragraph leading into a list or the signature stays with it, and the signature (greeting,
// name, title) is never split. A table row moves to the next page whole; only a row taller than
// a page is split, and it goes on under the repeated header with a mark in the letter's language
// ("(fortsat)", "(forts.)", "(jatkuu)", ...). Body text ends at least 4 mm above the footer rule.
// Pages 2..n begin with a running head: the first recipient line and the case number (the
// details entry keyed "case", else the first one the template labelled itself) on the left, the
// page label ("Side 2 af 5") on the right, above a hairline.
//
// Fonts: Liberation Sans (SIL OFL 1.1, see render/fonts/OFL.txt) is embedded in two forms: Latin subsets
// (Basic Latin, Latin-1, Latin Extended-A, punctuation, euro; about 23 KB a style) and the full
// fonts (about 410 KB a style, Greek and Cyrillic too). Each document gets the smallest set that
// has every character it uses, and only the styles it uses. The Latin fonts are embedded whole
// from streams the gofpdf fork compresses once per process, so their cost does not depend on the
// letter; the full fonts are subset per document (measured in BenchmarkRenderVaried, fonts.go
// wholeSets chooses). A character no set has is an error naming it (U+XXXX) and the text it is in;
// gofpdf would otherwise drop it silently. There is no fallback to a second family.
// render/fonts holds the files and chooses the set, for render/docx too; its generate.sh
// regenerates the subsets.
//
// Output is byte-identical for the same Document, across renders and processes: the package
// sets gofpdf's process-wide catalog sorting when it is loaded, and both dates (/CreationDate,
// /ModDate) are the document's own creation date. The gofpdf fork (third_party/gofpdf/pdfa.go)
// writes /Lang, the dates and everything PDF/A needs itself; Render reaches the gofpdf document
// through the Maroto fork's setup hook (config.Builder.WithGofpdfSetup).
//
// PDF/A: every PDF is PDF/A-2b (PDF 1.7; PDF/A-2a when tagged, see below) unless the Document asks
// for PDF/A-1b (PDF 1.4, for archives that take only part 1) or off (Document.PDFA; a layout's
// pdfa key or the tenant's setting). A PDF/A file has XMP metadata equal to its information
// dictionary, the sRGB output intent with the profile embedded (icc/sRGB.icc, from Debian's
// icc-profiles-free, zlib licence: icc/LICENSE), a trailer /ID derived from its own bytes, /F 4
// (print) on every link, every font embedded (PDF/A-1: with a CIDSet for each subset) and no
// transparency: PNGs with an alpha channel or a transparent colour are flattened onto white, CMYK
// JPEGs converted to RGB. The PDF/A-1b output of the sample letters (PDF/A-1a, tagged) passes
// Apache PDFBox Preflight 2.0.27.
//
// Tagged PDF (PDF/UA-1, tags.go): a letter with a language (Meta.Language) is a tagged PDF with
// its structure tree made from the Document: Document > Figure (the logo, its alt text the
// sender's name and "logo" unless the logo's own says more) > P (the recipient's address) > Div
// of a P per detail > H1 (the subject) > the body (H2 to H4 for headings of level 1 to 3, P,
// L > LI > Lbl and LBody, Table > THead/TBody/TFoot > TR > TH with scope Column/TD, Figure with
// the image's alt text, Link holding the link annotation, the signature's Div) in that reading
// order; the letterhead, the return address, rules, a table header repeated on a later page,
// the footer and the page label are artifacts. The catalog has /Lang, /MarkInfo and
// /ViewerPreferences DisplayDocTitle; the title is Meta.Title, else the subject. Tagged and
// PDF/A, the file is PDF/A-2a or PDF/A-1a (level A); with PDF/A off, PDF 1.7 with XMP metadata
// (pdfuaid:part 1). A letter without a language, or without a title and a subject, is untagged
// (PDF/UA requires both). Tagging costs time: about 12% for the one-page reference letter and
// about 2.4 times for a 40-page letter with a 1000-row table (BenchmarkRender40), mostly the
// fork's writing of the elements.
//
// Known limits: links are always blue (Maroto draws them so) and get an underline. A word wider
// than a line, which is split across lines, reads as two words in the structure tree (each line
// but the last of an element ends with a space). gofpdf orders images by pixel width and, among
// equal widths, by map order; so that output stays byte-identical, a second, different image of
// the same pixel width gets a column of white pixels added (drawn in the same box, invisible).
package pdf
