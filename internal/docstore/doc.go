// Package docstore keeps rendered letter documents (PDF, DOCX) in a blob store, so that any worker
// process can write them and any API process can serve them.
//
// Documents are keyed "<tenant>/<letter id>/<format>" in a gocloud.dev/blob bucket opened by URL:
// a local folder (file:///abs/dir, or a bare path, the default), mem:// for tests, or s3://, gs://
// and azblob:// for cloud storage, configured the way gocloud.dev documents for each. Writes are
// atomic on every driver: a reader sees the previous document or the new one, never part of one,
// and writing the same key again (a letter rendered again after a crash) replaces it.
//
// Put and Get hold a document in memory; Store.Create and Store.Open stream one of any size (a
// sealed MeMo message with its attachments, format "memo" or "attachment-N"), with the same
// atomicity: a streamed document appears whole when its Writer is closed, or not at all.
package docstore
