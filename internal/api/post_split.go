package api

// postSplit cuts a text into thread parts that every given channel accepts.
func (s *server) postSplit(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Text     string   `json:"text"`
		Channels []string `json:"channels"`
		Numbered bool     `json:"numbered"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	parts, err := s.d.Compose.Split(c.ctx(), c.actor, ws, in.Channels, in.Text, in.Numbered)
	if err != nil {
		return reply{}, err
	}
	return ok(map[string][]string{"parts": parts}), nil
}
