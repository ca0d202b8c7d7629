package lint

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSentenceWords is the longest sentence, in words, that the linter lets pass without a
// warning. It is the common rule of thumb of Nordic and English plain-language advice (Danish
// "klarsprog", Swedish "klarspråk", plain English): past about 25 words a reader has to hold
// too much before the point arrives.
const MaxSentenceWords = 25

// MaxParagraphWords is the longest paragraph, in words, that the linter lets pass without a
// warning. 120 words is about five or six sentences of average plain-language length, the most
// that reads as one step of a letter; longer paragraphs should be split or turned into a list.
const MaxParagraphWords = 120

// MaxLIX is the highest LIX score (see LIX) that the linter lets pass without a warning: the top
// of Björnsson's "hard" band (45-55). Above it a text reads like legal or academic prose, which a
// letter to a citizen should not.
const MaxLIX = 55

// LIXApplies reports whether LIX says something about texts in language lang (a BCP 47 tag).
// LIX was made for Swedish and is used across the Nordic countries and for English, Dutch and
// German, whose long words are mostly compounds and loans that do make reading harder. It is not
// for Finnish (or Estonian, Hungarian): their cases and suffixes make most nouns longer than six
// letters without making them harder ("hakemuksesi", your application, is one word), so plain
// Finnish prose scores far above 55 (postbud's Finnish sample: 58.5, one plain sentence 105);
// Finnish plain-language guidance (Kotus, selkokieli) does not use it. The linter leaves LIX out
// for them, and keeps the sentence and paragraph lengths, which hold in every language.
func LIXApplies(lang string) bool {
	base := strings.ToLower(strings.TrimSpace(lang))
	if k := strings.IndexAny(base, "-_"); k >= 0 {
		base = base[:k]
	}
	switch base {
	case "fi", "et", "hu", "se", "smn", "sms":
		return false
	}
	return true
}

// Sentence is one sentence of a text: the bytes text[Start:End], trimmed of the space around it
// (End exclusive), and the number of words in it as Words counts them.
type Sentence struct {
	Start, End int
	Words      int
}

// Sentences splits one paragraph of plain text (Markdown already removed) into sentences in the
// language lang, a BCP 47 tag such as "da", "sv-FI" or "nb-NO" ("no" is read as "nb"; an empty
// or unknown tag uses the abbreviations and month names of all languages at once).
//
// A sentence ends at ".", "!", "?", "…" or "..." (a run of them, like "?!", counts as one end,
// and closing quotes or brackets after it belong to the sentence) when what follows is space and
// then an upper-case letter or a digit (opening quotes and brackets skipped), or the end of the
// text. A ":" ends a sentence only when the space after it holds a line break and the next line
// starts with an upper-case letter or a digit: the author broke the line, so the reader takes
// the next line as a new unit; a ":" inside a line introduces the rest of the same sentence.
//
// A "." does not end a sentence:
//   - after an abbreviation of the language ("f.eks.", "bl.a.", "t.ex.", "e.g.", "z.B.", ...),
//     written as listed or with its first letter upper-case. A few abbreviations also close
//     sentences ("osv.", "etc.", "kr.", "jne.", ...): they end one when an upper-case letter
//     follows, so "86.400,00 kr. Husstandens" splits and "kr. 100" does not;
//   - after a day number before a month name ("1. Januar 2027"), as Danish, Norwegian, German
//     and Finnish write dates; a day before a lower-case month never splits anyway;
//   - inside numbers and names ("1.234,50", "2.11.2026", "borger.dk"), as no space follows;
//   - after initials, when they are unmistakable: several ("H. C. Andersen", "J.P. van den
//     Berg"), after an abbreviation ("Dhr. J. Berg"), or opening the sentence. A single capital
//     after a word ends the sentence, as in "8000 Aarhus C. This letter" and "zone K. Next";
//     the price is that "Søren K. Hansen" splits after "K.", which makes sentences look shorter
//     rather than raise a false warning.
//
// Sentences without any word (a stray "…") are left out. Blank text has no sentences.
func Sentences(lang, text string) []Sentence {
	r := rulesFor(lang)
	var out []Sentence
	emit := func(start, end int) {
		for start < end {
			c, n := utf8.DecodeRuneInString(text[start:])
			if !unicode.IsSpace(c) {
				break
			}
			start += n
		}
		for end > start {
			c, n := utf8.DecodeLastRuneInString(text[start:end])
			if !unicode.IsSpace(c) {
				break
			}
			end -= n
		}
		if w := Words(text[start:end]); w > 0 {
			out = append(out, Sentence{Start: start, End: end, Words: w})
		}
	}
	start := 0
	for i := 0; i < len(text); {
		c, n := utf8.DecodeRuneInString(text[i:])
		if !isStop(c) && c != ':' {
			i += n
			continue
		}
		// The run of stops ("?!", "...") and the closing quotes and brackets after it.
		j := i + n
		if c != ':' {
			for j < len(text) {
				c2, n2 := utf8.DecodeRuneInString(text[j:])
				if !isStop(c2) {
					break
				}
				j += n2
			}
		}
		stops := text[i:j]
		for j < len(text) {
			c2, n2 := utf8.DecodeRuneInString(text[j:])
			if !isCloser(c2) {
				break
			}
			j += n2
		}
		// The space after it.
		k, newline := j, false
		for k < len(text) {
			c2, n2 := utf8.DecodeRuneInString(text[k:])
			if !unicode.IsSpace(c2) {
				break
			}
			newline = newline || c2 == '\n' || c2 == '\u2028'
			k += n2
		}
		if k == len(text) {
			break // the last sentence ends with the text
		}
		if k == j || !startsSentence(text[k:]) || !r.ends(text, start, i, stops, k, newline) {
			i = j
			continue
		}
		emit(start, j)
		start, i = k, k
	}
	emit(start, len(text))
	return out
}

