package ngdp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/postbud/postbud/delivery"
	"github.com/postbud/postbud/delivery/ngdp"
	"github.com/postbud/postbud/delivery/ngdp/ngdptest"
)

func TestContact(t *testing.T) {
	e := start(t, ngdptest.Options{Contacts: map[string]delivery.ContactStatus{
		"0101701234": delivery.Registered,
		"0202802345": delivery.Exempt,
		"0303903456": delivery.Closed,
		"0404004567": delivery.Unknown,
		"12345674":   delivery.Registered,
	}}, nil)
	tests := []struct {
		id   string
		want delivery.ContactStatus
	}{
		{"0101701234", delivery.Registered},
		{"0202802345", delivery.Exempt},
		{"0303903456", delivery.Closed},
		{"0404004567", delivery.Unknown},
		{"12345674", delivery.Registered},
		{"0505055678", delivery.NotFound},
		{"87654321", delivery.NotFound},
	}
	for _, tt := range tests {
		got, err := e.ch.Contact(context.Background(), tt.id)
		if err != nil {
			t.Errorf("Contact(%s): %v", tt.id, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Contact(%s) = %s, want %s", tt.id, got, tt.want)
		}
	}
	reqs := e.srv.Requests()
	if len(reqs) != len(tests) {
		t.Fatalf("Requests() = %d, want %d", len(reqs), len(tests))
	}
	for _, r := range reqs {
		if r.Method != "GET" || r.Path != "/apis/v1/contacts/" || r.Status != 200 {
			t.Errorf("request %+v, want GET /apis/v1/contacts/ answered 200", r)
		}
	}
}

func TestContactErrors(t *testing.T) {
	e := start(t, ngdptest.Options{}, nil)
	for _, id := range []string{"", "123", "12345678901", "01017O1234", "0101-70123", " 0101701234"} {
		if st, err := e.ch.Contact(context.Background(), id); err == nil || !delivery.IsPermanent(err) {
			t.Errorf("Contact(%q) = %s, %v; want a permanent error", id, st, err)
		}
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("malformed ids made %d requests, want none", n)
	}

	bad, err := ngdp.New(func() ngdp.Config { c := e.cfg; c.Secret = "wrong"; return c }())
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Contact(context.Background(), "0101701234")
	var h *delivery.HaltError
	if !errors.As(err, &h) {
		t.Fatalf("Contact with a wrong key: %v, want a HaltError", err)
	}
	if strings.Contains(err.Error(), "0101701234") {
		t.Errorf("error %q holds the CPR number", err)
	}

	e.srv.Close()
	_, err = e.ch.Contact(context.Background(), "0101701234")
	if err == nil || delivery.IsPermanent(err) {
		t.Fatalf("Contact with the registry down: %v, want a transient error", err)
	}
	if strings.Contains(err.Error(), "0101701234") {
		t.Errorf("error %q holds the CPR number", err)
	}
}
