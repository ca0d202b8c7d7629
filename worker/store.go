package worker

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
)

// Redis keys. Hash tags keep a batch's keys in one Cluster slot.
func letterKey(id string) string        { return "postbud:letter:{" + id + "}" }
func payloadKey(id string) string       { return "postbud:letter:{" + id + "}:payload" }
func batchKey(id string) string         { return "postbud:batch:{" + id + "}" }
func batchCountsKey(id string) string   { return "postbud:batch:{" + id + "}:counts" }
func batchRejectedKey(id string) string { return "postbud:batch:{" + id + "}:rejected" }
func batchStatusKey(id string) string   { return "postbud:batch:{" + id + "}:status" }
func batchLettersKey(id string) string  { return "postbud:batch:{" + id + "}:letters" }

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns a random id of 26 lowercase letters and digits (130 bits), safe in Redis keys,
// task ids, blob keys and file names.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return idEncoding.EncodeToString(b[:])
}

// validID reports whether id can be an id newID made (so user input never builds odd keys).
func validID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// records reads and writes letter and batch records.
type records struct {
	rdb       redis.UniversalClient
	retention time.Duration
	now       func() time.Time
	metrics   *metrics
}

// get reads letter id; ErrNotFound when absent.
func (r *records) get(ctx context.Context, id string) (*Letter, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	data, err := r.rdb.Get(ctx, letterKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read letter %s: %w", id, err)
	}
	var l Letter
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("read letter %s: %w", id, err)
	}
	return &l, nil
}

// createScript writes a new record and its sealed render payload in one step: KEYS record,
// payload; ARGV record JSON, payload, ttl ms. 0 when the record exists.
var createScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
`)

// create stores a new record with the sealed payload its render task is made from (kept until
// the letter is rendered, so a lost task can be made again); false when the id exists.
func (r *records) create(ctx context.Context, l *Letter, payload []byte) (bool, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return false, fmt.Errorf("store letter %s: %w", l.ID, err)
	}
	n, err := createScript.Run(ctx, r.rdb, []string{letterKey(l.ID), payloadKey(l.ID)}, data, payload, r.retention.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("store letter %s: %w", l.ID, err)
	}
	ok := n == 1
	if ok {
		r.counted(ctx, l, "", l.Status, "")
	}
	return ok, nil
}

// errUnchanged tells update that fn made no change to write.
var errUnchanged = errors.New("unchanged")

// casScript replaces a record that still holds what the writer read: KEYS record[, payload];
// ARGV expected JSON, new JSON[, payload, payload ttl ms]. It returns 1 when written, 0 when the
// record is gone, else the record as it stands (another writer got there first: the caller
// applies its change again to that). The new JSON keeps the record's TTL; with a second key the
// letter's stored payload is replaced in the same step (one Cluster slot, hash tag {id}).
var casScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cur ~= ARGV[1] then return cur end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
if KEYS[2] then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
return 1
`)

// change is what update writes besides fn's change to the record.
type change struct {
	// prev is the record's JSON as this process last read or wrote it, when known: the update
	// then starts from it without reading the record first (and reads it only when another
	// writer changed it since).
	prev []byte
	// payload, when set, replaces the letter's stored task payload together with the record.
	payload []byte
	// via is a status the letter passed through on its way to the new one without being
	// written (counted in the metrics only).
	via Status
}

// update applies fn to the record of id and writes it back unless another writer changed the
// record in between (compare and set, in one Lua step), retrying with the record as it then
// stands, and counts the status transition for the batch and metrics. When fn returns
// errUnchanged, nothing is written and update returns the record and nil.
func (r *records) update(ctx context.Context, id string, fn func(*Letter) error) (*Letter, error) {
	l, _, err := r.modify(ctx, id, fn, change{})
	return l, err
}

