package render

import "strings"

// PlainText joins the text of runs, dropping their styles.
func PlainText(runs []Run) string {
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.Text)
	}
	return b.String()
}

// Text returns every piece of text of the document in reading order, one line per letter part,
// paragraph, list item or table row (cells separated by spaces). It is what a reader of either
// rendering sees, apart from page numbers, and what tests compare extracted text against.
func (d *Document) Text() string {
	var lines []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	lh := d.Letterhead
	add(lh.Name)
	add(lh.Department)
	for _, s := range lh.Address {
		add(s)
	}
	for _, s := range lh.Contact {
		add(s)
	}
	for _, s := range d.Recipient {
		add(s)
	}
	for _, dt := range d.Details {
		add(dt.Label + " " + dt.Value)
	}
	add(d.Subject)
	var walk func(bs []Block)
	walk = func(bs []Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *Heading:
				add(PlainText(b.Runs))
			case *Paragraph:
				add(PlainText(b.Runs))
			case *List:
				for _, it := range b.Items {
					walk(it)
				}
			case *Table:
				for _, row := range append(append([][]Cell{b.Header}, b.Rows...), b.Total) {
					cells := make([]string, 0, len(row))
					for _, c := range row {
						if t := strings.TrimSpace(PlainText(c.Runs)); t != "" {
							cells = append(cells, t)
						}
					}
					add(strings.Join(cells, " "))
				}
			case *Image:
			case *PageBreak:
			case *Signature:
				add(b.Greeting)
				add(b.Name)
				add(b.Title)
			}
		}
	}
	walk(d.Body)
	add(d.Footer)
	return strings.Join(lines, "\n")
}

// Words splits text into words on white space. Tests use it to check that no word is lost.
func Words(text string) []string { return strings.Fields(text) }
