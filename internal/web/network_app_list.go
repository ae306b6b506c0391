package web

import (
	"net/http"
	"net/url"

	"herald/internal/model"
)

// appsData is a network apps page: a workspace's own, or the installation's.
type appsData struct {
	Admin    bool   // the installation-wide page
	Action   string // where the form posts, and the base of delete actions
	Setups   []appSetup
	Networks []networkView // the OAuth networks, for the form's select
}

// appSetup is one OAuth network: what to register with it and the apps
// saved here for it.
type appSetup struct {
	Net         networkView
	RedirectURI string
	Scopes      []string
	Configured  bool // an app is saved here or installation-wide, or the network registers one itself
	Apps        []model.NetworkApp
}

// networkAppList shows a workspace's own network apps (Owners and Admins).
func (h *handler) networkAppList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderApps(w, r, v, http.StatusOK, &m, nil)
}

// adminNetworkAppList shows the installation-wide network apps.
func (h *handler) adminNetworkAppList(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderApps(w, r, v, http.StatusOK, nil, nil)
}

// renderApps draws the page for workspace m, or installation-wide when m is
// nil. The domain lists apps without their secrets.
func (h *handler) renderApps(w http.ResponseWriter, r *http.Request, v *visit, status int, m *model.Membership, f *form) {
	ctx := r.Context()
	ws, action := "", "/admin/apps"
	if m != nil {
		ws, action = m.Workspace.ID, "/w/"+m.Workspace.ID+"/channels/apps"
	}
	apps, err := h.d.Channels.Apps(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	setups, err := h.d.Channels.OAuthSetups(ctx, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := appsData{Admin: m == nil, Action: action}
	nets := h.networks()
	for _, s := range setups {
		n, _ := findNetwork(nets, string(s.Network.Network))
		as := appSetup{Net: n, RedirectURI: s.RedirectURI, Scopes: s.Scopes, Configured: s.Configured}
		for _, a := range apps {
			if a.Network == as.Net.Network {
				as.Apps = append(as.Apps, a)
			}
		}
		d.Setups = append(d.Setups, as)
		d.Networks = append(d.Networks, as.Net)
	}
	if f == nil {
		f = &form{Values: url.Values{}, Errors: map[string]string{}}
		f.Values.Set("network", r.URL.Query().Get("network"))
	}
	p := &page{Title: "Network apps", Section: "admin-apps", Form: f, Data: d}
	if m != nil {
		p.Title, p.Section, p.WS = "Network apps · "+m.Workspace.Name, "channels", m
	}
	p.Heading = "Network apps"
	h.render(w, r, v, status, "network_apps", p)
}
