package web

import (
	"net/http"
	"time"

	"herald/internal/model"
)

// usersData is the users page, with a reset link right after one was made.
type usersData struct {
	Users     []model.User
	Now       time.Time
	ResetFor  *model.User
	ResetLink string
}

// adminUserList lists every account of this Herald.
func (h *handler) adminUserList(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderUsers(w, r, v, http.StatusOK, usersData{})
}

func (h *handler) renderUsers(w http.ResponseWriter, r *http.Request, v *visit, status int, d usersData) {
	users, err := h.d.Accounts.Users(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d.Users, d.Now = users, time.Now()
	h.render(w, r, v, status, "admin_users", &page{Title: "Users", Section: "admin-users", Data: d})
}
