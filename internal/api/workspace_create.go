package api

import "herald/internal/model"

// workspaceCreate makes a workspace with the caller as its Owner.
func (s *server) workspaceCreate(c *call) (reply, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	w, err := s.d.Workspaces.Create(c.ctx(), c.actor, in.Name)
	if err != nil {
		return reply{}, err
	}
	return created(c, w.ID, viewWorkspace(model.Membership{Workspace: w, Role: model.RoleOwner})), nil
}
