package api

// invitationCreated is a new invitation plus how it reaches the person.
type invitationCreated struct {
	invitationView
	Emailed bool `json:"emailed"`
	// Link is the acceptance link to hand over, only when it was not
	// e-mailed: a mailed link proves the address, so it stays in the mail.
	Link *string `json:"link"`
}

// invitationCreate invites someone to the workspace with a role.
func (s *server) invitationCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	inv, err := s.d.Workspaces.Invite(c.ctx(), c.actor, ws, in.Email, in.Role)
	if err != nil {
		return reply{}, err
	}
	out := invitationCreated{invitationView: viewInvitation(inv.Invitation), Emailed: inv.Emailed}
	if !inv.Emailed {
		out.Link = &inv.Link
	}
	return created(c, inv.Invitation.ID, out), nil
}
