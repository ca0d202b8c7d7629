package ngdp

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postbud/postbud/delivery"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-3", 0},
		{"999999999", 24 * time.Hour},
		{"Wed, 01 Oct 2025 12:00:30 GMT", 30 * time.Second},
		{"Wed, 01 Oct 2025 11:59:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := delivery.RetryAfter(tt.header, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestReadAPIError(t *testing.T) {
	long := strings.Repeat("å", 600)
	tests := []struct {
		name, body string
		want       apiError
	}{
		{"errorCode and errorMessage", `{"errorCode":"E1","errorMessage":"bad label"}`, apiError{"E1", "bad label"}},
		{"code and message", `{"code":"E2","message":"no access"}`, apiError{"E2", "no access"}},
		{"numeric code", `{"code":400,"message":"x"}`, apiError{"400", "x"}},
		{"errorCode wins", `{"errorCode":"A","code":"B","errorMessage":"m1","message":"m2"}`, apiError{"A", "m1"}},
		{"control characters", `{"errorMessage":"line 1\nline 2\u0000"}`, apiError{"", "line 1 line 2"}},
		{"long message cut", `{"errorMessage":"` + long + `"}`, apiError{"", strings.Repeat("å", 499) + "…"}},
		{"not JSON", `<html>Bad gateway</html>`, apiError{}},
		{"empty", ``, apiError{}},
		{"oversized", `{"errorCode":"E","errorMessage":"` + strings.Repeat("x", 70<<10) + `"}`, apiError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{Body: io.NopCloser(strings.NewReader(tt.body))}
			got := readAPIError(resp)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(apiError{})); diff != "" {
				t.Errorf("readAPIError (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseContacts(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // statuses, "-" for a contact without a subscription
		wantErr    bool
	}{
		{"paged", `{"currentPage":0,"totalPages":1,"contacts":[{"cprNumber":"x","mailboxSubscription":{"publicRegistrationStatus":"EXEMPT"}}]}`, []string{"EXEMPT"}, false},
		{"items", `{"items":[{"mailboxSubscription":{"publicRegistrationStatus":"CLOSED"}}]}`, []string{"CLOSED"}, false},
		{"array", `[{"mailboxSubscription":{"publicRegistrationStatus":"REGISTERED"}},{}]`, []string{"REGISTERED", "-"}, false},
		{"empty page", `{"contacts":[]}`, []string{}, false},
		{"neither list", `{"total":0}`, nil, true},
		{"not JSON", `nope`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := parseContacts([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseContacts: %v, want error: %t", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			got := []string{}
			for _, c := range cs {
				if c.MailboxSubscription == nil {
					got = append(got, "-")
				} else {
					got = append(got, c.MailboxSubscription.PublicRegistrationStatus)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReceiptResult(t *testing.T) {
	const uuid = "5b0c2a9e-8f1d-4c3b-9a7e-6d5f4e3c2b1a"
	now := time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)
	at := time.Date(2025, 10, 1, 11, 59, 58, 437e6, time.UTC)
	tests := []struct {
		name       string
		r          apiReceipt
		want       *delivery.Receipt
		wantErr    string // part of the error, "" for none
		wantReject *delivery.RejectedError
	}{
		{"received", apiReceipt{TransmissionID: "t1", MessageUUID: uuid, ReceiptStatus: "RECEIVED", TimeStamp: "2025-10-01T11:59:58.437Z"},
			&delivery.Receipt{Channel: Name, Reference: "t1", MessageUUID: uuid, Status: "RECEIVED", DeliveredAt: at}, "", nil},
		{"completed, upper-case UUID, zone-less time", apiReceipt{TransmissionID: "t2", MessageUUID: strings.ToUpper(uuid), ReceiptStatus: "COMPLETED", TimeStamp: "2025-10-01T11:59:58.437"},
			&delivery.Receipt{Channel: Name, Reference: "t2", MessageUUID: uuid, Status: "COMPLETED", DeliveredAt: at}, "", nil},
		{"no time stamp", apiReceipt{TransmissionID: "t3", MessageUUID: uuid, ReceiptStatus: "RECEIVED"},
			&delivery.Receipt{Channel: Name, Reference: "t3", MessageUUID: uuid, Status: "RECEIVED", DeliveredAt: now}, "", nil},
		{"another message's receipt", apiReceipt{MessageUUID: "11111111-2222-4333-8444-555555555555", ReceiptStatus: "RECEIVED"}, nil, "not the message sent", nil},
		{"no UUID", apiReceipt{ReceiptStatus: "RECEIVED"}, nil, "not the message sent", nil},
		{"unknown status", apiReceipt{MessageUUID: uuid, ReceiptStatus: "PENDING"}, nil, `"PENDING"`, nil},
		{"invalid", apiReceipt{MessageUUID: uuid, ReceiptStatus: "INVALID", ErrorCode: "E", ErrorMessage: "label too long"}, nil, "rejected",
			&delivery.RejectedError{Channel: Name, HTTPStatus: 201, Status: "INVALID", Code: "E", Message: "label too long"}},
		{"not allowed", apiReceipt{MessageUUID: uuid, ReceiptStatus: "NOT_ALLOWED", ErrorCode: "N"}, nil, "rejected",
			&delivery.RejectedError{Channel: Name, HTTPStatus: 201, Status: "NOT_ALLOWED", Code: "N"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.result("op", uuid, 201, now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("receipt (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			var rej *delivery.RejectedError
			if errors.As(err, &rej) != (tt.wantReject != nil) {
				t.Fatalf("error %v: RejectedError %t, want %t", err, rej != nil, tt.wantReject != nil)
			}
			if diff := cmp.Diff(tt.wantReject, rej); tt.wantReject != nil && diff != "" {
				t.Errorf("RejectedError (-want +got):\n%s", diff)
			}
			if tt.wantReject == nil && err != nil && delivery.IsPermanent(err) {
				t.Errorf("error %v is permanent, want transient", err)
			}
		})
	}
}
