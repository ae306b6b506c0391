package api

// tokenList lists the caller's live API tokens (never their secrets).
func (s *server) tokenList(c *call) (reply, error) {
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	ts, err := s.d.Accounts.Tokens(c.ctx(), c.actor)
	if err != nil {
		return reply{}, err
	}
	views := make([]tokenView, len(ts))
	for i, t := range ts {
		views[i] = viewToken(t)
	}
	return ok(paginate(views, func(v tokenView) string { return v.ID }, p)), nil
}
