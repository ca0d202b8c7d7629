// Package markdown turns the Markdown body of a letter template into the blocks of the render
// document model, and escapes case data so that it can be spliced into such a body safely.
//
// Blocks reads CommonMark with GFM tables (github.com/yuin/goldmark with extension.Table) and
// maps it as follows:
//
//   - ATX and setext headings become *render.Heading with their level; a heading without text
//     is dropped.
//   - Paragraphs become *render.Paragraph. Inline: **strong** is Bold, *emphasis* is Italic,
//     both nested are Bold and Italic; [text](url) and <autolinks> set Run.Link (an e-mail
//     autolink gets "mailto:"; a link without text shows its URL; javascript:, vbscript:,
//     file: and data: links are an error); `code spans` are plain text; a soft line break is
//     a space; a hard line break (two trailing spaces or a backslash) is "\n" in the run text;
//     backslash escapes and character references (&amp; &nbsp; &#8212;) become their
//     characters.
//   - Lists become *render.List (ordered ones with their Start), each item a []render.Block
//     (paragraphs, nested lists, ...).
//   - GFM tables become *render.Table: header cells, body rows, and column alignment from the
//     delimiter row (:-- left, :-: center, --: right; none is left). Column.Width is left 0 for
//     the renderer to choose. Rows with fewer cells than the header are padded with empty cells,
//     extra cells are dropped.
//   - The total row convention: when the LAST body row's non-empty cells are each wholly bold
//     (and at least one is), that row is moved to Table.Total with the bold dropped from its
//     runs, for the renderer to set as a sum row. Write "| **I alt** | | **1.234,50 kr.** |"
//     as the last row to get one; make any cell of it not bold to keep it an ordinary row.
//   - An image ![alt](dest) that is a paragraph of its own becomes the *render.Image returned by
//     Options.Image(dest), with Alt set to the alt text. An image inside other text, or with
//     no resolver, is an error.
//   - A thematic break (***, ___ or --- on a line of its own) becomes *render.PageBreak.
//   - Block quotes become their inner blocks; fenced and indented code becomes a paragraph with
//     "\n" between its lines.
//   - Raw HTML, as a block or inline (comments too), is not allowed in a letter: it is an
//     *Error naming the line and the HTML.
//
// White space in runs is what a reader sees: runs of spaces, tabs and line ends inside text
// become one space, there is none at the start or end of a block or around a hard line break,
// adjacent runs of the same style are merged and no run is empty. No-break spaces (U+00A0,
// U+202F) are text, not white space, and are kept. Invalid UTF-8 and NUL become U+FFFD.
//
// Escape is the security boundary between case data and a template: every value inserted
// into Markdown goes through it, so that a citizen's name can never add formatting, links,
// HTML or structure to a letter.
package markdown
