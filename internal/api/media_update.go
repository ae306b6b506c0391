package api

import (
	"bytes"
	"encoding/json"
	"time"

	"herald/internal/media"
	"herald/internal/model"
)

// mediaUpdate changes an asset's alt text, title, tags, folder and rights.
// A field left out stays as it is; null clears it (as does "" for text and
// [] for tags); expires_at is an RFC 3339 instant, or null for no end.
func (s *server) mediaUpdate(c *call) (reply, error) {
	ws, id, err := mediaPath(c)
	if err != nil {
		return reply{}, err
	}
	var in mediaPatch
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	// A refusal comes before any complaint about the input.
	if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActMediaEdit); err != nil {
		return reply{}, err
	}
	cur, err := s.d.Media.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	e := media.EditOf(cur)
	if err := in.apply(&e); err != nil {
		return reply{}, err
	}
	m, err := s.d.Media.Update(c.ctx(), c.actor, ws, id, e)
	if err != nil {
		return reply{}, err
	}
	return ok(viewMedia(m, time.Now())), nil
}

// mediaPatch is the body of mediaUpdate. Raw fields tell a field left out
// (nil) from one sent as null.
type mediaPatch struct {
	Alt       json.RawMessage `json:"alt"`
	Title     json.RawMessage `json:"title"`
	Tags      json.RawMessage `json:"tags"`
	Folder    json.RawMessage `json:"folder"`
	Source    json.RawMessage `json:"source"`
	Licence   json.RawMessage `json:"licence"`
	Credit    json.RawMessage `json:"credit"`
	ExpiresAt json.RawMessage `json:"expires_at"`
}

// apply writes the fields sent onto e; sending none is a 400.
func (p mediaPatch) apply(e *media.Edit) error {
	sent := false
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{{"alt", p.Alt, &e.Alt}, {"title", p.Title, &e.Title}, {"folder", p.Folder, &e.Folder},
		{"source", p.Source, &e.Source}, {"licence", p.Licence, &e.Licence}, {"credit", p.Credit, &e.Credit}} {
		if f.raw == nil {
			continue
		}
		sent = true
		if err := patchText(f.name, f.raw, f.dst); err != nil {
			return err
		}
	}
	if p.Tags != nil {
		sent = true
		if err := patchTags(p.Tags, &e.Tags); err != nil {
			return err
		}
	}
	if p.ExpiresAt != nil {
		sent = true
		if err := patchInstant("expires_at", p.ExpiresAt, &e.ExpiresAt); err != nil {
			return err
		}
	}
	if !sent {
		return model.Invalid("", "send at least one of alt, title, tags, folder, source, licence, credit, expires_at")
	}
	return nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// patchText sets dst from a string or null ("").
func patchText(field string, raw json.RawMessage, dst *string) error {
	if isNull(raw) {
		*dst = ""
		return nil
	}
	if json.Unmarshal(raw, dst) != nil {
		return invalidField(field, "must be a string, or null to clear it")
	}
	return nil
}

// patchTags sets dst from an array of strings or null (no tags).
func patchTags(raw json.RawMessage, dst *[]string) error {
	var tags []string
	if !isNull(raw) && json.Unmarshal(raw, &tags) != nil {
		return invalidField("tags", "must be an array of strings, or null to clear them")
	}
	if tags == nil {
		tags = []string{}
	}
	*dst = tags
	return nil
}

// patchInstant sets dst from an RFC 3339 instant or null (the zero time).
func patchInstant(field string, raw json.RawMessage, dst *time.Time) error {
	if isNull(raw) {
		*dst = time.Time{}
		return nil
	}
	var s string
	t, err := time.Time{}, json.Unmarshal(raw, &s)
	if err == nil {
		t, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return invalidField(field, "must be an RFC 3339 instant such as 2026-12-31T23:59:00Z, or null for no end")
	}
	*dst = t.UTC()
	return nil
}
