// Package lint checks template bundles the way a compiler checks code, for `postbud templates
// lint` and the preview: every problem is a Problem with file:line:col, a severity and a plain
// message. Errors are what stops a bundle from making correct letters; warnings are what makes a
// letter hard for a citizen to read.
package lint
