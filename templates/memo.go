package templates

import (
	"fmt"
	"regexp"
	"strings"
	"text/template/parse"
	"time"

	"gopkg.in/yaml.v3"
)

// Memo is the MeMo header of a letter sent by Danish Digital Post: the memo: front matter
// executed with the case data (see ExecMemo). Text is plain text, never Markdown-escaped; ""
// means not given. The limits MeMo sets on the values (lengths, URLs) are checked by the
// delivery step; MemoSource tells where a value comes from.
type Memo struct {
	// Version is the MeMo version, "1.1" or "1.2"; "" leaves it to the channel's default.
	Version string
	// Label is the title of the letter in the recipient's mailbox: memo label:, or the letter's
	// executed title when the template has none.
	Label string
	// Notification and AdditionalNotification are the optional notification texts.
	Notification, AdditionalNotification string
	// Mandatory and LegalNotification are MeMo's mandatory and legalNotification flags, false
	// unless the template says true.
	Mandatory, LegalNotification bool
	// PostType is the optional postType, e.g. "MYNDIGHEDSPOST".
	PostType string
	// CaseID and CaseSystem are the sender's case number and the system it belongs to: both or
	// neither.
	CaseID, CaseSystem string
	// KLE and FORM are the optional classifications of the letter, nil when not given.
	KLE, FORM *MemoClass
	// Actions are the links the recipient can follow, in front matter order.
	Actions []MemoAction
}

// MemoClass is a KLE or FORM classification. Key is the KLE subject key or the FORM task key;
// ActivityFacet is optional; a template must give the other three.
type MemoClass struct {
	Key, Version, ActivityFacet, Label string
}

// MemoAction is a link the recipient can follow from the letter.
type MemoAction struct {
	// Label is the link text; Code the MeMo actionCode, an upper-case word such as BETALING,
	// SELVBETJENING, INFORMATION or AFTALE; URL the address the link opens.
	Label, Code, URL string
	// Start and End bound when the action applies, in UTC. A date-only value ("2026-12-07")
	// is 00:00 UTC of that day. They are zero when not given or when their template gives
	// empty text (an optional field inside {{ if has ... }}).
	Start, End time.Time
}

// memoFront is the parsed memo: front matter; (T) strings are templates, nil when not given.
type memoFront struct {
	version                                     string
	label, notification, additionalNotification *tmpl
	mandatory, legalNotification                bool
	postType                                    string
	caseID, caseSystem                          *tmpl
	kle, form                                   *classFront
	actions                                     []actionFront
	// all are the keys the template sets, by their MemoSource names.
	all []memoField
}

type classFront struct {
	key, version, activityFacet, label *tmpl
}

type actionFront struct {
	label           *tmpl
	code            string
	url, start, end *tmpl
}

// memoField is one value of the memo front matter: its MemoSource name, file line and, for
// (T) strings, its template.
type memoField struct {
	name string
	line int
	t    *tmpl
}

// fields returns every value of the memo front matter; nil for a letter without memo:.
func (m *memoFront) fields() []memoField {
	if m == nil {
		return nil
	}
	return m.all
}

// field returns the value with MemoSource name name.
func (m *memoFront) field(name string) (memoField, bool) {
	for _, f := range m.fields() {
		if f.name == name {
			return f, true
		}
	}
	return memoField{}, false
}

var memoKeys = []string{"version", "label", "notification", "additional_notification", "mandatory",
	"legal_notification", "post_type", "case_id", "case_system", "kle", "form", "actions"}

// upperWordRE is the form of MeMo's code words: actionCode and postType.
var upperWordRE = regexp.MustCompile(`^[A-Z_]+$`)

// actionCodes is the hint for a bad action code: the codes MeMo's examples use.
const actionCodes = "BETALING, SELVBETJENING, INFORMATION or AFTALE"

