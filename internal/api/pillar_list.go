package api

// pillarList lists the workspace's content pillars by name.
func (s *server) pillarList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Compose.Pillars(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := listOf[pillarView]{Data: make([]pillarView, len(list))}
	for i, p := range list {
		out.Data[i] = viewPillar(p)
	}
	return ok(out), nil
}

// listOf is the envelope of the small, unpaged compose lists (pillars,
// ideas, snippets, versions): a workspace has tens of them, not thousands.
type listOf[T any] struct {
	Data []T `json:"data"`
}
