package markdown

import (
	"strings"
	"testing"

	"github.com/postbud/postbud/render"
)

// letterBody is a one-page letter body: about 600 words, headings, a list and a 7-row table
// with a total row.
const letterBody = `# Afgørelse om boligstøtte

Kære **Jens Hansen**,

Vi har behandlet din ansøgning om boligstøtte til din lejlighed på Søndergade 12, 2. th., 8000 Aarhus C,
som vi modtog den 2. oktober 2026. Du får boligstøtte fra den 1. november 2026. I dette brev kan du
læse, hvor meget du får, hvordan vi har regnet det ud, og hvad du skal gøre, hvis dine forhold ændrer sig.
Læs brevet grundigt igennem, og kontakt os, hvis noget ikke passer.

## Sådan har vi regnet

Vi har regnet din boligstøtte ud fra husstandens samlede indkomst, boligens størrelse, huslejen og antallet
af personer i husstanden. Vi har brugt de oplysninger, du gav os i ansøgningen, og oplysninger fra
indkomstregisteret. Beløbene herunder er pr. måned:

| Post | Grundlag | Beløb |
|:--|:-:|--:|
| Husleje uden forbrug | 68 m² | 6.450,00 kr. |
| Varme (*a conto*) | fast beløb | 650,00 kr. |
| Vand | fast beløb | 120,00 kr. |
| Indkomst over grænsen | 312.000 kr. | -1.245,00 kr. |
| Fradrag for børn | 1 barn | 415,00 kr. |
| Reguleringsgrundlag | 2026-satser | 0,00 kr. |
| **I alt** | | **3.210,00 kr.** |

Boligstøtten bliver udbetalt den sidste hverdag i måneden til din NemKonto. Den første udbetaling er
den 30. november 2026.

## Det skal du gøre

Du har pligt til at fortælle os, hvis dine forhold ændrer sig, fordi det kan betyde, at du får for meget
eller for lidt i boligstøtte. Det gælder blandt andet, hvis:

1. nogen flytter ind eller ud af boligen,
2. husstandens indkomst eller formue ændrer sig,
3. huslejen stiger eller falder, eller
4. du fremlejer en del af boligen.

Du kan give os besked på [borger.dk](https://www.borger.dk/boligstoette) eller ved at ringe til os på
telefon 89 40 20 00. Hvis du ikke giver os besked, kan du komme til at betale boligstøtte tilbage, også
selv om det ikke var din skyld, at du fik for meget udbetalt.

## Hvis du flytter

Hvis du flytter til en anden bolig, stopper din boligstøtte fra den dag, du flytter. Du skal derfor søge
om boligstøtte igen til den nye bolig, hvis du fortsat ønsker at få støtte. Det er vigtigt, at du søger
hurtigt, fordi vi tidligst kan give dig støtte fra den dag, vi modtager din ansøgning. Når du søger, skal
du have din nye lejekontrakt, oplysninger om huslejen og oplysninger om, hvem der skal bo i boligen, klar.
Flytter du til en andelsbolig eller en ejerbolig, gælder der særlige regler, og du kan i stedet have ret
til et boligydelseslån eller anden hjælp. Du kan også have ret til hjælp til flytning og depositum efter
reglerne i lov om aktiv socialpolitik. Kontakt os gerne, før du flytter, så vi kan vejlede dig om dine
muligheder og om, hvilke papirer du skal sende til os.

## Regler

Afgørelsen er truffet efter lov om individuel boligstøtte, jf. lovbekendtgørelse nr. 1160 af 11. august
2025, især §§ 3, 8, 9 og 14. Du kan læse loven på [retsinformation.dk](https://www.retsinformation.dk).
Vi har ved afgørelsen lagt vægt på, at du bor i en lejebolig, at boligen er din helårsbolig, og at
husstandens indkomst ligger under den grænse, hvor støtten bortfalder. Vi har ikke medregnet den
engangsudbetaling, du fik i august, fordi den efter reglerne ikke er indkomst.

## Klagevejledning

Hvis du er uenig i afgørelsen, kan du klage. Du skal klage til os inden fire uger efter, at du har fået
dette brev. Vi vurderer så din sag igen. Hvis vi fastholder afgørelsen, sender vi din klage videre til
Ankestyrelsen, og du får besked om det. Du kan klage digitalt på borger.dk, skriftligt eller mundtligt.
Skriv gerne, hvorfor du er uenig, og send de oplysninger med, som du mener, vi har overset.\
Du kan få aktindsigt i din sag efter forvaltningsloven.

Har du spørgsmål, er du velkommen til at kontakte os. Husk at oplyse dit sagsnummer **BS-2026-041187**,
når du henvender dig.

Med venlig hilsen

Borgerservice, Aarhus Kommune
`

func TestLetterBody(t *testing.T) {
	bs, err := Blocks([]byte(letterBody), Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := render.Document{Body: bs}
	words := len(render.Words(doc.Text()))
	if words < 550 || words > 650 {
		t.Errorf("benchmark letter has %d words, want about 600", words)
	}
	var table *render.Table
	for _, b := range bs {
		if tb, ok := b.(*render.Table); ok {
			table = tb
		}
	}
	if table == nil || len(table.Rows) != 6 || table.Total == nil {
		t.Fatalf("benchmark letter table = %+v, want 6 rows and a total", table)
	}
	if got := render.PlainText(table.Total[2].Runs); got != "3.210,00 kr." {
		t.Errorf("total = %q", got)
	}
	if !strings.Contains(doc.Text(), "lovbekendtgørelse nr. 1160") {
		t.Errorf("text lost: %s", doc.Text())
	}
	checkRuns(t, "letterBody", bs)
}

// BenchmarkBlocks parses a one-page letter body; letters/s is the figure to compare.
func BenchmarkBlocks(b *testing.B) {
	src := []byte(letterBody)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Blocks(src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkEscape escapes a typical case-data value.
func BenchmarkEscape(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Escape("Søren Ågård-Øster, Søndergade 12, 2. th.")
	}
}