// parseMemo reads the memo: mapping of the front matter; tpl parses a (T) string.
func parseMemo(d yamlDoc, n *yaml.Node, tpl func(text) (*tmpl, error)) (*memoFront, error) {
	f, err := d.fields(n, "memo", memoKeys...)
	if err != nil {
		return nil, err
	}
	m := &memoFront{}
	// str parses the (T) string at key of mapping fs, MemoSource name name.
	str := func(fs map[string]*yaml.Node, key, name string) (*tmpl, error) {
		if fs[key] == nil {
			return nil, nil
		}
		t, err := d.str(fs[key], "memo "+name)
		if err != nil {
			return nil, err
		}
		if t.s == "" { // key: '' or key: with nothing is "not given"
			return nil, nil
		}
		tt, err := tpl(t)
		if err != nil {
			return nil, err
		}
		m.all = append(m.all, memoField{name: name, line: t.line, t: tt})
		return tt, nil
	}
	// word reads the plain upper-case word at key of fs ("" when not given).
	word := func(fs map[string]*yaml.Node, key, name, hint string) (string, error) {
		t, err := d.str(fs[key], "memo "+name)
		if err != nil || t.s == "" {
			return "", err
		}
		if !upperWordRE.MatchString(t.s) {
			msg := fmt.Sprintf("memo %s must be an upper-case word such as %s, got %q", name, hint, t.s)
			if up := strings.ToUpper(t.s); upperWordRE.MatchString(up) {
				msg += "; write " + up
			}
			return "", d.err(fs[key], "%s", msg)
		}
		m.all = append(m.all, memoField{name: name, line: t.line})
		return t.s, nil
	}

	v, err := d.str(f["version"], "memo version")
	if err != nil {
		return nil, err
	}
	switch v.s {
	case "":
	case "1.1", "1.2":
		m.version = v.s
		m.all = append(m.all, memoField{name: "version", line: v.line})
	default:
		return nil, d.err(f["version"], `memo version must be "1.1" or "1.2", or left out for the channel's default; got %q`, v.s)
	}
	for _, k := range []struct {
		key string
		dst **tmpl
	}{{"label", &m.label}, {"notification", &m.notification}, {"additional_notification", &m.additionalNotification},
		{"case_id", &m.caseID}, {"case_system", &m.caseSystem}} {
		if *k.dst, err = str(f, k.key, k.key); err != nil {
			return nil, err
		}
	}
	if m.mandatory, err = d.boolean(f["mandatory"], "memo mandatory"); err != nil {
		return nil, err
	}
	if m.legalNotification, err = d.boolean(f["legal_notification"], "memo legal_notification"); err != nil {
		return nil, err
	}
	if m.postType, err = word(f, "post_type", "post_type", "MYNDIGHEDSPOST"); err != nil {
		return nil, err
	}
	switch {
	case m.caseID != nil && m.caseSystem == nil:
		return nil, d.err(f["case_id"], "memo case_id needs case_system: too (the name of the system the case number belongs to), or neither")
	case m.caseID == nil && m.caseSystem != nil:
		return nil, d.err(f["case_system"], "memo case_system needs case_id: too (the case number, e.g. '{{ .caseNumber }}'), or neither")
	}

	class := func(key, keyName string, keys []string) (*classFront, error) {
		n := f[key]
		if n == nil {
			return nil, nil
		}
		cf, err := d.fields(n, "memo "+key, keys...)
		if err != nil {
			return nil, err
		}
		c := &classFront{}
		for _, k := range []struct {
			key string
			dst **tmpl
		}{{keyName, &c.key}, {"version", &c.version}, {"activity_facet", &c.activityFacet}, {"label", &c.label}} {
			if *k.dst, err = str(cf, k.key, key+"."+k.key); err != nil {
				return nil, err
			}
			if *k.dst == nil && k.key != "activity_facet" {
				return nil, d.err(n, "memo %s needs %s: (%s:, version: and label: are required, activity_facet: is optional)", key, k.key, keyName)
			}
		}
		return c, nil
	}
	if m.kle, err = class("kle", "subject_key", kleKeys); err != nil {
		return nil, err
	}
	if m.form, err = class("form", "task_key", formKeys); err != nil {
		return nil, err
	}

	if n := f["actions"]; n != nil && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		if n.Kind != yaml.SequenceNode {
			return nil, d.err(n, "memo actions must be a list of {label: ..., code: ..., url: ...}, got %s", kindName(n))
		}
		for i, item := range n.Content {
			name := fmt.Sprintf("actions[%d]", i)
			af, err := d.fields(item, "memo "+name, actionKeys...)
			if err != nil {
				return nil, err
			}
			var a actionFront
			if a.label, err = str(af, "label", name+".label"); err != nil {
				return nil, err
			}
			if a.code, err = word(af, "code", name+".code", actionCodes); err != nil {
				return nil, err
			}
			if a.url, err = str(af, "url", name+".url"); err != nil {
				return nil, err
			}
			switch {
			case a.label == nil:
				return nil, d.err(item, "memo %s needs label: (the link text the recipient sees)", name)
			case a.code == "":
				return nil, d.err(item, "memo %s needs code: (what the link is for: %s)", name, actionCodes)
			case a.url == nil:
				return nil, d.err(item, "memo %s needs url: (the address the link opens)", name)
			}
			for _, k := range []struct {
				key string
				dst **tmpl
			}{{"start", &a.start}, {"end", &a.end}} {
				if *k.dst, err = str(af, k.key, name+"."+k.key); err != nil {
					return nil, err
				}
				// A value without {{ }} can be checked now rather than with every letter.
				if s, ok := constText(*k.dst); ok {
					if _, ok := parseMemoTime(s); !ok {
						return nil, d.err(af[k.key], "memo %s.%s must be %s, got %q", name, k.key, memoTimeForm, s)
					}
				}
			}
			m.actions = append(m.actions, a)
		}
	}
	return m, nil
}

