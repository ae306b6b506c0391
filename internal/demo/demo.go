// Package demo builds a clearly labelled demo workspace whose channels use
// the fake provider, so a newcomer can try Herald without connecting any
// real account. Nothing in it ever reaches a real network.
package demo

import (
	"context"

	"herald/internal/channel"
	"herald/internal/competitor"
	"herald/internal/model"
	"herald/internal/workspace"
)

// fakeNetwork is the fake provider's network name (internal/provider/fake);
// domain packages name networks, they do not import connectors.
const fakeNetwork = "fake"

// WorkspaceName labels the demo workspace so no one mistakes it for a real one.
const WorkspaceName = "Demo workspace (sample data)"

// channels are the demo accounts: a coffee roaster with a main account, a
// support account and a founder's account.
var channels = []struct{ handle, name, tz string }{
	{"acme_coffee", "Acme Coffee (demo)", "Europe/Berlin"},
	{"acme_support", "Acme Support (demo)", "America/New_York"},
	{"ada_founder", "Ada, founder (demo)", "Asia/Kolkata"},
}

// competitors are the demo's rivals on the fake network, for the
// comparison page.
var competitors = []string{"bean_brothers", "daily_grind_co"}

// Services are what the demo needs. Competitors is optional.
type Services struct {
	Workspaces  *workspace.Service
	Channels    *channel.Service
	Competitors *competitor.Service
}

// Create makes the demo workspace owned by the actor, connects its fake
// channels and follows two fake competitors (read by the next refresh round).
func Create(ctx context.Context, s Services, a model.Actor) (model.Workspace, []model.Channel, error) {
	w, err := s.Workspaces.Create(ctx, a, WorkspaceName)
	if err != nil {
		return w, nil, err
	}
	var out []model.Channel
	for _, c := range channels {
		ch, err := s.Channels.Connect(ctx, a, w.ID, fakeNetwork, map[string]string{"handle": c.handle})
		if err != nil {
			return w, out, err
		}
		ch, err = s.Channels.Update(ctx, a, w.ID, ch.ID, channel.Settings{Name: c.name, TimeZone: c.tz})
		if err != nil {
			return w, out, err
		}
		out = append(out, ch)
	}
	if s.Competitors == nil {
		return w, out, nil
	}
	for _, h := range competitors {
		if _, err := s.Competitors.Add(ctx, a, w.ID, competitor.NewCompetitor{Network: fakeNetwork, Handle: h, Label: "coffee roasters"}); err != nil {
			return w, out, err
		}
	}
	return w, out, nil
}
