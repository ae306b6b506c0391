package api

// channelList lists a workspace's channels with their health, ordered by
// ID (oldest first). Credentials are never part of the answer.
func (s *server) channelList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Channels.List(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	views := make([]channelView, len(list))
	for i, ch := range list {
		views[i] = viewChannel(ch)
	}
	return ok(paginate(views, func(v channelView) string { return v.ID }, p)), nil
}