// constText returns the text of a template without actions, white space collapsed as execLine
// does; ok is false when t is nil or has actions.
func constText(t *tmpl) (string, bool) {
	if t == nil {
		return "", false
	}
	var b strings.Builder
	for _, n := range t.tree.Root.Nodes {
		tn, ok := n.(*parse.TextNode)
		if !ok {
			return "", false
		}
		b.Write(tn.Text)
	}
	return strings.Join(strings.Fields(b.String()), " "), true
}

// memoTimeForm says what start and end must produce.
const memoTimeForm = `a date ("2026-12-07") or an RFC 3339 date and time ("2026-12-07T10:30:00+01:00")`

// parseMemoTime reads a date ("2006-01-02", 00:00 UTC of that day) or an RFC 3339 date and time
// (converted to UTC).
func parseMemoTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// memo executes the memo front matter with the decoded case data v. title is the letter's
// executed title, the label when the template sets none; nil executes it here.
func (b *Bundle) memo(v any, title *string) (*Memo, error) {
	fm := b.fm.memo
	out := &Memo{}
	var err error
	line := func(t *tmpl) string {
		if err != nil || t == nil {
			return ""
		}
		var s string
		s, err = execLine(t, v)
		return s
	}
	if fm == nil || fm.label == nil {
		if title != nil {
			out.Label = *title
		} else {
			out.Label = line(b.fm.title)
		}
	}
	if fm == nil {
		return out, err
	}
	out.Version = fm.version
	if fm.label != nil {
		out.Label = line(fm.label)
	}
	out.Notification = line(fm.notification)
	out.AdditionalNotification = line(fm.additionalNotification)
	out.Mandatory, out.LegalNotification = fm.mandatory, fm.legalNotification
	out.PostType = fm.postType
	out.CaseID, out.CaseSystem = line(fm.caseID), line(fm.caseSystem)
	class := func(c *classFront) *MemoClass {
		if c == nil {
			return nil
		}
		return &MemoClass{Key: line(c.key), Version: line(c.version), ActivityFacet: line(c.activityFacet), Label: line(c.label)}
	}
	out.KLE, out.FORM = class(fm.kle), class(fm.form)
	if len(fm.actions) > 0 {
		out.Actions = make([]MemoAction, len(fm.actions))
	}
	for i, a := range fm.actions {
		act := MemoAction{Label: line(a.label), Code: a.code, URL: line(a.url)}
		for _, k := range []struct {
			key string
			t   *tmpl
			dst *time.Time
		}{{"start", a.start, &act.Start}, {"end", a.end, &act.End}} {
			s := line(k.t)
			if err != nil || s == "" {
				continue
			}
			var ok bool
			if *k.dst, ok = parseMemoTime(s); !ok {
				err = b.memoDataError(fmt.Sprintf("actions[%d].%s", i, k.key), k.t, "must be "+memoTimeForm+", got other text", quoteExcerpt(s))
			}
		}
		out.Actions[i] = act
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// memoDataError reports a memo value that the case data made wrong: a *DataError at the data
// the template of field reads.
func (b *Bundle) memoDataError(field string, t *tmpl, msg, value string) error {
	path := ""
	for _, p := range t.reads {
		if !contains(p, "*") {
			path = joinPointer(p)
			break
		}
	}
	pos, reads, _ := b.MemoSource(field)
	msg = fmt.Sprintf("memo %s (%s) %s", field, pos, msg)
	if len(reads) > 0 {
		msg += " from " + strings.Join(reads, ", ")
	}
	return &DataError{Template: b.Name, Problems: []Problem{{Path: path, Message: msg, Value: value, Uses: b.usesOf(path)}}}
}

// MemoSource tells where the memo value field comes from, for messages about a value the
// delivery step refuses: the template position pos ("templates/<name>/letter.md:8", the file
// as Load or LoadDir names it) and the JSON Pointer patterns of the case data the value's
// template reads, first read first ("*" stands for any array index; nil for a value without
// {{ }}). field is a key of the memo front matter, with the prefix of the mapping or list entry
// it is in: "label", "notification", "additional_notification", "case_id", "case_system",
// "version", "post_type", "kle.subject_key", "kle.version", "kle.activity_facet", "kle.label",
// "form.task_key", "form.version", "form.activity_facet", "form.label", "actions[0].label",
// "actions[0].code", "actions[0].url", "actions[0].start", "actions[0].end". A template without
// memo label gives the position of its title for "label", since that is the label. ok is false
// for an unknown field or one the template does not set.
func (b *Bundle) MemoSource(field string) (pos string, paths []string, ok bool) {
	f, ok := b.fm.memo.field(field)
	if !ok {
		if field != "label" || b.fm.title == nil {
			return "", nil, false
		}
		f = memoField{name: field, line: b.fm.title.line + 1, t: b.fm.title}
	}
	if f.t != nil {
		for _, p := range f.t.reads {
			paths = append(paths, joinPointer(p))
		}
	}
	return fmt.Sprintf("%s:%d", b.file, f.line), paths, true
}
