package web

import (
	"net/http"
)

// channelTest checks a channel's connection now and shows the network's
// exact answer where the button was pressed: on the channel's own page when
// the form says from=channel, else on the channel list. The test ran either
// way, so a failed check is still a 200 page with the failure as content.
func (h *handler) channelTest(w http.ResponseWriter, r *http.Request, v *visit) {
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
	st, err := h.d.Channels.Test(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	res := &testResult{ChannelID: id, Name: c.Name, OK: st.OK, Message: sentence(st.Message), Handle: st.Handle}
	if res.Message == "" {
		res.Message = "The network gave no details."
	}
	if r.PostForm.Get("from") == "channel" {
		h.renderChannelSettings(w, r, v, http.StatusOK, m, id, nil, res)
		return
	}
	h.renderChannels(w, r, v, http.StatusOK, m, res)
}
