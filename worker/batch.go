package worker

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/templates"
)

// MaxBatchLine is the longest NDJSON line SubmitBatch accepts, in bytes. Longer lines are
// rejected (and skipped) without being held in memory.
const MaxBatchLine = 1 << 20

// batchWorkers is how many lines of a batch are submitted at a time.
const batchWorkers = 8

// batchLine is one NDJSON line of a batch: the fields of POST /v1/letters. Fields left out take
// the batch's defaults.
type batchLine struct {
	Template       string          `json:"template"`
	Language       string          `json:"language"`
	Data           json.RawMessage `json:"data"`
	Recipient      *lineRecipient  `json:"recipient"`
	Formats        []string        `json:"formats"`
	Delivery       string          `json:"delivery"`
	Priority       Priority        `json:"priority"`
	IdempotencyKey string          `json:"idempotency_key"`
}

type lineRecipient struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Address []string `json:"address"`
}

// SubmitBatch reads ndjson line by line (one letter per line, as for POST /v1/letters: template,
// data, recipient {id, name, address}, formats, delivery, priority, idempotency_key) and submits
// each; fields a line leaves out take defaults' values (its Tenant and BatchID are ignored). It
// never holds more than a few lines in memory. A bad line (not JSON, unknown field, bad data,
// longer than MaxBatchLine) is recorded with its 1-based line number and reason; the others are
// queued. Blank lines are skipped. It returns the batch as it stands after the last line; a
// read error stops the batch there and is returned with it.
func (c *Client) SubmitBatch(ctx context.Context, tenant string, ndjson io.Reader, defaults Submission) (*Batch, error) {
	if tenant == "" {
		return nil, &InputError{Field: "tenant", Message: "is empty"}
	}
	id := newID()
	now := time.Now().UTC()
	key := batchKey(id)
	if err := c.rdb.HSet(ctx, key, "tenant", tenant, "created", now.Format(time.RFC3339Nano),
		"total", 0, "rejected", 0, "finished", 0).Err(); err != nil {
		return nil, fmt.Errorf("create batch: %w", err)
	}
	c.rdb.Expire(ctx, key, c.o.Retention)

	type job struct {
		n    int
		line []byte
	}
	jobs := make(chan job, batchWorkers)
	var wg sync.WaitGroup
	var fatalMu sync.Mutex
	var fatal error
	for range batchWorkers {
		wg.Go(func() {
			for j := range jobs {
				if err := c.batchLine(ctx, tenant, id, j.n, j.line, defaults); err != nil {
					fatalMu.Lock()
					fatal = errors.Join(fatal, err)
					fatalMu.Unlock()
				}
			}
		})
	}
	r := bufio.NewReaderSize(ndjson, 64<<10)
	var readErr error
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r, MaxBatchLine)
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			if e := c.rdb.HIncrBy(ctx, key, "total", 1).Err(); e != nil {
				readErr = fmt.Errorf("batch %s line %d: %w", id, n, e)
				break
			}
			if tooLong {
				c.reject(ctx, id, n, fmt.Sprintf("line is longer than %d bytes", MaxBatchLine))
			} else {
				jobs <- job{n, line}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = fmt.Errorf("batch %s: read line %d: %w", id, n, err)
			break
		}
		if err := ctx.Err(); err != nil {
			readErr = fmt.Errorf("batch %s: stopped at line %d: %w", id, n, err)
			break
		}
	}
	close(jobs)
	wg.Wait()
	if readErr == nil && fatal == nil {
		c.rdb.HSet(context.WithoutCancel(ctx), key, "finished", 1)
	}
	b, err := c.Batch(context.WithoutCancel(ctx), tenant, id)
	if err != nil {
		return nil, err
	}
	return b, errors.Join(readErr, fatal)
}

// readLine reads one line without its "\n" (and a "\r" before it). A line whose content,
// before the "\r" is dropped, is longer than max bytes is drained and reported with tooLong, its
// bytes dropped; no more than max+1 bytes of a line are held.
func readLine(r *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		frag, err := r.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(frag) > max+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(line) > max {
			tooLong, line = true, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, tooLong, err
	}
}

