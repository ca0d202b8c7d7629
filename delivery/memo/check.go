package memo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The MeMo 1.1 length limits, in characters (Unicode code points, as XSD counts them): a text
// such as the label or an action's label (dt:memoTextType), the notification
// (dt:memoNotificationType) and a URI (dt:memoUriType). Template lint checks letters against
// the same numbers.
const (
	MaxText         = 256
	MaxNotification = 150
	MaxURI          = 256
)

// Problem is one thing wrong with a message. Field names it with the Go field path in lower camel
// case, e.g. "label", "notification", "sender.id", "recipient.id", "main.files[0].filename",
// "additional[1].files[0].language", "main.actions[0].url", "kle.key", "uuid". Message says what
// is wrong and what is allowed; it never contains the field's value.
type Problem struct {
	Field, Message string
}

func (p Problem) String() string { return p.Field + ": " + p.Message }

// Error lists every problem Check found, in the order of the message's fields.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("MeMo message is not valid")
	if len(e.Problems) > 1 {
		fmt.Fprintf(&b, " (%d problems)", len(e.Problems))
	}
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Check returns nil when NgDP would accept the message as far as its content can tell, or an
// *Error listing every problem: each rule of the MeMo 1.1 XSD that the message's data could break
// and each of NgDP's validation rules (see the package documentation). It reads no document
// content.
func (m *Message) Check() error {
	var c checker
	switch m.Version {
	case "", V11, V12:
	default:
		c.add(top("version"), "is not a MeMo version this package writes; use %q or %q", V11, V12)
	}
	if !validUUID(m.UUID) {
		c.add(top("uuid"), "is not a version 4 UUID (xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, y one of 8 9 a b); make one with NewUUID and keep it for every retry")
	}
	c.text(top("messageID"), m.MessageID, MaxText, "")
	c.text(top("label"), m.Label, MaxText, "every message needs a label, the title shown in the recipient's mailbox")
	c.text(top("notification"), m.Notification, MaxNotification, "")
	c.text(top("additionalNotification"), m.AdditionalNotification, MaxText, "")
	c.text(top("postType"), m.PostType, MaxText, "")

	if !ValidCVR(m.Sender.ID) {
		c.add(sub("sender", "id"), "%s", cvrProblem(m.Sender.ID))
	}
	c.text(sub("sender", "label"), m.Sender.Label, MaxText, "give the sender's name as recipients should see it")
	if cp := m.Sender.ContactPoint; cp != nil {
		c.text(sub("sender.contactPoint", "id"), cp.ID, MaxText, "a contact point needs its contactPointID; leave ContactPoint nil for none")
		c.text(sub("sender.contactPoint", "label"), cp.Label, MaxText, "")
	}

	if m.Recipient.IDType() == "" {
		c.add(sub("recipient", "id"), "%s", recipientProblem(m.Recipient.ID))
	}
	c.text(sub("recipient", "label"), m.Recipient.Label, MaxText, "")

	if cid := m.CaseID; cid != nil {
		c.text(sub("caseID", "id"), cid.ID, MaxText, "a case id needs the case number; leave CaseID nil for none")
		c.text(sub("caseID", "system"), cid.System, MaxText, "a case id needs the name of the case system; leave CaseID nil for none")
	}
	c.classification("kle", m.KLE, "KLE")
	c.classification("form", m.FORM, "FORM")

	c.time(top("created"), m.Created, true)
	c.document("main", -1, &m.Main)
	for i := range m.Additional {
		c.document("additional", i, &m.Additional[i])
	}
	if len(c.problems) == 0 {
		return nil
	}
	return &Error{Problems: c.problems}
}

type checker struct {
	problems []Problem
}

// field names a field for a Problem without building the string unless there is one:
// base[baseIndex].list[index].name, each part present when set (baseIndex and index when >= 0).
type field struct {
	base      string
	baseIndex int
	list      string
	index     int
	name      string
}

func (f field) String() string {
	s := f.base
	if f.baseIndex >= 0 {
		s += "[" + strconv.Itoa(f.baseIndex) + "]"
	}
	if f.list != "" {
		s += "." + f.list + "[" + strconv.Itoa(f.index) + "]"
	}
	if f.name != "" {
		if s != "" {
			s += "."
		}
		s += f.name
	}
	return s
}

