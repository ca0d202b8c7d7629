package docx

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"

	"github.com/postbud/postbud/render"
)

// packed is one part as it goes into the archive: its bytes deflated or stored, with the CRC-32
// and size of the uncompressed content.
type packed struct {
	method uint16 // zipStore or zipDeflate
	crc    uint32
	size   int    // uncompressed
	data   []byte // as written to the archive
}

const (
	zipStore   = 0
	zipDeflate = 8
)

// deflateLevel is the klauspost/compress level parts are deflated at. Level 1 takes half the
// instructions of compress/flate's BestSpeed on a letter's document.xml and comes out a little
// smaller; higher levels save 2-5% of that part for 10-20% more time.
const deflateLevel = 1

// deflater is a pooled flate.Writer with the buffer it writes into: a fresh writer allocates
// hundreds of kilobytes, more than a whole letter costs otherwise.
type deflater struct {
	fw  *flate.Writer
	out buf
}

// Write appends p; it lets a buf take a flate.Writer's output.
func (w *buf) Write(p []byte) (int, error) {
	w.bytes(p)
	return len(p), nil
}

var deflaters = sync.Pool{New: func() any {
	d := new(deflater)
	d.fw, _ = flate.NewWriter(&d.out, deflateLevel) // the level is valid: no error
	return d
}}

// deflateAppend appends data deflated to dst. The output depends only on data: a pooled writer is
// reset before use and compresses exactly as a new one does.
func deflateAppend(dst, data []byte) []byte {
	d := deflaters.Get().(*deflater)
	d.out.b = dst
	d.fw.Reset(&d.out)
	d.fw.Write(data) // writes to a buf do not fail
	d.fw.Close()
	dst, d.out.b = d.out.b, nil
	deflaters.Put(d)
	return dst
}

// storeBelow is the size under which a part written afresh for every letter (core properties,
// a very short document.xml) is stored rather than deflated: compressing a few hundred bytes saves
// little and costs a Huffman table each.
const storeBelow = 1024

// packLetter packs a part that is written for one letter: stored below storeBelow, otherwise
// deflated into scratch, which it returns grown. The result's data may point into scratch.
func packLetter(data, scratch []byte) (packed, []byte) {
	p := packed{method: zipStore, crc: crc32.ChecksumIEEE(data), size: len(data), data: data}
	if len(data) >= storeBelow {
		start := len(scratch)
		scratch = deflateAppend(scratch, data)
		p.method, p.data = zipDeflate, scratch[start:len(scratch):len(scratch)]
	}
	return p, scratch
}

// packShared packs a part that is the same for many letters (styles, numbering, settings,
// footer, relationships, the constant parts), into memory of its own: deflated whenever that makes
// it smaller, as it is compressed once and then copied from the cache.
func packShared(data []byte) packed {
	z := deflateAppend(make([]byte, 0, len(data)/2+64), data)
	p := packed{method: zipDeflate, crc: crc32.ChecksumIEEE(data), size: len(data), data: z}
	if len(z) >= len(data) {
		p.method, p.data = zipStore, append([]byte(nil), data...)
	}
	return p
}

// compressed caches the packed form of the parts that repeat from letter to letter, keyed by
// their exact content, so the cache never changes the output, only the time it takes. It holds at
// most cacheEntries parts of at most cacheMaxPart bytes (under 64 MB with keys) and starts afresh
// when full.
var compressed = struct {
	sync.Mutex
	m map[string]packed
}{m: make(map[string]packed)}

const (
	cacheEntries = 512
	cacheMaxPart = 64 << 10
)

// useCache is switched off by benchmarks that measure a cold render.
var useCache = true

// Parts that never change are packed once per process.
var (
	packedContentTypes = packShared([]byte(contentTypes))
	packedPackageRels  = packShared([]byte(packageRels))
	packedFirstHeader  = packShared([]byte(firstHeader))
)

