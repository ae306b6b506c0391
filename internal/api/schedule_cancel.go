package api

// postCancel takes a post's scheduled targets (or those of the channels
// named) back to draft.
func (s *server) postCancel(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Channels []string `json:"channels"`
	}
	if len(c.r.Header.Get("Content-Type")) > 0 || c.r.ContentLength > 0 {
		if err := c.decode(&in); err != nil {
			return reply{}, err
		}
	}
	p, err := s.d.Publish.Cancel(c.ctx(), c.actor, ws, id, in.Channels)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPost(p)), nil
}
