package web

import (
	"net/http"
)

// tokenRevoke revokes one of the visitor's tokens at once.
func (h *handler) tokenRevoke(w http.ResponseWriter, r *http.Request, v *visit) {
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return
	}
	if err := h.d.Accounts.RevokeToken(r.Context(), v.actor, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The token is revoked; scripts using it stop working now.")
	redirect(w, r, "/account/tokens")
}
