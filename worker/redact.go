package worker

import (
	"sync"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/templates"
)

// redactor removes personal data from error texts before they reach a record, a task error in
// Redis or a log line: every string and number of the case data and the recipient (three
// characters or longer, and each word of four or more) is replaced by "[…]", in clear and in
// every escaped form an error may quote it in (Go %q and %+q, JSON, \u escapes, Markdown).
//
// It is the second line of defence. The errors of package templates never hold a value of the
// case data (a DataError's or TemplateError's text names the path and the kind of problem;
// the value is only in Problem.Value and TemplateError.Value); but other packages' errors may
// quote the letter's text, such as render/pdf's "recipient line 1 "…" is 104 mm wide".
//
// It is built on first use: walking the case data for every form of every value costs about as
// much as a tenth of the letter's rendering, and only a failed attempt has a text to redact.
type redactor struct {
	once  sync.Once
	data  []byte
	extra []string
	r     *templates.Redactor
}

func newRedactor(data []byte, r delivery.Recipient) *redactor {
	return &redactor{data: data, extra: append([]string{r.ID, r.Name}, r.Address...)}
}

// text returns s without any of the secrets. A nil redactor returns s.
func (r *redactor) text(s string) string {
	if r == nil {
		return s
	}
	r.once.Do(func() { r.r = templates.NewRedactor(r.data, r.extra...) })
	return r.r.Text(s)
}
