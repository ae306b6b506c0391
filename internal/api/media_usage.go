package api

// mediaUsage lists the posts that use an asset, ordered by post ID. An
// asset in use cannot be deleted until it is removed from them.
func (s *server) mediaUsage(c *call) (reply, error) {
	ws, id, err := mediaPath(c)
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	// The usage query answers for any ID; ask for the asset first so an
	// unknown one is a 404 rather than an empty list.
	if _, err := s.d.Media.Get(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	uses, err := s.d.Media.UsedIn(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	views := make([]mediaUseView, 0, len(uses))
	for _, u := range uses {
		views = append(views, mediaUseView{PostID: u.PostID, Text: u.Text, UpdatedAt: stamp(u.UpdatedAt)})
	}
	return ok(paginate(views, func(v mediaUseView) string { return v.PostID }, p)), nil
}
