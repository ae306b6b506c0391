package api

import "herald/internal/model"

// presetPut replaces the workspace's UTM presets with the list sent.
func (s *server) presetPut(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Presets []presetView `json:"presets"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	list := make([]model.UTMPreset, len(in.Presets))
	for i, p := range in.Presets {
		list[i] = model.UTMPreset{Scope: p.Scope, Key: p.Key, Params: p.Params}
	}
	out, err := s.d.Links.PutPresets(c.ctx(), c.actor, ws, list)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPresets(out)), nil
}
