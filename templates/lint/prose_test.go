package lint

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sentenceTexts returns the sentences of text as strings, checking on the way that each
// Sentence's Words agrees with Words and that its bounds carry no surrounding space.
func sentenceTexts(t *testing.T, lang, text string) []string {
	t.Helper()
	var got []string
	for _, s := range Sentences(lang, text) {
		st := text[s.Start:s.End]
		if strings.TrimSpace(st) != st {
			t.Errorf("Sentences(%q, %q): sentence %q is not trimmed", lang, text, st)
		}
		if w := Words(st); s.Words != w {
			t.Errorf("Sentences(%q, %q): sentence %q has Words %d, Words() says %d", lang, text, st, s.Words, w)
		}
		got = append(got, st)
	}
	return got
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		// Danish.
		{"da abbreviation", "da", "Vi har f.eks. modtaget din ansøgning. Den er behandlet.",
			[]string{"Vi har f.eks. modtaget din ansøgning.", "Den er behandlet."}},
		{"da abbreviation before a capital", "da", "Vi har bl.a. Skattestyrelsens oplysninger. Jf. loven gælder det.",
			[]string{"Vi har bl.a. Skattestyrelsens oplysninger.", "Jf. loven gælder det."}},
		{"da dates", "da", "Ansøgningen kom den 2. november 2026. Afgørelsen gælder fra 1. januar 2027.",
			[]string{"Ansøgningen kom den 2. november 2026.", "Afgørelsen gælder fra 1. januar 2027."}},
		{"da day before a capitalised month", "da", "Vi ses 2. Juni. Tak.",
			[]string{"Vi ses 2. Juni.", "Tak."}},
		{"da amounts", "da", "Du får 1.234,50 kr. om måneden. Huslejen er 86.400,00 kr. Beløbet udbetales forud.",
			[]string{"Du får 1.234,50 kr. om måneden.", "Huslejen er 86.400,00 kr.", "Beløbet udbetales forud."}},
		{"da kr. before a number", "da", "Gebyret er kr. 250 om året.",
			[]string{"Gebyret er kr. 250 om året."}},
		{"da phone and time", "da", "Ring på tlf. 89 40 20 00 kl. 10-15. Vi svarer hurtigt.",
			[]string{"Ring på tlf. 89 40 20 00 kl. 10-15.", "Vi svarer hurtigt."}},
		{"da initials", "da", "H. C. Andersen skrev eventyr. J.P. Jensen læste dem. K. Hansen lyttede.",
			[]string{"H. C. Andersen skrev eventyr.", "J.P. Jensen læste dem.", "K. Hansen lyttede."}},
		{"da postal district ends", "da", "Skriv til Rådhuspladsen 2, 8000 Aarhus C. Vi svarer hurtigt.",
			[]string{"Skriv til Rådhuspladsen 2, 8000 Aarhus C.", "Vi svarer hurtigt."}},
		{"da single initial after a name splits (the accepted cost)", "da", "Mødet er med Søren K. Hansen.",
			[]string{"Mødet er med Søren K.", "Hansen."}},
		{"da initials after a lower-case word", "da", "Brevet er til H. C. Andersen.",
			[]string{"Brevet er til H. C. Andersen."}},
		{"da lone capital ends", "da", "Du bor i opgang B. Vi kommer i morgen.",
			[]string{"Du bor i opgang B.", "Vi kommer i morgen."}},
		{"da address", "da", "Brevet går til Åboulevarden 17, 3. th. Du får det i morgen.",
			[]string{"Brevet går til Åboulevarden 17, 3. th.", "Du får det i morgen."}},
		{"da osv. ends", "da", "Tag pas, kørekort osv. med. Husk billeder osv. Vi glæder os.",
			[]string{"Tag pas, kørekort osv. med.", "Husk billeder osv.", "Vi glæder os."}},
		{"da question and exclamation", "da", "Er du enig? Så skal du ikke gøre noget! Ellers kan du klage?! Ring til os.",
			[]string{"Er du enig?", "Så skal du ikke gøre noget!", "Ellers kan du klage?!", "Ring til os."}},
		{"da question before lower case", "da", "Hvad nu? spurgte hun.",
			[]string{"Hvad nu? spurgte hun."}},
		{"da colon in a line", "da", "Du skal medbringe: Pas og kørekort.",
			[]string{"Du skal medbringe: Pas og kørekort."}},
		{"da colon before a line break", "da", "Husk:\nDu skal medbringe pas.",
			[]string{"Husk:", "Du skal medbringe pas."}},
		{"da colon before a line break and lower case", "da", "Du skal medbringe:\npas og kørekort.",
			[]string{"Du skal medbringe:\npas og kørekort."}},
		{"da ellipsis", "da", "Vi venter… Nu kommer svaret... Og hvis … så ringer vi.",
			[]string{"Vi venter…", "Nu kommer svaret...", "Og hvis … så ringer vi."}},
		{"da quotes", "da", "Han sagde: »Nej.« Så gik han. (Se bilag 2.) Tak.",
			[]string{"Han sagde: »Nej.«", "Så gik han.", "(Se bilag 2.)", "Tak."}},
		{"da opening quote after the stop", "da", "Skriv til os. »Klage« skal stå øverst.",
			[]string{"Skriv til os.", "»Klage« skal stå øverst."}},
		{"da opening quote after kr.", "da", "Prisen er 100 kr. »Gebyret« kommer oveni. (K. Hansen) har regnet.",
			[]string{"Prisen er 100 kr.", "»Gebyret« kommer oveni.", "(K. Hansen) har regnet."}},
		{"da digit starts a sentence", "da", "Der er tre rater. 2 af dem er betalt.",
			[]string{"Der er tre rater.", "2 af dem er betalt."}},
		{"da web address", "da", "Du kan klage via borger.dk. Husk sagsnummeret.",
			[]string{"Du kan klage via borger.dk.", "Husk sagsnummeret."}},
		{"da no final stop", "da", "Med venlig hilsen", []string{"Med venlig hilsen"}},
		{"da no words", "da", " … ", nil},
		{"empty", "da", "", nil},
		{"da-DK tag", "da-DK", "Prisen er 100 kr. Det er billigt.", []string{"Prisen er 100 kr.", "Det er billigt."}},
		{"DA_dk tag", "DA_dk", "Se f.eks. Nr. 3 nedenfor.", []string{"Se f.eks. Nr. 3 nedenfor."}},

		// Swedish.
		{"sv abbreviations", "sv", "Ta med t.ex. pass. Avgiften gäller fr.o.m. 1 januari t.o.m. 31 december. Du betalar 1 688 kr. Vi skickar en faktura.",
			[]string{"Ta med t.ex. pass.", "Avgiften gäller fr.o.m. 1 januari t.o.m. 31 december.", "Du betalar 1 688 kr.", "Vi skickar en faktura."}},
		{"sv m.m. ends", "sv", "Det gäller bl.a. förskola, fritidshem m.m. Kontakta oss, dvs. Kundtjänst.",
			[]string{"Det gäller bl.a. förskola, fritidshem m.m.", "Kontakta oss, dvs. Kundtjänst."}},
		{"sv exclamation", "sv", "Hej Anna-Karin Öberg! Vi har inte fått betalt för faktura F-2026-118342.",
			[]string{"Hej Anna-Karin Öberg!", "Vi har inte fått betalt för faktura F-2026-118342."}},
		{"sv date", "sv", "Fakturan förföll den 31 oktober 2026. Betala senast 2026-12-07.",
			[]string{"Fakturan förföll den 31 oktober 2026.", "Betala senast 2026-12-07."}},

		// English.
		{"en abbreviations", "en", "Please bring e.g. your passport. Mr. Smith and Dr. Jones see you at 10 a.m. on Tuesday.",
			[]string{"Please bring e.g. your passport.", "Mr. Smith and Dr. Jones see you at 10 a.m. on Tuesday."}},
		{"en etc. ends", "en", "Bring paper, tins etc. We collect weekly, i.e. every Tuesday.",
			[]string{"Bring paper, tins etc.", "We collect weekly, i.e. every Tuesday."}},
		{"en No. before a number", "en", "Your bin is No. 5. It is green.",
			[]string{"Your bin is No. 5.", "It is green."}},
		{"en no. is a word", "en", "The answer is no. We cannot help.",
			[]string{"The answer is no.", "We cannot help."}},
		{"en time", "en", "Place the bins by 06.00 on the collection day. Make sure the lid can close.",
			[]string{"Place the bins by 06.00 on the collection day.", "Make sure the lid can close."}},
		{"en question", "en", "What changes? Your household will sort its waste.",
			[]string{"What changes?", "Your household will sort its waste."}},

		// Dutch.
		{"nl abbreviations and initials", "nl", "Neem bijv. uw paspoort mee. Dhr. J.P. van den Berg is welkom.",
			[]string{"Neem bijv. uw paspoort mee.", "Dhr. J.P. van den Berg is welkom."}},
		{"nl more abbreviations", "nl", "Zie blz. 4, d.w.z. alles. Bel ons o.a. op maandag, nr. 14 030.",
			[]string{"Zie blz. 4, d.w.z. alles.", "Bel ons o.a. op maandag, nr. 14 030."}},
		{"nl enz. and !", "nl", "De afspraak is om 10.30 uur. Neem stukken mee, enz. Tot dan!",
			[]string{"De afspraak is om 10.30 uur.", "Neem stukken mee, enz.", "Tot dan!"}},
		{"nl question", "nl", "Kunt u niet op deze dag? Bel ons dan.",
			[]string{"Kunt u niet op deze dag?", "Bel ons dan."}},

		// Finnish.
		{"fi date and abbreviation", "fi", "Olet hakenut 2. marraskuuta 2026 tunnusta. Päätös on esim. voimassa vuoden.",
			[]string{"Olet hakenut 2. marraskuuta 2026 tunnusta.", "Päätös on esim. voimassa vuoden."}},
		{"fi phone", "fi", "Soita klo 9–16 puh. 09 310 22111. Kiitos.",
			[]string{"Soita klo 9–16 puh. 09 310 22111.", "Kiitos."}},
		{"fi lone capital ends", "fi", "Asut alueella K. Liikenneasioiden rekisterin mukaan ajoneuvo on hallinnassasi.",
			[]string{"Asut alueella K.", "Liikenneasioiden rekisterin mukaan ajoneuvo on hallinnassasi."}},
		{"fi jne. ends", "fi", "Tunnus maksaa 360,00 €. Lähetämme laskut, kirjeet jne. Kiitos.",
			[]string{"Tunnus maksaa 360,00 €.", "Lähetämme laskut, kirjeet jne.", "Kiitos."}},
		{"fi numeric date", "fi", "Tunnus on voimassa 1.1.2027–31.12.2027. Maksa 31.12.2026 mennessä.",
			[]string{"Tunnus on voimassa 1.1.2027–31.12.2027.", "Maksa 31.12.2026 mennessä."}},

		// German, Norwegian, and a tag no one knows.
		{"de date and abbreviations", "de", "Die Frist endet am 1. Januar 2027. Das gilt z. B. für Nr. 5 bzw. Nr. 6 usw. Danach kommt die Rechnung.",
			[]string{"Die Frist endet am 1. Januar 2027.", "Das gilt z. B. für Nr. 5 bzw. Nr. 6 usw.", "Danach kommt die Rechnung."}},
		{"no is nb", "no", "Du får 500 kr. Pengene kommer 1. desember, f.eks. på konto.",
			[]string{"Du får 500 kr.", "Pengene kommer 1. desember, f.eks. på konto."}},
		{"unknown tag uses all languages", "xx", "Vi har f.eks. z.B. esim. mottatt det. Neste kommer.",
			[]string{"Vi har f.eks. z.B. esim. mottatt det.", "Neste kommer."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentenceTexts(t, tt.lang, tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Sentences(%q, %q) (-want +got):\n%s", tt.lang, tt.text, diff)
			}
		})
	}
}

