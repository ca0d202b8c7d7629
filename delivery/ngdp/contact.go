package ngdp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/postbud/postbud/delivery"
)

// contactJSON is the part of an NgDP contact this package reads.
type contactJSON struct {
	MailboxSubscription *struct {
		PublicRegistrationStatus string `json:"publicRegistrationStatus"`
	} `json:"mailboxSubscription"`
}

// Contact asks NgDP's contact registry whether the recipient with this CPR number (10 digits:
// GET {URL}/contacts/?cprNumber=) or CVR number (8 digits: ?cvrNumber=) receives digital post.
//
// The answer NgDP gives is a page of contacts, {"currentPage": 0, ..., "contacts": [{...,
// "mailboxSubscription": {"publicRegistrationStatus": "REGISTERED", ...}}]} (the shape shown in
// the README of github.com/sjkp/digitalpost, whose client is generated from NgDP's OpenAPI
// document); an object with "items" instead of "contacts", or a bare JSON array of contacts, is
// read the same way. The first contact decides: REGISTERED, EXEMPT, CLOSED and UNKNOWN map to
// delivery's constants, a contact without a status or with a word this package does not know to
// delivery.Unknown. No contact, or a 404 answer with a JSON body (NgDP's own "not found"), is
// delivery.NotFound.
//
// Errors: an id that is neither form is a delivery.Permanent error (no request is made); HTTP
// 401, a 404 without a JSON body, 405 or a redirect is a *delivery.HaltError (credentials or
// URL); 429 and 503 a *delivery.ThrottledError; anything else a transient error. No error holds
// the id.
func (c *Channel) Contact(ctx context.Context, id string) (delivery.ContactStatus, error) {
	var param, kind string
	switch {
	case allDigits(id) && len(id) == 10:
		param, kind = "cprNumber", "CPR"
	case allDigits(id) && len(id) == 8:
		param, kind = "cvrNumber", "CVR"
	default:
		return "", delivery.Permanent(errors.New("ngdp: contact look-up: the id is neither a CPR number (10 digits) nor a CVR number (8 digits); check the recipient's id"))
	}
	op := "ngdp: contact look-up (" + kind + ")"
	const path = "/contacts/"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+param+"="+id, nil)
	if err != nil {
		// err holds the URL, and with it the id: not repeated.
		return "", delivery.Permanent(fmt.Errorf("%s: make the request: the configured URL does not take the path %s; check the URL", op, path))
	}
	c.prepare(req)
	resp, err := c.client.Do(req)
	if err != nil {
		return "", requestError(op+": GET "+path, err)
	}
	defer drainClose(resp.Body)
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		if isJSON(resp.Header.Get("Content-Type")) {
			return delivery.NotFound, nil
		}
		return "", failure(op, path, resp, lookup)
	default:
		return "", failure(op, path, resp, lookup)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxContacts+1))
	if err != nil {
		return "", fmt.Errorf("%s: read NgDP's answer: %w", op, err)
	}
	if len(b) > maxContacts {
		return "", fmt.Errorf("%s: NgDP's answer exceeds %d bytes", op, maxContacts)
	}
	contacts, err := parseContacts(b)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	if len(contacts) == 0 {
		return delivery.NotFound, nil
	}
	sub := contacts[0].MailboxSubscription
	if sub == nil {
		return delivery.Unknown, nil
	}
	switch s := delivery.ContactStatus(sub.PublicRegistrationStatus); s {
	case delivery.Registered, delivery.Exempt, delivery.Closed, delivery.Unknown:
		return s, nil
	default:
		return delivery.Unknown, nil
	}
}

// parseContacts reads a contact answer: an object with "contacts" (or "items"), or an array.
func parseContacts(b []byte) ([]contactJSON, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []contactJSON
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("read NgDP's answer: %w", err)
		}
		return list, nil
	}
	var page struct {
		Contacts *[]contactJSON `json:"contacts"`
		Items    *[]contactJSON `json:"items"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return nil, fmt.Errorf("read NgDP's answer: %w", err)
	}
	switch {
	case page.Contacts != nil:
		return *page.Contacts, nil
	case page.Items != nil:
		return *page.Items, nil
	}
	return nil, errors.New(`read NgDP's answer: it has neither a "contacts" nor an "items" list`)
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || mt == "application/problem+json")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