// isStop reports whether c ends a sentence (given what follows).
func isStop(c rune) bool {
	return c == '.' || c == '!' || c == '?' || c == '…'
}

// isCloser reports whether c closes a quotation or bracket, which stays with the sentence
// before it.
func isCloser(c rune) bool {
	switch c {
	case '"', '\'', ')', ']', '}', '»', '«', '”', '’', '“':
		return true
	}
	return false
}

// isOpener reports whether c opens a quotation or bracket before a word.
func isOpener(c rune) bool {
	switch c {
	case '"', '\'', '(', '[', '{', '«', '»', '„', '“', '‘', '‚':
		return true
	}
	return false
}

// startsSentence reports whether s, past opening quotes and brackets, starts with an upper-case
// letter or a digit.
func startsSentence(s string) bool {
	for _, c := range s {
		if isOpener(c) {
			continue
		}
		return unicode.IsUpper(c) || unicode.IsTitle(c) || unicode.IsDigit(c)
	}
	return false
}

// ends decides whether the stops text[i:i+len(stops)], followed by space and then an upper-case
// letter or digit at text[next:], end the sentence that began at start.
func (r *rules) ends(text string, start, i int, stops string, next int, newline bool) bool {
	switch stops {
	case ":":
		return newline
	case ".":
	default:
		return true // "!", "?", "…", "...", "?!"
	}
	before := text[:i+1] // up to and including the "."
	c, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(text[next:], isOpener))
	nextUpper := unicode.IsUpper(c) || unicode.IsTitle(c)
	if a, ok := r.abbrev(before); ok {
		return a && nextUpper
	}
	tok := lastToken(text[start:i])
	if isDay(tok) && r.months[strings.ToLower(firstWord(text[next:]))] {
		return false
	}
	if isInitials(tok) {
		before := strings.TrimRightFunc(text[start:i-len(tok)], func(c rune) bool {
			return unicode.IsSpace(c) || isOpener(c)
		})
		_, afterAbbrev := r.abbrev(before)
		after := firstToken(text[next:])
		switch {
		case strings.Contains(tok, "."), before == "", afterAbbrev, isInitials(lastToken(before)):
			return false // "J.P.", "K. Hansen" opening a sentence, "Dhr. J.", "H. C."
		case strings.HasSuffix(after, ".") && isInitials(strings.TrimSuffix(after, ".")):
			return false // "H. C."
		}
	}
	return true
}