// modify is update with a change: it also returns the record's JSON as written (or read, when
// unchanged), for the next modify of the same letter.
func (r *records) modify(ctx context.Context, id string, fn func(*Letter) error, c change) (*Letter, []byte, error) {
	key := letterKey(id)
	keys := []string{key}
	if c.payload != nil {
		keys = append(keys, payloadKey(id))
	}
	data, cached := c.prev, c.prev != nil
	for range 100 {
		if data == nil {
			cached = false
			var err error
			data, err = r.rdb.Get(ctx, key).Bytes()
			if errors.Is(err, redis.Nil) {
				return nil, nil, ErrNotFound
			}
			if err != nil {
				return nil, nil, fmt.Errorf("update letter %s: %w", id, err)
			}
		}
		var l Letter
		if err := json.Unmarshal(data, &l); err != nil {
			return nil, nil, fmt.Errorf("update letter %s: %w", id, err)
		}
		from := l.Status
		if err := fn(&l); err != nil {
			if errors.Is(err, errUnchanged) {
				if cached {
					// fn judged a record this process remembered: make sure it is current.
					data = nil
					continue
				}
				return &l, data, nil
			}
			return &l, data, fmt.Errorf("update letter %s: %w", id, err)
		}
		l.Updated = r.now().UTC()
		l.Seq++
		next, err := json.Marshal(&l)
		if err != nil {
			return nil, nil, fmt.Errorf("update letter %s: %w", id, err)
		}
		args := []any{data, next}
		if c.payload != nil {
			args = append(args, c.payload, r.retention.Milliseconds())
		}
		res, err := casScript.Run(ctx, r.rdb, keys, args...).Result()
		if err != nil {
			return &l, nil, fmt.Errorf("update letter %s: %w", id, err)
		}
		switch v := res.(type) {
		case int64:
			if v == 0 {
				return nil, nil, ErrNotFound
			}
			r.counted(ctx, &l, from, l.Status, c.via)
			return &l, next, nil
		case string:
			data, cached = []byte(v), false // another writer came first: apply fn to its record
		default:
			return nil, nil, fmt.Errorf("update letter %s: unexpected answer %T", id, res)
		}
	}
	return nil, nil, fmt.Errorf("update letter %s: too many concurrent writers", id)
}

// counted records a status transition in the metrics and the letter's batch counts; via is a
// status passed through on the way (metrics only), or "".
func (r *records) counted(ctx context.Context, l *Letter, from, to, via Status) {
	if from == to {
		return
	}
	if r.metrics != nil {
		if via != "" && via != from {
			r.metrics.letters.WithLabelValues(string(via), l.Template).Inc()
		}
		if to != "" {
			r.metrics.letters.WithLabelValues(string(to), l.Template).Inc()
		}
	}
	ctx = context.WithoutCancel(ctx)
	// The watchdog's list of letters that have not ended (see watch in repair.go), and the batch
	// counts, in one round trip; a batch step that failed is retried on its own.
	var batch *redis.Cmd
	_, _ = r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if to == "" || to.Final() {
			p.ZRem(ctx, openKey, l.ID)
		} else {
			p.ZAdd(ctx, openKey, redis.Z{Score: float64(time.Now().UnixMilli()), Member: l.ID})
		}
		if l.BatchID != "" {
			batch = batchScript.EvalSha(ctx, p, batchKeys(l.BatchID), l.ID, batchArg(l, to), r.retention.Milliseconds())
		}
		return nil
	})
	if batch != nil && batch.Err() != nil {
		r.syncBatch(ctx, l, to)
	}
}

