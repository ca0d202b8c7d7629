// Package testdoc builds render.Documents for the renderers' tests and benchmarks without going
// through templates: the reference letter of ../shared/bench/peers/letter.json and long variants.
package testdoc

import (
	"fmt"
	"strings"
	"time"

	"github.com/postbud/postbud/render"
)

// Paragraphs are the five body paragraphs of the reference letter.
var Paragraphs = []string{
	"Aarhus Kommune har modtaget din ansøgning om boligstøtte den 2. november 2026. Vi har nu behandlet ansøgningen på grundlag af dine egne oplysninger og oplysninger fra Skattestyrelsen, CPR-registret og Bygnings- og Boligregistret. Afgørelsen er truffet efter lov om individuel boligstøtte og gælder fra den 1. december 2026. Læs venligst brevet grundigt igennem, og kontakt os, hvis du mener, at en oplysning er forkert.",
	"Vi har beregnet din boligstøtte ud fra husstandens samlede indkomst, boligens størrelse på 68 m², antallet af personer i husstanden og den årlige husleje på 86.400,00 kr. Husstandens indkomst er opgjort til 243.600,00 kr. om året. Du får derfor boligstøtte med 1.234,50 kr. om måneden. Beløbet udbetales forud den første hverdag i hver måned til din NemKonto og kan blive reguleret, hvis dine forhold ændrer sig.",
	"Du har pligt til straks at give os besked, hvis der sker ændringer i dine forhold, som kan have betydning for din boligstøtte. Det gælder for eksempel, hvis du flytter, hvis personer flytter ind eller ud af boligen, hvis din husleje ændrer sig, eller hvis husstandens indkomst ændrer sig væsentligt. Ellers kan du risikere at skulle betale for meget udbetalt støtte tilbage. Du kan give besked på borger.dk.",
	"Boligstøtten bliver efterreguleret, når Skattestyrelsen har opgjort husstandens endelige indkomst for 2026 og 2027. Er den endelige indkomst højere end den indkomst, vi har brugt i beregningen, skal du betale det for meget udbetalte beløb tilbage. Er den lavere, får du udbetalt det beløb, du har til gode. Vi anbefaler, at du løbende holder øje med din forskudsopgørelse, så beregningen bliver så præcis som muligt.",
	"Hvis du ikke er enig i afgørelsen, kan du klage. Klagen skal være modtaget i Aarhus Kommune, Borgerservice, senest fire uger efter, at du har fået dette brev. Vi vurderer herefter sagen igen. Fastholder vi afgørelsen, sender vi klagen videre til Ankestyrelsen, som træffer den endelige afgørelse. Du kan klage digitalt via borger.dk, med almindelig post eller ved personligt fremmøde. Husk at oplyse sagsnummeret.",
}

var rows = [][3]string{
	{"december 2026", "Boligstøtte, løbende ydelse", "1.234,50 kr."},
	{"januar 2027", "Boligstøtte, løbende ydelse", "1.234,50 kr."},
	{"februar 2027", "Regulering af husleje (ændret forbrug)", "45,75 kr."},
	{"marts 2027", "Boligstøtte, løbende ydelse", "1.234,50 kr."},
	{"april 2027", "Tillæg for børn i husstanden", "150,25 kr."},
	{"maj 2027", "Fradrag for for meget udbetalt støtte", "-86,40 kr."},
}

// Reference returns the one-page reference letter as a Document.
func Reference() *render.Document { return Letter(Paragraphs, 6) }

// Long returns the reference letter with n paragraphs (cycling through the five) and a table of
// tableRows rows. Long(40, 60) is letter-long.json; Long(200, 500) runs to dozens of pages.
func Long(n, tableRows int) *render.Document {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("%d. %s", i+1, Paragraphs[i%len(Paragraphs)])
	}
	return Letter(ps, tableRows)
}

