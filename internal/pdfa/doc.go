// Package pdfa checks a PDF against the PDF/A rules that matter for the letters postbud writes
// with gofpdf: PDF/A-2b (ISO 19005-2:2011, level B) by default, PDF/A-1b (ISO 19005-1:2005) and
// PDF/A-3b (ISO 19005-3:2012) on request. [Check] returns every problem it finds, not just the
// first, each naming the clause of the part checked, the object concerned (for example
// "object 12 0 (Link annotation on page 2)") and what is wrong.
//
// This is not a full PDF/A validator. It checks a subset chosen for what a gofpdf letter can get
// wrong; a file it passes can still fail veraPDF or PDFBox Preflight. Use it in tests and at the
// command line (postbud pdfa check FILE.pdf) to catch regressions of the writer early.
//
// # Rules checked
//
// Clause numbers are those of ISO 19005-2 (also used for part 3); the part-1 number, used when
// Options.Part is 1, follows in brackets.
//
//   - 6.1.2 [6.1.2] header: "%PDF-1.n" at byte 0 with n from 0 to 7, followed by an EOL and a
//     comment line with at least four bytes above 127.
//   - 6.1.3 [6.1.3] trailer: /ID present, an array of two byte strings; no /Encrypt; nothing but
//     an optional EOL after the last %%EOF. /ID and /Encrypt are read from the last trailer as
//     written (pdfcpu silently doubles a one-element /ID); after an xref stream, from pdfcpu.
//   - 6.1.4 [6.1.4] cross-reference: startxref points at an xref table (or, part 2 and 3 only, an
//     xref stream); "xref" is followed by a single EOL; every in-use entry's offset points at
//     "N G obj" for that very object; subsection headers use single spaces; /Prev sections
//     are followed. PDF/A-1: no xref streams.
//   - 6.1.7.1 [6.1.7] no stream has /F, /FFilter or /FDecodeParms.
//   - 6.1.7.2 [6.1.10] no stream uses the LZWDecode filter.
//   - 6.2.3 [6.2.2] the catalog has /OutputIntents with a GTS_PDFA1 entry whose
//     /DestOutputProfile is an ICC stream with a sane header: the size field equals the
//     profile's length, the 'acsp' signature is at byte 36, the device class is 'mntr' or 'prtr',
//     the colour space is GRAY, RGB or CMYK and agrees with the stream's /N; all entries with a
//     DestOutputProfile share one profile.
//   - 6.2.10 [6.4] transparency, stricter than PDF/A-2 requires because postbud's writer must
//     produce none: no /SMask on image XObjects, ExtGState /SMask only /None, ExtGState /CA and
//     /ca 1.0, /BM Normal (or Compatible), no /Group with /S /Transparency on pages or form
//     XObjects. In PDF/A-2b these are legal; a finding here is a postbud policy violation.
//   - 6.2.11.3.2 [6.3.3.2] every CIDFontType2 has /CIDToGIDMap, /Identity or a stream.
//   - 6.2.11.4.1 [6.3.4] every font is embedded: FontFile, FontFile2 or FontFile3 on its
//     FontDescriptor (for Type0 fonts, on each descendant font); Type3 fonts are exempt.
//   - 6.2.11.5 [6.3.6] widths of TrueType fonts (simple fonts' /Widths; CIDFontType2 /W and, for
//     CIDs listed in /W, the CIDToGIDMap) agree with the embedded font program's advance widths,
//     in 1/1000 em with a tolerance of 1 unit. The font is parsed with golang.org/x/image/font/sfnt.
//     Glyphs that take the default width (/DW, /MissingWidth) are not compared, nor codes whose
//     glyph cannot be found (glyph 0) or whose /Differences name is not uniXXXX-like.
//   - 6.3.2 [6.5.3] every annotation (except Popup in part 2 and 3) has /F with Print set and
//     Hidden, Invisible, NoView and ToggleNoView clear (ToggleNoView is not a PDF/A-1 rule but is
//     checked there too). PDF/A-1 also: an annotation's /CA, if present, is 1.0.
//   - 6.5.1 [6.6.1] no Launch, Sound, Movie, ResetForm, ImportData, Hide, SetOCGState, Rendition,
//     Trans, GoTo3DView, JavaScript, SetState or NOP action anywhere (PDF/A-1: Launch, Sound,
//     Movie, ResetForm, ImportData, JavaScript, SetState, NOP), no named action other than
//     NextPage, PrevPage, FirstPage and LastPage, and no /JavaScript name tree in the catalog's
//     /Names.
//   - 6.5.2 [6.6.2] no /AA (additional actions) on the catalog, pages, annotations, fields or
//     anywhere else.
//   - 6.6.2.1 [6.7.2, 6.7.5, 6.7.9] the catalog has /Metadata, a stream with /Type /Metadata and
//     /Subtype /XML, unfiltered or FlateDecode (part 1: unfiltered), holding one well-formed
//     xpacket (begin and end processing instructions, no bytes or encoding attribute) whose XML
//     parses with encoding/xml and is UTF-8.
//   - 6.6.4 [6.7.11] the XMP declares pdfaid:part (2, 1 or 3 as asked) and pdfaid:conformance
//     (B unless Options.Conformance says otherwise), in the pdfaid namespace with the pdfaid
//     prefix, as the specification spells them (upper-case letter).
//   - 19005-1 6.7.3: the Info dictionary's Title, Author, Subject, Keywords, Creator, Producer,
//     CreationDate and ModDate, where present, have equivalent XMP properties (dc:title x-default,
//     dc:creator with exactly one entry, dc:description x-default, pdf:Keywords, xmp:CreatorTool,
//     pdf:Producer, xmp:CreateDate, xmp:ModifyDate; dates compare as instants, or as wall-clock
//     time when either lacks a zone). This is a rule of ISO 19005-1; veraPDF's PDF/A-2b profile
//     has no counterpart, so for part 2 and 3 problems name the part-1 clause. We check it for
//     every part, since postbud writes PDF/A-1b too and a disagreement is a writer bug either way.
//   - 6.8 [6.1.11] part 2: each file in the /EmbeddedFiles name tree is reported, since this
//     package cannot tell whether it is itself PDF/A (which part 2 would allow); part 1: the
//     /EmbeddedFiles key must not be there at all, even with an empty tree (PDFBox Preflight
//     reports that too); part 3: embedded files are accepted.
//
// # Rules not checked
//
// Everything else, notably: content streams (operators, colour operators used without an output
// intent or default colour space, .notdef references, q/Q nesting, inline images), colour spaces
// other than the output intent's profile (ICCBased streams, Separation/DeviceN), the full ICC
// profile (tags, version) beyond its header, stream /Length versus the bytes on file, hex string
// syntax, implementation limits, names as UTF-8, rendering intents, halftones and transfer
// functions, image keys other than /SMask, fonts beyond embedding and widths (font program
// validity, glyphs used but missing, subsets' CharSet/CIDSet, encodings and cmap tables of
// symbolic fonts, CMaps), widths of Type1 and CFF font programs (sfnt reads neither bare Type1 nor
// bare CFF), whether a font in a resource dictionary is actually used, annotation appearances,
// forms, signatures, optional content, XMP schemas and extension schemas beyond pdfaid, metadata
// of objects other than the catalog, whether embedded files are PDF/A, the trailer of linearized
// files, and level A/U requirements (tagging, Unicode).
//
// # Implementation
//
// Objects are read with github.com/pdfcpu/pdfcpu v0.15.0 (pkg/api ReadContext, relaxed mode, no
// validation or optimisation, with a configuration of our own so that pdfcpu creates no config
// folder); Maroto required v0.6.0, and its one use of pdfcpu, api.MergeRaw, is unchanged. pdfcpu
// follows the cross-reference table, object streams and xref streams and decodes stream
// filters. A few checks need the bytes as written, which pdfcpu does not expose or silently
// repairs, so this package reads them itself: the header and binary comment, trailing data after
// %%EOF, the cross-reference table's syntax and offsets (pdfcpu rebuilds a broken table by
// scanning the file, which would hide exactly the fault checked) and the last trailer's /ID and
// /Encrypt (pdfcpu doubles a one-element /ID, and may fail on an encrypted file). pdfcpu refuses
// header versions above 1.7; after reporting that, the checks run on a copy claiming 1.7. The
// XMP packet is parsed with encoding/xml, the ICC header by hand (it is 128 bytes of fixed
// fields) and font programs with golang.org/x/image/font/sfnt.
package pdfa
