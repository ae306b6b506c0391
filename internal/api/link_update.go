package api

import "herald/internal/model"

// linkUpdate points a link at a new target; the short URL stays the same.
func (s *server) linkUpdate(c *call) (reply, error) {
	ws, id, err := linkPath(c)
	if err != nil {
		return reply{}, err
	}
	var in struct {
		URL *string `json:"url"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.URL == nil {
		return reply{}, model.Invalid("url", "send the new target as url")
	}
	l, err := s.d.Links.Update(c.ctx(), c.actor, ws, id, *in.URL)
	if err != nil {
		return reply{}, err
	}
	return ok(s.viewLink(l)), nil
}
