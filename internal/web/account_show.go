package web

import (
	"net/http"
	"net/url"
)

// accountShow is the profile page: display name and password change.
func (h *handler) accountShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderAccount(w, r, v, http.StatusOK, &form{Values: url.Values{"name": {v.user.Name}}, Errors: map[string]string{}})
}

func (h *handler) renderAccount(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	h.render(w, r, v, status, "account", &page{Title: "Your account", Section: "account", Form: f})
}
