package api

import (
	"net/http"
	"time"

	"herald/internal/account"
	"herald/internal/model"
)

// Token lifetimes: expires_in_days defaults to the command line's 90 days;
// 0 means the token never expires.
const (
	defaultTokenDays = 90
	maxTokenDays     = 5 * 365
)

// tokenCreated is a new token with its secret, shown this once.
type tokenCreated struct {
	tokenView
	Token string `json:"token"`
}

// tokenCreate makes an API token for the caller. A token can only hand on
// scopes it has itself, so a narrow token cannot mint a broader one.
func (s *server) tokenCreate(c *call) (reply, error) {
	var in struct {
		Name          string   `json:"name"`
		Scopes        []string `json:"scopes"`
		ExpiresInDays *int     `json:"expires_in_days"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	scopes, err := model.ParseScopes(in.Scopes)
	if err != nil {
		return reply{}, model.Invalid("scopes", "%s", err.Error())
	}
	for _, sc := range scopes {
		if !model.HasScope(c.token.Scopes, sc) {
			p := newProblem(http.StatusForbidden, typeInsufficientScope, "Insufficient scope",
				"this API token lacks the %s scope, so it cannot create a token that has it", sc)
			p.Scope = string(sc)
			return reply{}, p
		}
	}
	days := defaultTokenDays
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
	}
	if days < 0 || days > maxTokenDays {
		return reply{}, model.Invalid("expires_in_days", "must be from 1 to %d days, or 0 for a token that never expires", maxTokenDays)
	}
	names := make([]string, len(scopes))
	for i, sc := range scopes {
		names[i] = string(sc)
	}
	raw, t, err := s.d.Accounts.CreateToken(c.ctx(), c.actor, account.NewToken{Name: in.Name, Scopes: names,
		ExpiresIn: time.Duration(days) * 24 * time.Hour})
	if err != nil {
		return reply{}, err
	}
	return created(c, t.ID, tokenCreated{tokenView: viewToken(t), Token: raw}), nil
}
