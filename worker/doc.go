// Package worker turns submitted letters into rendered, stored and delivered ones: it holds the
// Go client agencies use to submit letters and batches (with validation and idempotency), the
// Asynq task handlers that render and deliver them on Redis, the letter and batch records, and
// the dead-letter view of the queues.
//
// A letter moves queued → rendering → rendered → delivering → delivered, or ends failed with a
// reason in plain words. Case data and the recipient travel only inside task payloads sealed with
// AES-256-GCM (the additional data is the letter id); letter records, batch records, task error
// messages and log lines hold ids, statuses and sizes, never a CPR number, a name or an address.
package worker