// Letter builds the reference letter with the given paragraphs and number of table rows.
func Letter(paragraphs []string, tableRows int) *render.Document {
	d := &render.Document{
		Meta: render.Meta{
			Title: "Afgørelse om boligstøtte", Author: "Aarhus Kommune", Subject: "Afgørelse om boligstøtte",
			Language: "da", Creator: "postbud test", Created: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		},
		Page:   render.A4,
		Accent: render.Color{R: 0x1f, G: 0x4e, B: 0x79},
		Letterhead: render.Letterhead{
			Name: "Aarhus Kommune", Department: "Borgerservice",
			Address: []string{"Rådhuspladsen 2", "8000 Aarhus C"},
			Contact: []string{"CVR 55133018", "Telefon 89 40 20 00", "borgerservice@aarhus.dk", "aarhus.dk"},
		},
		Recipient: []string{"Søren Ærbø Møller", "Åboulevarden 17, 3. th.", "8000 Aarhus C"},
		Details:   []render.Detail{{Label: "Dato", Value: "23. november 2026", Key: render.DetailDate}, {Label: "Sagsnummer", Value: "2026-004711", Key: render.DetailCase}},
		Subject:   "Afgørelse om boligstøtte",
		Footer:    "Aarhus Kommune · Borgerservice · Rådhuspladsen 2 · 8000 Aarhus C · CVR 55133018",
		PageLabel: "Side {page} af {pages}",
	}
	body := []render.Block{&render.Paragraph{Runs: []render.Run{{Text: "Kære Søren Ærbø Møller"}}}}
	for i, p := range paragraphs {
		runs := []render.Run{{Text: p}}
		if i == 1 { // inline styles: bold amount, italic and a link
			runs = []render.Run{
				{Text: "Vi har beregnet din boligstøtte. Du får "},
				{Text: "1.234,50 kr. om måneden", Bold: true},
				{Text: ", se "},
				{Text: "borger.dk", Link: "https://www.borger.dk/boligstoette"},
				{Text: ". "},
				{Text: "Læs brevet grundigt.", Italic: true},
				{Text: " " + p},
			}
		}
		body = append(body, &render.Paragraph{Runs: runs})
	}
	body = append(body, &render.Heading{Level: 2, Runs: []render.Run{{Text: "Oversigt over udbetalinger"}}})
	t := &render.Table{
		Columns: []render.Column{{Width: 2}, {Width: 5}, {Align: render.AlignRight, Width: 2}},
		Header:  cells("Periode", "Beskrivelse", "Beløb"),
		Total:   cells("I alt", "", "3.813,10 kr."),
	}
	for i := 0; i < tableRows; i++ {
		r := rows[i%len(rows)]
		if tableRows > len(rows) {
			r[0] = fmt.Sprintf("%s (række %d)", r[0], i+1)
		}
		t.Rows = append(t.Rows, cells(r[0], r[1], r[2]))
	}
	body = append(body, t,
		&render.List{Items: [][]render.Block{
			{&render.Paragraph{Runs: []render.Run{{Text: "Skriv til os via Digital Post."}}}},
			{&render.Paragraph{Runs: []render.Run{{Text: "Ring på 89 40 20 00 mandag til fredag kl. 10-15."}}}},
		}},
		&render.Paragraph{Runs: []render.Run{{Text: "Har du spørgsmål til afgørelsen, er du velkommen til at kontakte Borgerservice. Oplys venligst sagsnummer 2026-004711, når du kontakter os."}}},
		&render.Signature{Greeting: "Med venlig hilsen", Name: "Mette Søgaard Østergård", Title: "Sagsbehandler, Boligstøtte og Pension"},
	)
	d.Body = body
	return d
}

func cells(texts ...string) []render.Cell {
	cs := make([]render.Cell, len(texts))
	for i, s := range texts {
		if s != "" {
			cs[i] = render.Cell{Runs: []render.Run{{Text: s}}}
		}
	}
	return cs
}

// Heavy returns a letter that exercises characters beyond Latin-1: Polish, Czech and Greek names.
func Heavy() *render.Document {
	d := Reference()
	d.Recipient = []string{"Łukasz Wąsowicz-Dvořák", "Ulice Šťastná 7", "8000 Aarhus C"}
	d.Body = append([]render.Block{&render.Paragraph{Runs: []render.Run{{Text: "Kære Łukasz Wąsowicz-Dvořák og Γιώργος Παπαδόπουλος, ěščřžýáíé ŁŚŻŹĆŃ."}}}}, d.Body...)
	return d
}

// Words is the text of d split on white space, for "no word lost" checks.
func Words(d *render.Document) []string { return strings.Fields(d.Text()) }
