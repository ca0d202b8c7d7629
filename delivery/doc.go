// Package delivery hands finished letters to their recipients through channels: the outbox folder
// today, Danish Digital Post (MeMo), webhooks and print later.
//
// A Channel delivers a Letter and returns a Receipt. Every channel is idempotent per letter id: a
// task retried after a crash delivers nothing twice and gets the first receipt back. Errors a retry
// cannot fix are marked with Permanent, so the queue stops retrying them.
//
// Recipients are personal data. Recipient and Letter implement slog.LogValuer and fmt.Formatter so
// that logging or printing them shows ids and a short hash, never a CPR/CVR number, name or address.
package delivery
