package web

import (
	"net/http"
)

// channelDisconnect removes a channel and its credentials; the page's
// confirmation panel is the step before this post.
func (h *handler) channelDisconnect(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	c, err := h.d.Channels.Get(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if err := h.d.Channels.Disconnect(ctx, v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", c.Name+" is disconnected and its credentials are deleted from Herald.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels")
}
