package api

// postReset sets a channel's version of a post back to the base: every
// field, or the one named.
func (s *server) postReset(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		ChannelID string `json:"channel_id"`
		Field     string `json:"field"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.ChannelID == "" {
		return reply{}, invalidField("channel_id", "is required")
	}
	p, err := s.d.Compose.ResetVariant(c.ctx(), c.actor, ws, id, in.ChannelID, in.Field)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPost(p)), nil
}
