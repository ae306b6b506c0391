package channel

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Connect connects an account with a non-OAuth flow (app password, keys,
// bot token, webhook URL): the provider verifies input with the network and
// names the account, then the channel is stored with sealed credentials.
func (s *Service) Connect(ctx context.Context, a model.Actor, workspaceID, network string, input map[string]string) (model.Channel, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelManage); err != nil {
		return model.Channel{}, err
	}
	p, err := s.provider(network)
	if err != nil {
		return model.Channel{}, err
	}
	info := p.Info()
	if info.Auth == provider.AuthOAuth2 {
		return model.Channel{}, model.Invalid("network", "%s connects through its sign-in page; use the Connect button (OAuth)", info.Name)
	}
	if err := checkFields(info, input); err != nil {
		return model.Channel{}, err
	}
	conn, ok := p.(provider.Connector)
	if !ok {
		return model.Channel{}, model.Invalid("network", "%s cannot be connected here", info.Name)
	}
	acct, err := conn.Connect(ctx, trimmed(input))
	if err != nil {
		return model.Channel{}, connectError(info, err)
	}
	return s.store(ctx, a, workspaceID, p, acct, "")
}

// checkFields names the first missing required field of the connect form.
func checkFields(info provider.Info, input map[string]string) error {
	for k := range input {
		known := false
		for _, f := range info.Fields {
			known = known || f.Name == k
		}
		if !known {
			return model.Invalid(k, "%s does not take a field named %q", info.Name, k)
		}
	}
	for _, f := range info.Fields {
		if f.Required && strings.TrimSpace(input[f.Name]) == "" {
			return model.Invalid(f.Name, "%s is required to connect %s", f.Label, info.Name)
		}
	}
	return nil
}

func trimmed(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = strings.TrimSpace(v)
	}
	return out
}

// connectError turns a provider error during connecting into a message that
// says what is wrong in the network's own words.
func connectError(info provider.Info, err error) error {
	pe := provider.AsError(err)
	if pe == nil {
		if model.AsError(err) != nil {
			return err
		}
		return model.Invalid("", "could not connect to %s: %v", info.Name, err)
	}
	switch pe.Trait {
	case provider.AuthExpired:
		return model.Invalid("", "%s refused the credentials: %s", info.Name, pe.Message)
	case provider.RateLimited:
		return model.RateLimited(pe.RetryAfter, "%s is rate limiting us; try again in a moment (%s)", info.Name, pe.Message)
	default:
		return model.Invalid("", "%s: %s", info.Name, pe.Message)
	}
}

// store saves a newly connected account, or replaces the credentials of
// channelID when reconnecting.
func (s *Service) store(ctx context.Context, a model.Actor, workspaceID string, p provider.Provider, acct provider.Account, channelID string) (model.Channel, error) {
	info := p.Info()
	sealed, err := s.sealCredentials(acct.Credentials)
	if err != nil {
		return model.Channel{}, err
	}
	now := s.now()
	c := model.Channel{ID: ids.New(), WorkspaceID: workspaceID, Network: string(info.Network), Name: acct.Handle, RemoteID: acct.RemoteID,
		Handle: acct.Handle, Settings: acct.Settings, Status: model.ChannelActive, CheckedAt: now, TimeZone: "UTC",
		Defaults: map[string]string{}, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	if c.Name == "" {
		c.Name = info.Name
	}
	if lr, ok := p.(provider.LimitsRefresher); ok {
		if l, err := lr.RefreshLimits(ctx, acct); err == nil {
			b, _ := json.Marshal(l)
			c.LimitsJSON, c.LimitsAt = string(b), now
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if channelID != "" {
			old, err := tx.ChannelByID(ctx, workspaceID, channelID)
			if errors.Is(err, store.ErrNotFound) {
				return model.NotFound("the channel being reconnected was disconnected meanwhile; connect it as a new channel")
			} else if err != nil {
				return err
			}
			if old.RemoteID != acct.RemoteID {
				return model.Conflict("", "these credentials belong to %s, not to %s; connect it as a new channel instead", acct.Handle, old.Handle)
			}
			c = old
			c.Status, c.StatusMessage, c.Handle = model.ChannelActive, "", acct.Handle
			if err := tx.UpdateChannelCredentials(ctx, channelID, acct.Handle, sealed, now); err != nil {
				return err
			}
			return audit.Record(ctx, tx, a, "channel.reconnect", "channel", channelID, workspaceID, map[string]any{"network": info.Network})
		}
		if err := tx.CreateChannel(ctx, c, sealed); errors.Is(err, store.ErrConflict) {
			return model.Conflict("", "%s %s is already connected to this workspace", info.Name, acct.Handle)
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "channel.connect", "channel", c.ID, workspaceID, map[string]any{"network": info.Network, "handle": acct.Handle})
	})
	if err == nil {
		c.Reveal = acct.Reveal
	}
	return c, err
}

// Reconnect replaces a channel's credentials with a non-OAuth flow.
func (s *Service) Reconnect(ctx context.Context, a model.Actor, workspaceID, id string, input map[string]string) (model.Channel, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelManage); err != nil {
		return model.Channel{}, err
	}
	c, err := s.load(ctx, workspaceID, id)
	if err != nil {
		return c, err
	}
	p, err := s.provider(c.Network)
	if err != nil {
		return c, err
	}
	conn, ok := p.(provider.Connector)
	if !ok || p.Info().Auth == provider.AuthOAuth2 {
		return c, model.Invalid("network", "%s reconnects through its sign-in page", p.Info().Name)
	}
	if err := checkFields(p.Info(), input); err != nil {
		return c, err
	}
	acct, err := conn.Connect(ctx, trimmed(input))
	if err != nil {
		return c, connectError(p.Info(), err)
	}
	return s.store(ctx, a, workspaceID, p, acct, id)
}

