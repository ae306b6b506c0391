// Package channel manages a workspace's connected channels: connecting
// accounts through each network's own flow, keeping credentials sealed,
// testing connections, marking channels that need reconnecting and telling
// the workspace, and the network applications (OAuth clients) behind them.
package channel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/provider"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Service is the channel domain service.
type Service struct {
	Store      *store.Store
	Box        *secret.Box
	Registry   *provider.Registry
	Workspaces Authorizer
	Notifier   Notifier     // tells people a channel needs reconnecting; nil: only the UI shows it
	HTTP       *http.Client // the hardened client, for OAuth token exchanges
	BaseURL    string
	Now        func() time.Time
}

// Notifier tells the workspace's managers that a channel needs
// reconnecting. It runs inside the transaction that marks the channel, so
// people are told once, exactly when the state changes.
type Notifier interface {
	ChannelNeedsReconnect(ctx context.Context, tx *store.Tx, c model.Channel, msg string) error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Networks lists the providers this installation offers.
func (s *Service) Networks() []provider.Info {
	var out []provider.Info
	for _, p := range s.Registry.All() {
		out = append(out, p.Info())
	}
	return out
}

// Provider returns the connector of a network.
func (s *Service) Provider(network string) (provider.Provider, error) { return s.provider(network) }

func (s *Service) provider(network string) (provider.Provider, error) {
	p, err := s.Registry.Get(provider.Network(network))
	if err != nil {
		names := []string{}
		for _, i := range s.Networks() {
			names = append(names, string(i.Network))
		}
		return nil, model.Invalid("network", "unknown network %q; one of: %s", network, strings.Join(names, ", "))
	}
	return p, nil
}

// List returns the workspace's channels.
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID string) ([]model.Channel, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListChannels(ctx, workspaceID)
}

// Get returns one channel.
func (s *Service) Get(ctx context.Context, a model.Actor, workspaceID, id string) (model.Channel, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelView); err != nil {
		return model.Channel{}, err
	}
	return s.load(ctx, workspaceID, id)
}

func (s *Service) load(ctx context.Context, workspaceID, id string) (model.Channel, error) {
	c, err := s.Store.Read().ChannelByID(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, model.NotFound("no channel with that ID in this workspace")
	}
	return c, err
}

// Account returns the provider's view of a channel with its credentials
// unsealed, for workers and the publisher. It performs no permission check:
// callers act on work the workspace already authorised.
func (s *Service) Account(ctx context.Context, workspaceID, id string) (provider.Account, model.Channel, error) {
	c, err := s.load(ctx, workspaceID, id)
	if err != nil {
		return provider.Account{}, c, err
	}
	sealed, err := s.Store.Read().ChannelCredentials(ctx, id)
	if err != nil {
		return provider.Account{}, c, err
	}
	creds, err := s.openCredentials(sealed)
	if err != nil {
		return provider.Account{}, c, err
	}
	acct := provider.Account{RemoteID: c.RemoteID, Handle: c.Handle, Credentials: creds, Settings: c.Settings}
	_, acct.Limits, err = s.Limits(c)
	return acct, c, err
}

// AccountRead is one channel of Accounts: the channel, its account with
// credentials unsealed, or why it could not be read.
type AccountRead struct {
	Channel model.Channel
	Account provider.Account
	Err     error
}

// Accounts is Account for many channels at once (one query), for the
// publisher's batches. Channels that no longer exist get a NotFound error.
func (s *Service) Accounts(ctx context.Context, ids []string) (map[string]AccountRead, error) {
	chans, sealed, err := s.Store.Read().ChannelsWithCredentials(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]AccountRead, len(ids))
	for _, id := range ids {
		c, ok := chans[id]
		if !ok {
			out[id] = AccountRead{Channel: model.Channel{ID: id}, Err: model.NotFound("no channel with that ID in this workspace")}
			continue
		}
		r := AccountRead{Channel: c}
		creds, err := s.openCredentials(sealed[id])
		if err == nil {
			r.Account = provider.Account{RemoteID: c.RemoteID, Handle: c.Handle, Credentials: creds, Settings: c.Settings}
			_, r.Account.Limits, err = s.Limits(c)
		}
		r.Err = err
		out[id] = r
	}
	return out, nil
}

// Limits returns the network's description and the limits that apply to a
// channel: the account's own as last read from the network, else the
// network's defaults. It performs no permission check.
func (s *Service) Limits(c model.Channel) (provider.Info, provider.Limits, error) {
	p, err := s.provider(c.Network)
	if err != nil {
		return provider.Info{}, provider.Limits{}, err
	}
	info := p.Info()
	limits := info.Limits
	if c.LimitsJSON != "" {
		if err := json.Unmarshal([]byte(c.LimitsJSON), &limits); err != nil {
			return info, limits, fmt.Errorf("channel: stored limits: %w", err)
		}
	}
	return info, limits, nil
}

func (s *Service) sealCredentials(creds map[string]string) (string, error) {
	b, err := json.Marshal(creds)
	if err != nil {
		return "", err
	}
	return s.Box.Seal(string(b))
}

func (s *Service) openCredentials(sealed string) (map[string]string, error) {
	raw, err := s.Box.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("channel: credentials: %w", err)
	}
	creds := map[string]string{}
	if raw == "" {
		return creds, nil
	}
	return creds, json.Unmarshal([]byte(raw), &creds)
}

// Settings are the user-editable parts of a channel.
type Settings struct {
	Name     string
	TimeZone string
	Defaults map[string]string
}

// Update changes a channel's name, time zone and default post options.
func (s *Service) Update(ctx context.Context, a model.Actor, workspaceID, id string, in Settings) (model.Channel, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 80 {
		return model.Channel{}, model.Invalid("name", "enter a display name of 1 to 80 characters")
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "" || in.TimeZone == "Local" {
		return model.Channel{}, model.Invalid("time_zone", "%q is not an IANA time zone such as Europe/Berlin or America/New_York", in.TimeZone)
	}
	if err := CheckDefaults(in.Defaults); err != nil {
		return model.Channel{}, err
	}
	var c model.Channel
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelManage); err != nil {
			return err
		}
		var err error
		if c, err = tx.ChannelByID(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no channel with that ID in this workspace")
		} else if err != nil {
			return err
		}
		c.Name, c.TimeZone = name, in.TimeZone
		if in.Defaults != nil {
			c.Defaults = in.Defaults
		}
		if err := tx.UpdateChannelSettings(ctx, c, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "channel.update", "channel", id, workspaceID, map[string]any{"name": name, "time_zone": in.TimeZone})
	})
	return c, err
}

// Disconnect removes a channel and its credentials.
func (s *Service) Disconnect(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelManage); err != nil {
			return err
		}
		c, err := tx.ChannelByID(ctx, workspaceID, id)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no channel with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if err := tx.DeleteChannel(ctx, workspaceID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "channel.disconnect", "channel", id, workspaceID, map[string]any{"network": c.Network, "handle": c.Handle})
	})
}
