package channel

import (
	"context"
	"fmt"
	"time"

	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
)

// RefreshAuth renews a channel's expiring credentials when its provider can
// (provider.AuthRefresher) and stores them, so an expired access token does
// not send people to reconnect. It returns the account with the new
// credentials; a refused refresh is an AuthExpired error for ReportError.
func (s *Service) RefreshAuth(ctx context.Context, workspaceID, id string) (provider.Account, error) {
	acct, c, err := s.Account(ctx, workspaceID, id)
	if err != nil {
		return acct, err
	}
	p, err := s.provider(c.Network)
	if err != nil {
		return acct, err
	}
	r, ok := p.(provider.AuthRefresher)
	if !ok {
		return acct, &provider.Error{Trait: provider.AuthExpired, Network: provider.Network(c.Network), Op: "refresh auth",
			Message: "the credentials expired and this network cannot renew them; reconnect the channel"}
	}
	creds, _, err := r.RefreshAuth(ctx, acct)
	if err != nil {
		return acct, err
	}
	for k, v := range acct.Credentials { // never drop a credential the refresh did not return
		if _, ok := creds[k]; !ok {
			creds[k] = v
		}
	}
	sealed, err := s.sealCredentials(creds)
	if err != nil {
		return acct, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.UpdateChannelCredentials(ctx, id, c.Handle, sealed, s.now())
	})
	if err != nil {
		return acct, fmt.Errorf("channel: store refreshed credentials: %w", err)
	}
	acct.Credentials = creds
	return acct, nil
}

// WithAuth runs call with the channel's account; when the network says the
// credentials expired it refreshes them once and calls again. Failures are
// recorded on the channel (ReportError), so callers only handle the error.
func (s *Service) WithAuth(ctx context.Context, workspaceID, id string, call func(provider.Account) error) error {
	acct, c, err := s.Account(ctx, workspaceID, id)
	if err != nil {
		return err
	}
	return s.CallAs(ctx, workspaceID, acct, c, call)
}

// CallAs is WithAuth for a caller that already holds the channel and its
// account (read by Account), such as the publisher reading a batch of
// targets' channels once.
func (s *Service) CallAs(ctx context.Context, workspaceID string, acct provider.Account, c model.Channel, call func(provider.Account) error) error {
	id := c.ID
	err := call(acct)
	p, _ := s.Registry.Get(provider.Network(c.Network))
	if _, canRefresh := p.(provider.AuthRefresher); canRefresh && provider.TraitOf(err) == provider.AuthExpired {
		fresh, rerr := s.RefreshAuth(ctx, workspaceID, id)
		if rerr != nil {
			err = rerr
		} else {
			err = call(fresh)
		}
	}
	if err != nil && provider.TraitOf(err) != 0 {
		if rerr := s.ReportError(ctx, workspaceID, id, err); rerr != nil {
			return fmt.Errorf("%w (and recording it failed: %v)", err, rerr)
		}
	}
	return err
}

// Audience reads the account's follower, following and post counts from the
// network now, for the channel's page. ok is false when the network offers
// no such numbers. A failed read is reported in Unavailable, not recorded on
// the channel: looking at a page must not change a channel's health.
func (s *Service) Audience(ctx context.Context, a model.Actor, workspaceID, id string) (aud model.Audience, ok bool, err error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelView); err != nil {
		return aud, false, err
	}
	acct, c, err := s.Account(ctx, workspaceID, id)
	if err != nil {
		return aud, false, err
	}
	p, err := s.provider(c.Network)
	if err != nil {
		return aud, false, err
	}
	r, ok := p.(provider.AccountMetricsReader)
	if !ok {
		return aud, false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := r.AccountMetrics(ctx, acct)
	if err != nil {
		aud.Unavailable = "not available right now"
		if pe := provider.AsError(err); pe != nil && pe.Message != "" {
			aud.Unavailable = pe.Message
		}
		return aud, true, nil
	}
	return model.Audience{Followers: m.Followers, Following: m.Following, Posts: m.Posts}, true, nil
}
