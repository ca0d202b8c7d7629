package pdfa

import (
	"bytes"
	"regexp"
	"strconv"
)

// The checks in this file read the file's bytes themselves: pdfcpu neither exposes the header's
// comment line nor the cross-reference table as written (it repairs a broken table by scanning
// the file for objects, which would hide the fault).

// eol reports the length of the end-of-line marker at b[i:] (CR, LF or CR LF), or 0.
func eol(b []byte, i int) int {
	if i < len(b) && b[i] == '\r' {
		if i+1 < len(b) && b[i+1] == '\n' {
			return 2
		}
		return 1
	}
	if i < len(b) && b[i] == '\n' {
		return 1
	}
	return 0
}

func (c *checker) checkHeader() {
	c.phase = 0
	b := c.raw
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || len(b) < 8 {
		c.add(ruleHeader, 0, "file", "the file does not begin with %%PDF-1.n at byte 0")
		return
	}
	if b[7] < '0' || b[7] > '7' {
		c.add(ruleHeader, 0, "file", "header %q: the version must be 1.0 to 1.7", b[:8])
		return
	}
	i := 8
	n := eol(b, i)
	if n == 0 {
		c.add(ruleHeader, 0, "file", "header %q is not followed by a single end-of-line marker", b[:min(len(b), 12)])
		return
	}
	i += n
	if i >= len(b) || b[i] != '%' {
		c.add(ruleHeader, 0, "file", "no binary comment line after the header: the second line must be %% followed by at least 4 bytes above 127")
		return
	}
	high := 0
	for j := i + 1; j < len(b) && b[j] != '\r' && b[j] != '\n'; j++ {
		if b[j] > 127 {
			high++
		} else {
			break
		}
	}
	if high < 4 {
		c.add(ruleHeader, 0, "file", "the comment after the header starts with %d bytes above 127, need at least 4", high)
	}
}

func (c *checker) checkEOF() {
	c.phase = 0
	b := c.raw
	i := bytes.LastIndex(b, []byte("%%EOF"))
	if i < 0 {
		c.add(ruleTrailer, 0, "file", "no %%%%EOF marker")
		return
	}
	rest := b[i+5:]
	if n := eol(rest, 0); n == len(rest) {
		return
	}
	c.add(ruleTrailer, 0, "file", "%d bytes follow the last %%%%EOF (only one optional end-of-line marker may)", len(rest))
}

var (
	reStartxref = regexp.MustCompile(`startxref[\r\n ]+(\d+)[\r\n ]+%%EOF`)
	reObjHead   = regexp.MustCompile(`^[\x00\t\n\f\r ]*(\d+)[\x00\t\n\f\r ]+(\d+)[\x00\t\n\f\r ]+obj`)
	reSubsec    = regexp.MustCompile(`^(\d+)( +)(\d+)[ ]*(\r\n|\r|\n)`)
	rePrev      = regexp.MustCompile(`/Prev[\x00\t\n\f\r ]+(\d+)`)
)

// objAt reports whether an object header "nr gen obj" is at offset off.
func (c *checker) objAt(off int64, nr, gen int) (gotNr, gotGen int, ok bool) {
	if off < 0 || off >= int64(len(c.raw)) {
		return 0, 0, false
	}
	m := reObjHead.FindSubmatch(c.raw[off:min(int64(len(c.raw)), off+64)])
	if m == nil {
		return 0, 0, false
	}
	gotNr, _ = strconv.Atoi(string(m[1]))
	gotGen, _ = strconv.Atoi(string(m[2]))
	return gotNr, gotGen, gotNr == nr && gotGen == gen
}

func (c *checker) checkXref() {
	c.phase = 0
	b := c.raw
	tail := b[max(0, len(b)-2048):]
	ms := reStartxref.FindAllSubmatch(tail, -1)
	if ms == nil {
		c.add(ruleXref, 0, "file", "no startxref offset before the last %%%%EOF")
		return
	}
	off, err := strconv.ParseInt(string(ms[len(ms)-1][1]), 10, 64)
	if err != nil || off >= int64(len(b)) {
		c.add(ruleXref, 0, "file", "startxref %s points outside the file", ms[len(ms)-1][1])
		return
	}
	seen := map[int64]bool{}
	for !seen[off] {
		seen[off] = true
		if bytes.HasPrefix(b[off:], []byte("xref")) {
			c.xrefKind = "table"
			prev, ok := c.xrefTable(off)
			if !ok || prev < 0 {
				return
			}
			off = prev
			continue
		}
		if m := reObjHead.FindSubmatch(b[off:min(int64(len(b)), off+64)]); m != nil {
			c.xrefKind = "stream"
			if c.opt.Part == 1 {
				c.add(ruleXref, 0, "file", "the cross-reference section at offset %d is an xref stream; PDF/A-1 allows only xref tables", off)
			}
			return // pdfcpu reads the stream; checkXrefStreamOffsets checks its offsets
		}
		c.add(ruleXref, 0, "file", "offset %d (from startxref or /Prev) holds neither an xref table nor an xref stream", off)
		return
	}
}

