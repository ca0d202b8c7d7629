package docx

import (
	"strconv"
	"strings"
	"time"
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const packageRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const fixedDocumentRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="` + relStyles + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="` + relNumbering + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="` + relSettings + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="` + relHeader + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="` + relFooter + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>`

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

const settingsStart = xmlHeader + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>`

func (w *writer) settings(b *buf) {
	b.raw(settingsStart)
	if w.l.lang != "" {
		b.raw(`<w:themeFontLang w:val="`)
		b.attr(w.l.lang)
		b.raw(`"/>`)
	}
	b.raw(`</w:settings>`)
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// header is the page header: the letter has none (the letterhead is part of the first page's
// body, so that its text is in word/document.xml), and an empty header keeps Word and LibreOffice
// from drawing anything of their own above the top margin.
const header = xmlHeader + `<w:hdr ` + wordNS + `><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>`

// footer writes the footer line and the page label, whose {page} and {pages} become PAGE and
// NUMPAGES fields.
func (w *writer) footer(b *buf) {
	b.raw(xmlHeader + `<w:ftr ` + wordNS + `>`)
	wrote := false
	if w.d.Footer != "" {
		writePPr(b, pPr{style: "Footer"})
		writeRun(b, w.d.Footer, rPr{})
		b.raw(`</w:p>`)
		wrote = true
	}
	if w.d.PageLabel != "" {
		writePPr(b, pPr{style: "Footer", jc: "right"})
		s := w.d.PageLabel
		for s != "" {
			i := strings.IndexByte(s, '{')
			if i < 0 {
				writeRun(b, s, rPr{})
				break
			}
			switch {
			case strings.HasPrefix(s[i:], "{pages}"):
				writeRun(b, s[:i], rPr{})
				field(b, "NUMPAGES")
				s = s[i+len("{pages}"):]
			case strings.HasPrefix(s[i:], "{page}"):
				writeRun(b, s[:i], rPr{})
				field(b, "PAGE")
				s = s[i+len("{page}"):]
			default:
				writeRun(b, s[:i+1], rPr{})
				s = s[i+1:]
			}
		}
		b.raw(`</w:p>`)
		wrote = true
	}
	if !wrote {
		b.raw(`<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p>`)
	}
	b.raw(`</w:ftr>`)
}

// field writes a complex field (PAGE, NUMPAGES) with "1" as its cached result; Word and
// LibreOffice compute the real value when they lay out the page.
func field(b *buf, instr string) {
	b.raw(`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> `)
	b.raw(instr)
	b.raw(` \* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`)
}

// styles writes word/styles.xml: the document defaults (font, size, language) and the styles the
// body uses, with the accent colour on headings.
func (w *writer) styles(b *buf) {
	l := w.l
	sz := halfPoints(l.size)
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
	b.raw(`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="100" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>`)
	b.raw(`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>`)
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
	b.raw(`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="160"/></w:pPr><w:rPr><w:b/><w:bCs/>`)
	styleSize(l.size * 1.2)
	b.raw(`</w:rPr></w:style>`)
	for _, h := range headingStyleParts {
		b.raw(h.open)
		b.raw(`"/></w:pPr><w:rPr><w:b/><w:bCs/><w:color w:val="`)
		b.raw(l.accent)
		b.raw(`"/>`)
		styleSize(l.size * h.scale)
		b.raw(`</w:rPr></w:style>`)
	}
	b.raw(`<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/><w:qFormat/><w:pPr><w:spacing w:after="60"/><w:ind w:left="720"/></w:pPr></w:style>`)
	for _, open := range headerFooterStyles {
		b.raw(open)
		styleSize(l.size * 0.8)
		b.raw(`</w:rPr></w:style>`)
	}
	b.raw(`<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>`)
	b.raw(`<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>`)
	b.raw(`</w:styles>`)
}

// headingStyleParts are the heading styles up to their colour, and their size relative to the
// body text.
var headingStyleParts = func() (hs [3]struct {
	open  string
	scale float64
}) {
	for i, scale := range []float64{1.6, 1.3, 1.1} {
		n := strconv.Itoa(i + 1)
		hs[i].open = `<w:style w:type="paragraph" w:styleId="Heading` + n + `"><w:name w:val="heading ` + n + `"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="` +
			strconv.Itoa([]int{360, 280, 240}[i]) + `" w:after="120"/><w:outlineLvl w:val="` + strconv.Itoa(i)
		hs[i].scale = scale
	}
	return hs
}()

// headerFooterStyles are the Header and Footer paragraph styles up to their size.
var headerFooterStyles = [...]string{headerFooterStyle("Header"), headerFooterStyle("Footer")}

func headerFooterStyle(name string) string {
	return `<w:style w:type="paragraph" w:styleId="` + name + `"><w:name w:val="` + strings.ToLower(name) + `"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:color w:val="404040"/>`
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
		lvl(i, "bullet", []string{"•", "◦", "▪"}[i%3])
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
