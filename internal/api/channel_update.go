package api

import (
	"herald/internal/channel"
	"herald/internal/model"
)

// channelUpdate changes a channel's display name, time zone or default post
// options; what the request leaves out stays as it is, and defaults, when
// sent, replace the whole set.
func (s *server) channelUpdate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := c.id("id", "channel")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name     *string            `json:"name"`
		TimeZone *string            `json:"time_zone"`
		Defaults *map[string]string `json:"defaults"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Name == nil && in.TimeZone == nil && in.Defaults == nil {
		return reply{}, model.Invalid("", "send name, time_zone, defaults or a combination")
	}
	// A refusal comes before any complaint about the input.
	if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActChannelManage); err != nil {
		return reply{}, err
	}
	cur, err := s.d.Channels.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	set := channel.Settings{Name: cur.Name, TimeZone: cur.TimeZone}
	if in.Name != nil {
		set.Name = *in.Name
	}
	if in.TimeZone != nil {
		set.TimeZone = *in.TimeZone
	}
	if in.Defaults != nil {
		set.Defaults = *in.Defaults
		if set.Defaults == nil {
			set.Defaults = map[string]string{}
		}
		if err := channel.CheckDefaults(set.Defaults); err != nil {
			return reply{}, err
		}
	}
	ch, err := s.d.Channels.Update(c.ctx(), c.actor, ws, id, set)
	if err != nil {
		return reply{}, err
	}
	return ok(viewChannel(ch)), nil
}
