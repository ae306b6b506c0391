package api

import "herald/internal/model"

// snippetCreate saves a template or hashtag group.
func (s *server) snippetCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	sn, err := s.d.Compose.SaveSnippet(c.ctx(), c.actor, ws, model.Snippet{Kind: model.SnippetKind(in.Kind), Name: in.Name, Body: in.Body})
	if err != nil {
		return reply{}, err
	}
	return created(c, sn.ID, viewSnippet(sn)), nil
}

// snippetUpdate renames a snippet or changes its body; its kind stays.
func (s *server) snippetUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("snippet")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name *string `json:"name"`
		Body *string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	list, err := s.d.Compose.Snippets(c.ctx(), c.actor, ws, "")
	if err != nil {
		return reply{}, err
	}
	var sn model.Snippet
	for _, x := range list {
		if x.ID == id {
			sn = x
		}
	}
	if sn.ID == "" {
		return reply{}, model.NotFound("no template or hashtag group with that ID in this workspace")
	}
	if in.Name != nil {
		sn.Name = *in.Name
	}
	if in.Body != nil {
		sn.Body = *in.Body
	}
	if sn, err = s.d.Compose.SaveSnippet(c.ctx(), c.actor, ws, sn); err != nil {
		return reply{}, err
	}
	return ok(viewSnippet(sn)), nil
}
