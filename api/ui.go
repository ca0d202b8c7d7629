package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
)

// uiRoot is the path the operator's UI is served under (with a slash after it).
const uiRoot = "/ui"

// NewUI returns Asynq's web UI, asynqmon, over the queues in redis, to serve as Config.UI: the
// queues and their tasks by state, retries, the archive of letters that failed for good, and
// the worker processes. Give it the Redis the worker uses. Task payloads show as queued: the
// letter id and its sealed (encrypted) case data. Close it when done: it holds connections to
// Redis.
func NewUI(redis asynq.RedisConnOpt) (*asynqmon.HTTPHandler, error) {
	if redis == nil {
		return nil, errors.New("api: NewUI needs the Redis connection the worker uses")
	}
	return asynqmon.New(asynqmon.Options{RootPath: uiRoot, RedisConnOpt: redis}), nil
}

// ui serves h, the operator's UI, to requests that carry a tenant's token, the same tokens as
// the API's: as the password of HTTP Basic auth (any user name), which a browser asks for once
// and then sends with every request, or as a bearer token, for scripts. Without a valid one the
// answer is 401 in JSON, with a WWW-Authenticate that makes a browser ask. Since a browser sends
// Basic credentials with requests that other sites make it send too, requests that change
// something (asynqmon's POST and DELETE) are refused 403 unless they come from the UI's own
// pages (http.CrossOriginProtection, by Sec-Fetch-Site and Origin).
func (s *server) ui(h http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, fail(http.StatusForbidden, "cross-origin request refused: change queues and tasks from the UI's own pages"))
	}))
	h = csrf.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant, err := s.authenticateUI(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Basic realm="postbud", charset="UTF-8"`)
			w.Header().Add("WWW-Authenticate", `Bearer realm="postbud"`)
			s.writeError(w, r, err)
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.tenant = tenant
		}
		// The pages and the queue data are for this operator only, never for a shared cache.
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// authenticateUI returns the tenant whose token r carries as a Basic auth password or as a
// bearer token.
func (s *server) authenticateUI(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", fail(http.StatusUnauthorized, "the operator UI needs a token: sign in with a tenant's token as the password (any user name), or send \"Authorization: Bearer <token>\"")
	}
	if scheme, _, _ := strings.Cut(h, " "); !strings.EqualFold(scheme, "Basic") {
		return s.authenticate(r)
	}
	_, password, ok := r.BasicAuth()
	if !ok {
		return "", fail(http.StatusUnauthorized, "malformed Basic Authorization header; sign in with a tenant's token as the password")
	}
	tenant, ok := s.tenantOf(password)
	if !ok {
		return "", fail(http.StatusUnauthorized, "the token is not valid; sign in with a tenant's token as the password, or ask the operator for a new one")
	}
	return tenant, nil
}

// uiSlash sends /ui to the UI's home page, /ui/.
func (s *server) uiSlash(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Location", uiRoot+"/")
	writeJSON(w, http.StatusMovedPermanently, Error{Message: "the operator UI is at " + uiRoot + "/", RequestID: requestID(r.Context())})
}
