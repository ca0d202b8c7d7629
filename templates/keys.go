package templates

// The keys each mapping of the front matter and layout.yaml may hold (letterKeys and memoKeys
// are next to their parsers). The published schemas (schema/*.json) list the same keys; a test
// holds them equal.
var (
	layoutKeys    = []string{"page", "font", "size", "accent", "logo", "logo_alt", "window", "sender", "footer", "page_label", "pdfa"}
	pageKeys      = []string{"size", "margins"}
	marginKeys    = []string{"top", "right", "bottom", "left"}
	windowKeys    = []string{"x", "y", "width", "height"}
	senderKeys    = []string{"name", "department", "address", "contact"}
	detailKeys    = []string{"label", "key", "value"}
	signatureKeys = []string{"greeting", "name", "title", "image"}
	kleKeys       = []string{"subject_key", "version", "activity_facet", "label"}
	formKeys      = []string{"task_key", "version", "activity_facet", "label"}
	actionKeys    = []string{"label", "code", "url", "start", "end"}
)
