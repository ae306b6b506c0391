package api

import "herald/internal/model"

type ideaInput struct {
	Text  *string           `json:"text"`
	Link  *string           `json:"link"`
	Media *[]model.MediaRef `json:"media"`
}

func (in ideaInput) apply(i *model.Idea) {
	if in.Text != nil {
		i.Text = *in.Text
	}
	if in.Link != nil {
		i.Link = *in.Link
	}
	if in.Media != nil {
		i.Media = *in.Media
	}
}

// ideaCreate captures an idea.
func (s *server) ideaCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in ideaInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	var i model.Idea
	in.apply(&i)
	if i, err = s.d.Compose.SaveIdea(c.ctx(), c.actor, ws, i); err != nil {
		return reply{}, err
	}
	return created(c, i.ID, viewIdea(i)), nil
}

// ideaUpdate edits an idea; fields left out keep their values.
func (s *server) ideaUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("idea")
	if err != nil {
		return reply{}, err
	}
	var in ideaInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	list, err := s.d.Compose.Ideas(c.ctx(), c.actor, ws, true)
	if err != nil {
		return reply{}, err
	}
	var i model.Idea
	for _, x := range list {
		if x.ID == id {
			i = x
		}
	}
	if i.ID == "" {
		return reply{}, model.NotFound("no idea with that ID in this workspace")
	}
	in.apply(&i)
	if i, err = s.d.Compose.SaveIdea(c.ctx(), c.actor, ws, i); err != nil {
		return reply{}, err
	}
	return ok(viewIdea(i)), nil
}
