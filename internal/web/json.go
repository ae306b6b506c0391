package web

import (
	"encoding/json"
	"net/http"

	"herald/internal/model"
)

// writeJSON answers a script's request with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// jsonError is what page scripts get when a request fails.
type jsonError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// failJSON maps a domain error for a page script like fail does for pages:
// the domain's words for expected failures, a generic message (and one log
// line) for internal ones.
func (h *handler) failJSON(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	e := model.AsError(err)
	status := http.StatusInternalServerError
	switch model.KindOf(err) {
	case model.KindInvalid:
		status = http.StatusBadRequest
	case model.KindNotFound:
		status = http.StatusNotFound
	case model.KindForbidden:
		status = http.StatusForbidden
	case model.KindUnauthorized:
		status = http.StatusUnauthorized
	case model.KindConflict:
		status = http.StatusConflict
	case model.KindRateLimited:
		setRetryAfter(w, e.RetryAfter)
		status = http.StatusTooManyRequests
	default:
		h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "user_id", v.user.ID, "err", err)
		writeJSON(w, status, jsonError{Error: "Herald could not finish this request; the error was logged."})
		return
	}
	writeJSON(w, status, jsonError{Error: sentence(e.Msg), Field: e.Field})
}

// readJSON decodes a script's JSON request body into v, refusing unknown
// fields so a typo in a script shows up at once.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return model.Invalid("body", "the request is not the JSON this endpoint takes: %v", err)
	}
	return nil
}