func TestSentenceOffsets(t *testing.T) {
	// "Hej Anna!" is bytes 2-11; "Vi ses på Ærø." starts at 13 and is 17 bytes long, as å, Æ
	// and ø take two bytes each.
	text := "  Hej Anna!  Vi ses på Ærø.\n"
	want := []Sentence{
		{Start: 2, End: 11, Words: 2},  // "Hej Anna!"
		{Start: 13, End: 30, Words: 4}, // "Vi ses på Ærø."
	}
	if diff := cmp.Diff(want, Sentences("da", text)); diff != "" {
		t.Errorf("Sentences (-want +got):\n%s", diff)
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{" \n\t", 0},
		{"— – … !", 0},
		{"Hej", 1},
		{"Søren Ærbø Møller", 3},
		{"CPR-registret", 1},
		{"Bygnings- og Boligregistret", 3},
		{"don't", 1},
		{"Anna’s bin", 2},
		{"’quoted’", 1},
		{"1.234,50 kr.", 2},
		{"−86,40 kr.", 2},
		{"68 m²", 2},
		{"borger.dk", 1},
		{"f.eks. her", 2},
		{"10:30 og 10.30", 3},
		{"kl. 10-15", 2},
		{"a, b", 2},
		{"ord,ord", 2},
		{"e-mail/SMS", 2},
		{"nai\u0308ve", 1}, // with a combining diaeresis
		{"F-2026-118342", 1},
	}
	for _, tt := range tests {
		if got := Words(tt.text); got != tt.want {
			t.Errorf("Words(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestLIXByHand(t *testing.T) {
	// The paragraph, by sentence, with its words and long words (more than 6 letters):
	//
	//   "Vi har modtaget din ansøgning den 2. november 2026."
	//     9 words: Vi har modtaget din ansøgning den 2 november 2026
	//     3 long:  modtaget (8), ansøgning (9), november (8)
	//   "Du får boligstøtte fra 1. december."
	//     6 words: Du får boligstøtte fra 1 december
	//     2 long:  boligstøtte (11), december (8)
	//   "Beløbet er 1.234,50 kr. om måneden."
	//     6 words: Beløbet er 1.234,50 kr om måneden
	//     2 long:  Beløbet (7), måneden (7)
	//   "Har du spørgsmål, kan du ringe til os."
	//     8 words: Har du spørgsmål kan du ringe til os
	//     1 long:  spørgsmål (9)
	//
	// 29 words, 4 sentences, 8 long words:
	//   LIX = 29/4 + 100 × 8/29 = 7.25 + 27.5862... = 34.8362... (easy)
	//
	// With a second paragraph "Svar senest fredag." (3 words, 1 sentence, no long word: "senest"
	// and "fredag" have six letters, one too few):
	//   32 words, 5 sentences, 8 long words:
	//   LIX = 32/5 + 100 × 8/32 = 6.4 + 25 = 31.4
	p1 := "Vi har modtaget din ansøgning den 2. november 2026. Du får boligstøtte fra 1. december. " +
		"Beløbet er 1.234,50 kr. om måneden. Har du spørgsmål, kan du ringe til os."
	p2 := "Svar senest fredag."
	tests := []struct {
		paragraphs []string
		want       LIXScore
	}{
		{[]string{p1}, LIXScore{Score: 29.0/4 + 100*8.0/29, Words: 29, Sentences: 4, LongWords: 8}},
		{[]string{p1, p2}, LIXScore{Score: 31.4, Words: 32, Sentences: 5, LongWords: 8}},
		{nil, LIXScore{}},
		{[]string{"", " … "}, LIXScore{}},
	}
	for _, tt := range tests {
		got := LIX("da", tt.paragraphs)
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); diff != "" {
			t.Errorf("LIX(da, %q) (-want +got):\n%s", tt.paragraphs, diff)
		}
	}
	if got := LIX("da", []string{p1}).Score; math.Abs(got-34.836) > 0.001 {
		t.Errorf("LIX(da, p1).Score = %.4f, want 34.836 as worked out above", got)
	}
}

// samplesDir holds the sample bundles, relative to this package.
const samplesDir = "../../samples/templates"

// TestLIXSamples scores the prose of each sample letter: the strings of its sample.json of at
// least eight words that end like a sentence (paragraphs the template prints as they are), and the paragraphs of its
// letter.md body with the template actions filled in from sample.json. Their scores must be
// plausible for public letters; they are logged, with the sentences over MaxSentenceWords, for
// whoever tunes the limits.
func TestLIXSamples(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(samplesDir, "*", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatalf("no samples in %s", samplesDir)
	}
	for _, sample := range dirs {
		dir := filepath.Dir(sample)
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(sample)
			if err != nil {
				t.Fatal(err)
			}
			var data any
			if err := json.Unmarshal(raw, &data); err != nil {
				t.Fatalf("%s: %v", sample, err)
			}
			letter, err := os.ReadFile(filepath.Join(dir, "letter.md"))
			if err != nil {
				t.Fatal(err)
			}
			lang, body := splitLetter(t, string(letter))
			if lang == "" {
				t.Fatalf("%s/letter.md: no language in the front matter", name)
			}
			var fromJSON []string
			collectProse(data, &fromJSON)
			fromLetter := bodyParagraphs(body, data)
			for _, part := range []struct {
				what       string
				paragraphs []string
			}{{"sample.json", fromJSON}, {"letter.md", fromLetter}} {
				if len(part.paragraphs) == 0 {
					t.Logf("%s: %s: no prose", name, part.what)
					continue
				}
				s := LIX(lang, part.paragraphs)
				t.Logf("%s (%s): %s: LIX %.1f (%d words, %d sentences, %d long) over %d paragraphs",
					name, lang, part.what, s.Score, s.Words, s.Sentences, s.LongWords, len(part.paragraphs))
				for i, p := range part.paragraphs {
					ps := LIX(lang, []string{p})
					t.Logf("  ¶%d: LIX %.1f, %d words, %d sentences", i+1, ps.Score, ps.Words, ps.Sentences)
					for _, sen := range Sentences(lang, p) {
						if sen.Words > MaxSentenceWords {
							t.Logf("    sentence of %d words: %q", sen.Words, p[sen.Start:sen.End])
						}
					}
				}
				if s.Score <= 10 || s.Score >= 80 {
					t.Errorf("%s: %s: LIX %.1f, want between 10 and 80", name, part.what, s.Score)
				}
			}
			if len(fromJSON)+len(fromLetter) == 0 {
				t.Errorf("%s: no prose found in sample.json or letter.md", name)
			}
		})
	}
}

