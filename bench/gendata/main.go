// Command gendata writes the case data of the benchmarks in bench/data, deterministically (a
// fixed seed and its own random number generator, so the files and the figures measured on them
// are reproducible):
//
//		go run ./bench/gendata            (from the repository root; rewrites bench/data)
//
//	  - boligstoette-varied.ndjson: letters of the boligstoette-afgoerelse bundle, one JSON object
//	    a line, every one different: recipients with names from across Europe (Danish, Swedish,
//	    Norwegian, Finnish, German, Dutch, Polish, French, Spanish, Portuguese, Italian, Czech,
//	    Hungarian, Greek in Latin script; middle names, double-barrelled surnames, c/o lines),
//	    twelve municipalities as senders, dates, case numbers, 4 to 6 paragraphs with the
//	    letter's own figures, tables of 1 to 12 rows with amounts from øre to hundreds of thousands
//	    of kroner, negatives included. On average the size of the reference letter
//	    (../shared/bench/peers/letter.json: 5 paragraphs, 6 rows).
//	  - letter-5p.json, letter-40p.json: one long letter each for the per-page measurements, in the
//	    form both the bundle and the stock Maroto peer (../shared/bench/peers/go) read, so that the
//	    two tools render the same content (the peer needs the preformatted "amount" texts,
//	    "dateText" and "footer.page", which the bundle's schema allows and ignores).
//
// Every letter is checked as `postbud bench` checks it: against the bundle's schema, merged into
// the template, and through the PDF layout's Preflight (envelope window, glyphs, footer...). The
// per-page letters are also rendered, and their page counts printed.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/postbud/postbud/render/pdf"
	"github.com/postbud/postbud/templates"
)

func main() {
	dir := flag.String("dir", "bench/data", "folder to write the data files to")
	bundleDir := flag.String("bundle", "samples/templates/boligstoette-afgoerelse", "bundle to check the letters against")
	n := flag.Int("n", defaultRecords, "records in boligstoette-varied.ndjson")
	seed := flag.Uint64("seed", defaultSeed, "seed of the random number generator")
	flag.Parse()
	b, err := templates.LoadDir(*bundleDir)
	check(err)
	check(os.MkdirAll(*dir, 0o755))

	varied := variedNDJSON(*seed, *n)
	bad := 0
	for i, line := range bytes.Split(bytes.TrimSuffix(varied, []byte("\n")), []byte("\n")) {
		for _, p := range problems(b, line) {
			fmt.Fprintf(os.Stderr, "boligstoette-varied.ndjson:%d: %s\n", i+1, p)
			bad++
		}
	}
	if bad > 0 {
		fmt.Fprintf(os.Stderr, "gendata: %d problems; nothing written\n", bad)
		os.Exit(1)
	}
	write(filepath.Join(*dir, "boligstoette-varied.ndjson"), varied)
	fmt.Printf("boligstoette-varied.ndjson: %d records, %d bytes\n", *n, len(varied))

	for _, s := range pageSizes {
		render := func(units int) ([]byte, int) {
			data := longLetter(*seed, units)
			if ps := problems(b, data); len(ps) > 0 {
				fmt.Fprintf(os.Stderr, "%s (%d units): %s\n", s.file, units, strings.Join(ps, "\n"))
				os.Exit(1)
			}
			d, err := b.Document(data)
			check(err)
			out, err := pdf.Render(d)
			check(err)
			return data, pageCount(out)
		}
		// The page count grows with the units (a longer letter starts as the shorter one).
		lo, hi := 1, maxUnits // pages(lo) <= s.pages, and pages(hi+1) > s.pages is assumed
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if _, p := render(mid); p <= s.pages {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		data, pages := render(lo)
		if pages != s.pages {
			fmt.Fprintf(os.Stderr, "gendata: %s: no unit count renders %d pages (%d units: %d pages)\n", s.file, s.pages, lo, pages)
			os.Exit(1)
		}
		write(filepath.Join(*dir, s.file), data)
		fmt.Printf("%s: %d paragraphs, %d table rows, %d bytes; postbud renders %d pages\n", s.file, lo, lo*9/2, len(data), pages)
	}
}

const (
	defaultSeed = 20261201
	// 384 letters of about the reference letter's size make 1.5 MB: a file of a size that git
	// and a review take well; the bench cycles through them.
	defaultRecords = 384
)

// The long letters are made of units of one triple-length paragraph and 4.5 table rows: the
// proportion of ../shared/bench/peers/letter-long.json (40 paragraphs, 60 rows), with paragraphs
// three times as long because the bundle's schema takes at most 200. Each has the most units
// with which postbud renders its number of pages, so that its last page is nearly full.
var pageSizes = []struct {
	file  string
	pages int
}{
	{"letter-5p.json", 5},
	{"letter-40p.json", 40},
}

// maxUnits is the schema's limit of 200 paragraphs, less room for the search.
const maxUnits = 199

func write(path string, data []byte) { check(os.WriteFile(path, data, 0o644)) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendata:", err)
		os.Exit(1)
	}
}

