// Package ngdptest runs an in-process stand-in for Danish Digital Post's sender API (NgDP), for
// tests and for `postbud demo`: mutual TLS on loopback with a throwaway certificate authority,
// HTTP Basic auth, POST /memos/ for single MeMo messages and tar + LZMA mass mailings, GET
// /contacts/ for the contact registry, deduplication on messageUUID as NgDP does, and injected
// faults (503, 429, 401, INVALID receipts, slow answers, dropped connections) to prove that a
// client retries safely.
//
// The stand-in checks what NgDP checks of a message's envelope (root element, memoVersion,
// messageUUID against the query parameter, the mandatory header parts) and leaves schema
// validation to Options.Validate. It listens on 127.0.0.1 only.
package ngdptest