// collectProse appends the strings in v (decoded JSON) that read as paragraphs (at least eight
// words, ending with ".", "!" or "?"), in a stable order (object keys sorted).
func collectProse(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		if Words(v) >= 8 && strings.ContainsAny(v[len(v)-1:], ".!?") {
			*out = append(*out, v)
		}
	case []any:
		for _, e := range v {
			collectProse(e, out)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			collectProse(v[k], out)
		}
	}
}

// splitLetter returns the language of letter.md's front matter and the body after it.
func splitLetter(t *testing.T, letter string) (lang, body string) {
	t.Helper()
	rest, ok := strings.CutPrefix(letter, "---\n")
	if !ok {
		t.Fatal("letter.md does not start with front matter")
	}
	front, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		t.Fatal("letter.md: front matter is not closed")
	}
	for _, line := range strings.Split(front, "\n") {
		if v, ok := strings.CutPrefix(line, "language:"); ok {
			lang = strings.Trim(strings.TrimSpace(v), `'"`)
		}
	}
	return lang, body
}

var (
	action    = regexp.MustCompile(`\{\{-?\s*(.*?)\s*-?\}\}`)
	quoted    = regexp.MustCompile(`"([^"]*)"`)
	listStart = regexp.MustCompile(`^(\d+\.|[-*+]) `)
)

