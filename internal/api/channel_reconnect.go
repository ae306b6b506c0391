package api

import "herald/internal/model"

// channelReconnect replaces a channel's credentials through its network's
// non-OAuth flow; they must belong to the same account. OAuth channels
// reconnect through channelOAuth with channel_id.
func (s *server) channelReconnect(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "channel")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Fields map[string]string `json:"fields"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	// A refusal comes before any complaint about the input.
	if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActChannelManage); err != nil {
		return reply{}, err
	}
	cur, err := s.d.Channels.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	if s.isOAuth(cur.Network) {
		return reply{}, model.Invalid("", "%s channels reconnect through the network's sign-in page: POST /api/v1/workspaces/%s/channels/oauth with {\"channel_id\":\"%s\"}, then open the authorize_url it answers in a browser signed in to Herald", cur.Network, ws, id)
	}
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	ch, err := s.d.Channels.Reconnect(c.ctx(), c.actor, ws, id, in.Fields)
	if err != nil {
		return reply{}, s.connectProblem(ws, cur.Network, err)
	}
	return ok(viewChannel(ch)), nil
}
