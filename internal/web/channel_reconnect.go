package web

import (
	"net/http"

	"herald/internal/model"
)

// channelReconnectShow asks for new credentials of a channel: the network's
// connect form, or its sign-in button for OAuth networks.
func (h *handler) channelReconnectShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, row, ok := h.reconnectTarget(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Workspaces.Authorize(r.Context(), v.actor, m.Workspace.ID, model.ActChannelManage); err != nil {
		h.fail(w, r, v, err)
		return
	}
	f := &form{}
	if inst := row.Settings["instance"]; inst != "" && row.Net.Instance {
		f.Values = map[string][]string{"instance": {inst}}
	}
	h.renderConnect(w, r, v, http.StatusOK, m, row.Net, &row, f)
}

// reconnectTarget loads the channel of the path with its network, which
// this Herald must still offer.
func (h *handler) reconnectTarget(w http.ResponseWriter, r *http.Request, v *visit) (model.Membership, channelRow, bool) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return m, channelRow{}, false
	}
	id, ok := h.pathID(w, r, v, "id")
	if !ok {
		return m, channelRow{}, false
	}
	c, err := h.d.Channels.Get(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return m, channelRow{}, false
	}
	row := rowFor(c, h.networks())
	if !row.Known {
		h.errorPage(w, r, v, errorData{Status: http.StatusConflict, Heading: "This network is not available",
			Message: "This Herald no longer offers the network " + c.Network + ", so " + c.Name + " cannot be reconnected. An administrator can enable it again, or you can disconnect the channel.",
			Back:    "/w/" + m.Workspace.ID + "/channels", BackTxt: "Back to channels"})
		return m, row, false
	}
	return m, row, true
}

// channelReconnect replaces a channel's credentials through the network's
// non-OAuth flow; they must belong to the same account.
func (h *handler) channelReconnect(w http.ResponseWriter, r *http.Request, v *visit) {
	m, row, ok := h.reconnectTarget(w, r, v)
	if !ok {
		return
	}
	if row.Net.OAuth {
		if _, err := h.d.Workspaces.Authorize(r.Context(), v.actor, m.Workspace.ID, model.ActChannelManage); err != nil {
			h.fail(w, r, v, err)
			return
		}
		h.fail(w, r, v, model.Invalid("", "%s channels reconnect through %s's sign-in page: use the Reconnect with %s button", row.Net.Name, row.Net.Name, row.Net.Name))
		return
	}
	f := newForm(r)
	c, err := h.d.Channels.Reconnect(r.Context(), v.actor, m.Workspace.ID, row.ID, connectInput(r, row.Net, f))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields(row.Net.fieldNames()...)
			h.renderConnect(w, r, v, status, m, row.Net, &row, f)
		})
		return
	}
	if len(c.Reveal) > 0 { // shown in this response only, never through a redirect or cookie
		h.renderChannelSettingsReveal(w, r, v, http.StatusOK, m, c.ID, nil, nil, c.Reveal)
		return
	}
	h.setFlash(w, r, "success", c.Name+" is reconnected.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels/"+c.ID)
}
