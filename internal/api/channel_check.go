package api

// channelTest checks a channel's connection now. A failed check is still a
// 200: the test ran, and ok and message say what the network answered; the
// channel's status changes accordingly.
func (s *server) channelTest(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "channel")
	if err != nil {
		return reply{}, err
	}
	st, err := s.d.Channels.Test(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(channelTestView{OK: st.OK, Message: st.Message, Handle: stringOrNull(st.Handle)}), nil
}