// abbrev reports whether before (text up to and including a ".") ends with an abbreviation of
// the language, standing as a word of its own, and whether that abbreviation may close a
// sentence.
func (r *rules) abbrev(before string) (closes, ok bool) {
	for _, a := range r.abbrevs {
		for _, form := range [2]string{a.text, a.upper} {
			if !strings.HasSuffix(before, form) {
				continue
			}
			rest := before[:len(before)-len(form)]
			c, _ := utf8.DecodeLastRuneInString(rest)
			if rest == "" || unicode.IsSpace(c) || isOpener(c) || c == '/' || c == '-' {
				return a.closes, true
			}
		}
	}
	return false, false
}

// lastToken is the last space-separated token of s, without opening quotes and brackets.
func lastToken(s string) string {
	k := strings.LastIndexFunc(s, unicode.IsSpace)
	tok := s[k+1:]
	if k >= 0 {
		_, n := utf8.DecodeRuneInString(s[k:])
		tok = s[k+n:]
	}
	return strings.TrimLeftFunc(tok, isOpener)
}

// firstToken is the first space-separated token of s, without opening quotes and brackets.
func firstToken(s string) string {
	s = strings.TrimLeftFunc(s, isOpener)
	if k := strings.IndexFunc(s, unicode.IsSpace); k >= 0 {
		return s[:k]
	}
	return s
}

// firstWord is the run of letters at the start of s, after opening quotes and brackets.
func firstWord(s string) string {
	s = strings.TrimLeftFunc(s, isOpener)
	if k := strings.IndexFunc(s, func(c rune) bool { return !unicode.IsLetter(c) }); k >= 0 {
		return s[:k]
	}
	return s
}

// isDay reports whether tok is a day of the month, 1 to 31 in digits.
func isDay(tok string) bool {
	switch len(tok) {
	case 1:
		return tok[0] >= '1' && tok[0] <= '9'
	case 2:
		return tok[0] >= '0' && tok[0] <= '3' && tok[1] >= '0' && tok[1] <= '9' && tok != "00" &&
			(tok[0] < '3' || tok[1] <= '1')
	}
	return false
}

// isInitials reports whether tok, without its final ".", is one upper-case letter ("H") or
// upper-case letters each followed by a "." ("J.P" of "J.P.").
func isInitials(tok string) bool {
	if tok == "" {
		return false
	}
	for k, part := range strings.Split(tok, ".") {
		c, n := utf8.DecodeRuneInString(part)
		if n != len(part) || !(unicode.IsUpper(c) || unicode.IsTitle(c)) {
			// "J.P." leaves an empty part after its last "." when tok ends with one.
			if part == "" && k > 0 && k == strings.Count(tok, ".") {
				continue
			}
			return false
		}
	}
	return true
}

// upperFirst is s with its first letter upper-case.
func upperFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(c)) + s[n:]
}

// Words counts the words in text: runs of letters, digits and combining marks (Unicode). A "-",
// "‐", "'" or "’" between two such characters joins them into one word ("CPR-registret",
// "don't"); so does a "." ("f.eks", "borger.dk", "1.234"), and a "," or ":" between two digits
// ("1.234,50", "10:30"). "1.234,50 kr." is thus two words, "1.234,50" and "kr".
func Words(text string) int {
	n, _ := countWords(text)
	return n
}

// countWords returns the number of words in text, as Words counts them, and how many of them
// have more than six letters.
func countWords(text string) (words, long int) {
	letters := 0
	inWord := false
	var prev rune
	for i := 0; i < len(text); {
		c, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case isWordRune(c):
			if !inWord {
				words++
				letters = 0
				inWord = true
			}
			if unicode.IsLetter(c) {
				letters++
				if letters == 7 {
					long++
				}
			}
		case inWord && joins(prev, c, text[i:]):
			// Stays in the word; the next rune is a word rune.
		default:
			inWord = false
		}
		prev = c
	}
	return words, long
}

// isWordRune reports whether c is part of a word: a letter, a digit or other number ("²"), or a
// combining mark.
func isWordRune(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsNumber(c) || unicode.IsMark(c)
}

