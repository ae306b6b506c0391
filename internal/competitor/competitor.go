// Package competitor follows public accounts a workspace compares itself
// with (on networks that show counters to anyone: Bluesky, Mastodon,
// Nostr), reads them daily in a job that waits out rate limits, keeps each
// read as a raw snapshot with its source, and compares them with the
// workspace's own channels on the same networks: followers and their
// growth, posts per week and engagements per post. A number a network does
// not give is "not available", never 0.
//
// Example:
//
//	s := &competitor.Service{Store: st, Channels: channels, Workspaces: workspaces}
//	c, err := s.Add(ctx, actor, wsID, competitor.NewCompetitor{Network: "mastodon", Handle: "@rival@mastodon.social"})
//	cmp, err := s.Compare(ctx, actor, wsID, from, to)
package competitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"herald/internal/audit"
	"herald/internal/channel"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Channels is what following needs of the channel service: the
// workspace's own accounts (reads go through them where a network needs a
// session, an instance or relays) and the connectors.
type Channels interface {
	Accounts(ctx context.Context, ids []string) (map[string]channel.AccountRead, error)
	Provider(network string) (provider.Provider, error)
	Networks() []provider.Info
	RefreshAuth(ctx context.Context, workspaceID, id string) (provider.Account, error)
}

// Service follows competitors.
type Service struct {
	Store      *store.Store
	Channels   Channels
	Workspaces Authorizer
	Logger     *slog.Logger
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// NewCompetitor is what a user enters to follow an account.
type NewCompetitor struct {
	Network string
	Handle  string // handle, npub, DID, profile URL…
	Label   string // optional group
}

// maxLabel bounds a label, which is shown in tables and charts.
const maxLabel = 60

// reader returns the network's public account reader, or an invalid
// network error naming what is possible.
func (s *Service) reader(network string) (provider.PublicAccountReader, error) {
	if strings.TrimSpace(network) == "" {
		return nil, model.Invalid("network", "choose a network")
	}
	p, err := s.Channels.Provider(network)
	if err != nil {
		return nil, model.Invalid("network", "%q is not a network Herald knows", network)
	}
	r, ok := p.(provider.PublicAccountReader)
	if !ok {
		return nil, model.Invalid("network", "%s does not show accounts' numbers to the public, so Herald cannot follow competitors there", p.Info().Name)
	}
	return r, nil
}

// Network is a network whose public accounts Herald can follow.
type Network struct {
	Network string // its name in the API and forms
	Name    string // as people know it
}

// Networks lists the networks whose public accounts Herald can follow.
func (s *Service) Networks() []Network {
	var out []Network
	for _, info := range s.Channels.Networks() {
		if _, err := s.reader(string(info.Network)); err == nil {
			out = append(out, Network{Network: string(info.Network), Name: info.Name})
		}
	}
	return out
}

// via is one of the workspace's active channels on network, whose session,
// instance or relays public reads go through, and its ID; the zero Account
// and "" when there is none.
func (s *Service) via(ctx context.Context, workspaceID, network string) (provider.Account, string, error) {
	chans, err := s.Store.Read().ListChannels(ctx, workspaceID)
	if err != nil {
		return provider.Account{}, "", err
	}
	for _, c := range chans {
		if c.Network != network || c.Status != model.ChannelActive {
			continue
		}
		accts, err := s.Channels.Accounts(ctx, []string{c.ID})
		if err != nil {
			return provider.Account{}, "", err
		}
		if ar := accts[c.ID]; ar.Err == nil {
			return ar.Account, c.ID, nil
		}
	}
	return provider.Account{}, "", nil
}

// withVia calls fn through the workspace's channel on network. When the
// network says the channel's session expired, the session is renewed once
// (as publishing does) and fn called again, without a session when that
// fails: the reads are public. A competitor's errors never touch the
// channel's health.
func (s *Service) withVia(ctx context.Context, workspaceID, network string, fn func(via provider.Account) error) error {
	via, channelID, err := s.via(ctx, workspaceID, network)
	if err != nil {
		return err
	}
	err = fn(via)
	if provider.TraitOf(err) != provider.AuthExpired || channelID == "" {
		return err
	}
	fresh, rerr := s.Channels.RefreshAuth(ctx, workspaceID, channelID)
	if rerr != nil {
		fresh = provider.Account{}
	}
	return fn(fresh)
}

// Add follows a public account: the handle is resolved on its network
// first, so a typo is an error on the handle, and the first read follows
// within five minutes.
func (s *Service) Add(ctx context.Context, a model.Actor, workspaceID string, in NewCompetitor) (model.Competitor, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCompetitorManage); err != nil {
		return model.Competitor{}, err
	}
	in.Network, in.Handle, in.Label = strings.TrimSpace(in.Network), strings.TrimSpace(in.Handle), strings.TrimSpace(in.Label)
	r, err := s.reader(in.Network)
	if err != nil {
		return model.Competitor{}, err
	}
	switch {
	case in.Handle == "":
		return model.Competitor{}, model.Invalid("handle", "enter the account's handle or profile address")
	case len(in.Handle) > 300:
		return model.Competitor{}, model.Invalid("handle", "a handle has at most 300 characters")
	case len([]rune(in.Label)) > maxLabel:
		return model.Competitor{}, model.Invalid("label", "a label has at most %d characters", maxLabel)
	}
	n, err := s.Store.Read().CountCompetitors(ctx, workspaceID)
	if err != nil {
		return model.Competitor{}, err
	}
	if n >= model.MaxCompetitors {
		return model.Competitor{}, model.Invalid("handle", "a workspace follows at most %d competitors; remove one first", model.MaxCompetitors)
	}
	var pa provider.PublicAccount
	err = s.withVia(ctx, workspaceID, in.Network, func(via provider.Account) (err error) {
		pa, err = r.LookupPublicAccount(ctx, via, in.Handle)
		return err
	})
	if err != nil {
		return model.Competitor{}, lookupError(err)
	}
	now := s.now()
	c := model.Competitor{ID: ids.New(), WorkspaceID: workspaceID, Network: in.Network, RemoteID: pa.ID, Handle: pa.Handle, Name: pa.Name,
		Avatar: pa.Avatar, URL: pa.URL, Label: in.Label, CreatedBy: a.UserID, CreatedAt: now, NextAt: now}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// Counted again here: another follow may have landed during the lookup.
		if n, err := tx.CountCompetitors(ctx, workspaceID); err != nil {
			return err
		} else if n >= model.MaxCompetitors {
			return model.Invalid("handle", "a workspace follows at most %d competitors; remove one first", model.MaxCompetitors)
		}
		if err := tx.CreateCompetitor(ctx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "competitor.follow", "competitor", c.ID, workspaceID,
			map[string]any{"network": c.Network, "handle": c.Handle, "remote_id": c.RemoteID, "label": c.Label})
	})
	if errors.Is(err, store.ErrConflict) {
		return model.Competitor{}, model.Conflict("handle", "this workspace already follows %s on %s", pa.Handle, in.Network)
	}
	return c, err
}