// top names a field of the message itself.
func top(name string) field { return field{baseIndex: -1, name: name} }

// sub names a field of a part of the message: base.name.
func sub(base, name string) field { return field{base: base, baseIndex: -1, name: name} }

// named returns f with its last part set to name.
func (f field) named(name string) field { f.name = name; return f }

// item returns f for the index-th element of list.
func (f field) item(list string, index int) field { f.list, f.index = list, index; return f }

func (c *checker) add(f field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: f.String(), Message: fmt.Sprintf(format, args...)})
}

// text checks an XML text field of at most max characters. A non-empty ifEmpty makes the field
// required: an empty or all-blank value is a problem, explained by ifEmpty.
func (c *checker) text(f field, s string, max int, ifEmpty string) {
	if ifEmpty != "" && strings.TrimSpace(s) == "" {
		c.add(f, "is empty; %s", ifEmpty)
		return
	}
	if msg := textProblem(s, max); msg != "" {
		c.add(f, "%s", msg)
	}
}

func (c *checker) classification(base string, k *Classification, goName string) {
	if k == nil {
		return
	}
	hint := "a classification needs key, version and label; leave " + goName + " nil for none"
	c.text(sub(base, "key"), k.Key, MaxText, hint)
	c.text(sub(base, "version"), k.Version, MaxText, hint)
	c.text(sub(base, "activityFacet"), k.ActivityFacet, MaxText, "")
	c.text(sub(base, "label"), k.Label, MaxText, hint)
}

func (c *checker) time(f field, t time.Time, required bool) {
	if t.IsZero() {
		if required {
			c.add(f, "is not set; give the time the message was created")
		}
		return
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		c.add(f, "is in the year %d; MeMo date-times lie in the years 1 to 9999", y)
	}
}

// document checks a document whose field name is base ("main"), or base[index] when index >= 0.
func (c *checker) document(base string, index int, d *Document) {
	df := field{base: base, baseIndex: index}
	c.text(df.named("id"), d.ID, MaxText, "")
	c.text(df.named("label"), d.Label, MaxText, "")
	if len(d.Files) == 0 {
		c.add(df.named("files"), "is empty; a document needs at least one file")
	}
	for i := range d.Files {
		f := &d.Files[i]
		ff := df.item("files", i)
		if msg := filenameProblem(f.Filename); msg != "" {
			c.add(ff.named("filename"), "%s", msg)
		}
		c.text(ff.named("mimeType"), f.MimeType, MaxText, "give the file's MIME type, e.g. application/pdf")
		if strings.TrimSpace(f.MimeType) != "" && textProblem(f.MimeType, MaxText) == "" && !validMIME(f.MimeType) {
			c.add(ff.named("mimeType"), "is not a MIME type of the form type/subtype, e.g. application/pdf")
		}
		if !validLanguage(f.Language) {
			c.add(ff.named("language"), "is not two lower-case letters; give an ISO 639-1 code such as \"da\" or \"en\" (not \"da-DK\")")
		}
		if f.Content == nil {
			c.add(ff.named("content"), "is missing; give a reader of the file's bytes")
		}
	}
	for i := range d.Actions {
		a := &d.Actions[i]
		af := df.item("actions", i)
		c.text(af.named("label"), a.Label, MaxText, "an action needs the link text shown to the recipient")
		c.text(af.named("code"), a.Code, MaxText, "an action needs its actionCode, e.g. SELVBETJENING or INFORMATION")
		if msg := urlProblem(a.URL); msg != "" {
			c.add(af.named("url"), "%s", msg)
		}
		c.time(af.named("start"), a.Start, false)
		c.time(af.named("end"), a.End, false)
		if !a.Start.IsZero() && !a.End.IsZero() && a.End.Before(a.Start) {
			c.add(af.named("end"), "is before start; an action's end must not come before its start")
		}
	}
}

