// Package sealed encrypts small payloads (case data and recipients travelling through the queue) with
// AES-256-GCM, so that a Redis dump, asynqmon or a log of task payloads never shows personal data in
// clear.
//
// A sealed message is a version byte (1), a random 12-byte nonce and the GCM ciphertext with its
// 16-byte tag. The additional data (a letter id, for instance) is authenticated but not stored: a
// payload moved to another letter fails to open. Keys are 32 random bytes written as base64 text;
// ParseKey reads them from configuration and LoadOrCreateKey keeps one in a file for the embedded
// mode. Neither a Key's formatted value nor any error of this package ever contains key material.
//
// Payloads too large to hold in memory (a MeMo message with a 50 MB attachment) are sealed as a
// stream instead: NewWriter and NewReader implement the STREAM construction of Tink's streaming
// AEAD and age with AES-256-GCM in 64 KiB segments, so sealing or opening any size takes about
// 64 KiB of memory, while truncation, reordering, splicing of streams and other additional data are
// all detected. A stream starts with format byte 2, so it is never taken for a Seal message.
package sealed