// joins reports whether c, after the word rune prev and before rest, joins two parts of one word.
func joins(prev, c rune, rest string) bool {
	next, _ := utf8.DecodeRuneInString(rest)
	if !isWordRune(next) {
		return false
	}
	switch c {
	case '-', '‐', '\'', '’', '.':
		return true
	case ',', ':':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

// LIXScore is the readability of a text by Björnsson's LIX, with the counts it came from.
type LIXScore struct {
	Score                       float64
	Words, Sentences, LongWords int
}

// LIX computes the LIX readability score ("läsbarhetsindex", Carl-Hugo Björnsson, Läsbarhet,
// 1968) of paragraphs of plain text in the language lang (see Sentences):
//
//	LIX = words / sentences + 100 × long words / words
//
// that is, the average sentence length plus the percentage of long words, a long word being one
// of more than six letters (digits and joining marks do not count). Words are counted by Words,
// sentences by Sentences, paragraph by paragraph. The usual bands are:
//
//	below 25  very easy (children's books)
//	25-35     easy (fiction for young readers)
//	35-45     medium (newspapers, ordinary fiction)
//	45-55     hard (non-fiction, official texts)
//	above 55  very hard (legal and academic prose)
//
// Text without words scores 0.
func LIX(lang string, paragraphs []string) LIXScore {
	var s LIXScore
	for _, p := range paragraphs {
		for _, sen := range Sentences(lang, p) {
			w, l := countWords(p[sen.Start:sen.End])
			s.Words += w
			s.LongWords += l
			s.Sentences++
		}
	}
	if s.Words == 0 {
		return s
	}
	s.Score = float64(s.Words)/float64(s.Sentences) + 100*float64(s.LongWords)/float64(s.Words)
	return s
}

// rules are what Sentences knows of one language.
type rules struct {
	abbrevs []abbrev        // longest first, so that "m.v." is tried before "v."
	months  map[string]bool // month names, lower-case, that may follow a day written "2."
}

// abbrev is an abbreviation with its final ".", as listed and with its first letter
// upper-case, and whether it may also close a sentence.
type abbrev struct {
	text, upper string
	closes      bool
}

// abbrevList holds a language's abbreviations: never are those that do not end a sentence (they
// come before what they abbreviate or qualify: "f.eks.", "nr.", "Dr."), closes those that may end
// one ("osv.", "etc.", "kr.").
type abbrevList struct {
	never, closes string
}

// langAbbrevs are the abbreviations per base language, space-separated ("z. B." is written with
// a no-break space U+00A0 to keep it one entry).
var langAbbrevs = map[string]abbrevList{
	"da": {
		never: "f.eks. bl.a. jf. jvf. nr. ca. evt. inkl. ekskl. dvs. d.v.s. pga. p.g.a. tlf. stk. kl. " +
			"hhv. mht. m.h.t. iflg. vedr. ang. att. ift. i.f.t. vha. pkt. afd. gl. ml. sml. cf.",
		closes: "kr. mv. m.v. osv. o.s.v. m.fl. o.l. etc. th. tv. mf. st. m.m.",
	},
	"sv": {
		never: "t.ex. bl.a. dvs. d.v.s. s.k. nr. ca. fr.o.m. t.o.m. p.g.a. pga. jfr. resp. inkl. exkl. " +
			"tel. kl. ang. enl. obs. f.d. f.ö. s. sid. bl. o.d. mm. st. tfn.",
		closes: "kr. osv. o.s.v. m.m. m.fl. etc. o.dyl.",
	},
	"nb": {
		never: "f.eks. bl.a. dvs. d.v.s. jf. nr. ca. evt. inkl. ekskl. pga. p.g.a. tlf. kl. ang. vedr. " +
			"hhv. mht. m.h.t. m.a.o. iflg. t.d. m.a. sml. pkt. avd. gl.",
		closes: "kr. osv. osb. mv. m.v. o.l. m.fl. etc. m.m.",
	},
	"en": {
		never: "e.g. i.e. Mr. Mrs. Ms. Dr. Prof. St. No. Nos. vs. approx. incl. excl. dept. tel. " +
			"p. pp. cf. ref. Rev. Hon. Capt. Sgt. Gen. Col. Lt. Jr. Sr. viz. est. fig.",
		closes: "etc. a.m. p.m. Ltd. Inc. Co. Bros. Corp.",
	},
	"nl": {
		never: "bijv. bv. d.w.z. o.a. nr. blz. m.b.t. i.p.v. incl. excl. ca. evt. dhr. mevr. mw. " +
			"tel. t.a.v. z.o.z. o.b.v. m.i.v. resp. vs. z.s.m. n.a.v. t.o.v. i.v.m. jl. a.s. p.",
		closes: "enz. etc. e.d. e.a. m.m.",
	},
	"fi": {
		never: "esim. mm. ns. ks. puh. klo. n. vrt. huom. s. p. os. v. ko. yht. ao. po. ts. " +
			"nro. ma. ti. ke. to. pe. la. su.",
		closes: "jne. yms. ym. tms. kpl. eKr. jKr.",
	},
	"de": {
		never: "z.B. z.\u00a0B. d.h. d.\u00a0h. u.a. u.\u00a0a. Nr. bzw. ggf. evtl. inkl. exkl. ca. vgl. " +
			"s. S. Tel. Dr. Hr. Fr. Prof. u.U. z.T. z.\u00a0T. i.d.R. Abs. Art. Bd. gem. lt. max. min. " +
			"sog. Az. Mio. Mrd.",
		closes: "usw. etc. o.ä. u.Ä. Str. u.v.m. m.E.",
	},
	"fr": {
		never: "p.\u00a0ex. p.ex. c.-à-d. M. MM. Mme. Mlle. Dr. n°. no. env. cf. p. tél. av. bd. " +
			"art. réf. vol. chap.",
		closes: "etc. al. cie.",
	},
}

// langMonths are month names, as a day written "2." may precede them, per base language.
var langMonths = map[string]string{
	"da": "januar februar marts april maj juni juli august september oktober november december " +
		"jan feb mar apr jun jul aug sep sept okt nov dec",
	"nb": "januar februar mars april mai juni juli august september oktober november desember " +
		"jan feb mar apr jun jul aug sep sept okt nov des",
	"de": "januar jänner februar märz april mai juni juli august september oktober november dezember " +
		"jan feb mär apr jun jul aug sep sept okt nov dez",
	"fi": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta " +
		"syyskuuta lokakuuta marraskuuta joulukuuta tammikuu helmikuu maaliskuu huhtikuu toukokuu " +
		"kesäkuu heinäkuu elokuu syyskuu lokakuu marraskuu joulukuu",
}

// languageRules are the rules per base language, "" for the union of all, built once.
var languageRules = buildRules()

func buildRules() map[string]*rules {
	out := map[string]*rules{}
	all := &rules{months: map[string]bool{}}
	seen := map[string]int{} // index into all.abbrevs
	for lang, l := range langAbbrevs {
		r := &rules{months: map[string]bool{}}
		add := func(list string, closes bool) {
			for _, a := range strings.Fields(list) {
				a = strings.ReplaceAll(a, "\u00a0", " ")
				r.abbrevs = append(r.abbrevs, abbrev{text: a, upper: upperFirst(a), closes: closes})
				// In the union an abbreviation closes a sentence if it does so in any language.
				if k, ok := seen[a]; ok {
					all.abbrevs[k].closes = all.abbrevs[k].closes || closes
					continue
				}
				seen[a] = len(all.abbrevs)
				all.abbrevs = append(all.abbrevs, abbrev{text: a, upper: upperFirst(a), closes: closes})
			}
		}
		add(l.never, false)
		add(l.closes, true)
		for _, m := range strings.Fields(langMonths[lang]) {
			r.months[m] = true
			all.months[m] = true
		}
		out[lang] = r
	}
	out["nn"] = out["nb"]
	out["no"] = out["nb"]
	out[""] = all
	for _, r := range out {
		sortAbbrevs(r.abbrevs)
	}
	return out
}

// sortAbbrevs orders abbreviations longest first, then alphabetically, so that matching is
// deterministic and the longest one wins.
func sortAbbrevs(as []abbrev) {
	slices.SortFunc(as, func(a, b abbrev) int {
		return cmp.Or(cmp.Compare(len(b.text), len(a.text)), cmp.Compare(a.text, b.text))
	})
}

// rulesFor returns the rules for the BCP 47 tag lang: its base language, lower-case, before
// the first "-" or "_"; the union of all languages when that is empty or unknown.
func rulesFor(lang string) *rules {
	base := strings.ToLower(strings.TrimSpace(lang))
	if k := strings.IndexAny(base, "-_"); k >= 0 {
		base = base[:k]
	}
	if r, ok := languageRules[base]; ok {
		return r
	}
	return languageRules[""]
}
