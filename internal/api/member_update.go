package api

import "herald/internal/model"

// memberUpdate changes a member's role and answers the updated member.
func (s *server) memberUpdate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	user, err := c.id("user", "member")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Role string `json:"role"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if err := s.d.Workspaces.ChangeRole(c.ctx(), c.actor, ws, user, in.Role); err != nil {
		return reply{}, err
	}
	ms, err := s.d.Workspaces.Members(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	for _, m := range ms {
		if m.UserID == user {
			return ok(viewMember(m)), nil
		}
	}
	// Removed by someone else between the two calls.
	return reply{}, model.NotFound("that person is not a member of this workspace")
}