// Test checks a channel's connection now and records the outcome; expired
// credentials are renewed first where the network allows.
func (s *Service) Test(ctx context.Context, a model.Actor, workspaceID, id string) (provider.Status, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelView); err != nil {
		return provider.Status{}, err
	}
	c, err := s.load(ctx, workspaceID, id)
	if err != nil {
		return provider.Status{}, err
	}
	p, err := s.provider(c.Network)
	if err != nil {
		return provider.Status{}, err
	}
	checker, ok := p.(provider.Checker)
	if !ok {
		return provider.Status{OK: true, Message: "this channel type has nothing to check"}, nil
	}
	var st provider.Status
	err = s.WithAuth(ctx, workspaceID, id, func(acct provider.Account) error {
		var err error
		st, err = checker.Check(ctx, acct)
		return err
	})
	if err != nil {
		st = provider.Status{Message: err.Error()}
		if pe := provider.AsError(err); pe != nil {
			st.Message = pe.Message
			return st, nil // recorded on the channel by WithAuth
		}
		return st, err
	}
	status, msg := model.ChannelActive, st.Message
	if !st.OK {
		status = model.ChannelError
	}
	return st, s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetChannelStatus(ctx, id, status, msg, s.now()) })
}

// ReportError records a failed call on a channel. Expired or revoked
// credentials mark it "needs reconnect" and tell the workspace's owners,
// admins and managers (Notifier); other errors are recorded as the
// channel's last error.
func (s *Service) ReportError(ctx context.Context, workspaceID, id string, callErr error) error {
	pe := provider.AsError(callErr)
	status, msg := model.ChannelError, callErr.Error()
	if pe != nil {
		msg = pe.Message
		if pe.Trait == provider.AuthExpired {
			status = model.ChannelNeedsReconnect
		}
	}
	c, err := s.load(ctx, workspaceID, id)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetChannelStatus(ctx, id, status, msg, s.now()); err != nil {
			return err
		}
		if status != model.ChannelNeedsReconnect || c.Status == model.ChannelNeedsReconnect {
			return nil // tell people once, not on every failing call
		}
		if err := audit.Record(ctx, tx, model.Actor{Via: "system"}, "channel.needs_reconnect", "channel", id, workspaceID, map[string]any{"message": msg}); err != nil {
			return err
		}
		return s.notifyReconnect(ctx, tx, c, msg)
	})
}

// notifyReconnect tells the workspace's managers once, through the
// notifier (in-app, e-mail and the workspace's webhook), inside tx.
func (s *Service) notifyReconnect(ctx context.Context, tx *store.Tx, c model.Channel, msg string) error {
	if s.Notifier == nil {
		return nil // the channel list shows the state in the UI
	}
	return s.Notifier.ChannelNeedsReconnect(ctx, tx, c, msg)
}
