package delivery

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

var jens = Recipient{ID: "0101701234", Name: "Jens Hansen", Address: []string{"Søndergade 12, 2. th.", "8000 Aarhus C"}}

func TestPermanent(t *testing.T) {
	base := errors.New("recipient has no digital mailbox")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", base, false},
		{"marked", Permanent(base), true},
		{"marked then wrapped", fmt.Errorf("deliver l1: %w", Permanent(base)), true},
		{"joined", errors.Join(io.EOF, Permanent(base)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPermanent(tt.err); got != tt.want {
				t.Errorf("IsPermanent = %v, want %v", got, tt.want)
			}
		})
	}
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) is not nil")
	}
	p := Permanent(base)
	if p.Error() != base.Error() || !errors.Is(p, base) {
		t.Errorf("Permanent changed the message or lost the cause: %v", p)
	}
}

// TestRedaction logs and prints recipients and letters every way a developer might, and checks that
// no CPR number, name or address comes out.
func TestRedaction(t *testing.T) {
	l := &Letter{ID: "01JD3YQ2Z8", Tenant: "kommune-a", Template: "boligstoette-afgoerelse", Title: "Afgørelse om boligstøtte",
		Recipient: jens, Documents: []Document{{Format: "pdf", Data: []byte("%PDF")}},
		Message: &Message{UUID: "0f8fad5b-d9cb-469f-a165-70867728950e", Version: "1.1"}}
	var out strings.Builder
	for _, h := range []slog.Handler{slog.NewJSONHandler(&out, nil), slog.NewTextHandler(&out, nil)} {
		log := slog.New(h)
		log.Info("deliver", "recipient", jens, "letter", l, "letter_value", *l)
		log.Info("deliver", slog.Any("recipient", &jens))
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		fmt.Fprintf(&out, verb+"\n", jens)
		fmt.Fprintf(&out, verb+"\n", &jens)
		fmt.Fprintf(&out, verb+"\n", l)
		fmt.Fprintf(&out, verb+"\n", *l)
	}
	fmt.Fprintln(&out, []Recipient{jens}, map[string]*Letter{"x": l})
	s := out.String()
	for _, secret := range []string{"0101701234", "010170", "Jens", "Hansen", "Søndergade", "Aarhus", "8000"} {
		if strings.Contains(s, secret) {
			t.Fatalf("output shows %q:\n%s", secret, s)
		}
	}
	h := jens.IDHash()
	if len(h) != hashChars || !strings.Contains(s, h) {
		t.Errorf("output does not carry the id hash %q:\n%s", h, s)
	}
	for _, want := range []string{"01JD3YQ2Z8", "kommune-a", "boligstoette-afgoerelse"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if (Recipient{}).IDHash() != "" || (Recipient{ID: "1"}).IDHash() == (Recipient{ID: "2"}).IDHash() {
		t.Error("IDHash: want empty for no id and different values for different ids")
	}
}
