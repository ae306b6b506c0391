package api

import (
	"strings"

	"herald/internal/model"
)

// channelOAuth starts connecting an OAuth network, or reconnecting the
// channel channel_id, and answers the network's authorisation URL. A person
// opens it in a browser signed in to Herald as the token's user; the network
// sends them back to /oauth/callback/{network}, where Herald finishes.
func (s *server) channelOAuth(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Network   string  `json:"network"`
		Instance  *string `json:"instance"`
		Handle    *string `json:"handle"`
		ChannelID *string `json:"channel_id"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	// A refusal comes before any complaint about the input.
	if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActChannelManage); err != nil {
		return reply{}, err
	}
	network, channelID := strings.TrimSpace(in.Network), ""
	if in.ChannelID != nil {
		channelID = *in.ChannelID
		if !validID(channelID) {
			return reply{}, invalidField("channel_id", "is not a channel ID (a 26-character lower-case ULID)")
		}
		ch, err := s.d.Channels.Get(c.ctx(), c.actor, ws, channelID)
		if model.KindOf(err) == model.KindNotFound {
			return reply{}, invalidField("channel_id", "no channel with that ID in this workspace")
		} else if err != nil {
			return reply{}, err
		}
		if network == "" {
			network = ch.Network
		} else if network != ch.Network {
			return reply{}, invalidField("channel_id", "%s is a %s channel, not %s", channelID, ch.Network, network)
		}
	}
	if network == "" {
		return reply{}, invalidField("network", "is required (or channel_id, to reconnect a channel); GET /api/v1/networks lists the networks")
	}
	instance := ""
	if in.Instance != nil {
		instance = *in.Instance
		if strings.TrimSpace(instance) != "" && s.knownNetwork(network) && !s.d.Channels.NeedsInstance(network) {
			return reply{}, invalidField("instance", "%s has no separate servers; leave instance out", network)
		}
	}
	if in.Handle != nil && strings.TrimSpace(*in.Handle) != "" {
		if s.knownNetwork(network) && !s.d.Channels.HasOAuthFlow(network) {
			return reply{}, invalidField("handle", "%s does not sign in by handle; leave handle out", network)
		}
		if instance != "" {
			return reply{}, invalidField("handle", "give either handle or instance, not both")
		}
		instance = *in.Handle // the identifier a network with its own flow starts from
	}
	url, err := s.d.Channels.BeginOAuth(c.ctx(), c.actor, ws, network, instance, channelID)
	if err != nil {
		return reply{}, err
	}
	return ok(authorizeView{AuthorizeURL: url}), nil
}
