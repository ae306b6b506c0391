package api

// linkList lists a workspace's tracked links with their human click
// counts, ordered by ID (oldest first).
func (s *server) linkList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	// One more than asked tells whether another page follows.
	list, err := s.d.Links.List(c.ctx(), c.actor, ws, p.after, p.limit+1)
	if err != nil {
		return reply{}, err
	}
	out := page[linkView]{Data: []linkView{}}
	for i, l := range list {
		if i == p.limit {
			out.NextCursor = encodeCursor(list[i-1].ID)
			break
		}
		out.Data = append(out.Data, s.viewLink(l))
	}
	return ok(out), nil
}
