package api

import "time"

// mediaGet returns one asset.
func (s *server) mediaGet(c *call) (reply, error) {
	ws, id, err := mediaPath(c)
	if err != nil {
		return reply{}, err
	}
	m, err := s.d.Media.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewMedia(m, time.Now())), nil
}

// mediaPath reads the workspace and asset IDs from the path.
func mediaPath(c *call) (string, string, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return "", "", err
	}
	id, err := c.id("id", "media")
	return ws, id, err
}
