// Package preview is the live preview of template bundles that `postbud preview` serves: a web
// page per bundle showing the letter rendered from its sample data (or data the author edits in
// the page), its problems with file:line:column and JSON path, and downloads of the PDF, DOCX and
// MeMo message, refreshed by itself whenever a file of the bundle, its layout or a shared block
// changes on disk.
//
// The page is server-rendered HTML (html/template) with a little JavaScript, all embedded in the
// binary: no build step and no asset from the network. A letter is shown as page images made by
// pdftoppm (poppler-utils), each under a transparent, selectable text layer made from the word
// boxes `pdftotext -bbox-layout` finds in the real PDF, so that the text the page holds is the
// text of the PDF the letter would be sent as. Without pdftoppm the page embeds the PDF for the
// browser's own viewer and says so.
//
// Changes on disk are watched with fsnotify (the folders of templates/, layouts/ and blocks/
// under the root; editors that save by renaming a new file into place are seen as a create),
// debounced by 100 ms; after the re-render the server sends a "render" event on /events
// (server-sent events) and every open page fetches its letter again. When a template breaks,
// the last good letter of that bundle and language stays visible, dimmed, under the error.
//
// Renders run in their own goroutine with a timeout, at most two at a time, and are cached per
// bundle, language, data hash and bundle version.
package preview
