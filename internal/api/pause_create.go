package api

// pauseCreate pauses publishing for the workspace, or for the channel
// named by channel_id, and answers the pauses now in force.
func (s *server) pauseCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Reason    string `json:"reason"`
		ChannelID string `json:"channel_id"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if err := s.d.Publish.Pause(c.ctx(), c.actor, ws, in.ChannelID, in.Reason); err != nil {
		return reply{}, err
	}
	list, err := s.d.Publish.Pauses(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPauses(list)), nil
}
