package lint

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity says whether a problem stops a bundle (Error) or is advice for the citizen's sake
// (Warning).
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is one finding: where (File as the bundle's files are named, 1-based Line and Col, 0
// when not known), how bad, and what is wrong in plain words.
type Problem struct {
	File      string
	Line, Col int
	Severity  Severity
	Msg       string
}

// String is the problem as a compiler prints one, so that editors jump to it:
// "file:line:col: severity: message" (":col" or ":line:col" left out when not known).
func (p Problem) String() string {
	switch {
	case p.Line == 0:
		return fmt.Sprintf("%s: %s: %s", p.File, p.Severity, p.Msg)
	case p.Col == 0:
		return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Severity, p.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", p.File, p.Line, p.Col, p.Severity, p.Msg)
}

// HasErrors reports whether any problem is an Error.
func HasErrors(ps []Problem) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return p.Severity == Error })
}

// sortProblems orders problems by file, line, column, then errors before warnings, and drops
// exact repeats.
func sortProblems(ps []Problem) []Problem {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Severity, b.Severity))
	})
	return slices.Compact(ps)
}
