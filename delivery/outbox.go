package delivery

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/postbud/postbud/internal/rawfile"
)

// OutboxChannel is the channel name the Outbox writes into its receipts.
const OutboxChannel = "outbox"

// Outbox delivers letters into a folder: <Dir>/<tenant>/<letter id>/ holds letter.<format> for each
// document, <messageUUID>.xml for a letter with a MeMo message (the message's bytes as stored), and
// receipt.json. A letter's folder appears whole or not at all: the files are written and synced in
// a temporary folder (<Dir>/<tenant>/.tmp-<letter id>/attempt-*) that is then renamed into place.
// So a letter folder that exists is a delivered letter, and the folder's name is the proof.
//
// Deliver is idempotent per letter id, across goroutines and processes sharing Dir: the first
// rename wins, and every other Deliver of that id (concurrent or later) returns the stored receipt
// without writing anything. The receipt's Reference is the folder relative to Dir,
// "<tenant>/<letter id>", so that no server path reaches a tenant. Temporary folders left by a killed process never count as delivered;
// Deliver removes those of the letter it delivers. Programs that read the outbox should skip
// entries whose names start with ".".
type Outbox struct {
	// Dir is the outbox folder; it is created (mode 0750) when missing.
	Dir string
	// Now gives the delivery time; nil means time.Now.
	Now func() time.Time
	// NoSync skips flushing files and folders to the disk. A killed process still never leaves
	// a partial letter, since the rename is atomic either way; a power cut may then lose letters
	// whose receipts were already returned. Leave it false in production.
	//
	// With it false, on Linux, letters delivered at about the same time share their flushes
	// (group commit): a letter's files are written, then one syncfs(2) of the outbox's file
	// system that began after they were written makes them durable for every letter waiting on
	// it, and a second one does the same for the rename that publishes the folder. Elsewhere each
	// file and folder is fsynced, and the renames into a tenant folder share its fsync.
	NoSync bool
}

var _ Channel = (*Outbox)(nil)

// outboxReceipt is the content of receipt.json.
type outboxReceipt struct {
	Receipt
	LetterID        string           `json:"letter_id"`
	Tenant          string           `json:"tenant"`
	Template        string           `json:"template,omitempty"`
	TemplateVersion string           `json:"template_version,omitempty"`
	Title           string           `json:"title,omitempty"`
	Documents       []outboxDocument `json:"documents"`
}

type outboxDocument struct {
	File   string `json:"file"`
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
}

const (
	receiptFile = "receipt.json"
	tempPrefix  = ".tmp-"
)

