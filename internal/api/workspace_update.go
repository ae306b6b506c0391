package api

import "herald/internal/model"

// workspaceUpdate renames, archives or restores a workspace. Both changes are
// authorised before either is made, so a request is never half applied
// because the caller may rename but not archive.
func (s *server) workspaceUpdate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name     *string `json:"name"`
		Archived *bool   `json:"archived"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Name == nil && in.Archived == nil {
		return reply{}, model.Invalid("", "send name, archived or both")
	}
	if err := s.authorizeUpdate(c, ws, in.Name != nil, in.Archived != nil); err != nil {
		return reply{}, err
	}
	if in.Name != nil {
		if err := s.d.Workspaces.Rename(c.ctx(), c.actor, ws, *in.Name); err != nil {
			return reply{}, err
		}
	}
	if in.Archived != nil {
		if err := s.d.Workspaces.SetArchived(c.ctx(), c.actor, ws, *in.Archived); err != nil {
			return reply{}, err
		}
	}
	m, err := s.d.Workspaces.Get(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(viewWorkspace(m)), nil
}

// authorizeUpdate checks, before anything changes, that the caller may make
// every change the request asks for.
func (s *server) authorizeUpdate(c *call, ws string, rename, archive bool) error {
	if rename {
		if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActWorkspaceRename); err != nil {
			return err
		}
	}
	if archive {
		if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActWorkspaceArchive); err != nil {
			return err
		}
	}
	return nil
}
