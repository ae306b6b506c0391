package api

import (
	"strings"

	"herald/internal/model"
)

// channelCreate connects a channel with its network's non-OAuth flow: the
// fields are the network's connect fields (GET /api/v1/networks lists them).
// OAuth networks connect through channelOAuth instead.
func (s *server) channelCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Network string            `json:"network"`
		Fields  map[string]string `json:"fields"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	network := strings.TrimSpace(in.Network)
	if network == "" {
		return reply{}, invalidField("network", "is required; GET /api/v1/networks lists the networks and their fields")
	}
	if in.Fields == nil {
		in.Fields = map[string]string{}
	}
	ch, err := s.d.Channels.Connect(c.ctx(), c.actor, ws, network, in.Fields)
	if err != nil {
		return reply{}, s.connectProblem(ws, network, err)
	}
	return created(c, ch.ID, viewChannel(ch)), nil
}

// connectProblem words a failed connect or reconnect for the API: a field
// of the network's form is named as fields.<name>, and an OAuth network is
// pointed at the OAuth endpoint.
func (s *server) connectProblem(ws, network string, err error) error {
	e := model.AsError(err)
	if e == nil || e.Kind != model.KindInvalid || e.Field == "" {
		return err
	}
	if e.Field == "network" {
		if s.isOAuth(network) {
			return invalidField("network", "%s connects through its sign-in page (OAuth): POST /api/v1/workspaces/%s/channels/oauth with {\"network\":\"%s\"}, then open the authorize_url it answers in a browser signed in to Herald", network, ws, network)
		}
		return err
	}
	return invalidField("fields."+e.Field, "%s", e.Msg)
}
