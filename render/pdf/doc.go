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
// Fonts: Liberation Sans (SIL OFL 1.1, see fonts/OFL.txt) is embedded in two forms: Latin subsets
// (Basic Latin, Latin-1, Latin Extended-A, punctuation, euro; about 23 KB a style) and the full
// fonts (about 410 KB a style, Greek and Cyrillic too). Each document gets the smallest set that
// has every character it uses, and only the styles it uses are embedded, because gofpdf's cost
// grows with both. A character no set has is an error naming it (U+XXXX) and the text it is in;
// gofpdf would otherwise drop it silently. There is no fallback to a second family.
// fonts/generate.sh regenerates the subsets.
//
// Output is byte-identical for the same Document, across renders and processes: the package
// sets gofpdf's process-wide catalog sorting and modification date when it is loaded and writes
// the document's own creation date. gofpdf v1.4.3 cannot write the document language, so Render
// adds /Lang to the catalog after gofpdf has written it (and sets /ModDate to the creation date),
// keeping the cross-reference table valid.
//
// Known limits: no PDF/A and no tagged PDF (gofpdf writes neither); links are always blue (Maroto
// draws them so) and get an underline. gofpdf orders images by pixel width and, among equal
// widths, by map order; so that output stays byte-identical, a second, different image of the
// same pixel width gets a column of white pixels added (drawn in the same box, invisible).
package pdf