// sharedParts are the parts that depend on the document's settings (font, size, language,
// accent, footer) and lists, links and images, but not on its text: letters from one template
// share them. pack looks them up in compressed all at once.
var sharedParts = [...]struct {
	name  string
	write func(*writer, *buf)
}{
	{"docProps/app.xml", (*writer).app},
	{"word/styles.xml", (*writer).styles},
	{"word/numbering.xml", (*writer).numbering},
	{"word/settings.xml", (*writer).settings},
	{"word/footer1.xml", (*writer).footer},
	{"word/_rels/document.xml.rels", (*writer).documentRels},
	{"word/fontTable.xml", (*writer).fontTable},
	{"word/_rels/fontTable.xml.rels", (*writer).fontTableRels},
}

const (
	sharedApp = iota
	sharedStyles
	sharedNumbering
	sharedSettings
	sharedFooter
	sharedDocumentRels
	sharedFontTable
	sharedFontTableRels
	nShared
)

// scratch is the per-letter memory of pack: the shared parts and the core properties as
// written, and deflated document.xml. It is pooled; what goes into the result is copied.
type scratch struct {
	src, z []byte
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// entry is one file of the archive.
type entry struct {
	name string
	packed
}

// pack writes the parts into a zip archive in a fixed order, every entry dated Meta.Created (or
// render.FixedDate), and returns it in a slice of exactly its size.
func (w *writer) pack() ([]byte, error) {
	sc := scratches.Get().(*scratch)
	defer func() {
		if cap(sc.src) <= maxPooledBody && cap(sc.z) <= maxPooledBody {
			scratches.Put(sc)
		}
	}()

	// The shared parts, one after another in sc.src, then core.xml.
	b := buf{b: sc.src[:0]}
	var ends [nShared + 1]int
	for i, p := range sharedParts {
		p.write(w, &b)
		ends[i+1] = len(b.b)
	}
	w.core(&b)
	coreEnd := len(b.b)
	w.header(&b)
	sc.src = b.b
	src := func(i int) []byte { return b.b[ends[i]:ends[i+1]:ends[i+1]] }

	var shared [nShared]packed
	var found [nShared]bool
	if useCache {
		compressed.Lock()
		for i := range shared {
			shared[i], found[i] = compressed.m[string(src(i))]
		}
		compressed.Unlock()
	}
	missed := false
	for i := range shared {
		if !found[i] {
			shared[i] = packShared(src(i))
			missed = true
		}
	}
	if missed && useCache {
		compressed.Lock()
		for i := range shared {
			if data := src(i); !found[i] && len(data) <= cacheMaxPart {
				if len(compressed.m) >= cacheEntries {
					clear(compressed.m)
				}
				compressed.m[string(data)] = shared[i]
			}
		}
		compressed.Unlock()
	}

	z := sc.z[:0]
	core, z := packLetter(b.b[ends[nShared]:coreEnd:coreEnd], z)
	head, z := packLetter(b.b[coreEnd:len(b.b):len(b.b)], z)
	document, z := packLetter(w.body.b, z)
	sc.z = z

	var fixed [14 + nStyles]entry
	entries := append(fixed[:0],
		entry{"[Content_Types].xml", packedContentTypes},
		entry{"_rels/.rels", packedPackageRels},
		entry{"docProps/core.xml", core},
		entry{"docProps/app.xml", shared[sharedApp]},
		entry{"word/document.xml", document},
		entry{"word/styles.xml", shared[sharedStyles]},
		entry{"word/numbering.xml", shared[sharedNumbering]},
		entry{"word/settings.xml", shared[sharedSettings]},
		entry{"word/header1.xml", head},
		entry{"word/header2.xml", packedFirstHeader},
		entry{"word/footer1.xml", shared[sharedFooter]},
		entry{"word/_rels/document.xml.rels", shared[sharedDocumentRels]},
		entry{"word/fontTable.xml", shared[sharedFontTable]},
		entry{"word/_rels/fontTable.xml.rels", shared[sharedFontTableRels]},
	)
	for s, f := range w.embedded {
		if f != nil {
			entries = append(entries, entry{fontPartName(fontStyle(s)), f.part})
		}
	}
	for _, m := range w.media {
		entries = append(entries, entry{"word/" + m.name, packed{method: zipStore, crc: crc32.ChecksumIEEE(m.data), size: len(m.data), data: m.data}})
	}
	return writeZip(entries, zipTime(w.d.Meta.CreatedOrFixed()))
}

// dosTime is a time as the date and time fields of a zip header hold it.
type dosTime struct{ date, time uint16 }

// zipTime converts t, in UTC, to MS-DOS date and time (two-second resolution). The zip format
// holds the years 1980 to 2107; other years give render.FixedDate.
func zipTime(t time.Time) dosTime {
	t = t.UTC()
	if t.Year() < 1980 || t.Year() > 2107 {
		t = render.FixedDate.UTC()
	}
	return dosTime{
		date: uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9),
		time: uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11),
	}
}

