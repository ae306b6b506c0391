package api

// ideaList lists the workspace's ideas, newest first: open ones, or all
// with ?all=true (including those that became drafts).
func (s *server) ideaList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	all := false
	switch c.r.URL.Query().Get("all") {
	case "", "false":
	case "true":
		all = true
	default:
		return reply{}, invalidField("all", "is true or false")
	}
	list, err := s.d.Compose.Ideas(c.ctx(), c.actor, ws, all)
	if err != nil {
		return reply{}, err
	}
	out := listOf[ideaView]{Data: make([]ideaView, len(list))}
	for i, x := range list {
		out.Data[i] = viewIdea(x)
	}
	return ok(out), nil
}
