package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"herald/internal/links"
	"herald/internal/model"
	"herald/internal/platform/ids"
)

// linkPageSize is how many links one page of the list shows.
const linkPageSize = 25

// linksData is the tracked-links page.
type linksData struct {
	Rows      []linkRow
	Channels  []model.Channel // for the create form's select
	ByChannel []channelClicks
	CanManage bool
	Next      string // the URL of the next page, "" on the last
	First     string // the URL of the first page, "" on it
}

// linkRow is one link as the pages show it: the link, its short URL, the
// channel's name and its click counts over the last 90 days.
type linkRow struct {
	model.Link
	Short   string
	Channel string // the channel's name; "" for links without one
	Human   int
	Bots    int
}

// channelClicks is one line of the "Clicks by channel" table.
type channelClicks struct {
	ID, Name    string
	Human, Bots int
}

// linkList shows a page of the workspace's links, oldest first, the clicks
// per channel and, for those who may make links, the create form.
func (h *handler) linkList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderLinks(w, r, v, http.StatusOK, m, nil)
}

// renderLinks draws the list; f is the submitted create form, if any.
func (h *handler) renderLinks(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form) {
	ctx, ws := r.Context(), m.Workspace.ID
	after := r.URL.Query().Get("after")
	if !ids.Valid(after) {
		after = "" // a stale or mangled bookmark still shows the first page
	}
	list, err := h.d.Links.List(ctx, v.actor, ws, after, linkPageSize+1)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	chans, err := h.d.Channels.List(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	base := "/w/" + ws + "/links"
	d := linksData{Channels: chans, CanManage: model.Can(m.Role, model.ActLinkManage)}
	if len(list) > linkPageSize {
		list = list[:linkPageSize]
		d.Next = base + "?" + url.Values{"after": {list[linkPageSize-1].ID}}.Encode()
	}
	if after != "" {
		d.First = base
	}
	if d.Rows, err = h.linkRows(ctx, v.actor, ws, list, chans); err != nil {
		h.fail(w, r, v, err)
		return
	}
	if d.ByChannel, err = h.channelClicks(ctx, v.actor, ws, chans); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, status, "links", &page{Title: "Links · " + m.Workspace.Name, Heading: "Links", Section: "links", WS: &m, Form: f, Data: d})
}

// linkRows adds short URLs, channel names and 90-day click counts. The
// list query counts human clicks only, so bots come from each link's
// summary; a page holds at most linkPageSize links.
func (h *handler) linkRows(ctx context.Context, a model.Actor, ws string, list []model.Link, chans []model.Channel) ([]linkRow, error) {
	names := make(map[string]string, len(chans))
	for _, c := range chans {
		names[c.ID] = c.Name
	}
	rows := make([]linkRow, 0, len(list))
	for _, l := range list {
		st, err := h.d.Links.Stats(ctx, a, ws, l.ID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, h.linkRowOf(l, names, st))
	}
	return rows, nil
}

// linkRowOf builds one row; names maps channel IDs to names.
func (h *handler) linkRowOf(l model.Link, names map[string]string, st model.LinkStats) linkRow {
	row := linkRow{Link: l, Short: h.d.Links.ShortURL(l), Human: st.Human, Bots: st.Bots}
	if l.ChannelID != "" {
		row.Channel = names[l.ChannelID]
		if row.Channel == "" {
			row.Channel = "A removed channel"
		}
	}
	return row
}

// channelClicks summarises each channel's links over the last 90 days.
func (h *handler) channelClicks(ctx context.Context, a model.Actor, ws string, chans []model.Channel) ([]channelClicks, error) {
	out := make([]channelClicks, 0, len(chans))
	for _, c := range chans {
		st, err := h.d.Links.ChannelStats(ctx, a, ws, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, channelClicks{ID: c.ID, Name: c.Name, Human: st.Human, Bots: st.Bots})
	}
	return out, nil
}

// linkCreate makes a tracked link by hand and opens its page, where the
// short URL is ready to copy.
func (h *handler) linkCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	in := links.NewLink{URL: r.PostForm.Get("url"), Campaign: r.PostForm.Get("campaign"),
		ChannelID: strings.TrimSpace(r.PostForm.Get("channel_id"))}
	l, err := h.d.Links.Create(r.Context(), v.actor, m.Workspace.ID, in)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("url", "campaign", "channel_id")
			h.renderLinks(w, r, v, status, m, f)
		})
		return
	}
	h.setFlash(w, r, "success", "The short link "+h.d.Links.ShortURL(l)+" is ready.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/links/"+l.ID)
}