// lookupError turns a network's answer to a lookup into the user's terms.
func lookupError(err error) error {
	pe := provider.AsError(err)
	if pe == nil {
		return err
	}
	switch pe.Trait {
	case provider.Permanent:
		return model.Invalid("handle", "%s", pe.Message)
	case provider.RateLimited:
		return model.RateLimited(pe.RetryAfter, "the network asks Herald to wait before looking accounts up; try again in %s", wait(pe.RetryAfter))
	}
	return model.Invalid("handle", "the network could not be asked just now (%s); try again later", pe.Message)
}

func wait(d time.Duration) string {
	if d < time.Minute {
		return "a minute"
	}
	return d.Round(time.Minute).String()
}

// List lists the workspace's competitors.
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID string) ([]model.Competitor, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListCompetitors(ctx, workspaceID)
}

// Get reads one competitor.
func (s *Service) Get(ctx context.Context, a model.Actor, workspaceID, id string) (model.Competitor, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return model.Competitor{}, err
	}
	return s.get(ctx, workspaceID, id)
}

func (s *Service) get(ctx context.Context, workspaceID, id string) (model.Competitor, error) {
	c, err := s.Store.Read().CompetitorByID(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, model.NotFound("no competitor with that ID in this workspace")
	}
	return c, err
}

// Remove stops following a competitor and forgets its snapshots.
func (s *Service) Remove(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCompetitorManage); err != nil {
		return err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.CompetitorByID(ctx, workspaceID, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteCompetitor(ctx, workspaceID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "competitor.unfollow", "competitor", id, workspaceID, map[string]any{"network": c.Network, "handle": c.Handle})
	})
	if errors.Is(err, store.ErrNotFound) {
		return model.NotFound("no competitor with that ID in this workspace")
	}
	return err
}

// Refresh reads a competitor now, unless its network asked Herald to wait:
// then it says until when. A read the network fails is recorded on the
// competitor (LastError), not returned as an error.
func (s *Service) Refresh(ctx context.Context, a model.Actor, workspaceID, id string) (model.Competitor, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActCompetitorManage); err != nil {
		return model.Competitor{}, err
	}
	c, err := s.get(ctx, workspaceID, id)
	if err != nil {
		return c, err
	}
	now := s.now()
	if strings.HasPrefix(c.LastError, rateLimitedPrefix) && c.NextAt.After(now) {
		return c, model.RateLimited(c.NextAt.Sub(now), "%s asked Herald to wait; the next read is at %s UTC", c.Network, c.NextAt.Format("15:04"))
	}
	budget := map[string]int{c.Network: 1}
	_, err = s.read(ctx, c, now, budget)
	if pe := provider.AsError(err); pe != nil && pe.Trait == provider.RateLimited {
		return c, model.RateLimited(pe.RetryAfter, "%s asked Herald to wait %s before reading this account again", c.Network, wait(pe.RetryAfter))
	} else if err != nil && pe == nil {
		return c, err
	}
	// A read the network refused is an outcome, kept in LastError.
	return s.get(ctx, workspaceID, id)
}

// rateLimitedPrefix starts the last error of a read the network refused
// for now.
const rateLimitedPrefix = "rate limited"

// describe words a failed read for the competitor's row.
func describe(err error) string {
	pe := provider.AsError(err)
	switch {
	case pe == nil:
		return "Herald could not read this account; the error was logged"
	case pe.Trait == provider.RateLimited:
		return fmt.Sprintf("%s: the network asked Herald to wait %s", rateLimitedPrefix, wait(pe.RetryAfter))
	case pe.Message != "":
		return pe.Trait.String() + ": " + pe.Message
	}
	return pe.Trait.String()
}