// xrefTable checks the table at off and returns the trailer's /Prev offset (-1 if none).
func (c *checker) xrefTable(off int64) (prev int64, ok bool) {
	b := c.raw
	i := int(off) + 4
	if n := eol(b, i); n == 0 {
		c.add(ruleXref, 0, "file", "the xref keyword at offset %d is not followed by a single end-of-line marker", off)
		// go on: the rest can still be read
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		i += eol(b, i)
	} else {
		i += n
	}
	for {
		if bytes.HasPrefix(b[i:], []byte("trailer")) {
			break
		}
		m := reSubsec.FindSubmatch(b[i:min(len(b), i+64)])
		if m == nil {
			c.add(ruleXref, 0, "file", "malformed cross-reference subsection header at offset %d", i)
			return -1, false
		}
		if len(m[2]) != 1 {
			c.add(ruleXref, 0, "file", "the subsection header at offset %d separates its numbers by %d spaces, not one", i, len(m[2]))
		}
		first, _ := strconv.Atoi(string(m[1]))
		count, _ := strconv.Atoi(string(m[3]))
		i += len(m[0])
		for k := range count {
			if i+20 > len(b) {
				c.add(ruleXref, 0, "file", "the cross-reference table ends inside its entries")
				return -1, false
			}
			e := b[i : i+20]
			// "nnnnnnnnnn ggggg n" plus a two-byte EOL (SP CR, SP LF or CR LF)
			if e[10] != ' ' || e[16] != ' ' || (e[17] != 'n' && e[17] != 'f') || !(e[18] == ' ' || e[18] == '\r') || !(e[19] == '\n' || e[19] == '\r') {
				c.add(ruleXref, 0, "file", "malformed cross-reference entry for object %d at offset %d: %q", first+k, i, e)
				return -1, false
			}
			entOff, err1 := strconv.ParseInt(string(e[:10]), 10, 64)
			gen, err2 := strconv.Atoi(string(e[11:16]))
			if err1 != nil || err2 != nil {
				c.add(ruleXref, 0, "file", "malformed cross-reference entry for object %d at offset %d: %q", first+k, i, e)
				return -1, false
			}
			if e[17] == 'n' {
				nr := first + k
				if gotNr, gotGen, ok := c.objAt(entOff, nr, gen); !ok {
					if gotNr == 0 && gotGen == 0 {
						c.add(ruleXref, nr, "file", "the xref entry for object %d %d points at offset %d, where no \"%d %d obj\" begins", nr, gen, entOff, nr, gen)
					} else {
						c.add(ruleXref, nr, "file", "the xref entry for object %d %d points at offset %d, where object %d %d begins", nr, gen, entOff, gotNr, gotGen)
					}
				}
			}
			i += 20
		}
	}
	end := bytes.Index(b[i:], []byte("startxref"))
	if end < 0 {
		end = len(b) - i
	}
	if c.lastTrailer == nil {
		c.lastTrailer = b[i : i+end]
	}
	if m := rePrev.FindSubmatch(b[i : i+end]); m != nil {
		p, err := strconv.ParseInt(string(m[1]), 10, 64)
		if err == nil && p < int64(len(b)) {
			return p, true
		}
	}
	return -1, true
}

// checkXrefStreamOffsets checks, for files whose last section is an xref stream, that the
// offsets pdfcpu read from it point at the objects.
func (c *checker) checkXrefStreamOffsets() {
	if c.xrefKind != "stream" {
		return
	}
	c.phase = 0
	for _, nr := range c.objectNumbers() {
		e := c.x.Table[nr]
		if e.Compressed || e.Offset == nil || e.Generation == nil {
			continue
		}
		if _, _, ok := c.objAt(*e.Offset, nr, *e.Generation); !ok {
			c.add(ruleXref, nr, "file", "the cross-reference entry for object %d %d points at offset %d, where no \"%d %d obj\" begins", nr, *e.Generation, *e.Offset, nr, *e.Generation)
		}
	}
}

var reTrailerID = regexp.MustCompile(`/ID[\x00\t\n\f\r ]*\[`)

// rawTrailerID counts the byte strings in the /ID array of the last trailer as written (pdfcpu
// repairs a one-element /ID by doubling it). ok is false when the trailer has no /ID; other
// reports an element that is not a string.
func rawTrailerID(trailer []byte) (strs int, other bool, ok bool) {
	loc := reTrailerID.FindIndex(trailer)
	if loc == nil {
		return 0, false, false
	}
	b := trailer[loc[1]:]
	for i := 0; i < len(b); {
		switch ch := b[i]; {
		case ch == ']':
			return strs, other, true
		case ch == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				return strs, true, true
			}
			strs++
			i += j + 1
		case ch == '(':
			depth := 0
			j := i
			for ; j < len(b); j++ {
				if b[j] == '\\' {
					j++
					continue
				}
				if b[j] == '(' {
					depth++
				} else if b[j] == ')' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			strs++
			i = j + 1
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == 0:
			i++
		default:
			other = true
			i++
		}
	}
	return strs, true, true
}
