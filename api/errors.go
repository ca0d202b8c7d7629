package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
)

// Problem is one thing wrong with a request, at a JSON Pointer into its body.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error is the JSON body of every error response.
type Error struct {
	Message   string    `json:"error"`
	Problems  []Problem `json:"problems,omitempty"`
	RequestID string    `json:"request_id,omitempty"`
}

// requestError is a failure meant for the client: the status and what to tell them.
type requestError struct {
	status   int
	msg      string
	problems []Problem
}

func (e *requestError) Error() string { return e.msg }

// fail returns a *requestError with status and msg.
func fail(status int, msg string, problems ...Problem) *requestError {
	return &requestError{status: status, msg: msg, problems: problems}
}

// writeJSON writes v as the JSON response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every response type is plain data; this cannot happen for them.
		body = []byte(`{"error":"internal error"}`)
		status = http.StatusInternalServerError
	}
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

// writeError answers err: a *requestError as it says, anything else as 500 "internal error"
// after logging err in full under the request id.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	id := requestID(r.Context())
	var re *requestError
	if !errors.As(err, &re) {
		s.log.ErrorContext(r.Context(), "request failed",
			slog.String("request_id", id), slog.String("method", r.Method),
			slog.String("route", r.Pattern), slog.Any("error", err))
		re = fail(http.StatusInternalServerError, "internal error; quote the request id when you report it")
	}
	if re.status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="postbud"`)
	}
	writeJSON(w, re.status, Error{Message: re.msg, Problems: re.problems, RequestID: id})
}