// Zip record sizes and signatures (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16).
const (
	localHeaderLen   = 30
	centralHeaderLen = 46
	endRecordLen     = 22
	localSig         = 0x04034b50
	centralSig       = 0x02014b50
	endSig           = 0x06054b50
	zipVersion       = 20 // 2.0: deflate; made by MS-DOS, so no file modes
)

// writeZip writes entries as a zip archive: for each a local header with the CRC and sizes
// (no data descriptor) and its data, then the central directory. The records are what
// archive/zip's CreateRaw writes for such entries, with the version and time fields filled in.
func writeZip(entries []entry, mod dosTime) ([]byte, error) {
	size := endRecordLen
	for _, e := range entries {
		size += localHeaderLen + centralHeaderLen + 2*len(e.name) + len(e.data)
		if e.size >= math.MaxUint32 {
			return nil, fmt.Errorf("docx: %s is %d bytes, more than a zip without zip64 holds", e.name, e.size)
		}
	}
	if size >= math.MaxUint32 || len(entries) >= math.MaxUint16 {
		return nil, fmt.Errorf("docx: package of %d bytes in %d parts is more than a zip without zip64 holds", size, len(entries))
	}
	le := binary.LittleEndian
	out := make([]byte, 0, size)
	common := func(e *entry) {
		out = le.AppendUint16(out, 0) // flags
		out = le.AppendUint16(out, e.method)
		out = le.AppendUint16(out, mod.time)
		out = le.AppendUint16(out, mod.date)
		out = le.AppendUint32(out, e.crc)
		out = le.AppendUint32(out, uint32(len(e.data)))
		out = le.AppendUint32(out, uint32(e.size))
		out = le.AppendUint16(out, uint16(len(e.name)))
		out = le.AppendUint16(out, 0) // extra field length
	}
	for i := range entries {
		e := &entries[i]
		out = le.AppendUint32(out, localSig)
		out = le.AppendUint16(out, zipVersion) // needed to extract
		common(e)
		out = append(out, e.name...)
		out = append(out, e.data...)
	}
	dir, offset := len(out), 0
	for i := range entries {
		e := &entries[i]
		out = le.AppendUint32(out, centralSig)
		out = le.AppendUint16(out, zipVersion) // made by
		out = le.AppendUint16(out, zipVersion) // needed to extract
		common(e)
		out = le.AppendUint16(out, 0) // comment length
		out = le.AppendUint16(out, 0) // disk number start
		out = le.AppendUint16(out, 0) // internal attributes
		out = le.AppendUint32(out, 0) // external attributes
		out = le.AppendUint32(out, uint32(offset))
		out = append(out, e.name...)
		offset += localHeaderLen + len(e.name) + len(e.data)
	}
	dirLen := len(out) - dir
	out = le.AppendUint32(out, endSig)
	out = le.AppendUint16(out, 0) // this disk
	out = le.AppendUint16(out, 0) // disk with the central directory
	out = le.AppendUint16(out, uint16(len(entries)))
	out = le.AppendUint16(out, uint16(len(entries)))
	out = le.AppendUint32(out, uint32(dirLen))
	out = le.AppendUint32(out, uint32(dir))
	out = le.AppendUint16(out, 0) // comment length
	return out, nil
}
