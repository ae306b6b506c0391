package web

import (
	"net/http"

	"herald/internal/model"
)

// tokensData is the API tokens page.
type tokensData struct {
	Tokens  []model.APIToken
	Created *createdToken // the secret, shown once after creation
}

type createdToken struct {
	Secret string
	Token  model.APIToken
}

// tokenList shows the visitor's API tokens and the form to make one.
func (h *handler) tokenList(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderTokens(w, r, v, http.StatusOK, &form{}, nil)
}

func (h *handler) renderTokens(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, created *createdToken) {
	ts, err := h.d.Accounts.Tokens(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, status, "tokens", &page{Title: "API tokens", Section: "tokens", Form: f, Data: tokensData{Tokens: ts, Created: created}})
}