// bodyParagraphs returns the prose paragraphs of a letter body: blocks between blank lines
// without their heading, table, list and rule lines, their lines joined as Markdown joins them,
// "**" dropped and the template actions replaced by what they print of data, as far as a test
// needs (see fill; of an "if", only the first branch is kept).
func bodyParagraphs(body string, data any) []string {
	var out []string
	for _, block := range strings.Split(body, "\n\n") {
		var lines []string
		for _, line := range strings.Split(block, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "|") ||
				strings.HasPrefix(line, "***") || listStart.MatchString(line) {
				continue
			}
			lines = append(lines, line)
		}
		text := fillActions(strings.Join(lines, " "), data)
		text = strings.ReplaceAll(text, "**", "")
		if Words(text) == 0 {
			continue // {{ include "kontakt" }}, {{ signature }}, a range over a list
		}
		out = append(out, strings.Join(strings.Fields(text), " "))
	}
	return out
}

// fillActions replaces the template actions in s by what fill says they print, leaving out the
// "else" branches of "if" actions.
func fillActions(s string, data any) string {
	var b strings.Builder
	var skipping []bool // per open if/range/with: whether its current branch is left out
	skip := func() bool { return slices.Contains(skipping, true) }
	last := 0
	for _, m := range action.FindAllStringSubmatchIndex(s, -1) {
		if !skip() {
			b.WriteString(s[last:m[0]])
		}
		last = m[1]
		p := s[m[2]:m[3]]
		switch word, _, _ := strings.Cut(p, " "); word {
		case "if", "range", "with":
			skipping = append(skipping, false)
		case "else":
			if len(skipping) > 0 {
				skipping[len(skipping)-1] = true
			}
		case "end":
			if len(skipping) > 0 {
				skipping = skipping[:len(skipping)-1]
			}
		default:
			if !skip() {
				b.WriteString(fill(p, data))
			}
		}
	}
	if !skip() {
		b.WriteString(s[last:])
	}
	return b.String()
}

