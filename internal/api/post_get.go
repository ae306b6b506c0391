package api

// postGet returns one post with its targets.
func (s *server) postGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	p, err := s.d.Compose.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPost(p)), nil
}

// wsAnd returns the {ws} and {id} path parameters, the second naming noun.
func (c *call) wsAnd(noun string) (string, string, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return "", "", err
	}
	id, err := c.id("id", noun)
	return ws, id, err
}
