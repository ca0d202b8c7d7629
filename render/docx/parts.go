package docx

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/postbud/postbud/render"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const packageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const fixedDocumentRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="` + relStyles + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="` + relNumbering + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="` + relSettings + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="` + relHeader + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="` + relHeaderFirst + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/><Relationship Id="` + relFooter + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="` + relFontTable + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>`

func (w *writer) documentRels(b *buf) {
	b.raw(fixedDocumentRels)
	for _, r := range w.rels {
		b.raw(`<Relationship Id="`)
		b.raw(r.id)
		b.raw(`" Type="`)
		b.raw(r.typ)
		b.raw(`" Target="`)
		b.attr(r.target)
		if r.external {
			b.raw(`" TargetMode="External`)
		}
		b.raw(`"/>`)
	}
	b.raw(`</Relationships>`)
}

func (w *writer) core(b *buf) {
	m := w.d.Meta
	b.raw(xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	el := func(open, close, v string) {
		if v == "" {
			return
		}
		b.raw(open)
		b.text(v)
		b.raw(close)
	}
	el("<dc:title>", "</dc:title>", m.Title)
	el("<dc:subject>", "</dc:subject>", m.Subject)
	el("<dc:creator>", "</dc:creator>", m.Author)
	if len(m.Keywords) > 0 && (len(m.Keywords) > 1 || m.Keywords[0] != "") {
		b.raw("<cp:keywords>")
		for i, k := range m.Keywords {
			if i > 0 {
				b.raw(", ")
			}
			b.text(k)
		}
		b.raw("</cp:keywords>")
	}
	el("<dc:language>", "</dc:language>", m.Language)
	created := m.CreatedOrFixed()
	b.raw(`<dcterms:created xsi:type="dcterms:W3CDTF">`)
	var stamp [64]byte
	ts := created.AppendFormat(stamp[:0], time.RFC3339)
	b.bytes(ts)
	b.raw(`</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">`)
	b.bytes(ts)
	b.raw(`</dcterms:modified></cp:coreProperties>`)
}

func (w *writer) app(b *buf) {
	b.raw(xmlHeader + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>`)
	app := w.d.Meta.Creator
	if app == "" {
		app = "postbud"
	}
	b.text(app)
	b.raw(`</Application><DocSecurity>0</DocSecurity>`)
	if w.d.Letterhead.Name != "" {
		b.raw(`<Company>`)
		b.text(w.d.Letterhead.Name)
		b.raw(`</Company>`)
	}
	b.raw(`</Properties>`)
}

const settingsStart = xmlHeader + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/>`

const settingsRest = `<w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>`

func (w *writer) settings(b *buf) {
	b.raw(settingsStart)
	if w.embedded[styleRegular] != nil {
		b.raw(`<w:embedTrueTypeFonts/>`)
	}
	b.raw(settingsRest)
	if w.l.lang != "" {
		b.raw(`<w:themeFontLang w:val="`)
		b.attr(w.l.lang)
		b.raw(`"/>`)
	}
	b.raw(`</w:settings>`)
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// firstHeader is the header of page 1 (word/header2.xml): empty, since the letterhead is part of
// the first page's body (so that its text is in word/document.xml), and 1 pt high so that it
// does not move the body down; an empty header keeps Word and LibreOffice from drawing anything
// of their own above the top margin.
const firstHeader = xmlHeader + `<w:hdr ` + wordNS + `><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>`

// header writes word/header1.xml, the running head of pages 2..n as render/pdf sets it: the
// recipient's name and the case number on the left and the page label on the right, in small
// grey type above a hairline rule, headGap above the body. A letter with neither gets
// firstHeader's empty paragraph. The head names the recipient, so the part is packed for each
// letter and never cached.
func (w *writer) header(b *buf) {
	text, label := headText(w.d), w.d.PageLabel
	if text == "" && label == "" {
		b.raw(firstHeader)
		return
	}
	b.raw(xmlHeader + `<w:hdr ` + wordNS + `>`)
	// The head's line box starts headTop below the header's top (the header distance), its rule
	// is 0.8 mm below the line, and headGap below the rule the body begins.
	w.sideBySide(b, "Header", text, label, headSizePt, "bottom", twips(headTop), twips(0.8), twips(headGap))
	b.raw(`</w:hdr>`)
}

// headTop is the space between the header distance and the running head's first line: the
// header distance is headTop above the top margin, where render/pdf starts the head.
const headTop = 0.5

// headText is the left part of the running head, as render/pdf makes it: the first recipient
// line and the case number (the detail keyed render.DetailCase, else the first unkeyed one),
// joined by " · ".
func headText(d *render.Document) string {
	var parts []string
	if len(d.Recipient) > 0 {
		if n := strings.TrimSpace(d.Recipient[0]); n != "" {
			parts = append(parts, n)
		}
	}
	if dt, ok := d.CaseDetail(); ok {
		v := strings.TrimSpace(dt.Value)
		if lb := strings.TrimSpace(dt.Label); lb != "" {
			v = lb + ": " + v
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, " · ")
}

// sideBySide writes, in paragraph style style, text and a page label (with {page} and {pages} as PAGE and NUMPAGES fields)
// on one line of the text width at sizePt in grey, as a borderless two-column table with a
// hairline rule on the given side ("top" or "bottom") and top and bottom cell padding in
// twips, so that a long text wraps in its own column and never pushes the label to a line of
// its own; then the paragraph that must follow a table, after twips high.
func (w *writer) sideBySide(b *buf, style, text, label string, sizePt float64, rule string, padTop, padBottom, after int) {
	total := twips(w.l.textWidth)
	labelW := 0
	if label != "" {
		// Room for the label at 888 pages (every digit is as wide as every other), and the PDF's
		// 5 mm between text and label.
		s := strings.NewReplacer("{page}", "888", "{pages}", "888").Replace(label)
		labelW = min(twips(w.l.m.width(s, false, sizePt)+5), total/2)
	}
	textW := total - labelW
	sz := halfPoints(sizePt)
	b.raw(`<w:tbl><w:tblPr><w:tblW w:w="`)
	b.int(total)
	b.raw(`" w:type="dxa"/><w:tblBorders><w:` + rule + ` w:val="single" w:sz="2" w:space="0" w:color="` + ruleGrey + `"/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="`)
	b.int(padTop)
	b.raw(`" w:type="dxa"/><w:left w:w="0" w:type="dxa"/><w:bottom w:w="`)
	b.int(padBottom)
	b.raw(`" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid><w:gridCol w:w="`)
	b.int(textW)
	b.raw(`"/>`)
	if labelW > 0 {
		b.raw(`<w:gridCol w:w="`)
		b.int(labelW)
		b.raw(`"/>`)
	}
	b.raw(`</w:tblGrid><w:tr>`)
	line := lineTwips(sizePt, 1.2)
	cellOpen(b, textW, 1, "")
	writePPr(b, pPr{style: style, line: line, size: sz})
	writeRun(b, text, rPr{size: sz})
	b.raw(`</w:p></w:tc>`)
	if labelW > 0 {
		cellOpen(b, labelW, 1, "")
		writePPr(b, pPr{style: style, jc: "right", line: line, size: sz})
		r := rPr{size: sz}
		s := label
		for s != "" {
			i := strings.IndexByte(s, '{')
			if i < 0 {
				writeRun(b, s, r)
				break
			}
			switch {
			case strings.HasPrefix(s[i:], "{pages}"):
				writeRun(b, s[:i], r)
				field(b, "NUMPAGES", sz)
				s = s[i+len("{pages}"):]
			case strings.HasPrefix(s[i:], "{page}"):
				writeRun(b, s[:i], r)
				field(b, "PAGE", sz)
				s = s[i+len("{page}"):]
			default:
				writeRun(b, s[:i+1], r)
				s = s[i+1:]
			}
		}
		b.raw(`</w:p></w:tc>`)
	}
	b.raw(`</w:tr></w:tbl><w:p><w:pPr><w:pStyle w:val="` + style + `"/><w:spacing w:before="0" w:after="0" w:line="`)
	b.int(max(after, 2))
	b.raw(`" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p>`)
}

// footer writes the footer as render/pdf draws it: a thin grey rule across the text width, then
// the footer text on the left and the page label on the right of the same line (sideBySide).
func (w *writer) footer(b *buf) {
	b.raw(xmlHeader + `<w:ftr ` + wordNS + `>`)
	if w.d.Footer == "" && w.d.PageLabel == "" {
		b.raw(`<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p></w:ftr>`)
		return
	}
	w.sideBySide(b, "Footer", w.d.Footer, w.d.PageLabel, footerSizePt, "top", twips(footerTextTop-footerRuleAt), 0, 20)
	b.raw(`</w:ftr>`)
}

// field writes a complex field (PAGE, NUMPAGES) with "1" as its cached result; Word and
// LibreOffice compute the real value when they lay out the page.
func field(b *buf, instr string, sz int) {
	var r buf
	writeRPr(&r, rPr{size: sz})
	rp := string(r.b)
	b.raw(`<w:r>` + rp + `<w:fldChar w:fldCharType="begin"/></w:r><w:r>` + rp + `<w:instrText xml:space="preserve"> `)
	b.raw(instr)
	b.raw(` \* MERGEFORMAT </w:instrText></w:r><w:r>` + rp + `<w:fldChar w:fldCharType="separate"/></w:r><w:r>` + rp + `<w:t>1</w:t></w:r><w:r>` + rp + `<w:fldChar w:fldCharType="end"/></w:r>`)
}

// styles writes word/styles.xml: the document defaults (font, size, language) and the styles the
// body uses, with render/pdf's sizes, leading and spacing: body text in exact lines of
// bodyLeading with paraGapEm after a paragraph and widow control; Heading1 for the subject,
// Heading2 and Heading3 for the body's headings, kept with what follows; the table text; the
// footer.
func (w *writer) styles(b *buf) {
	l := w.l
	sz := halfPoints(l.size)
	tw := func(v float64) { b.int(int(math.Round(v))) }
	b.raw(xmlHeader + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="`)
	b.attr(l.font)
	b.raw(`" w:eastAsia="`)
	b.attr(l.font)
	b.raw(`" w:hAnsi="`)
	b.attr(l.font)
	b.raw(`" w:cs="`)
	b.attr(l.font)
	b.raw(`"/><w:sz w:val="`)
	b.int(sz)
	b.raw(`"/><w:szCs w:val="`)
	b.int(sz)
	b.raw(`"/>`)
	if l.lang != "" {
		b.raw(`<w:lang w:val="`)
		b.attr(l.lang)
		b.raw(`" w:eastAsia="`)
		b.attr(l.lang)
		b.raw(`"/>`)
	}
	b.raw(`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>`)
	b.raw(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl/><w:spacing w:before="0" w:after="`)
	tw(l.size * paraGapEm * 20)
	b.raw(`" w:line="`)
	b.int(lineTwips(l.size, bodyLeading))
	b.raw(`" w:lineRule="exact"/></w:pPr></w:style>`)
	b.raw(`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>`)
	b.raw(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.raw(`<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>`)
	styleSize := func(pt float64) {
		hp := halfPoints(pt)
		b.raw(`<w:sz w:val="`)
		b.int(hp)
		b.raw(`"/><w:szCs w:val="`)
		b.int(hp)
		b.raw(`"/>`)
	}
	for i, h := range headingStyleParts {
		b.raw(h.open)
		hs := l.size * h.scale
		b.raw(`<w:spacing w:before="`)
		tw(l.size * h.before * 20)
		b.raw(`" w:after="`)
		tw(l.size * h.after * 20)
		b.raw(`" w:line="`)
		b.int(lineTwips(hs, h.leading))
		b.raw(`" w:lineRule="exact"/><w:outlineLvl w:val="`)
		b.int(i)
		b.raw(`"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="`)
		if i == 0 {
			b.raw("000000")
		} else {
			b.raw(l.accent)
		}
		b.raw(`"/>`)
		styleSize(hs)
		b.raw(`</w:rPr></w:style>`)
	}
	b.raw(`<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:ind w:left="`)
	b.int(listIndent)
	b.raw(`"/></w:pPr></w:style>`)
	for i, open := range headerFooterStyles {
		b.raw(open)
		pt := footerSizePt
		if i == 0 {
			pt = 1
		}
		b.raw(`<w:pPr><w:spacing w:before="0" w:after="0" w:line="`)
		b.int(lineTwips(pt, 1.2))
		b.raw(`" w:lineRule="exact"/></w:pPr><w:rPr><w:color w:val="` + greyText + `"/>`)
		styleSize(pt)
		b.raw(`</w:rPr></w:style>`)
	}
	b.raw(`<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>`)
	b.raw(`<w:style w:type="table" w:styleId="LetterTable"><w:name w:val="Letter Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:before="0" w:after="0" w:line="`)
	b.int(lineTwips(l.size*tableScale, tableLeading))
	b.raw(`" w:lineRule="exact"/></w:pPr><w:rPr>`)
	styleSize(l.size * tableScale)
	b.raw(`</w:rPr><w:tblPr><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblCellMar><w:top w:w="`)
	b.int(cellPadTwips)
	b.raw(`" w:type="dxa"/><w:left w:w="`)
	b.int(cellMarginTwips)
	b.raw(`" w:type="dxa"/><w:bottom w:w="`)
	b.int(cellPadTwips)
	b.raw(`" w:type="dxa"/><w:right w:w="`)
	b.int(cellMarginTwips)
	b.raw(`" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.raw(`</w:styles>`)
}

// headingStyleParts are the heading styles up to their spacing, with render/pdf's size
// (relative to the body size), leading and space before and after (in body ems): Heading1 is the
// subject, black; Heading2 and Heading3 the body's headings of levels 2 and 3, in the accent
// colour.
var headingStyleParts = func() (hs [3]struct {
	open                          string
	scale, leading, before, after float64
}) {
	for i, p := range [3][4]float64{
		{subjectScale, subjectLeading, 0, subjectGapEm},
		{headingScale[1], headingLeading, headingBefore, headingAfter},
		{headingScale[2], headingLeading, headingBefore, headingAfter},
	} {
		n := strconv.Itoa(i + 1)
		hs[i].open = `<w:style w:type="paragraph" w:styleId="Heading` + n + `"><w:name w:val="heading ` + n + `"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:widowControl/>`
		hs[i].scale, hs[i].leading, hs[i].before, hs[i].after = p[0], p[1], p[2], p[3]
	}
	return hs
}()

// headerFooterStyles are the Header and Footer paragraph styles up to their properties.
var headerFooterStyles = [...]string{headerFooterStyle("Header"), headerFooterStyle("Footer")}

func headerFooterStyle(name string) string {
	return `<w:style w:type="paragraph" w:styleId="` + name + `"><w:name w:val="` + strings.ToLower(name) + `"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>`
}

// numbering writes word/numbering.xml: one abstract bullet list and one abstract decimal list of
// nine levels each, and one w:num per list in the document. Every ordered list restarts at its
// Start through a start override on its level.
func (w *writer) numbering(b *buf) {
	b.raw(abstractNumbering)
	for i, n := range w.nums {
		b.raw(`<w:num w:numId="`)
		b.int(i + 1)
		if !n.ordered {
			b.raw(`"><w:abstractNumId w:val="0"/></w:num>`)
			continue
		}
		b.raw(`"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="`)
		b.int(n.lvl)
		b.raw(`"><w:startOverride w:val="`)
		b.int(n.start)
		b.raw(`"/></w:lvlOverride></w:num>`)
	}
	b.raw(`</w:numbering>`)
}

var abstractNumbering = func() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`)
	lvl := func(i int, format, text string) {
		ind := strconv.Itoa(listIndent * (i + 1))
		b.WriteString(`<w:lvl w:ilvl="` + strconv.Itoa(i) + `"><w:start w:val="1"/><w:numFmt w:val="` + format + `"/><w:lvlText w:val="` + text + `"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="` + ind + `" w:hanging="` + strconv.Itoa(listIndent) + `"/></w:pPr></w:lvl>`)
	}
	b.WriteString(`<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>`)
	for i := range maxListLevel + 1 {
		lvl(i, "bullet", "•") // at every level, as render/pdf marks items, in every font set
	}
	b.WriteString(`</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>`)
	for i := range maxListLevel + 1 {
		n := strconv.Itoa(i + 1)
		switch i % 3 {
		case 0:
			lvl(i, "decimal", "%"+n+".")
		case 1:
			lvl(i, "lowerLetter", "%"+n+".")
		case 2:
			lvl(i, "lowerRoman", "%"+n+".")
		}
	}
	b.WriteString(`</w:abstractNum>`)
	return b.String()
}()