// validMIME reports whether s is type/subtype, both RFC 9110 tokens, without parameters.
func validMIME(s string) bool {
	slash := strings.IndexByte(s, '/')
	return slash > 0 && isToken(s[:slash]) && isToken(s[slash+1:])
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// validUUID reports whether s matches dt:memoUuidType: a version 4 UUID with the RFC 4122
// variant, hex digits in either case.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		case 14:
			if c != '4' {
				return false
			}
		case 19:
			if !strings.ContainsRune("89abAB", rune(c)) {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidCPR reports whether s is exactly 10 ASCII digits. It does no modulus-11 check: CPR numbers
// issued since 2007 may fail it, and NgDP does not demand it.
func ValidCPR(s string) bool { return len(s) == 10 && allDigits(s) }

// cvrWeights are the CVR modulus-11 weights, first digit first.
var cvrWeights = [8]int{2, 7, 6, 5, 4, 3, 2, 1}

// ValidCVR reports whether s is 8 ASCII digits whose weighted sum (weights 2,7,6,5,4,3,2,1) is a
// multiple of 11.
func ValidCVR(s string) bool {
	if len(s) != 8 || !allDigits(s) {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(s[i]-'0') * cvrWeights[i]
	}
	return sum%11 == 0
}

// cvrProblem says why s is not a valid CVR number, without quoting it.
func cvrProblem(s string) string {
	switch {
	case s == "":
		return "is empty; give the sender's CVR number (8 digits)"
	case len(s) == 8 && allDigits(s):
		return "fails the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1); check the number for a typing error"
	case allDigits(s):
		return fmt.Sprintf("has %d digits; a CVR number has 8", len(s))
	}
	return "contains something other than the digits 0-9; a CVR number is 8 digits"
}

// recipientProblem says why s is neither a CPR nor a CVR number, without quoting it.
func recipientProblem(s string) string {
	const want = "a recipient is a CPR number (10 digits) or a CVR number (8 digits passing modulus 11)"
	switch {
	case s == "":
		return "is empty; " + want
	case len(s) == 8 && allDigits(s):
		return "is 8 digits but fails the CVR modulus-11 check (weights 2,7,6,5,4,3,2,1); check the number for a typing error"
	case allDigits(s):
		return fmt.Sprintf("has %d digits; %s", len(s), want)
	}
	return "contains something other than the digits 0-9 (no spaces or dashes); " + want
}

// validLanguage reports whether s is two lower-case ASCII letters.
func validLanguage(s string) bool {
	return len(s) == 2 && 'a' <= s[0] && s[0] <= 'z' && 'a' <= s[1] && s[1] <= 'z'
}

// xmlChar reports whether r is a character XML 1.0 allows (production Char).
func xmlChar(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false // surrogates
	case r <= 0xFFFD:
		return true
	case r < 0x10000:
		return false // U+FFFE, U+FFFF
	}
	return r <= 0x10FFFF
}

// textProblem says what is wrong with s as XML text of at most max characters, or "" when
// nothing is.
func textProblem(s string, max int) string {
	n := 0
	for i, r := range s {
		n++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Sprintf("is not valid UTF-8 (byte %d); text must be UTF-8", i+1)
			}
		}
		if !xmlChar(r) {
			return fmt.Sprintf("contains U+%04X at character %d, which XML 1.0 does not allow; remove it", r, n)
		}
	}
	if n > max {
		return fmt.Sprintf("is %d characters long; at most %d are allowed", n, max)
	}
	return ""
}

// CheckText returns nil when s is valid UTF-8 of at most max characters (runes), all of them
// allowed in XML 1.0 (no U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF), or an
// error saying which rule s breaks.
func CheckText(s string, max int) error {
	if msg := textProblem(s, max); msg != "" {
		return errors.New("text " + msg)
	}
	return nil
}

// forbiddenInFilename are the characters NgDP rejects in file names (those Windows reserves).
const forbiddenInFilename = `<>:"/\|?*`

// unusualSpace reports whether r is a space or invisible character NgDP rejects in file names:
// any Unicode separator (Zs, Zl, Zp) other than U+0020, and any format character (Cf), which
// takes in U+00AD, U+200B-U+200D, U+2060, U+FEFF and the bidirectional controls that can disguise
// a file's extension.
func unusualSpace(r rune) bool {
	if r == ' ' {
		return false
	}
	return unicode.In(r, unicode.Z, unicode.Cf)
}

