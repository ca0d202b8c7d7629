// Package delivery hands finished letters to their recipients through channels, and holds the
// types every channel shares: Letter, Message, Receipt, the error kinds and the contact Registry.
//
// A Channel delivers a Letter and returns a Receipt. The channels:
//
//   - Outbox ("outbox", this package) writes each letter into a folder, <Dir>/<tenant>/<letter id>/,
//     with its documents, its MeMo message and receipt.json, appearing whole or not at all.
//   - Webhook ("webhook", this package) POSTs each letter as signed JSON to the tenant's HTTPS
//     endpoint: a national mailbox's gateway (Kivra, Mina meddelanden, Suomi.fi) or an integration
//     platform. Sign, Verify and PostSigned are the signing scheme, which receivers and postbud's
//     status callbacks use too.
//   - Print ("print", this package) files each letter's A4 PDF in a print folder, in daily batches
//     with a manifest.csv for the print and mail house, for recipients without a digital mailbox.
//   - ngdp.Channel ("ngdp", package delivery/ngdp) sends MeMo messages to Danish Digital Post,
//     singly or in bulk.
//
// Package delivery/memo builds the MeMo message a letter carries (Letter.Message): built and stored
// once, before the first attempt, so every retry sends the same bytes under the same messageUUID.
//
// Which channel a letter takes depends on its recipient: a Registry (NgDP's contact register, or a
// StaticRegistry loaded with LoadRegistry) says whether the recipient receives digital post, and
// those who do not get paper.
//
// Every channel is idempotent per letter id: a task retried after a crash delivers nothing twice.
// Errors say what a retry can do: Permanent (or *RejectedError) for what no retry can fix, so the
// queue stops retrying; *ThrottledError when the endpoint asks senders to slow down; *HaltError
// when the channel is misconfigured and must stop until an operator fixes it; anything else is
// transient and retried.
//
// Recipients are personal data. Recipient and Letter implement slog.LogValuer and fmt.Formatter so
// that logging or printing them shows ids and a short hash, never a CPR/CVR number, name or address;
// no error of this package holds one either. Only the webhook's request body carries the recipient's
// id, to the tenant's own endpoint over TLS.
package delivery
