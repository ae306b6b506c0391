package channel

import (
	"context"
	"errors"
	"strings"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// AppInput is a network application's client credentials.
type AppInput struct {
	Network      string
	Instance     string
	ClientID     string
	ClientSecret string // blank keeps the stored secret
}

// authorizeApps allows installation administrators to manage installation
// apps (workspaceID "") and workspace owners and admins their workspace's.
func (s *Service) authorizeApps(ctx context.Context, a model.Actor, workspaceID string) error {
	if workspaceID == "" {
		if !a.IsAdmin {
			return model.Forbidden("only administrators can manage installation-wide network apps")
		}
		return nil
	}
	_, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActChannelApps)
	return err
}

// PutApp stores the client id and secret of a network app.
func (s *Service) PutApp(ctx context.Context, a model.Actor, workspaceID string, in AppInput) error {
	if err := s.authorizeApps(ctx, a, workspaceID); err != nil {
		return err
	}
	p, err := s.provider(in.Network)
	if err != nil {
		return err
	}
	if _, ok := p.(provider.OAuth2); !ok {
		return model.Invalid("network", "%s does not connect through OAuth, so it has no app credentials", p.Info().Name)
	}
	if instance, err := normalizeInstance(p, in.Instance); err != nil {
		return err
	} else {
		in.Instance = instance
	}
	in.ClientID = strings.TrimSpace(in.ClientID)
	if in.ClientID == "" || len(in.ClientID) > 500 {
		return model.Invalid("client_id", "enter the client ID the network gave you (1 to 500 characters)")
	}
	secret := in.ClientSecret
	if secret == "" {
		if app, _, err := s.app(ctx, in.Network, workspaceID, in.Instance); err == nil {
			secret = app.ClientSecret
		}
	}
	sealed, err := s.Box.Seal(secret)
	if err != nil {
		return err
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutNetworkApp(ctx, model.NetworkApp{ID: ids.New(), Network: in.Network, WorkspaceID: workspaceID, Instance: in.Instance,
			ClientID: in.ClientID, ClientSecret: sealed, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "network_app.update", "network_app", in.Network, workspaceID, map[string]any{"instance": in.Instance, "client_id": in.ClientID})
	})
}

// Apps lists the network apps of a workspace ("" for installation-wide),
// without secrets.
func (s *Service) Apps(ctx context.Context, a model.Actor, workspaceID string) ([]model.NetworkApp, error) {
	if err := s.authorizeApps(ctx, a, workspaceID); err != nil {
		return nil, err
	}
	apps, err := s.Store.Read().ListNetworkApps(ctx, workspaceID)
	for i := range apps {
		apps[i].ClientSecret = ""
	}
	return apps, err
}

// DeleteApp removes a network app.
func (s *Service) DeleteApp(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if err := s.authorizeApps(ctx, a, workspaceID); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteNetworkApp(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no network app with that ID")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "network_app.delete", "network_app", id, workspaceID, nil)
	})
}