// filenameProblem says what is wrong with s as a file name, or "" when nothing is.
func filenameProblem(s string) string {
	if s == "" {
		return "is empty; give the file's name, e.g. brev.pdf"
	}
	if msg := textProblem(s, MaxText); msg != "" {
		return msg
	}
	n := 0
	for _, r := range s {
		n++
		switch {
		case strings.ContainsRune(forbiddenInFilename, r):
			return fmt.Sprintf("contains %q at character %d; file names may not contain any of < > : \" / \\ | ? *", r, n)
		case unicode.Is(unicode.Cc, r):
			return fmt.Sprintf("contains the control character U+%04X at character %d; remove it", r, n)
		case unusualSpace(r):
			return fmt.Sprintf("contains U+%04X at character %d, a space or invisible character file names may not hold; use an ordinary space (U+0020) or none", r, n)
		}
	}
	if strings.Trim(s, ". ") == "" {
		return "consists only of dots and spaces; give the file a real name"
	}
	if last := s[len(s)-1]; last == ' ' || last == '.' {
		return "ends in a space or a dot; remove it"
	}
	return ""
}

// CheckFilename returns nil when s is a file name NgDP accepts, or an error saying why not. A
// file name is 1 to 256 characters of valid UTF-8 allowed in XML 1.0, with none of < > : " / \ |
// ? *, no control characters (Cc), no spaces other than U+0020 (no other Zs, Zl or Zp) and no
// invisible format characters (Cf, e.g. U+00AD, U+200B-U+200D, U+2060, U+FEFF, U+202E); it is not
// only dots and spaces and does not end in a space or a dot.
func CheckFilename(s string) error {
	if msg := filenameProblem(s); msg != "" {
		return errors.New("file name " + msg)
	}
	return nil
}

// urlProblem says what is wrong with s as an action URL, or "" when nothing is. It parses s by
// the grammar of RFC 3986 (which xmllint's xs:anyURI check applies), restricted to what a link in
// a letter needs: "https://", a host name, an optional port, then path, query and fragment.
func urlProblem(s string) string {
	const scheme = "https://"
	if s == "" {
		return "is empty; an action needs the https:// address it links to"
	}
	if msg := textProblem(s, MaxURI); msg != "" {
		return msg
	}
	n, hashes := 0, 0
	for i, r := range s {
		n++
		switch {
		case r == '#':
			if hashes++; hashes > 1 {
				return fmt.Sprintf("has a second # at character %d; percent-encode it as %%23", n)
			}
		case r == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Sprintf("has a %% at character %d that does not start a %%XX escape; write %%25 for a literal %%", n)
			}
		case r < utf8.RuneSelf && !uriASCII(r), unicode.In(r, unicode.Z, unicode.C):
			return fmt.Sprintf("contains U+%04X at character %d, which a URL may not hold unescaped; percent-encode it", r, n)
		}
	}
	if len(s) < len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return "does not start with https://; NgDP only accepts https links"
	}
	rest := s[len(scheme):]
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if strings.Contains(authority, "@") {
		return "has a user name before the host (an @ in https://...@host); link to the address without it"
	}
	host, port, hasPort := strings.Cut(authority, ":")
	if host == "" {
		return "has no host name after https://"
	}
	for _, r := range host {
		if r < utf8.RuneSelf && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '.' || r == '_') {
			return fmt.Sprintf("has %q in its host name; a host name holds only letters, digits and - _ .", r)
		}
	}
	if hasPort {
		p, err := strconv.Atoi(port)
		if err != nil || port[0] < '0' || port[0] > '9' || p > 65535 {
			return "has a : after the host that is not followed by a port number (0-65535); remove it or give the port"
		}
	}
	return ""
}

// uriASCII reports whether the ASCII character r may stand unescaped in an https URL:
// RFC 3986's unreserved and reserved characters except "[" and "]" (IP literals are not
// accepted), and "%".
func uriASCII(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("-._~:/?#@!$&'()*+,;=%", r)
}

// CheckURL returns nil when s is an action URL NgDP accepts, or an error saying why not: at most
// 256 characters; https:// (in any case), a host name of letters, digits, - . and _ (non-ASCII
// letters allowed, as in an internationalised domain name), an optional port, then path, query
// and fragment by RFC 3986, with no spaces, control characters or other characters a URL must
// percent-encode (non-ASCII letters are allowed, as in an IRI). It refuses what a link in a
// letter has no need of and phishing uses: a user name before the host (https://a.dk@b.dk) and IP
// literals in brackets.
func CheckURL(s string) error {
	if msg := urlProblem(s); msg != "" {
		return errors.New("URL " + msg)
	}
	return nil
}
