package web

import (
	"net/http"

	"herald/internal/channel"
	"herald/internal/model"
)

// networkAppPut saves a workspace's own app credentials for an OAuth
// network (Owners and Admins).
func (h *handler) networkAppPut(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Workspaces.Authorize(r.Context(), v.actor, m.Workspace.ID, model.ActChannelApps); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.putApp(w, r, v, &m)
}

// adminNetworkAppPut saves installation-wide app credentials.
func (h *handler) adminNetworkAppPut(w http.ResponseWriter, r *http.Request, v *visit) {
	h.putApp(w, r, v, nil)
}

// putApp stores client credentials for workspace m (nil: installation-wide).
// A blank secret keeps the stored one; the secret is never shown back.
func (h *handler) putApp(w http.ResponseWriter, r *http.Request, v *visit, m *model.Membership) {
	f := newForm(r)
	f.Values.Del("client_secret")
	ws, back := "", "/admin/apps"
	if m != nil {
		ws, back = m.Workspace.ID, "/w/"+m.Workspace.ID+"/channels/apps"
	}
	network := r.PostForm.Get("network")
	n, ok := h.network(network)
	var err error
	switch {
	case network == "":
		err = model.Invalid("network", "choose the network the app belongs to")
	case !ok:
		err = model.Invalid("network", "this Herald has no network called %q", network)
	case !n.OAuth:
		err = model.Invalid("network", "%s does not sign in through OAuth, so it needs no app", n.Name)
	default:
		err = h.d.Channels.PutApp(r.Context(), v.actor, ws, channel.AppInput{Network: n.Network, Instance: r.PostForm.Get("instance"),
			ClientID: r.PostForm.Get("client_id"), ClientSecret: r.PostForm.Get("client_secret")})
	}
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("network", "instance", "client_id", "client_secret")
			h.renderApps(w, r, v, status, m, f)
		})
		return
	}
	h.setFlash(w, r, "success", "The "+n.Name+" app is saved. Channels can now connect through it.")
	redirect(w, r, back)
}
