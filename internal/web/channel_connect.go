package web

import (
	"net/http"

	"herald/internal/model"
)

// connectData is the connect page of one network, also used to reconnect
// an existing channel (Channel set).
type connectData struct {
	Net         networkView
	Channel     *channelRow
	AppReady    bool   // OAuth: an app is set up, or the network registers one itself
	RedirectURI string // OAuth: what the network's app must have registered
	Scopes      []string
	CanApps     bool
}

// channelConnectShow is the connect form of one network, drawn from the
// provider's fields; OAuth networks get a button to their sign-in page.
func (h *handler) channelConnectShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	n, ok := h.network(r.PathValue("network"))
	if !ok {
		h.unknownNetwork(w, r, v, r.PathValue("network"))
		return
	}
	if _, err := h.d.Workspaces.Authorize(r.Context(), v.actor, m.Workspace.ID, model.ActChannelManage); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderConnect(w, r, v, http.StatusOK, m, n, nil, &form{})
}

func (h *handler) renderConnect(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, n networkView, ch *channelRow, f *form) {
	d := connectData{Net: n, Channel: ch, CanApps: model.Can(m.Role, model.ActChannelApps)}
	if n.OAuth {
		setups, err := h.d.Channels.OAuthSetups(r.Context(), m.Workspace.ID)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		for _, s := range setups {
			if string(s.Network.Network) == n.Network {
				d.AppReady, d.RedirectURI, d.Scopes = s.Configured, s.RedirectURI, s.Scopes
			}
		}
	}
	title := "Connect " + n.Name
	if ch != nil {
		title = "Reconnect " + ch.Name
	}
	h.render(w, r, v, status, "channel_connect", &page{Title: title + " · " + m.Workspace.Name, Heading: title, Section: "channels", WS: &m, Form: f, Data: d})
}

// channelConnect connects an account with the network's own non-OAuth flow
// and opens the new channel's page.
func (h *handler) channelConnect(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	n, ok := h.network(r.PathValue("network"))
	if !ok {
		h.unknownNetwork(w, r, v, r.PathValue("network"))
		return
	}
	f := newForm(r)
	c, err := h.d.Channels.Connect(r.Context(), v.actor, m.Workspace.ID, n.Network, connectInput(r, n, f))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields(n.fieldNames()...)
			h.renderConnect(w, r, v, status, m, n, nil, f)
		})
		return
	}
	if len(c.Reveal) > 0 { // shown in this response only, never through a redirect or cookie
		h.renderChannelSettingsReveal(w, r, v, http.StatusOK, m, c.ID, nil, nil, c.Reveal)
		return
	}
	h.setFlash(w, r, "success", n.Name+" "+c.Handle+" is connected. Set its time zone and defaults here, and test the connection.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels/"+c.ID)
}

// connectInput collects the provider's fields from the posted form. Secret
// values are dropped from what the form shows back.
func connectInput(r *http.Request, n networkView, f *form) map[string]string {
	in := map[string]string{}
	for _, fs := range n.Fields {
		if vals, ok := r.PostForm[fs.Name]; ok && len(vals) > 0 {
			in[fs.Name] = vals[0]
		}
		if fs.Secret {
			f.Values.Del(fs.Name)
		}
	}
	return in
}

// fieldNames lists the inputs of the network's connect form.
func (n networkView) fieldNames() []string {
	if n.OAuth {
		if n.Instance {
			return []string{"instance"}
		}
		return nil
	}
	out := make([]string, len(n.Fields))
	for i, f := range n.Fields {
		out[i] = f.Name
	}
	if n.Flow {
		out = append(out, n.FlowSpec.Name)
	}
	return out
}
