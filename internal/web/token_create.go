package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/account"
)

// tokenCreate makes a token and shows its secret this one time.
func (h *handler) tokenCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	f := newForm(r)
	nt := account.NewToken{Name: r.PostForm.Get("name"), Scopes: r.PostForm["scopes"]}
	if days := strings.TrimSpace(r.PostForm.Get("expires_in_days")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil {
			f.add("expires_in_days", "enter a whole number of days, or leave it empty for a token that does not expire")
			h.renderTokens(w, r, v, http.StatusBadRequest, f, nil)
			return
		}
		nt.ExpiresIn = time.Duration(n) * 24 * time.Hour
		if n > 5*366 { // keep the multiplication far from overflow
			nt.ExpiresIn = 6 * 365 * 24 * time.Hour
		}
	}
	secret, t, err := h.d.Accounts.CreateToken(r.Context(), v.actor, nt)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderTokens(w, r, v, status, f, nil) })
		return
	}
	h.renderTokens(w, r, v, http.StatusOK, &form{}, &createdToken{Secret: secret, Token: t})
}