// fill is what the action with the pipeline p prints of data, near enough for counting words: a
// field's value, a function's first field argument (an amount of minor units as "2337,00",
// len's length), plural's last form; nothing for "." (inside a range), shared blocks and
// variables.
func fill(p string, data any) string {
	f := strings.Fields(p)
	if len(f) == 0 {
		return ""
	}
	switch f[0] {
	case ".", "include", "signature", "template", "block":
		return ""
	case "plural":
		if q := quoted.FindAllStringSubmatch(p, -1); len(q) > 0 {
			return q[len(q)-1][1]
		}
		return ""
	}
	if strings.HasPrefix(f[0], "$") {
		return ""
	}
	for _, arg := range f {
		if strings.HasPrefix(arg, ".") {
			v := lookup(data, arg)
			if f[0] == "len" {
				if a, ok := v.([]any); ok {
					return fmt.Sprint(len(a))
				}
			}
			if f[0] == "money" {
				if n, ok := v.(float64); ok {
					return strings.Replace(fmt.Sprintf("%.2f", n/100), ".", ",", 1)
				}
			}
			return fmt.Sprint(v)
		}
	}
	return ""
}

// lookup follows the field path ".a.b" through data.
func lookup(data any, path string) any {
	v := data
	for _, k := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	return v
}

