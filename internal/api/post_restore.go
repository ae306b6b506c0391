package api

// postRestore saves an earlier version's content as the newest version.
func (s *server) postRestore(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Version int `json:"version"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Version < 1 {
		return reply{}, invalidField("version", "is required: the version to restore, from the post's versions")
	}
	p, err := s.d.Compose.Restore(c.ctx(), c.actor, ws, id, in.Version)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPost(p)), nil
}
