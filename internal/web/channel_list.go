package web

import (
	"net/http"
	"sort"

	"herald/internal/model"
)

// channelsData is the channels page.
type channelsData struct {
	Groups    []channelGroup
	Total     int
	Attention int // channels that need reconnecting or failed their last check
	Networks  []networkView
	AppReady  map[string]bool // OAuth network -> an app is set up (or registers itself)
	CanManage bool
	CanApps   bool
	Test      *testResult
}

// channelList shows the workspace's channels grouped by network, with
// their health, and the networks a channel can be connected from.
func (h *handler) channelList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderChannels(w, r, v, http.StatusOK, m, nil)
}

func (h *handler) renderChannels(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, test *testResult) {
	ctx := r.Context()
	list, err := h.d.Channels.List(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	setups, err := h.d.Channels.OAuthSetups(ctx, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	nets := h.networks()
	d := channelsData{Networks: nets, AppReady: map[string]bool{}, Total: len(list), Test: test,
		CanManage: model.Can(m.Role, model.ActChannelManage), CanApps: model.Can(m.Role, model.ActChannelApps)}
	for _, s := range setups {
		d.AppReady[string(s.Network.Network)] = s.Configured
	}
	byNetwork := map[string]int{}
	for _, c := range list {
		row := rowFor(c, nets)
		if c.Status != model.ChannelActive {
			d.Attention++
		}
		i, ok := byNetwork[c.Network]
		if !ok {
			i = len(d.Groups)
			byNetwork[c.Network] = i
			d.Groups = append(d.Groups, channelGroup{Net: row.Net})
		}
		d.Groups[i].Channels = append(d.Groups[i].Channels, row)
	}
	sort.SliceStable(d.Groups, func(i, j int) bool {
		a, b := d.Groups[i].Net, d.Groups[j].Net
		if a.Demo != b.Demo {
			return b.Demo
		}
		return a.Name < b.Name
	})
	h.render(w, r, v, status, "channels", &page{Title: "Channels · " + m.Workspace.Name, Heading: "Channels", Section: "channels", WS: &m, Data: d})
}
