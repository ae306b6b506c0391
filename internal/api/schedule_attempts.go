package api

import "sort"

// postAttempts lists every try at publishing the post, newest first.
func (s *server) postAttempts(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	byChannel, err := s.d.Publish.Attempts(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	out := []attemptView{}
	for ch, list := range byChannel {
		for _, a := range list {
			out = append(out, viewAttempt(ch, a))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt > out[j].StartedAt })
	return ok(map[string]any{"data": out}), nil
}
