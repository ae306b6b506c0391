package api

// meView is the caller and the token the request was made with.
type meView struct {
	userView
	Token tokenView `json:"token"`
}

// meGet answers who the token belongs to and what it may do.
func (s *server) meGet(c *call) (reply, error) {
	u, err := s.d.Accounts.User(c.ctx(), c.actor.UserID)
	if err != nil {
		return reply{}, err
	}
	return ok(meView{userView: viewUser(u), Token: viewToken(c.token)}), nil
}