// batchLine submits line n; it returns an error only when Redis fails.
func (c *Client) batchLine(ctx context.Context, tenant, batch string, n int, line []byte, defaults Submission) error {
	s := defaults
	s.Tenant, s.BatchID = tenant, batch
	if !utf8.Valid(line) {
		return c.reject(ctx, batch, n, "line is not valid UTF-8")
	}
	var bl batchLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bl); err != nil {
		return c.reject(ctx, batch, n, "not a JSON letter object: "+jsonProblem(err))
	}
	if dec.More() {
		return c.reject(ctx, batch, n, "more than one JSON value on the line")
	}
	if bl.Template != "" {
		s.Template = bl.Template
	}
	if bl.Language != "" {
		s.Language = bl.Language
	}
	if bl.Data != nil {
		s.Data = bl.Data
	}
	if bl.Recipient != nil {
		s.Recipient = delivery.Recipient{ID: bl.Recipient.ID, Name: bl.Recipient.Name, Address: bl.Recipient.Address}
	}
	if bl.Formats != nil {
		s.Formats = bl.Formats
	}
	if bl.Delivery != "" {
		s.Delivery = bl.Delivery
	}
	if bl.Priority != "" {
		s.Priority = bl.Priority
	}
	if bl.IdempotencyKey != "" {
		s.IdempotencyKey = bl.IdempotencyKey
	}
	if len(s.Data) == 0 {
		return c.reject(ctx, batch, n, "data: missing; give the case data as a JSON object")
	}
	l, created, err := c.Submit(ctx, s)
	if err == nil {
		return c.accepted(ctx, batch, n, l.ID, !created)
	}
	var de *templates.DataError
	var ie *InputError
	var se *SubmissionError
	switch {
	case errors.As(err, &se):
		msgs := make([]string, len(se.Problems))
		for i, p := range se.Problems {
			msgs[i] = strings.TrimPrefix(p.Path, "/") + ": " + p.Message
		}
		return c.reject(ctx, batch, n, newRedactor(s.Data, s.Recipient).text(strings.Join(msgs, "; ")))
	case errors.As(err, &de):
		msgs := make([]string, len(de.Problems))
		for i, p := range de.Problems {
			path := p.Path
			if path == "" {
				path = "data"
			} else {
				path = "data" + path
			}
			msgs[i] = path + ": " + p.Message
		}
		return c.reject(ctx, batch, n, newRedactor(s.Data, s.Recipient).text(strings.Join(msgs, "; ")))
	case errors.As(err, &ie):
		return c.reject(ctx, batch, n, newRedactor(s.Data, s.Recipient).text(ie.Error()))
	case errors.Is(err, ErrUnknownTemplate):
		return c.reject(ctx, batch, n, fmt.Sprintf("template: %q is not a template of this tenant", s.Template))
	}
	return fmt.Errorf("batch %s line %d: %w", batch, n, err)
}