// Deliver writes l into the outbox, or returns the receipt of its earlier delivery. The receipt is
// {Channel: "outbox", Reference: "<tenant>/<letter id>", Status: "WRITTEN", MessageUUID: the MeMo
// message's uuid, if any}; receipt.json in the folder holds it too, with the letter's ids, template
// and the files' sizes and SHA-256s. A letter that cannot be written as given (no id, an id, tenant
// or messageUUID unfit for a file name, no documents, an unknown or repeated format, a stored MeMo
// message that does not match its size and SHA-256) gives a Permanent error; a failing disk, or
// a MeMo message that cannot be read, a plain one.
func (o *Outbox) Deliver(ctx context.Context, l *Letter) (*Receipt, error) {
	if err := checkLetter(l); err != nil {
		return nil, Permanent(fmt.Errorf("outbox: deliver: %w", err))
	}
	if l.Message != nil {
		if err := checkUUID(l.Message.UUID); err != nil {
			return nil, Permanent(fmt.Errorf("outbox: deliver %s: %w", l.ID, err))
		}
	}
	if o.Dir == "" {
		return nil, Permanent(errors.New("outbox: deliver: Outbox.Dir is empty; configure the outbox folder"))
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	tenantDir := filepath.Join(dir, l.Tenant)
	final := filepath.Join(tenantDir, l.ID)
	ref := l.Tenant + "/" + l.ID
	if r, err := readReceipt(final, ref); err == nil {
		removeLeftovers(tenantDir, l.ID)
		return r, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	r, err := o.write(ctx, tenantDir, final, ref, l)
	if err != nil {
		// A concurrent Deliver of the same letter may have won, or removed our temporary folder
		// as a leftover after winning: its receipt is the answer then.
		if r2, err2 := readReceipt(final, ref); err2 == nil {
			removeLeftovers(tenantDir, l.ID)
			return r2, nil
		}
		return nil, err
	}
	removeLeftovers(tenantDir, l.ID)
	return r, nil
}

// write puts the letter in a temporary folder and renames it to final. When final exists already
// (another Deliver won), it returns that delivery's receipt.
func (o *Outbox) write(ctx context.Context, tenantDir, final, ref string, l *Letter) (_ *Receipt, err error) {
	// Each attempt gets its own folder inside the letter's staging folder, so that leftovers of
	// a letter are found without listing the (possibly huge) tenant folder. The staging folder
	// is made first and the tenant folder (and Dir) only when that fails for want of them: one
	// system call a letter where two MkdirAll took four.
	staging := filepath.Join(tenantDir, tempPrefix+l.ID)
	if err := mkdirStaging(tenantDir, staging); err != nil {
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	tmp, err := mkdirAttempt(staging)
	if err != nil {
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	// fsyncEach: no group commit over the file system here, so every file and the attempt
	// folder are fsynced on their own.
	group := !o.NoSync && rawfile.CanSyncFS
	fsyncEach := !o.NoSync && !group
	outboxDir := filepath.Dir(tenantDir) // Dir, absolute
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	rec := outboxReceipt{
		Receipt:         Receipt{Channel: OutboxChannel, Reference: ref, Status: "WRITTEN", DeliveredAt: now().UTC()},
		LetterID:        l.ID,
		Tenant:          l.Tenant,
		Template:        l.Template,
		TemplateVersion: l.TemplateVersion,
		Title:           l.Title,
	}
	for i, d := range l.Documents {
		if i > 0 && testHookBetweenFiles != nil {
			testHookBetweenFiles(tmp)
		}
		name := "letter." + d.Format
		if err := writeFile(filepath.Join(tmp, name), d.Data, fsyncEach); err != nil {
			return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
		}
		sum := sha256.Sum256(d.Data)
		rec.Documents = append(rec.Documents, outboxDocument{File: name, Bytes: len(d.Data), SHA256: hex.EncodeToString(sum[:])})
	}
	if m := l.Message; m != nil {
		if testHookBetweenFiles != nil {
			testHookBetweenFiles(tmp)
		}
		name := m.UUID + ".xml"
		n, sum, err := writeMessage(ctx, filepath.Join(tmp, name), m, fsyncEach)
		if err != nil {
			return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
		}
		if err := checkMessage(m, n, sum); err != nil {
			return nil, Permanent(fmt.Errorf("outbox: deliver %s: %w", l.ID, err))
		}
		rec.MessageUUID = m.UUID
		rec.Documents = append(rec.Documents, outboxDocument{File: name, Bytes: int(n), SHA256: hex.EncodeToString(sum)})
	}
	if testHookBetweenFiles != nil {
		testHookBetweenFiles(tmp)
	}
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("outbox: deliver %s: encode receipt: %w", l.ID, err)
	}
	if err := writeFile(filepath.Join(tmp, receiptFile), append(js, '\n'), fsyncEach); err != nil {
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	switch {
	case group:
		// Every file of the letter and the attempt folder's names reach the disk before the
		// rename can publish them.
		if err := syncFS(outboxDir); err != nil {
			return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
		}
	case fsyncEach:
		if err := rawfile.SyncDir(tmp); err != nil {
			return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		// Renaming onto an existing, non-empty folder fails: another Deliver got there first.
		if r, rerr := readReceipt(final, ref); rerr == nil {
			os.RemoveAll(tmp)
			return r, nil
		}
		return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
	}
	if !o.NoSync {
		// The rename is durable once the tenant folder is synced. Letters renamed into the same
		// folder at about the same time share that flush (group commit): each returns only after
		// a flush that began after its own rename.
		var err error
		if group {
			err = syncFS(outboxDir)
		} else {
			err = groupSync("dir:"+tenantDir, func() error { return rawfile.SyncDir(tenantDir) })
		}
		if err != nil {
			return nil, fmt.Errorf("outbox: deliver %s: %w", l.ID, err)
		}
	}
	r := rec.Receipt
	return &r, nil
}

// mkdirStaging makes the folder staging in tenantDir (an existing one will do), and tenantDir
// with its parents when missing.
func mkdirStaging(tenantDir, staging string) error {
	err := os.Mkdir(staging, 0o750)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(tenantDir, 0o750); err != nil {
			return err
		}
		err = os.Mkdir(staging, 0o750)
	}
	if err != nil && errors.Is(err, fs.ErrExist) {
		// Another attempt's staging folder, or something else by that name: MkdirAll's answer.
		if st, serr := os.Stat(staging); serr == nil && st.IsDir() {
			return nil
		}
	}
	return err
}

// mkdirAttempt makes a new folder for one attempt at a letter in its staging folder, mode 0750
// before the umask: one mkdir(2) with a random name, where os.MkdirTemp makes it 0700 and a
// chmod would follow.
func mkdirAttempt(staging string) (string, error) {
	for range 10 {
		var rnd [8]byte
		_, _ = rand.Read(rnd[:])
		dir := filepath.Join(staging, "attempt-"+hex.EncodeToString(rnd[:]))
		err := os.Mkdir(dir, 0o750)
		if err == nil || !errors.Is(err, fs.ErrExist) {
			return dir, err
		}
	}
	return "", fmt.Errorf("make an attempt folder in %s: every name tried exists", staging)
}

// testHookBetweenFiles, when set by a test, runs between two files of a letter: after each file but
// the last (receipt.json).
var testHookBetweenFiles func(tmpDir string)

// Delivered returns the ids of the letters delivered into the outbox for tenant, sorted; none when
// the tenant has no folder yet. Temporary folders (in progress, or left by a killed process) are not
// counted.
func (o *Outbox) Delivered(tenant string) ([]string, error) {
	if err := checkName("tenant", tenant); err != nil {
		return nil, fmt.Errorf("outbox: list: %w", err)
	}
	entries, err := os.ReadDir(filepath.Join(o.Dir, tenant))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("outbox: list: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil // ReadDir sorts by name
}

// readReceipt reads the receipt of a delivered letter folder, with ref as its Reference (receipts
// written before references were relative hold the absolute path). A missing folder gives an error
// wrapping fs.ErrNotExist; a folder without a readable receipt gives a Permanent error, since only
// a person can tell what happened to it.
func readReceipt(final, ref string) (*Receipt, error) {
	path := filepath.Join(final, receiptFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(final); serr == nil {
			// The folder may have been renamed into place since the read: it holds its receipt
			// from the moment it exists, so read once more.
			b, err = os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, Permanent(fmt.Errorf("%s exists but holds no %s; it was not made by postbud's outbox: move it away to deliver the letter again", final, receiptFile))
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read receipt: %w", err)
	}
	var rec outboxReceipt
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, Permanent(fmt.Errorf("read %s: %w; the file is damaged: move the folder away to deliver the letter again", filepath.Join(final, receiptFile), err))
	}
	r := rec.Receipt
	r.Reference = ref
	return &r, nil
}

// removeLeftovers removes the staging folder of letter id in tenantDir. It runs only once the
// letter's folder exists, so whatever the staging folder holds is garbage: attempts of a killed
// process, or of a concurrent Deliver that lost (which then finds the receipt and returns it).
func removeLeftovers(tenantDir, id string) {
	staging := filepath.Join(tenantDir, tempPrefix+id)
	// Mostly the staging folder is empty (its one attempt was renamed into place): rmdir(2)
	// alone, where os.RemoveAll tries unlink(2) first.
	if err := syscall.Rmdir(staging); err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.RemoveAll(staging)
	}
}

// writeFile writes a new file of the outbox (mode 0640 before the umask), fsynced when sync is
// set.
func writeFile(path string, data []byte, sync bool) error {
	return rawfile.Create(path, data, 0o640, sync)
}

// writeMessage streams m into a new file at path and returns its length and SHA-256.
func writeMessage(ctx context.Context, path string, m *Message, sync bool) (n int64, sum []byte, err error) {
	rc, err := m.Open(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("open MeMo message %s: %w", m.UUID, err)
	}
	defer rc.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return 0, nil, err
	}
	h := sha256.New()
	n, err = io.Copy(io.MultiWriter(f, h), rc)
	if err != nil {
		err = fmt.Errorf("copy MeMo message %s: %w", m.UUID, err)
	}
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, h.Sum(nil), err
}

// syncer runs the flushes of one folder (or one file system) for many callers: a caller joins
// the next round, which starts once the running one (if any) has ended, so that one flush serves
// every caller that joined before it began.
type syncer struct {
	mu      sync.Mutex
	cond    *sync.Cond
	running bool
	next    *syncRound // the round not yet begun, which new callers join
}

type syncRound struct {
	done bool
	err  error
}

// fsHandles holds a rawfile.FS per outbox folder (absolute path), opened at its first
// delivery and kept, so that each Sync reports the write errors of that file system since the
// previous one: a handle opened for each flush would miss an error of a background write of a
// letter's file that happened before the handle was opened.
var fsHandles sync.Map

// syncFS flushes the file system of the outbox folder dir (group commit: see groupSync).
func syncFS(dir string) error {
	v, ok := fsHandles.Load(dir)
	if !ok {
		f, err := rawfile.OpenFS(dir)
		if err != nil {
			return err
		}
		var loaded bool
		if v, loaded = fsHandles.LoadOrStore(dir, f); loaded {
			f.Close()
		}
	}
	f := v.(*rawfile.FS)
	return groupSync("fs:"+dir, f.Sync)
}

// syncers holds a syncer per key ("dir:" or "fs:" and an absolute path), shared by every Outbox
// of the process.
var syncers sync.Map

// groupSync runs flush, or waits for a run of the flush of key that begins after the call; it
// returns that run's error. Callers of one key must pass flushes of the same thing.
func groupSync(key string, flush func() error) error {
	v, ok := syncers.Load(key)
	if !ok {
		d := &syncer{}
		d.cond = sync.NewCond(&d.mu)
		v, _ = syncers.LoadOrStore(key, d)
	}
	d := v.(*syncer)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.next == nil {
		d.next = &syncRound{}
	}
	r := d.next
	for !r.done {
		if !d.running {
			// r has not begun (only a round's first runner takes it off next): run it.
			d.running, d.next = true, nil
			d.mu.Unlock()
			err := flush()
			d.mu.Lock()
			r.err, r.done, d.running = err, true, false
			d.cond.Broadcast()
			break
		}
		d.cond.Wait()
	}
	return r.err
}

// Formats are the document formats channels accept.
var formats = map[string]bool{"pdf": true, "docx": true}

func checkLetter(l *Letter) error {
	if l == nil {
		return errors.New("letter is nil")
	}
	if err := checkName("letter id", l.ID); err != nil {
		return err
	}
	if err := checkName("tenant", l.Tenant); err != nil {
		return fmt.Errorf("letter %s: %w", l.ID, err)
	}
	if len(l.Documents) == 0 {
		return fmt.Errorf("letter %s has no documents; render at least one format", l.ID)
	}
	seen := make(map[string]bool, len(l.Documents))
	for i, d := range l.Documents {
		if !formats[d.Format] {
			return fmt.Errorf("letter %s: documents[%d]: unknown format %q; want \"pdf\" or \"docx\"", l.ID, i, d.Format)
		}
		if seen[d.Format] {
			return fmt.Errorf("letter %s: documents[%d]: format %q given twice", l.ID, i, d.Format)
		}
		seen[d.Format] = true
		if len(d.Data) == 0 {
			return fmt.Errorf("letter %s: documents[%d] (%s) is empty", l.ID, i, d.Format)
		}
	}
	return nil
}

// checkUUID accepts a MeMo messageUUID: a UUID in lower-case hex.
func checkUUID(s string) error {
	if len(s) != 36 {
		return fmt.Errorf("MeMo messageUUID %q is not a UUID (36 characters)", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return fmt.Errorf("MeMo messageUUID %q is not a UUID: want '-' at byte %d", s, i)
			}
		} else if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("MeMo messageUUID %q is not a lower-case UUID: %q at byte %d", s, c, i)
		}
	}
	return nil
}

// checkName accepts a folder name: 1 to 200 ASCII letters, digits, '-', '_' and '.', not starting
// with a dot.
func checkName(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%s is empty", what)
	case len(s) > 200:
		return fmt.Errorf("%s is longer than 200 bytes", what)
	case s[0] == '.':
		return fmt.Errorf("%s %q starts with a dot", what, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%s %q holds %q at byte %d; use letters, digits, '-', '_' and '.'", what, s, c, i)
		}
	}
	return nil
}
