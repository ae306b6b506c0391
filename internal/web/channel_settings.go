package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"herald/internal/channel"
	"herald/internal/model"
)

// settingsData is a channel's page: its health, settings, capabilities and
// limits.
type settingsData struct {
	Ch        channelRow
	CanManage bool
	Defaults  []defaultRow
	TimeZones []string
	Limits    []string
	Test      *testResult
	// Reveal holds values generated while connecting (a webhook signing
	// secret, a new Nostr key) shown this one time.
	Reveal map[string]string
	// Audience is the account's counts read from the network now, when the
	// network offers them.
	Audience *model.Audience
	// Feeds are the public addresses of a channel Herald serves itself
	// (format -> URL).
	Feeds map[string]string
}

// defaultRow is one default post option in the key/value editor.
type defaultRow struct {
	Key, Value string
}

// blankDefaultRows is how many empty rows the editor offers for new options.
const blankDefaultRows = 2

// channelSettingsShow is a channel's page. Every member may see it and test
// the connection; the settings form is for those who may manage channels.
func (h *handler) channelSettingsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	h.renderChannelSettings(w, r, v, http.StatusOK, m, id, nil, nil)
}

// renderChannelSettings draws the page; f is nil to fill the form from the
// channel, or the submitted form to show it back with its messages.
func (h *handler) renderChannelSettings(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, id string, f *form, test *testResult) {
	h.renderChannelSettingsReveal(w, r, v, status, m, id, f, test, nil)
}

// renderChannelSettingsReveal draws the page with values to show once.
func (h *handler) renderChannelSettingsReveal(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, id string, f *form, test *testResult, reveal map[string]string) {
	c, err := h.d.Channels.Get(r.Context(), v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	row := rowFor(c, h.networks())
	d := settingsData{Ch: row, CanManage: model.Can(m.Role, model.ActChannelManage), TimeZones: timeZones,
		Limits: channelLimits(c, row.Net), Test: test, Reveal: reveal}
	for format := range h.d.Channels.FeedFormats(c.Network) {
		if d.Feeds == nil {
			d.Feeds = map[string]string{}
		}
		d.Feeds[format] = h.d.Channels.FeedURL(c.ID, format)
	}
	if aud, ok, err := h.d.Channels.Audience(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		h.fail(w, r, v, err)
		return
	} else if ok {
		d.Audience = &aud
	}
	if f == nil {
		f = &form{Values: url.Values{}, Errors: map[string]string{}}
		f.Values.Set("name", c.Name)
		f.Values.Set("time_zone", c.TimeZone)
		f.Values.Set("signature", c.Defaults[signatureKey])
		keys := make([]string, 0, len(c.Defaults))
		for k := range c.Defaults {
			if k != signatureKey { // edited in its own field
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			d.Defaults = append(d.Defaults, defaultRow{Key: k, Value: c.Defaults[k]})
		}
	} else {
		keys, vals := f.Values["default_key"], f.Values["default_value"]
		for i, k := range keys {
			val := ""
			if i < len(vals) {
				val = vals[i]
			}
			if strings.TrimSpace(k) != "" || strings.TrimSpace(val) != "" {
				d.Defaults = append(d.Defaults, defaultRow{Key: k, Value: val})
			}
		}
	}
	for range blankDefaultRows {
		d.Defaults = append(d.Defaults, defaultRow{})
	}
	h.render(w, r, v, status, "channel_settings", &page{Title: c.Name + " · Channels · " + m.Workspace.Name, Heading: c.Name,
		Section: "channels", WS: &m, Form: f, Data: d})
}

// signatureKey is the channel default that holds the text appended to
// every post (compose.ForChannel applies it).
const signatureKey = "signature"

// channelUpdate saves a channel's display name, time zone and default post
// options.
func (h *handler) channelUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm(r)
	rerender := func(status int) {
		f.onlyFields("name", "time_zone", "signature", "defaults")
		h.renderChannelSettings(w, r, v, status, m, id, f, nil)
	}
	defaults, err := parseDefaults(r.PostForm["default_key"], r.PostForm["default_value"])
	if err == nil {
		delete(defaults, signatureKey)
		if sig := strings.TrimSpace(r.PostForm.Get("signature")); sig != "" {
			defaults[signatureKey] = sig
		}
		_, err = h.d.Channels.Update(ctx, v.actor, m.Workspace.ID, id, channel.Settings{Name: r.PostForm.Get("name"),
			TimeZone: strings.TrimSpace(r.PostForm.Get("time_zone")), Defaults: defaults})
	} else if _, aerr := h.d.Workspaces.Authorize(ctx, v.actor, m.Workspace.ID, model.ActChannelManage); aerr != nil {
		err = aerr // a refusal comes before a complaint about the input
	}
	if err != nil {
		h.formFail(w, r, v, err, f, rerender)
		return
	}
	h.setFlash(w, r, "success", "The channel settings are saved.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/channels/"+id)
}

// parseDefaults reads the key/value editor: rows left empty are skipped,
// every other row needs a name of its own, and the domain checks names and
// values as it does for the API.
func parseDefaults(keys, vals []string) (map[string]string, error) {
	out := map[string]string{}
	for i, k := range keys {
		k = strings.TrimSpace(k)
		val := ""
		if i < len(vals) {
			val = strings.TrimSpace(vals[i])
		}
		if k == "" && val == "" {
			continue
		}
		if k == "" {
			return nil, model.Invalid("defaults", "the value %q has no option name; name it or clear it", clip(val, 40))
		}
		if _, dup := out[k]; dup {
			return nil, model.Invalid("defaults", "the option %s is listed twice; keep one", k)
		}
		out[k] = val
	}
	return out, channel.CheckDefaults(out)
}
