package api

import (
	"fmt"
	"net/http"
	"strings"

	"herald/internal/model"
	"herald/internal/platform/httpx"
)

// authenticate resolves the bearer token, checks that it carries the
// route's scope and fills in the actor. Workspace roles are not checked
// here: the domain does that for every surface alike.
func (s *server) authenticate(c *call, need model.Scope) error {
	raw, err := bearerToken(c.r)
	if err != nil {
		return err
	}
	u, tok, err := s.d.Accounts.Authenticate(c.ctx(), raw)
	if model.KindOf(err) == model.KindNotFound { // the token's user is gone
		return unauthorized(`error="invalid_token"`, "the API token is not valid")
	}
	if err != nil {
		return err
	}
	if !model.HasScope(tok.Scopes, need) {
		p := newProblem(http.StatusForbidden, typeInsufficientScope, "Insufficient scope",
			"this API token lacks the %s scope that this request needs; create a token that includes it", need)
		p.Scope = string(need)
		return p.withHeader("WWW-Authenticate", bearerChallenge(fmt.Sprintf(`error="insufficient_scope", scope="%s"`, need)))
	}
	c.token = tok
	c.actor = model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: u.IsAdmin, IP: httpx.ClientIP(c.r, s.d.TrustProxy),
		UserAgent: c.r.UserAgent(), Via: "api"}
	return nil
}

// bearerToken extracts the token of an "Authorization: Bearer ..." header.
func bearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", unauthorized("", "this request needs an API token: send Authorization: Bearer hrld_…")
	}
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", unauthorized(`error="invalid_request"`, "the Authorization header must be \"Bearer\" followed by an API token")
	}
	return tok, nil
}

func unauthorized(challenge, format string, args ...any) *problem {
	p := newProblem(http.StatusUnauthorized, typeUnauthorized, "Unauthorized", format, args...)
	return p.withHeader("WWW-Authenticate", bearerChallenge(challenge))
}
