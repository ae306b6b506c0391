package api

import "herald/internal/model"

// linkView is a tracked link as the API shows it.
type linkView struct {
	ID        string  `json:"id"`
	Code      string  `json:"code"`
	ShortURL  string  `json:"short_url"`
	URL       string  `json:"url"`
	PostID    *string `json:"post_id"`
	ChannelID *string `json:"channel_id"`
	Campaign  *string `json:"campaign"`
	Clicks    int     `json:"clicks"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func (s *server) viewLink(l model.Link) linkView {
	return linkView{ID: l.ID, Code: l.Code, ShortURL: s.d.Links.ShortURL(l), URL: l.URL, PostID: optional(l.PostID),
		ChannelID: optional(l.ChannelID), Campaign: optional(l.Campaign), Clicks: l.Clicks, CreatedAt: stamp(l.CreatedAt), UpdatedAt: stamp(l.UpdatedAt)}
}

// optional is nil for "", so absent values read as JSON null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type dayCountView struct {
	Day    string `json:"day"`
	Clicks int    `json:"clicks"`
}

type referrerCountView struct {
	Referrer string `json:"referrer"`
	Clicks   int    `json:"clicks"`
}

// linkStatsView is a link's click summary over the last 90 days.
type linkStatsView struct {
	Total      int                 `json:"total"`
	Human      int                 `json:"human"`
	Bots       int                 `json:"bots"`
	ByDay      []dayCountView      `json:"by_day"`
	ByReferrer []referrerCountView `json:"by_referrer"`
}

func viewLinkStats(st model.LinkStats) linkStatsView {
	v := linkStatsView{Total: st.Total, Human: st.Human, Bots: st.Bots, ByDay: []dayCountView{}, ByReferrer: []referrerCountView{}}
	for _, d := range st.ByDay {
		v.ByDay = append(v.ByDay, dayCountView(d))
	}
	for _, r := range st.ByReferrer {
		v.ByReferrer = append(v.ByReferrer, referrerCountView(r))
	}
	return v
}

// presetView is one UTM preset.
type presetView struct {
	Scope  string            `json:"scope"`
	Key    string            `json:"key"`
	Params map[string]string `json:"params"`
}

type presetsView struct {
	Presets []presetView `json:"presets"`
}

func viewPresets(list []model.UTMPreset) presetsView {
	out := presetsView{Presets: []presetView{}}
	for _, p := range list {
		out.Presets = append(out.Presets, presetView{Scope: p.Scope, Key: p.Key, Params: p.Params})
	}
	return out
}

// previewView is a link preview card; absent parts are "".
type previewView struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Image       string `json:"image"`
	SiteName    string `json:"site_name"`
}