// BatchLetter is an accepted line of a batch and the letter it stands for. Duplicate is true
// when the line's idempotency key had been used before: the letter is that earlier one, and
// the line adds no letter to the batch.
type BatchLetter struct {
	Line      int    `json:"line"`
	Letter    string `json:"letter"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// accepted records line n's letter in the batch's list of lines.
func (c *Client) accepted(ctx context.Context, batch string, n int, id string, duplicate bool) error {
	entry, _ := json.Marshal(BatchLetter{Line: n, Letter: id, Duplicate: duplicate})
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, batchLettersKey(batch), entry)
		p.Expire(ctx, batchLettersKey(batch), c.o.Retention)
		if duplicate {
			p.HIncrBy(ctx, batchKey(batch), "duplicates", 1)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("batch %s: record line %d: %w", batch, n, err)
	}
	return nil
}

// BatchLetters returns up to limit accepted lines of a batch from position from (0-based, in
// the order their letters were accepted: lines are submitted several at a time, so not quite
// line order; each entry names its line), with the total number of accepted lines;
// ErrNotFound when the tenant has no such batch.
func (c *Client) BatchLetters(ctx context.Context, tenant, id string, from, limit int) ([]BatchLetter, int, error) {
	if !validID(id) || from < 0 || limit <= 0 {
		return nil, 0, ErrNotFound
	}
	owner, err := c.rdb.HGet(ctx, batchKey(id), "tenant").Result()
	if errors.Is(err, redis.Nil) || (err == nil && owner != tenant) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read batch %s: %w", id, err)
	}
	var entries *redis.StringSliceCmd
	var total *redis.IntCmd
	if _, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		entries = p.LRange(ctx, batchLettersKey(id), int64(from), int64(from+limit-1))
		total = p.LLen(ctx, batchLettersKey(id))
		return nil
	}); err != nil {
		return nil, 0, fmt.Errorf("read batch %s letters: %w", id, err)
	}
	out := make([]BatchLetter, 0, len(entries.Val()))
	for _, e := range entries.Val() {
		var bl BatchLetter
		if json.Unmarshal([]byte(e), &bl) == nil {
			out = append(out, bl)
		}
	}
	return out, int(total.Val()), nil
}

// jsonProblem says what is wrong with a line's JSON without quoting the line.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q: expected %s, got %s", te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of line"
	}
	return plain(err.Error()) // unknown field "x": names a field, never a value
}

// reject records bad line n of a batch.
func (c *Client) reject(ctx context.Context, batch string, n int, msg string) error {
	entry, _ := json.Marshal(BatchLineError{Line: n, Message: plain(msg)})
	ctx = context.WithoutCancel(ctx)
	total, err := c.rdb.HIncrBy(ctx, batchKey(batch), "rejected", 1).Result()
	if err != nil {
		return fmt.Errorf("batch %s: record rejected line %d: %w", batch, n, err)
	}
	if total <= MaxRejected {
		_, err = c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.RPush(ctx, batchRejectedKey(batch), entry)
			p.Expire(ctx, batchRejectedKey(batch), c.o.Retention)
			return nil
		})
		if err != nil {
			return fmt.Errorf("batch %s: record rejected line %d: %w", batch, n, err)
		}
	}
	return nil
}

// Batch returns batch id of tenant; ErrNotFound when there is none (another tenant's included).
func (c *Client) Batch(ctx context.Context, tenant, id string) (*Batch, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	var fields *redis.MapStringStringCmd
	var counts *redis.MapStringStringCmd
	var rejected *redis.StringSliceCmd
	_, err := c.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		fields = p.HGetAll(ctx, batchKey(id))
		counts = p.HGetAll(ctx, batchCountsKey(id))
		rejected = p.LRange(ctx, batchRejectedKey(id), 0, MaxRejected-1)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read batch %s: %w", id, err)
	}
	f := fields.Val()
	if len(f) == 0 || f["tenant"] != tenant {
		return nil, ErrNotFound
	}
	b := &Batch{ID: id, Tenant: tenant, Counts: map[Status]int{}}
	b.Created, _ = time.Parse(time.RFC3339Nano, f["created"])
	b.Total, _ = strconv.Atoi(f["total"])
	b.RejectedTotal, _ = strconv.Atoi(f["rejected"])
	b.Duplicates, _ = strconv.Atoi(f["duplicates"])
	queued := 0
	for k, v := range counts.Val() {
		n, _ := strconv.Atoi(v)
		if n != 0 {
			b.Counts[Status(k)] = n
			queued += n
		}
	}
	for _, e := range rejected.Val() {
		var le BatchLineError
		if json.Unmarshal([]byte(e), &le) == nil {
			b.Rejected = append(b.Rejected, le)
		}
	}
	sort.Slice(b.Rejected, func(i, j int) bool { return b.Rejected[i].Line < b.Rejected[j].Line })
	b.Done = f["finished"] == "1" && b.Counts[StatusDelivered]+b.Counts[StatusFailed] == queued
	return b, nil
}
