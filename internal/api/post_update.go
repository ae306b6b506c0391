package api

import (
	"herald/internal/compose"
	"herald/internal/model"
)

// postUpdate saves a new state of a post. The request names the version it
// was written on; if someone saved since, the answer is 409 and nothing
// changes. Fields left out keep their values.
func (s *server) postUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("post")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Version  *int                      `json:"version"`
		Base     *model.Content            `json:"base"`
		Channels *[]string                 `json:"channels"`
		Variants *map[string]model.Variant `json:"variants"`
		PillarID *string                   `json:"pillar_id"`
		Labels   *[]string                 `json:"labels"`
		Notes    *string                   `json:"notes"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Version == nil {
		return reply{}, invalidField("version", "is required: the version you edited, so a save by someone else is not overwritten")
	}
	cur, err := s.d.Compose.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	d := draftOf(cur)
	if in.Base != nil {
		d.Base = *in.Base
	}
	if in.Channels != nil {
		d.Channels = *in.Channels
	}
	if in.Variants != nil {
		d.Variants = *in.Variants
	}
	if in.PillarID != nil {
		d.PillarID = *in.PillarID
	}
	if in.Labels != nil {
		d.Labels = *in.Labels
	}
	if in.Notes != nil {
		d.Notes = *in.Notes
	}
	p, err := s.d.Compose.Update(c.ctx(), c.actor, ws, id, *in.Version, d)
	if err != nil {
		return reply{}, err
	}
	return ok(viewPost(p)), nil
}

// draftOf is the editable state of a post, to apply a partial update to.
func draftOf(p model.Post) compose.Draft {
	d := compose.Draft{Base: p.Base, PillarID: p.PillarID, Labels: p.Labels, Notes: p.Notes, Variants: map[string]model.Variant{}}
	for _, t := range p.Targets {
		d.Channels = append(d.Channels, t.ChannelID)
		if t.Variant.Customised() {
			d.Variants[t.ChannelID] = t.Variant
		}
	}
	return d
}
