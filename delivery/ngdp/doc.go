// Package ngdp delivers letters to Danish Digital Post (NgDP) through its sender API, and asks
// NgDP's contact registry whether a recipient receives digital post.
//
// A Channel sends each letter's sealed MeMo message (delivery.Message) with POST
// /memos/?memo-message-uuid=..., streaming the stored bytes, or many at once as a tar + LZMA
// archive (DeliverBulk). Every call uses mutual TLS with the sender's certificate and HTTP Basic
// auth with the system id and key, over HTTP/1.1. Answers map onto the errors package delivery
// defines: a rejection for a reason in the letter is a *delivery.RejectedError (permanent); a
// request to slow down is a *delivery.ThrottledError; wrong credentials or a wrong URL are a
// *delivery.HaltError; anything else (5xx, timeouts, dropped connections) is a plain, transient
// error. A transient failure may come after NgDP received the message, so a retry must send the
// same message under the same messageUUID, which NgDP deduplicates; the worker does exactly that,
// since a letter's Message never changes.
//
// The facts this package builds on are in shared/specs/ngdp/API.md. Errors never carry personal
// data: no CPR or CVR number, name, address or message content, only ids (letter id,
// messageUUID), HTTP statuses and NgDP's own errorCode and errorMessage.
package ngdp
