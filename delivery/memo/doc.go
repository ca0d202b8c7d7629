// Package memo builds the MeMo XML messages that Danish Digital Post (NgDP) accepts: one
// DIGITALPOST message per letter, with its documents embedded as base64.
//
// MeMo ("MeddelelsesModel") is the message format of Digitaliseringsstyrelsen's Digital Post. This
// package writes two versions:
//
//   - V11, "1.1" (the default): validates against the MeMo 1.1 XSD set in testdata/v1.1
//     (MeMo_core.xsd and the schemas it imports). It is the version NgDP's sender API takes.
//   - V12, "1.2": the same elements in the same order, with memoVersion="1.2" and no
//     memoSchVersion attribute, following the 1.2 sample messages in testdata/v1.2-examples.
//
// A Message holds what postbud sends: header (UUID, label, notifications, mandatory and legal
// flags, post type), sender and recipient, optional case id and KLE/FORM classification, and the
// body (creation time, the main document and any additional documents, each with files and
// actions). Elements the XSD allows but postbud does not use (reply data, forwarding, attention
// data, reservations, technical documents) are not modelled.
//
// Check lists, as a *Error with one Problem per field, everything NgDP would reject. Its rules
// come from two places: the MeMo 1.1 XSD (element lengths: label and other texts at most 256
// characters, notification at most 150, URLs at most 256; the messageUUID pattern of a version 4
// UUID; two-letter languages; date-times in UTC with Z) and NgDP's validation rules in force from
// 2025-09-10, summarised in the project's specs/ngdp/API.md (file names without < > : " / \ | ? *,
// control characters or unusual Unicode spaces; action URLs https only; recipient CPR exactly 10
// digits with no modulus-11 check; CVR numbers 8 digits passing modulus 11). On top of those it
// demands what any XML document needs: valid UTF-8 and only characters XML 1.0 allows. Where
// NgDP's wording is loose, Check reads it strictly: "unusual Unicode spaces" in file names are
// every separator but U+0020 and every invisible format character (Cf, which includes the
// bidirectional overrides that can disguise an extension); an action URL is RFC 3986 with a host
// name, and no user name before the host or IP literal. Problem
// messages never quote a value, since values can be personal data; they give lengths, positions
// and offending characters as U+XXXX.
//
// Write checks the message and streams it: documents are read from their io.Reader once and
// base64-encoded on the way out, so memory use does not grow with the size of an attachment. The
// output is deterministic: the same Message (with the same document bytes) gives the same bytes,
// which is what lets postbud seal a message once and resend exactly it on every retry.
package memo
