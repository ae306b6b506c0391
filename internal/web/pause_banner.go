package web

import (
	"net/http"
	"time"

	"herald/internal/model"
)

// pauseBanner is what the banner on every page of a paused workspace
// shows: the workspace's own pause, if any, and the paused channels.
type pauseBanner struct {
	WorkspaceID string
	Workspace   *pauseView
	Channels    []pauseView
	CanResume   bool
}

// pauseView is one pause as people read it.
type pauseView struct {
	ChannelID string // "" for the whole workspace
	Channel   string // the channel's name
	Reason    string
	By        string
	At        time.Time
}

// Any reports whether anything is paused.
func (b *pauseBanner) Any() bool { return b != nil && (b.Workspace != nil || len(b.Channels) > 0) }

// pausesOf loads a workspace's pauses with channel names.
func (h *handler) pausesOf(r *http.Request, v *visit, m *model.Membership) (*pauseBanner, error) {
	b := &pauseBanner{WorkspaceID: m.Workspace.ID, CanResume: model.Can(m.Role, model.ActPublishPause)}
	if h.d.Publish == nil {
		return b, nil
	}
	ctx := r.Context()
	pauses, err := h.d.Publish.Pauses(ctx, v.actor, m.Workspace.ID)
	if err != nil || len(pauses) == 0 {
		return b, err
	}
	names := map[string]string{}
	if chans, err := h.d.Channels.List(ctx, v.actor, m.Workspace.ID); err == nil {
		for _, c := range chans {
			names[c.ID] = c.Name
		}
	}
	for _, p := range pauses {
		pv := pauseView{ChannelID: p.ChannelID, Channel: names[p.ChannelID], Reason: p.Reason, By: p.PausedBy, At: p.PausedAt}
		if p.ChannelID == "" {
			b.Workspace = &pv
			continue
		}
		if pv.Channel == "" {
			pv.Channel = p.ChannelID
		}
		b.Channels = append(b.Channels, pv)
	}
	return b, nil
}

// pauseBannerFor is the banner of the page being rendered. A failure only
// costs the banner, so it is logged rather than failing the page.
func (h *handler) pauseBannerFor(r *http.Request, v *visit, m *model.Membership) *pauseBanner {
	b, err := h.pausesOf(r, v, m)
	if err != nil {
		if model.KindOf(err) == model.KindInternal {
			h.log.Error("load publishing pauses", "workspace_id", m.Workspace.ID, "err", err)
		}
		return nil
	}
	return b
}
