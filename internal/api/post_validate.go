package api

import (
	"time"

	"herald/internal/compose"
)

// postValidate checks a post against every picked channel's limits without
// saving it, for live feedback while writing.
func (s *server) postValidate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		draftInput
		PostID string `json:"post_id"`
		At     string `json:"at"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	vin := compose.ValidateInput{Draft: in.draft(), PostID: in.PostID}
	if in.At != "" {
		at, err := time.Parse(time.RFC3339, in.At)
		if err != nil {
			return reply{}, invalidField("at", "is not an RFC 3339 instant")
		}
		vin.At = at
	}
	rep, err := s.d.Compose.Validate(c.ctx(), c.actor, ws, vin)
	if err != nil {
		return reply{}, err
	}
	if rep.Targets == nil {
		rep.Targets = []compose.TargetReport{}
	}
	return ok(rep), nil
}
