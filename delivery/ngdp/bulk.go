package ngdp

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ulikunitz/xz/lzma"

	"github.com/postbud/postbud/delivery"
)

// DeliverBulk sends many letters in one request, as NgDP's mass mailing: a tar archive with one
// entry <messageUUID>.xml per message (mode 0644, modification time the letter's Created, or the
// Unix epoch when zero, so the same batch makes the same archive), compressed with LZMA (the
// classic .lzma format), sent with POST {URL}/memos/ and Content-Type application/x-lzma. The
// compressed archive is held in memory to send it with a Content-Length, so memory grows with the
// batch: keep batches to what a process can hold (each message is read once with Message.Bytes).
//
// It returns one receipt or one error per letter, in order. A letter without a usable Message, or
// whose messageUUID an earlier letter of the batch already has, gets a delivery.Permanent error
// and is left out; one whose Message cannot be read gets a transient error and is left out; the
// others are still sent. On a 200, 201 or 202 answer each letter sent gets a Receipt with Status
// RECEIVED and NgDP's transmissionId as Reference (NgDP gives the final receipts of a bulk send
// later); where the answer carries a receipt for a message, that receipt decides instead, as in
// Deliver (an INVALID one gives a *delivery.RejectedError).
//
// When the request as a whole fails, the third result is its error, classified as in Deliver, and
// every letter sent has that error in the error slice (the letters left out keep their own).
func (c *Channel) DeliverBulk(ctx context.Context, ls []*delivery.Letter) ([]*delivery.Receipt, []error, error) {
	receipts := make([]*delivery.Receipt, len(ls))
	errs := make([]error, len(ls))
	op := fmt.Sprintf("ngdp: deliver %d letters in bulk", len(ls))

	var buf bytes.Buffer
	zw, err := lzma.NewWriter(&buf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: start the LZMA stream: %w", op, err)
	}
	tw := tar.NewWriter(zw)
	firstWith := make(map[string]string, len(ls)) // lower-case messageUUID -> letter id
	var sent []int
	for i, l := range ls {
		if l == nil {
			errs[i] = delivery.Permanent(fmt.Errorf("%s: letter %d of the batch is nil", op, i))
			continue
		}
		lop := fmt.Sprintf("ngdp: deliver letter %s in bulk", l.ID)
		if err := checkMessage(l.Message); err != nil {
			errs[i] = delivery.Permanent(fmt.Errorf("%s: %w", lop, err))
			continue
		}
		m := l.Message
		lop += " (messageUUID " + m.UUID + ")"
		key := strings.ToLower(m.UUID)
		if other, dup := firstWith[key]; dup {
			errs[i] = delivery.Permanent(fmt.Errorf("%s: letter %s earlier in the batch has the same messageUUID; every message needs its own", lop, other))
			continue
		}
		b, err := m.Bytes(ctx)
		if err != nil {
			errs[i] = fmt.Errorf("%s: %w", lop, err)
			continue
		}
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     key + ".xml",
			Mode:     0o644,
			Size:     int64(len(b)),
			ModTime:  archiveTime(l.Created),
			Format:   tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, nil, fmt.Errorf("%s: add letter %s to the archive: %w", op, l.ID, err)
		}
		if _, err := tw.Write(b); err != nil {
			return nil, nil, fmt.Errorf("%s: add letter %s to the archive: %w", op, l.ID, err)
		}
		firstWith[key] = l.ID
		sent = append(sent, i)
	}
	if len(sent) == 0 {
		return receipts, errs, nil
	}
	if err := tw.Close(); err != nil {
		return nil, nil, fmt.Errorf("%s: finish the tar archive: %w", op, err)
	}
	if err := zw.Close(); err != nil {
		return nil, nil, fmt.Errorf("%s: finish the LZMA stream: %w", op, err)
	}

	fail := func(err error) ([]*delivery.Receipt, []error, error) {
		for _, i := range sent {
			errs[i] = err
		}
		return nil, errs, err
	}
	const path = "/memos/"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(buf.Bytes()))
	if err != nil {
		return fail(delivery.Permanent(fmt.Errorf("%s: make the request: %w", op, err)))
	}
	req.Header.Set("Content-Type", "application/x-lzma")
	c.prepare(req)
	resp, err := c.client.Do(req)
	if err != nil {
		return fail(fmt.Errorf("%s; %s", requestError(op+": POST "+path, err), mayHaveReceived))
	}
	defer drainClose(resp.Body)
	switch resp.StatusCode {
	case http.StatusOK, http.StatusCreated, http.StatusAccepted:
	default:
		return fail(failure(op, path, resp, sending))
	}

	// The answer's JSON is optional: NgDP hands out a bulk send's receipts later.
	var answer struct {
		TransmissionID string       `json:"transmissionId"`
		Receipts       []apiReceipt `json:"receipts"`
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBulkAnswer))
	if err != nil {
		return fail(fmt.Errorf("%s: read NgDP's answer (HTTP %d): %w; %s", op, resp.StatusCode, err, mayHaveReceived))
	}
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &answer) != nil {
		// Not JSON, or JSON of another shape: the archive was taken, there is just nothing to
		// record from the answer.
		answer.TransmissionID, answer.Receipts = "", nil
	}
	byUUID := make(map[string]*apiReceipt, len(answer.Receipts))
	for i := range answer.Receipts {
		byUUID[strings.ToLower(answer.Receipts[i].MessageUUID)] = &answer.Receipts[i]
	}
	now := time.Now()
	for _, i := range sent {
		l := ls[i]
		uuid := l.Message.UUID
		if r, ok := byUUID[strings.ToLower(uuid)]; ok {
			if r.TransmissionID == "" {
				r.TransmissionID = answer.TransmissionID
			}
			receipts[i], errs[i] = r.result(fmt.Sprintf("ngdp: deliver letter %s in bulk (messageUUID %s)", l.ID, uuid), uuid, resp.StatusCode, now)
			continue
		}
		receipts[i] = &delivery.Receipt{
			Channel:     Name,
			Reference:   answer.TransmissionID,
			MessageUUID: uuid,
			Status:      "RECEIVED",
			DeliveredAt: now.UTC(),
		}
	}
	return receipts, errs, nil
}

// archiveTime is a tar entry's modification time for a letter created at t: t to the second, the
// Unix epoch for a zero t.
func archiveTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return t.UTC().Truncate(time.Second)
}
