package api

// queueOrder puts a channel's queued posts in the order given (the first
// goes out first) and answers the re-timed queue.
func (s *server) queueOrder(c *call) (reply, error) {
	ws, id, err := c.wsAnd("channel")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		TargetIDs []string `json:"target_ids"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if len(in.TargetIDs) == 0 {
		return reply{}, invalidField("target_ids", "is required: the queued targets in their new order")
	}
	if _, err := s.d.Publish.Reorder(c.ctx(), c.actor, ws, id, in.TargetIDs); err != nil {
		return reply{}, err
	}
	qu, err := s.d.Publish.ChannelQueue(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewQueue(qu)), nil
}