// problems are the reasons postbud would refuse to render data as a PDF, one line each.
func problems(b *templates.Bundle, data []byte) []string {
	m, err := b.Merge(data)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range pdf.Preflight(m.Document) {
		out = append(out, p.String())
	}
	return out
}

// pageCount is the /Count of a PDF's page tree.
func pageCount(b []byte) int {
	i := bytes.Index(b, []byte("/Type /Pages"))
	var c int
	if i >= 0 {
		if j := bytes.Index(b[i:], []byte("/Count ")); j >= 0 {
			fmt.Sscan(string(b[i+j+7:i+j+14]), &c)
		}
	}
	return c
}

// variedNDJSON is n different letters, one JSON object a line.
func variedNDJSON(seed uint64, n int) []byte {
	r := &rng{s: seed}
	var out bytes.Buffer
	for i := 0; i < n; i++ {
		l, _ := r.letter(false)
		out.Write(marshal(l, false))
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// longLetter is one letter of units triple-length paragraphs and 4.5 table rows a paragraph, in
// the form both postbud and the stock Maroto peer read.
func longLetter(seed uint64, units int) []byte {
	r := &rng{s: seed ^ 0x5bd1e995}
	l, f := r.letter(true)
	pool := r.allParagraphs(l, f)
	l.Paragraphs = l.Paragraphs[:0]
	for i := 0; i < units; i++ {
		var p []string
		for j := 0; j < 3; j++ {
			p = append(p, pool[(3*i+j)%len(pool)])
		}
		l.Paragraphs = append(l.Paragraphs, strings.Join(p, " "))
	}
	l.Table.Rows = r.rows(f, units*9/2, true)
	l.Table.Total = total(l.Table.Rows, true)
	return append(marshal(l, true), '\n')
}

func marshal(l *letter, indent bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	check(enc.Encode(l))
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// The case data, in the field order of the reference letter.
type (
	letter struct {
		Lang       string    `json:"lang"`
		Sender     sender    `json:"sender"`
		Recipient  recipient `json:"recipient"`
		Date       string    `json:"date"`
		DateText   string    `json:"dateText,omitempty"`
		CaseNumber string    `json:"caseNumber"`
		Subject    string    `json:"subject"`
		Salutation string    `json:"salutation"`
		Paragraphs []string  `json:"paragraphs"`
		Table      table     `json:"table"`
		Closing    string    `json:"closing"`
		Signature  signature `json:"signature"`
		Footer     footer    `json:"footer"`
	}
	sender struct {
		Name       string `json:"name"`
		Department string `json:"department"`
		Street     string `json:"street"`
		Postcode   string `json:"postcode"`
		City       string `json:"city"`
		Cvr        string `json:"cvr"`
		Phone      string `json:"phone"`
		Email      string `json:"email"`
		Web        string `json:"web"`
	}
	recipient struct {
		Name     string `json:"name"`
		Street   string `json:"street"`
		Postcode string `json:"postcode"`
		City     string `json:"city"`
	}
	table struct {
		Caption string  `json:"caption"`
		Columns columns `json:"columns"`
		Rows    []row   `json:"rows"`
		Total   row     `json:"total"`
	}
	columns struct {
		Period      string `json:"period"`
		Description string `json:"description"`
		Amount      string `json:"amount"`
	}
	row struct {
		Label       string `json:"label,omitempty"` // the total only
		Period      string `json:"period,omitempty"`
		Description string `json:"description,omitempty"`
		AmountOre   int64  `json:"amountOre"`
		Amount      string `json:"amount,omitempty"`
	}
	signature struct {
		Greeting string `json:"greeting"`
		Name     string `json:"name"`
		Title    string `json:"title"`
	}
	footer struct {
		Text string `json:"text"`
		Page string `json:"page,omitempty"`
	}
)

// rng is splitmix64: a fixed algorithm, so the data does not depend on the Go release.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn is uniform in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between is uniform in [lo, hi].
func (r *rng) between(lo, hi int64) int64 { return lo + int64(r.next()%uint64(hi-lo+1)) }

func (r *rng) chance(p float64) bool { return float64(r.next()>>11)/(1<<53) < p }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// letter is one letter with its own sender, recipient, dates, paragraphs and table. full adds
// the fields only the stock Maroto peer reads.
func (r *rng) letter(full bool) (*letter, *facts) {
	m := pick(r, municipalities)
	dept := pick(r, departments)
	cvr := fmt.Sprintf("%08d", r.between(10000000, 99999999))
	date := r.date()
	caseNumber := fmt.Sprintf("%04d-%06d", date.y, r.between(1, 999999))
	person := r.person(40)
	pc := pick(r, m.postcodes)
	l := &letter{
		Lang: "da",
		Sender: sender{Name: m.name, Department: dept, Street: m.street, Postcode: m.postcode, City: m.city,
			Cvr: cvr, Phone: m.phone, Email: pick(r, []string{"borgerservice@", "ydelse@", "boligstoette@"}) + m.web, Web: m.web},
		Recipient:  recipient{Name: person, Street: r.street(person), Postcode: pc[:4], City: pc[5:]},
		Date:       date.iso(),
		CaseNumber: caseNumber,
		Salutation: "Kære " + person,
		Table: table{Caption: pick(r, []string{"Oversigt over udbetalinger", "Oversigt over udbetalinger og fradrag", "Sådan udbetaler vi din boligstøtte"}),
			Columns: columns{Period: "Periode", Description: "Beskrivelse", Amount: "Beløb"}},
		Closing: fmt.Sprintf("Har du spørgsmål til afgørelsen, er du velkommen til at kontakte %s på telefon %s %s eller skrive til os via Digital Post. Oplys venligst sagsnummer %s, når du kontakter os.",
			dept, m.phone, pick(r, openingHours), caseNumber),
		Signature: signature{Greeting: pick(r, []string{"Med venlig hilsen", "Venlig hilsen", "Med venlig hilsen og på kommunens vegne"}),
			Name: r.person(36), Title: pick(r, titles)},
		Footer: footer{Text: fmt.Sprintf("%s · %s · %s · %s %s · CVR %s", m.name, dept, m.street, m.postcode, m.city, cvr)},
	}
	if full {
		l.DateText = date.text()
		l.Footer.Page = "Side {page} af {pages}"
	}
	f := r.facts(date)
	l.Table.Rows = r.rows(f, 1+r.intn(12), full)
	l.Table.Total = total(l.Table.Rows, full)
	for _, x := range l.Table.Rows {
		f.deduction = f.deduction || x.AmountOre < 0
		f.backpay = f.backpay || strings.HasPrefix(x.Description, "Efterbetaling")
	}
	l.Subject = pick(r, subjects)
	if f.deduction && r.chance(0.3) {
		l.Subject = "Afgørelse om boligstøtte og tilbagebetaling"
	}
	l.Paragraphs = r.paragraphs(l, f)
	return l, f
}

// facts are the figures a letter's paragraphs and table share.
type facts struct {
	applied, from     day
	area, persons     int
	children          int
	rentOre, income   int64
	monthlyOre        int64
	backpay           bool
	deduction         bool
	overpaidOre       int64
	overpaidFrom      day
	settleYear        int
	reduced, relocate bool
}

func (r *rng) facts(d day) *facts {
	f := &facts{
		applied:  d.add(-int(r.between(6, 45))),
		from:     d.nextMonth(),
		area:     int(r.between(24, 140)),
		persons:  int(r.between(1, 6)),
		rentOre:  r.between(3600, 16500) * 1200, // 3.600–16.500 kr. a month, in øre a year
		income:   r.between(60000, 520000) * 100,
		reduced:  r.chance(0.25),
		relocate: r.chance(0.3),
	}
	f.children = int(r.between(0, int64(f.persons-1)))
	// The monthly support: from a few kroner to the maximum, to the øre.
	switch {
	case r.chance(0.1):
		f.monthlyOre = r.between(100, 9999)
	case r.chance(0.1):
		f.monthlyOre = r.between(400000, 520000)
	default:
		f.monthlyOre = r.between(30000, 390000)
	}
	f.overpaidOre = r.between(5000, 2500000)
	f.overpaidFrom = d.add(-int(r.between(120, 500))).firstOfMonth()
	f.settleYear = d.y - 1
	return f
}

// rows are n table rows from the month the support starts: the monthly support, and now and
// then a supplement, an adjustment, a deduction, a back payment or a settlement.
func (r *rng) rows(f *facts, n int, full bool) []row {
	out := make([]row, 0, n)
	month := f.from
	var sum int64
	for len(out) < n {
		desc, ore := "Boligstøtte, løbende ydelse", f.monthlyOre
		switch k := r.intn(100); {
		case k < 8:
			desc, ore = "Tillæg for børn i husstanden", r.between(5000, 90000)
		case k < 16:
			desc, ore = pick(r, []string{"Regulering af husleje (ændret forbrug)", "Regulering af varmeudgifter"}), r.between(-15000, 15000)
		case k < 24:
			desc, ore = "Fradrag for for meget udbetalt støtte", -r.between(1000, 250000)
		case k < 28:
			desc, ore = fmt.Sprintf("Efterbetaling for %s", f.overpaidFrom.monthText()), r.between(200000, 6000000)
		case k < 31:
			desc, ore = "Modregning af skyldig husleje", -r.between(50000, 2500000)
		case k < 35:
			desc, ore = fmt.Sprintf("Efterregulering af boligstøtte for %d", f.settleYear), r.between(-1800000, 1800000)
		case k < 38:
			desc, ore = "Renter af for sent udbetalt støtte", r.between(1, 4500)
		case k < 39:
			desc, ore = "Efterbetaling efter genoptagelse af sagen", r.between(5000000, 25000000)
		}
		if ore == 0 {
			ore = 1
		}
		if s := sum + ore; s > maxTotalOre || s < -maxTotalOre { // the schema's limit on the total
			ore = -ore
		}
		sum += ore
		x := row{Period: month.monthText(), Description: desc, AmountOre: ore}
		if full {
			x.Amount = kr(ore)
		}
		out = append(out, x)
		if r.chance(0.75) {
			month = month.nextMonth()
		}
	}
	return out
}

// maxTotalOre keeps the total within the schema's ±100000000 øre.
const maxTotalOre = 90000000

func total(rows []row, full bool) row {
	var sum int64
	for _, x := range rows {
		sum += x.AmountOre
	}
	t := row{Label: "I alt", AmountOre: sum}
	if full {
		t.Amount = kr(sum)
	}
	return t
}

// paragraphs are 4 to 6 paragraphs: the decision and the calculation, then those the table
// calls for and others, in the usual order.
func (r *rng) paragraphs(l *letter, f *facts) []string {
	all := r.paragraphTexts(l, f)
	want := 4 + r.intn(3)
	chosen := []string{"intro", "calc"}
	if f.backpay {
		chosen = append(chosen, "backpay")
	}
	if f.deduction && r.chance(0.7) {
		chosen = append(chosen, "overpaid")
	}
	extra := []string{"children", "duty", "settle", "digital", "move", "complain"}
	for len(chosen) < want {
		k := pick(r, extra)
		if k == "children" && f.children == 0 || contains(chosen, k) {
			continue
		}
		chosen = append(chosen, k)
	}
	var out []string
	for _, k := range paragraphOrder {
		if contains(chosen, k) {
			out = append(out, all[k])
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

var paragraphOrder = []string{"intro", "calc", "backpay", "overpaid", "children", "duty", "settle", "digital", "move", "complain"}

// allParagraphs are every paragraph of the letter, in order, for the long letters.
func (r *rng) allParagraphs(l *letter, f *facts) []string {
	if f.children == 0 {
		f.children = 2
	}
	all := r.paragraphTexts(l, f)
	out := make([]string, 0, len(paragraphOrder))
	for _, k := range paragraphOrder {
		out = append(out, all[k])
	}
	return out
}

// paragraphTexts are the paragraphs a letter may have, with its own figures.
func (r *rng) paragraphTexts(l *letter, f *facts) map[string]string {
	s := l.Sender
	p := map[string]string{}
	if r.chance(0.7) {
		p["intro"] = fmt.Sprintf("%s har modtaget din ansøgning om boligstøtte den %s. Vi har nu behandlet ansøgningen på grundlag af dine egne oplysninger og oplysninger fra Skattestyrelsen, CPR-registret og Bygnings- og Boligregistret. Afgørelsen er truffet efter lov om individuel boligstøtte og gælder fra den %s. Læs venligst brevet grundigt igennem, og kontakt os, hvis du mener, at en oplysning er forkert.",
			s.Name, f.applied.text(), f.from.text())
	} else {
		p["intro"] = fmt.Sprintf("Vi har den %s fået nye oplysninger om din husstand og har derfor beregnet din boligstøtte igen. Beregningen bygger på oplysninger fra Skattestyrelsen og CPR-registret og på dine egne oplysninger, og den gælder fra den %s. Afgørelsen er truffet efter lov om individuel boligstøtte. Kontakt %s hurtigst muligt, hvis du mener, at en af oplysningerne i dette brev er forkert.",
			f.applied.text(), f.from.text(), s.Department)
	}
	persons := fmt.Sprintf("%d personer", f.persons)
	if f.persons == 1 {
		persons = "én person"
	}
	if f.reduced {
		p["calc"] = fmt.Sprintf("Husstandens samlede indkomst er opgjort til %s om året. Det er mere end den indkomstgrænse, der gælder for en husstand med %s, og din boligstøtte er derfor nedsat. Vi har brugt boligens størrelse på %d m² og den årlige husleje på %s i beregningen. Du får herefter boligstøtte med %s om måneden. Beløbet udbetales forud til din NemKonto den første hverdag i måneden.",
			kr(f.income), persons, f.area, kr(f.rentOre), kr(f.monthlyOre))
	} else {
		p["calc"] = fmt.Sprintf("Vi har beregnet din boligstøtte ud fra husstandens samlede indkomst, boligens størrelse på %d m², antallet af personer i husstanden (%s) og den årlige husleje på %s Husstandens indkomst er opgjort til %s om året. Du får derfor boligstøtte med %s om måneden. Beløbet udbetales forud den første hverdag i hver måned til din NemKonto og kan blive reguleret, hvis dine forhold ændrer sig.",
			f.area, persons, kr(f.rentOre), kr(f.income), kr(f.monthlyOre))
	}
	p["backpay"] = fmt.Sprintf("Fordi du har haft ret til boligstøtte fra %s, før vi traf afgørelsen, får du en efterbetaling. Den fremgår af oversigten nedenfor og bliver udbetalt til din NemKonto inden for de næste ti hverdage. Efterbetalingen er ikke skattepligtig, og den påvirker ikke andre ydelser, du får fra %s. Du skal ikke selv gøre noget for at få beløbet.",
		f.overpaidFrom.monthText(), s.Name)
	p["overpaid"] = fmt.Sprintf("Du har fra %s fået udbetalt %s for meget i boligstøtte, fordi husstandens indkomst har været højere end den indkomst, vi brugte i beregningen. Beløbet bliver trukket i dine kommende udbetalinger, som det fremgår af oversigten nedenfor. Du kan også betale hele beløbet tilbage på én gang; kontakt os i så fald, så sender vi dig et indbetalingskort.",
		f.overpaidFrom.monthText(), kr(f.overpaidOre))
	children := fmt.Sprintf("%d børn", f.children)
	if f.children == 1 {
		children = "ét barn"
	}
	p["children"] = fmt.Sprintf("Der indgår %s i husstanden i beregningen, og du får derfor et tillæg til boligstøtten, som er medregnet i det månedlige beløb. Tillægget bortfalder, når det yngste barn fylder 18 år, eller hvis et barn flytter hjemmefra. Vi beder dig kontrollere, at oplysningerne om børnene i husstanden er rigtige, og give os besked, hvis de ikke er det.",
		children)
	p["duty"] = "Du har pligt til straks at give os besked, hvis der sker ændringer i dine forhold, som kan have betydning for din boligstøtte. Det gælder for eksempel, hvis du flytter, hvis personer flytter ind eller ud af boligen, hvis din husleje ændrer sig, eller hvis husstandens indkomst ændrer sig væsentligt. Ellers kan du risikere at skulle betale for meget udbetalt støtte tilbage. Du kan give besked på borger.dk."
	p["settle"] = fmt.Sprintf("Boligstøtten bliver efterreguleret, når Skattestyrelsen har opgjort husstandens endelige indkomst for %d og %d. Er den endelige indkomst højere end den indkomst, vi har brugt i beregningen, skal du betale det for meget udbetalte beløb tilbage. Er den lavere, får du udbetalt det beløb, du har til gode. Vi anbefaler, at du løbende holder øje med din forskudsopgørelse, så beregningen bliver så præcis som muligt.",
		f.from.y, f.from.y+1)
	p["digital"] = "Vi sender dette brev til din digitale postkasse. Er du fritaget for Digital Post, får du brevet med almindelig post. Du kan altid finde brevet og de tidligere breve om din boligstøtte på borger.dk og i appen Digital Post. Har en pårørende eller en anden person med fuldmagt hjulpet dig med ansøgningen, har vi også sendt en kopi af brevet til vedkommende."
	p["move"] = "Flytter du fra boligen, ophører din ret til boligstøtte fra den dag, du flytter. Du skal selv melde flytning på borger.dk senest fem dage efter, at du er flyttet. Flytter du til en ny lejebolig, skal du søge boligstøtte igen til den nye bolig, og du kan tidligst få støtte fra den første i måneden efter, at vi har modtaget din nye ansøgning."
	p["complain"] = fmt.Sprintf("Hvis du ikke er enig i afgørelsen, kan du klage. Klagen skal være modtaget i %s, %s, senest fire uger efter, at du har fået dette brev. Vi vurderer herefter sagen igen. Fastholder vi afgørelsen, sender vi klagen videre til Ankestyrelsen, som træffer den endelige afgørelse. Du kan klage digitalt via borger.dk, med almindelig post eller ved personligt fremmøde. Husk at oplyse sagsnummeret.",
		s.Name, s.Department)
	return p
}

// kr formats øre as the letters do: "1.234,50 kr.", "-86,40 kr.".
func kr(ore int64) string {
	sign := ""
	if ore < 0 {
		sign, ore = "-", -ore
	}
	k := fmt.Sprint(ore / 100)
	var b strings.Builder
	for i, c := range k {
		if i > 0 && (len(k)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s%s,%02d kr.", sign, b.String(), ore%100)
}

// day is a calendar date.
type day struct{ y, m, d int }

var monthNames = []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (d day) iso() string       { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }
func (d day) text() string      { return fmt.Sprintf("%d. %s %d", d.d, monthNames[d.m-1], d.y) }
func (d day) monthText() string { return fmt.Sprintf("%s %d", monthNames[d.m-1], d.y) }
func (d day) firstOfMonth() day { return day{d.y, d.m, 1} }

func (d day) nextMonth() day {
	if d.m == 12 {
		return day{d.y + 1, 1, 1}
	}
	return day{d.y, d.m + 1, 1}
}

func (d day) add(n int) day {
	for ; n > 0; n-- {
		if d.d++; d.d > daysIn(d.y, d.m) {
			d = d.nextMonth()
		}
	}
	for ; n < 0; n++ {
		if d.d--; d.d == 0 {
			if d.m--; d.m == 0 {
				d.y, d.m = d.y-1, 12
			}
			d.d = daysIn(d.y, d.m)
		}
	}
	return d
}

// date is a working day (Monday to Friday) from January 2026 to December 2027.
func (r *rng) date() day {
	for {
		k := r.intn(730)
		if wd := (4 + k) % 7; wd != 6 && wd != 0 { // 1 January 2026 is a Thursday (4)
			return day{2026, 1, 1}.add(k)
		}
	}
}

// person is a full name of at most max characters.
func (r *rng) person(max int) string {
	for {
		if s := r.tryPerson(); utf8.RuneCountInString(s) <= max {
			return s
		}
	}
}

func (r *rng) tryPerson() string {
	n := pick(r, nations)
	female := r.chance(0.5)
	given := pick(r, n.male)
	if female {
		given = pick(r, n.female)
	}
	surname := func(n nation) string {
		s := pick(r, n.surnames)
		if female && n.feminine != nil {
			if f, ok := n.feminine[s]; ok {
				return f
			}
		}
		return s
	}
	last := surname(n)
	switch {
	case n.twoSurnames && r.chance(0.8): // Spanish and Portuguese: two surnames
		last = last + " " + surname(n)
	case r.chance(0.12): // double-barrelled, often across two countries
		other := n
		if r.chance(0.6) {
			other = pick(r, nations)
		}
		if s := surname(other); s != last && !strings.Contains(s, " ") && !strings.Contains(last, " ") {
			last = last + "-" + s
		}
	}
	if n.middle != nil && r.chance(0.3) {
		given = given + " " + pick(r, n.middle)
	}
	return given + " " + last
}

// street is a Danish street address: a number, often a floor and side, now and then a c/o.
func (r *rng) street(person string) string {
	for {
		s := fmt.Sprintf("%s %d", pick(r, streets), r.between(1, 180))
		if r.chance(0.15) {
			s += string(rune('A' + r.intn(4)))
		}
		switch k := r.intn(10); {
		case k < 4:
		case k < 5:
			s += ", st. " + pick(r, []string{"th.", "tv.", "mf."})
		case k < 9:
			s += fmt.Sprintf(", %d. %s", r.between(1, 6), pick(r, []string{"th.", "tv.", "mf."}))
		default:
			s += fmt.Sprintf(", %d. %d", r.between(1, 12), r.between(1, 40))
		}
		if r.chance(0.07) {
			host := strings.Fields(r.person(40))
			s = "c/o " + host[len(host)-1] + ", " + s
		}
		if utf8.RuneCountInString(s) <= 42 {
			return s
		}
	}
}

type municipality struct {
	name, street, postcode, city, phone, web string
	postcodes                                []string // "NNNN City" where its residents live
}

var municipalities = []municipality{
	{"Aarhus Kommune", "Rådhuspladsen 2", "8000", "Aarhus C", "89 40 20 00", "aarhus.dk",
		[]string{"8000 Aarhus C", "8200 Aarhus N", "8210 Aarhus V", "8220 Brabrand", "8240 Risskov", "8260 Viby J", "8270 Højbjerg"}},
	{"Københavns Kommune", "Rådhuspladsen 1", "1550", "København V", "33 66 33 66", "kk.dk",
		[]string{"1650 København V", "2100 København Ø", "2200 København N", "2300 København S", "2400 København NV", "2450 København SV", "2500 Valby", "2700 Brønshøj", "2720 Vanløse"}},
	{"Odense Kommune", "Flakhaven 2", "5000", "Odense C", "66 13 13 72", "odense.dk",
		[]string{"5000 Odense C", "5200 Odense V", "5210 Odense NV", "5220 Odense SØ", "5230 Odense M", "5250 Odense SV"}},
	{"Aalborg Kommune", "Boulevarden 13", "9000", "Aalborg", "99 31 31 31", "aalborg.dk",
		[]string{"9000 Aalborg", "9200 Aalborg SV", "9210 Aalborg SØ", "9220 Aalborg Øst", "9400 Nørresundby"}},
	{"Frederiksberg Kommune", "Smallegade 1", "2000", "Frederiksberg", "38 21 21 21", "frederiksberg.dk",
		[]string{"2000 Frederiksberg", "1850 Frederiksberg C"}},
	{"Esbjerg Kommune", "Torvegade 74", "6700", "Esbjerg", "76 16 16 16", "esbjerg.dk",
		[]string{"6700 Esbjerg", "6705 Esbjerg Ø", "6710 Esbjerg V", "6715 Esbjerg N"}},
	{"Ringkøbing-Skjern Kommune", "Ved Fjorden 6", "6950", "Ringkøbing", "99 74 24 24", "rksk.dk",
		[]string{"6950 Ringkøbing", "6900 Skjern", "6960 Hvide Sande", "6971 Spjald"}},
	{"Høje-Taastrup Kommune", "Bygaden 2", "2630", "Taastrup", "43 59 10 00", "htk.dk",
		[]string{"2630 Taastrup", "2640 Hedehusene"}},
	{"Sønderborg Kommune", "Rådhustorvet 10", "6400", "Sønderborg", "88 72 40 00", "sonderborgkommune.dk",
		[]string{"6400 Sønderborg", "6430 Nordborg", "6440 Augustenborg"}},
	{"Lyngby-Taarbæk Kommune", "Lyngby Torv 17", "2800", "Kongens Lyngby", "45 97 30 00", "ltk.dk",
		[]string{"2800 Kongens Lyngby", "2830 Virum"}},
	{"Vejle Kommune", "Skolegade 1", "7100", "Vejle", "76 81 00 00", "vejle.dk",
		[]string{"7100 Vejle", "7120 Vejle Øst", "7080 Børkop"}},
	{"Helsingør Kommune", "Stengade 59", "3000", "Helsingør", "49 28 28 28", "helsingor.dk",
		[]string{"3000 Helsingør", "3070 Snekkersten", "3100 Hornbæk"}},
}

var departments = []string{"Borgerservice", "Ydelsesservice", "Borgerservice, Boligstøtte", "Job og Ydelser", "Økonomisk Sekretariat"}

var subjects = []string{"Afgørelse om boligstøtte", "Afgørelse om boligstøtte", "Afgørelse om boligstøtte", "Afgørelse om ændring af din boligstøtte", "Afgørelse om boligydelse"}

var openingHours = []string{"mandag til fredag kl. 10-15", "mandag til torsdag kl. 9-15 og fredag kl. 9-13", "alle hverdage kl. 8-14", "mandag til fredag kl. 9.30-14.30"}

var titles = []string{"Sagsbehandler, Boligstøtte og Pension", "Sagsbehandler", "Ydelsesrådgiver", "Teamleder, Boligstøtte", "Specialkonsulent, Ydelsesservice", "Administrativ medarbejder, Borgerservice"}

var streets = []string{
	"Vestergade", "Østergade", "Nørregade", "Søndergade", "Jernbanegade", "Skolevej", "Kirkevej", "Møllevej",
	"Åboulevarden", "Ærøvej", "Høgevej", "Fælledvej", "Grøndalsvej", "Tørvevej", "Birkevej", "Bøgeallé",
	"Egevænget", "Rosenvængets Allé", "H.C. Andersens Boulevard", "Dronning Margrethes Vej", "Frederik VII's Gade",
	"Sankt Hans Gade", "Gammel Kongevej", "Nørrebrogade", "Amagerbrogade", "Ved Søerne", "Lille Torv", "Strandvejen",
	"Hasselhøj", "Kløvermarken", "Æblehaven", "Østre Ringvej", "Åbyhøjvej", "Sønder Allé", "Hjortøvej", "Bispensgade",
}

// nation is where a name comes from: given names, surnames and, where surnames have a feminine
// form, that form.
type nation struct {
	female, male, surnames, middle []string
	feminine                       map[string]string
	twoSurnames                    bool
}

var nations = []nation{
	{ // Danish
		female:   []string{"Mette", "Anne", "Kirsten", "Hanne", "Line", "Sofie", "Ida", "Freja", "Signe", "Maja", "Birgitte", "Lærke"},
		male:     []string{"Søren", "Jens", "Mikkel", "Rasmus", "Frederik", "Lars", "Niels", "Anders", "Bjørn", "Jørgen", "Asger", "Thorbjørn"},
		surnames: []string{"Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Møller", "Kjærgaard", "Søgaard", "Østergård", "Bækgaard", "Holm", "Friis", "Skovgaard", "Dahl"},
		middle:   []string{"Ærbø", "Bach", "Lund", "Juul", "Krogh", "Vestergaard", "Brøndum", "Kjær"},
	},
	{ // Swedish
		female:   []string{"Åsa", "Ingrid", "Linnéa", "Elin", "Karin", "Märta", "Sofia", "Ebba"},
		male:     []string{"Björn", "Örjan", "Gustav", "Erik", "Måns", "Henrik", "Olle", "Pär"},
		surnames: []string{"Andersson", "Johansson", "Karlsson", "Lindström", "Bergqvist", "Åkesson", "Nordström", "Sjöberg", "Öberg", "Ekström", "Hägg"},
	},
	{ // Norwegian
		female:   []string{"Solveig", "Ingeborg", "Kari", "Ragnhild", "Tuva", "Sigrid"},
		male:     []string{"Øyvind", "Håkon", "Ståle", "Torbjørn", "Eirik", "Ørjan"},
		surnames: []string{"Haugen", "Bråthen", "Solberg", "Kvalheim", "Løvås", "Sæther", "Dæhlie", "Bjørnstad", "Ødegård"},
	},
	{ // Finnish
		female:   []string{"Aino", "Päivi", "Sirpa", "Tuulikki", "Hannele", "Eeva"},
		male:     []string{"Jyrki", "Matti", "Pekka", "Väinö", "Jussi", "Tapani"},
		surnames: []string{"Mäkinen", "Virtanen", "Järvinen", "Hämäläinen", "Kärkkäinen", "Heikkinen", "Lehtonen", "Pöyhönen"},
	},
	{ // German
		female:   []string{"Anneliese", "Käthe", "Ursula", "Sabine", "Jutta", "Grete"},
		male:     []string{"Jürgen", "Günther", "Uwe", "Klaus", "Jörg", "Hans-Peter"},
		surnames: []string{"Müller", "Schröder", "Weiß", "Groß", "Köhler", "Schäfer", "Krüger", "Hoffmann", "Straßburger", "Fuchs", "Böhm", "von Bülow"},
	},
	{ // Dutch
		female:   []string{"Anouk", "Femke", "Marieke", "Sanne", "Ilse"},
		male:     []string{"Joost", "Pieter", "Bram", "Sjoerd", "Daan", "Geert"},
		surnames: []string{"de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "de Jong", "van der Meer", "Visser", "IJzerman", "Smit", "van 't Hof"},
	},
	{ // Polish
		female:   []string{"Małgorzata", "Agnieszka", "Katarzyna", "Żaneta", "Beata", "Joanna"},
		male:     []string{"Łukasz", "Grzegorz", "Paweł", "Wojciech", "Mikołaj", "Przemysław"},
		surnames: []string{"Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Dąbrowski", "Kozłowski", "Woźniak", "Jabłoński", "Grabowski"},
		feminine: map[string]string{"Kowalski": "Kowalska", "Wiśniewski": "Wiśniewska", "Kamiński": "Kamińska", "Lewandowski": "Lewandowska",
			"Zieliński": "Zielińska", "Szymański": "Szymańska", "Dąbrowski": "Dąbrowska", "Kozłowski": "Kozłowska", "Jabłoński": "Jabłońska", "Grabowski": "Grabowska"},
	},
	{ // French
		female:   []string{"Amélie", "Hélène", "Béatrice", "Françoise", "Chloé", "Élodie", "Noémie"},
		male:     []string{"François", "Jérôme", "Loïc", "Benoît", "Stéphane", "Gaëtan", "Hervé"},
		surnames: []string{"Dubois", "Lefèvre", "Moreau", "Girard", "Lemaître", "Bénard", "Fournier", "Rousseau", "Mercier", "Deschênes", "Garçon"},
	},
	{ // Spanish
		female:      []string{"María José", "Lucía", "Inés", "Begoña", "Pilar", "Nuria", "Ainhoa"},
		male:        []string{"José Ángel", "Íñigo", "Álvaro", "Jesús", "Martín", "Rubén", "Sergio"},
		surnames:    []string{"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Muñoz", "Gómez", "Jiménez", "Ibáñez", "Núñez", "Peña"},
		twoSurnames: true,
	},
	{ // Portuguese
		female:      []string{"Conceição", "Inês", "Margarida", "Joana", "Beatriz", "Leonor"},
		male:        []string{"João", "Gonçalo", "Sebastião", "Tomás", "Rui", "Nuno"},
		surnames:    []string{"Silva", "Santos", "Ferreira", "Pereira", "Gonçalves", "Magalhães", "Araújo", "Simões", "Brandão", "da Costa"},
		twoSurnames: true,
	},
	{ // Italian
		female:   []string{"Chiara", "Giulia", "Francesca", "Lucrezia", "Alessandra"},
		male:     []string{"Niccolò", "Giuseppe", "Lorenzo", "Andrea", "Salvatore", "Gianluca"},
		surnames: []string{"Rossi", "Bianchi", "Esposito", "Colombo", "Ricci", "Marino", "D'Angelo", "Conti", "De Luca", "Cantù", "Dell'Acqua"},
	},
	{ // Czech
		female:   []string{"Kateřina", "Zuzana", "Jitka", "Lenka", "Věra", "Tereza"},
		male:     []string{"Jiří", "Tomáš", "Ondřej", "Přemysl", "Radek", "Vojtěch"},
		surnames: []string{"Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Růžička", "Němec", "Pokorný"},
		feminine: map[string]string{"Novák": "Nováková", "Svoboda": "Svobodová", "Dvořák": "Dvořáková", "Černý": "Černá", "Procházka": "Procházková",
			"Kučera": "Kučerová", "Veselý": "Veselá", "Růžička": "Růžičková", "Němec": "Němcová", "Pokorný": "Pokorná"},
	},
	{ // Hungarian
		female:   []string{"Erzsébet", "Zsófia", "Katalin", "Anikó", "Ildikó", "Réka"},
		male:     []string{"György", "László", "Ferenc", "Zoltán", "Gábor", "Ödön", "Lőrinc"},
		surnames: []string{"Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Molnár", "Németh", "Farkas", "Győri", "Szűcs", "Hegedűs", "Bőszörményi"},
	},
	{ // Greek, in Latin script
		female:   []string{"Eleni", "Maria", "Katerina", "Sofia", "Dimitra", "Georgia", "Vasiliki"},
		male:     []string{"Giorgos", "Dimitrios", "Konstantinos", "Nikolaos", "Panagiotis", "Christos", "Ioannis"},
		surnames: []string{"Papadopoulos", "Georgiou", "Nikolaidis", "Oikonomou", "Konstantinidis", "Karagiannis", "Vlachos", "Antoniou"},
		feminine: map[string]string{"Papadopoulos": "Papadopoulou", "Nikolaidis": "Nikolaidou", "Konstantinidis": "Konstantinidou",
			"Karagiannis": "Karagianni", "Vlachos": "Vlachou"},
	},
}
