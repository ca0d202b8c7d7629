package docx

// The typography of render/pdf (layout.go, parts.go, footer.go), which the DOCX repeats so that
// a letter converted from DOCX has the PDF's lines, pages and positions: sizes in points or relative
// to the body size where they scale with it, lengths in millimetres. TestMatchesPDF checks the
// result against the PDF itself.
const (
	bodyLeading    = 1.3  // line height / font size for body text
	tableLeading   = 1.2  // in tables
	tableScale     = 0.9  // table text size / body size
	paraGapEm      = 0.6  // space after a paragraph, in body ems
	itemGapEm      = 0.3  // between list items
	subjectScale   = 1.45 // subject size / body size
	subjectLeading = 1.2
	subjectGapEm   = 0.6  // after the subject, in body ems
	headingLeading = 1.15 // body headings
	headingBefore  = 0.5  // body ems before a body heading
	headingAfter   = 0.3  // and after it
	listIndentMM   = 6.0  // per list level
	cellPadY       = 0.5
	windowInset    = 5.0 // from the window's left and right edges to the address
	addressLeading = 1.25
	addressIndent  = 3.0  // continuation lines of a wrapped address line
	addressStep    = 0.25 // pt: the address is set smaller by this much at a time until it fits
	minAddressPt   = 8.0  // the smallest size postal sorting machines read
	footerRuleAt   = 0.8  // below the top of the footer zone
	footerTextTop  = 2.0
	footerClear    = 4.0 // least distance from the body text to the footer rule
	footerSizePt   = 7.5
	headSizePt     = 8.0 // the running head of pages 2..n
	headGap        = 4.0 // from the running head's rule to the body text
	returnSizePt   = 7.0
	minReturnPt    = 5.0
	logoMaxW       = 50.0
	logoMaxH       = 20.0
	signatureMaxH  = 25.0
	detailsX       = 125.0 // DIN 5008 form B: the information block starts 125 mm from the page's edge
	detailsGap     = 8.0   // at least, between the window and the information block
	detailsW       = 75.0  // DIN 5008's width of the information block (125 to 200 mm on A4)
	detailsEdge    = 10.0  // the information block keeps this far from the page's right edge
	minDetailsW    = 35.0  // narrower than this and the details go below the window
	ptMM           = 25.4 / 72
	senderShare    = 0.58 // of the text width, for the sender's name and address
	contactGap     = 5.0  // between the sender and the logo and contact column
	detailsLeading = 1.3
)

// headingScale is the size of a body heading of level 1, 2 and 3 relative to the body size.
var headingScale = [3]float64{1.3, 1.15, 1.05}

// Colours of the PDF: secondary text and thin rules.
const (
	greyText = "595959"
	ruleGrey = "BFBFBF"
)
