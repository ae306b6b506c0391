package api

// postLinkStats summarises the clicks of every tracked link of one post
// over the last 90 days. An unknown post is a 404, not a row of zeros.
func (s *server) postLinkStats(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "post")
	if err != nil {
		return reply{}, err
	}
	if _, err := s.d.Compose.Get(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	st, err := s.d.Links.PostStats(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewLinkStats(st)), nil
}