// FuzzSentences checks what holds for any text: sentences come in order, inside the text,
// trimmed, each with words, and together they hold every word of the text.
func FuzzSentences(f *testing.F) {
	for _, s := range []string{
		"Vi har f.eks. modtaget din ansøgning. Den er behandlet.",
		"Du får 1.234,50 kr. om måneden. Huslejen er 86.400,00 kr. Beløbet udbetales forud.",
		"H. C. Andersen skrev eventyr. J.P. Jensen læste dem.",
		"Han sagde: »Nej.« Så gik han. (Se bilag 2.) Tak.",
		"Husk:\nDu skal medbringe pas… Og hvis … så?! 2. Juni.",
		"Das gilt z.\u00a0B. für Nr. 5 usw. Danach",
		" … \xff. A",
		"000\xc3", // invalid UTF-8 once made countWords slice out of range
	} {
		f.Add("da", s)
	}
	f.Fuzz(func(t *testing.T, lang, text string) {
		end, words := 0, 0
		for _, s := range Sentences(lang, text) {
			if s.Start < end || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("Sentences(%q, %q): sentence %+v out of order or bounds (previous end %d)", lang, text, s, end)
			}
			st := text[s.Start:s.End]
			if strings.TrimSpace(st) != st {
				t.Errorf("Sentences(%q, %q): sentence %q is not trimmed", lang, text, st)
			}
			if s.Words < 1 || s.Words != Words(st) {
				t.Errorf("Sentences(%q, %q): sentence %q has Words %d, Words() says %d", lang, text, st, s.Words, Words(st))
			}
			end, words = s.End, words+s.Words
		}
		if w := Words(text); words != w {
			t.Errorf("Sentences(%q, %q): sentences hold %d words, the text %d", lang, text, words, w)
		}
	})
}

func TestLIXApplies(t *testing.T) {
	for lang, want := range map[string]bool{"da": true, "sv-SE": true, "en": true, "nl": true, "de": true, "nb": true, "fi": false, "FI-fi": false, "et": false, "": true} {
		if got := LIXApplies(lang); got != want {
			t.Errorf("LIXApplies(%q) = %v, want %v", lang, got, want)
		}
	}
}