// batchScript sets a letter's status in its batch and moves the batch's counts with it, in one
// step in the batch's Cluster slot: KEYS status hash, counts hash, batch record; ARGV letter id, "<seq>
// <status>" (status "" removes the letter), ttl ms. A status older than the one stored (a
// lower seq) changes nothing, and so does the same one again, so the script can be retried and
// replayed: the counts always sum to the letters of the batch and follow each letter's latest
// status.
var batchScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local seq, status = string.match(ARGV[2], '^(%d+) (.*)$')
local old = nil
if cur then
  local cseq, cstatus = string.match(cur, '^(%d+) (.*)$')
  if tonumber(cseq) >= tonumber(seq) then return 0 end
  old = cstatus
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local ttl = ARGV[3]
if old ~= status then
  if old and old ~= '' then redis.call('HINCRBY', KEYS[2], old, -1) end
  if status ~= '' then redis.call('HINCRBY', KEYS[2], status, 1) end
  -- Once every line is read and every letter has ended, the per-letter statuses have done
  -- their work: keep them an hour for late replays, the counts for the retention.
  if redis.call('HGET', KEYS[3], 'finished') == '1' then
    local all, ended = 0, 0
    local c = redis.call('HGETALL', KEYS[2])
    for i = 1, #c, 2 do
      local n = tonumber(c[i+1])
      all = all + n
      if c[i] == 'delivered' or c[i] == 'failed' then ended = ended + n end
    end
    if all == ended then ttl = math.min(tonumber(ttl), 3600000) end
  end
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`)

// syncBatch brings the batch counts up to the letter's status (to). The batch lives in another
// Cluster slot than the letter, so this is a second step after the record's update; it is
// retried for a few seconds (a master failing over), and a later run of the letter's task
// replays it (start calls it for letters with nothing left to do), so a crash or an outage in
// between leaves the counts behind for a while, never wrong for good.
func (r *records) syncBatch(ctx context.Context, l *Letter, to Status) error {
	if l.BatchID == "" {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	keys, arg := batchKeys(l.BatchID), batchArg(l, to)
	var err error
	for attempt := range 8 {
		if err = batchScript.Run(ctx, r.rdb, keys, l.ID, arg, r.retention.Milliseconds()).Err(); err == nil {
			return nil
		}
		time.Sleep(time.Duration(50<<attempt) * time.Millisecond)
	}
	return fmt.Errorf("batch %s counts for letter %s: %w", l.BatchID, l.ID, err)
}

func batchKeys(batch string) []string {
	return []string{batchStatusKey(batch), batchCountsKey(batch), batchKey(batch)}
}

func batchArg(l *Letter, to Status) string { return strconv.Itoa(l.Seq) + " " + string(to) }

// delete removes a record that was never handed out (its enqueue failed).
func (r *records) delete(ctx context.Context, l *Letter) {
	if n, _ := r.rdb.Del(context.WithoutCancel(ctx), letterKey(l.ID), payloadKey(l.ID)).Result(); n >= 1 {
		l.Seq++
		r.counted(ctx, l, l.Status, "", "")
	}
}

// plain trims an error text to one readable line for a record or a task error.
func plain(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// pathScrubber returns a function that replaces the server's folders in an error text with
// their role (<outbox>, <print>, <documents>, <templates>): tenants see why a letter waits or
// failed, never how the server is laid out.
func (o Options) pathScrubber() func(string) string {
	type place struct{ prefix, role string }
	var places []place
	add := func(p, role string) {
		p = strings.TrimRight(p, "/")
		if p == "" {
			return
		}
		if abs, err := filepath.Abs(p); err == nil {
			places = append(places, place{abs, role})
		}
		places = append(places, place{p, role})
	}
	for _, ch := range o.Channels {
		switch c := ch.(type) {
		case *delivery.Outbox:
			add(c.Dir, "<outbox>")
		case *delivery.Print:
			add(c.Dir, "<print>")
		}
	}
	if t, ok := o.Templates.(*DirTemplates); ok {
		add(t.Root, "<templates>")
	}
	if o.Documents != nil {
		if u := o.Documents.URL(); strings.HasPrefix(u, "file://") {
			places = append(places, place{u, "<documents>"})
			add(strings.TrimPrefix(u, "file://"), "<documents>")
		}
	}
	// Longest first, so a folder inside another is named by its own role.
	sort.Slice(places, func(i, j int) bool { return len(places[i].prefix) > len(places[j].prefix) })
	return func(s string) string {
		for _, p := range places {
			if strings.Contains(s, p.prefix) {
				s = strings.ReplaceAll(s, p.prefix, p.role)
			}
		}
		return s
	}
}
