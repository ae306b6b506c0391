package api

import (
	"encoding/json"
	"net/http"

	"herald/internal/idempotency"
)

// createIdempotent runs a create route sent with an Idempotency-Key: a
// repeat of the same request (same user, key, method, path and body) gets the
// first answer again, marked Idempotent-Replayed: true, instead of a second
// object; the same key with a different request is a 409 conflict.
//
// Only successful answers are remembered: a failed create made nothing, so
// the client may fix the request and retry under the same key.
func (s *server) createIdempotent(rt *route, c *call) error {
	key := c.r.Header.Get("Idempotency-Key")
	// The fingerprint covers the raw body, so read it before anything else.
	body, err := readBody(c.w, c.r, s.maxBody)
	if err != nil {
		return err
	}
	c.body = body
	fp := idempotency.Fingerprint(c.r.Method, c.r.URL.Path, body)
	prev, found, err := s.d.Idempotency.Lookup(c.ctx(), c.actor.UserID, key, fp)
	if err != nil {
		return err
	}
	if found {
		c.w.Header().Set("Idempotent-Replayed", "true")
		send(c.w, prev.Status, replayLocation(c.r, prev), prev.Body)
		return nil
	}
	rep, out, err := run(rt, c)
	if err != nil {
		return err
	}
	if err := s.d.Idempotency.Save(c.ctx(), c.actor.UserID, key, fp, idempotency.Response{Status: rep.status, Body: out}); err != nil {
		// The object exists and this answer is right; only a later replay
		// is lost, so log and answer rather than fail a successful create.
		s.log.Error("api idempotency save failed", "path", c.r.URL.Path, "user_id", c.actor.UserID, "err", err)
	}
	send(c.w, rep.status, rep.location, out)
	return nil
}

// replayLocation rebuilds the Location of a remembered 201 from its body's
// id, the same way created does.
func replayLocation(r *http.Request, prev idempotency.Response) string {
	if prev.Status != http.StatusCreated {
		return ""
	}
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(prev.Body, &v) != nil || !validID(v.ID) {
		return ""
	}
	return r.URL.Path + "/" + v.ID
}
