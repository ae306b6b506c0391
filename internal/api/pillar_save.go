package api

import "herald/internal/model"

type pillarInput struct {
	Name        *string `json:"name"`
	Color       *string `json:"color"`
	TargetShare *int    `json:"target_share"`
	Description *string `json:"description"`
}

func (in pillarInput) apply(p *model.Pillar) {
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Color != nil {
		p.Color = *in.Color
	}
	if in.TargetShare != nil {
		p.TargetShare = *in.TargetShare
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
}

// pillarCreate adds a content pillar; target shares may not exceed 100%.
func (s *server) pillarCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in pillarInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	var p model.Pillar
	in.apply(&p)
	p, err = s.d.Compose.SavePillar(c.ctx(), c.actor, ws, p)
	if err != nil {
		return reply{}, err
	}
	return created(c, p.ID, viewPillar(p)), nil
}

// pillarUpdate changes a pillar; fields left out keep their values.
func (s *server) pillarUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("pillar")
	if err != nil {
		return reply{}, err
	}
	var in pillarInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	list, err := s.d.Compose.Pillars(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	var p model.Pillar
	for _, x := range list {
		if x.ID == id {
			p = x
		}
	}
	if p.ID == "" {
		return reply{}, model.NotFound("no pillar with that ID in this workspace")
	}
	in.apply(&p)
	if p, err = s.d.Compose.SavePillar(c.ctx(), c.actor, ws, p); err != nil {
		return reply{}, err
	}
	return ok(viewPillar(p)), nil
}
