// Package lint checks template bundles the way a compiler checks code, for `postbud templates
// lint` and the preview: every problem is a Problem with file:line:col, a severity and a plain
// message. Errors are what stops a bundle from making correct letters; warnings are what makes a
// letter hard for a citizen to read.
//
// Dir checks every bundle of a root folder (samples/, with templates/, layouts/ and blocks/) and
// Bundle one bundle; the preview runs Bundle on every save, so it reads files only and takes a
// few milliseconds for a sample letter. Bundle's documentation lists the checks: the front
// matter and layout against their published schemas (FrontMatter, Layout), schema.json and the
// sample data, fields used and declared, the letter merged with its sample and rendered by
// render/pdf and render/docx, shared and required blocks, MeMo limits, links, images and
// fonts; and the warnings on the merged sample letter's text (Sentences, LIX) and its last page
// (render/pdf's PageLines). Positions in sample.json and schema.json are those of the JSON
// value a problem is about.
package lint
