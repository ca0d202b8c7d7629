package ngdp_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

// TestDeliverBulk sends 25 letters in one tar + LZMA request; the stand-in decodes the archive
// and accepts each message.
func TestDeliverBulk(t *testing.T) {
	e := start(t, ngdptest.Options{}, nil)
	ls := make([]*delivery.Letter, 25)
	want := map[string]int{}
	for i := range ls {
		ls[i] = newLetter(t, fmt.Sprintf("letter-%02d", i))
		want[ls[i].Message.UUID] = 1
	}
	rs, errs, err := e.ch.DeliverBulk(context.Background(), ls)
	if err != nil {
		t.Fatalf("DeliverBulk: %v", err)
	}
	if len(rs) != len(ls) || len(errs) != len(ls) {
		t.Fatalf("DeliverBulk gave %d receipts and %d errors for %d letters", len(rs), len(errs), len(ls))
	}
	for i, r := range rs {
		if errs[i] != nil {
			t.Errorf("letter %d: %v", i, errs[i])
			continue
		}
		if r == nil || r.Channel != ngdp.Name || r.Status != "RECEIVED" || r.MessageUUID != ls[i].Message.UUID || !uuidRE.MatchString(r.Reference) {
			t.Errorf("letter %d: receipt %+v, want RECEIVED for %s with the transmissionId", i, r, ls[i].Message.UUID)
		}
	}
	if diff := cmp.Diff(want, acceptedUUIDs(e.srv)); diff != "" {
		t.Errorf("accepted UUIDs (-want +got):\n%s", diff)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 1 || reqs[0].UUID != "" || reqs[0].Status != 201 {
		t.Errorf("Requests() = %+v, want one bulk POST (no UUID) answered 201", reqs)
	}
	// Sending the same batch again is deduplicated message by message.
	if _, _, err := e.ch.DeliverBulk(context.Background(), ls); err != nil {
		t.Fatalf("DeliverBulk again: %v", err)
	}
	if got := e.srv.Duplicates(); got != len(ls) {
		t.Errorf("Duplicates() = %d, want %d", got, len(ls))
	}
}

// TestDeliverBulkLetterErrors: letters without a message, or repeating another's messageUUID,
// fail alone; the rest are sent.
func TestDeliverBulkLetterErrors(t *testing.T) {
	e := start(t, ngdptest.Options{}, nil)
	a, b, c := newLetter(t, "a"), newLetter(t, "b"), newLetter(t, "c")
	b.Message = nil
	twin := *a
	twin.ID = "a-twin"
	rs, errs, err := e.ch.DeliverBulk(context.Background(), []*delivery.Letter{a, b, c, &twin})
	if err != nil {
		t.Fatalf("DeliverBulk: %v", err)
	}
	for i, wantErr := range []bool{false, true, false, true} {
		if gotErr := errs[i] != nil; gotErr != wantErr {
			t.Errorf("letter %d: error %v, want error: %t", i, errs[i], wantErr)
		}
		if wantErr && !delivery.IsPermanent(errs[i]) {
			t.Errorf("letter %d: error %v is not permanent", i, errs[i])
		}
		if (rs[i] != nil) == wantErr {
			t.Errorf("letter %d: receipt %+v with error %v", i, rs[i], errs[i])
		}
	}
	if diff := cmp.Diff(map[string]int{a.Message.UUID: 1, c.Message.UUID: 1}, acceptedUUIDs(e.srv)); diff != "" {
		t.Errorf("accepted UUIDs (-want +got):\n%s", diff)
	}
}

// TestDeliverBulkRequestErrors: a failure of the whole request is the third result and every
// letter's error.
func TestDeliverBulkRequestErrors(t *testing.T) {
	tests := []struct {
		name  string
		fault ngdptest.Fault
		check func(error) bool
	}{
		{"503", ngdptest.Fault503, func(err error) bool { var th *delivery.ThrottledError; return errors.As(err, &th) }},
		{"401", ngdptest.Fault401, func(err error) bool { var h *delivery.HaltError; return errors.As(err, &h) }},
		{"dropped", ngdptest.FaultDrop, func(err error) bool { return !delivery.IsPermanent(err) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, ngdptest.Options{Fault: always(tt.fault)}, nil)
			ls := []*delivery.Letter{newLetter(t, "a"), newLetter(t, "b")}
			rs, errs, err := e.ch.DeliverBulk(context.Background(), ls)
			if err == nil || !tt.check(err) {
				t.Fatalf("DeliverBulk: %v, want the request's error classified", err)
			}
			if rs != nil {
				t.Errorf("receipts %+v, want none", rs)
			}
			for i := range ls {
				if errs[i] != err {
					t.Errorf("letter %d: error %v, want the request's", i, errs[i])
				}
			}
		})
	}
}

// TestDeliverBulkInvalid: receipts in the answer decide per letter.
func TestDeliverBulkInvalid(t *testing.T) {
	e := start(t, ngdptest.Options{Fault: always(ngdptest.FaultInvalid)}, nil)
	ls := []*delivery.Letter{newLetter(t, "a"), newLetter(t, "b")}
	_, errs, err := e.ch.DeliverBulk(context.Background(), ls)
	if err != nil {
		t.Fatalf("DeliverBulk: %v", err)
	}
	for i := range ls {
		var rej *delivery.RejectedError
		if !errors.As(errs[i], &rej) || rej.Status != "INVALID" {
			t.Errorf("letter %d: error %v, want an INVALID RejectedError", i, errs[i])
		}
	}
}
