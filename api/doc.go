// Package api serves postbud's HTTP API: agencies submit letters and batches, follow their
// status and fetch the rendered documents; template authors list and preview templates;
// operators get health checks and Prometheus metrics.
//
// New builds the http.Handler from a Config. Every /v1 route except /v1/openapi.yaml needs
// "Authorization: Bearer <token>"; each token belongs to one tenant (agency) and is configured
// only as its SHA-256, compared in constant time. A tenant sees its own letters, batches and
// templates and nothing else: another tenant's letter is "404 not found", exactly like a letter
// that does not exist.
//
// The routes and bodies are described in openapi.yaml (OpenAPI 3.1), embedded and served at
// /v1/openapi.yaml. Errors are JSON:
//
//	{"error": "what went wrong and what to do", "problems": [{"path": "/data/amount", "message": "..."}], "request_id": "..."}
//
// with 400 for a request that does not follow the API (malformed JSON, invalid UTF-8, nesting
// deeper than 64, unknown or mistyped fields, bad template names), 401 without a valid token,
// 404 for unknown templates and letters, 413 past the body limit, 415 for a wrong content type,
// 422 for case data that does not fit the template's schema or cannot be laid out (an address
// too long for the envelope window even wrapped at 8 pt, a character no font has, a footer too
// long for its line; every problem listed, paths starting at /data) and 500 "internal error" with a request id for anything else; the full
// error is logged under that request id, never sent to the client.
//
// Case data and recipients are never logged: log lines carry the request id, tenant, route,
// status and letter ids only.
package api
