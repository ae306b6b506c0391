package links

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// statsDays is how far back the per-day series reaches.
const statsDays = 90

// Stats summarises the clicks of one link over the last 90 days.
func (s *Service) Stats(ctx context.Context, a model.Actor, workspaceID, id string) (model.LinkStats, error) {
	if _, err := s.Get(ctx, a, workspaceID, id); err != nil {
		return model.LinkStats{}, err
	}
	return s.stats(ctx, workspaceID, store.ByLink, id)
}

// PostStats summarises the clicks of every link of one post.
func (s *Service) PostStats(ctx context.Context, a model.Actor, workspaceID, postID string) (model.LinkStats, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return model.LinkStats{}, err
	}
	return s.stats(ctx, workspaceID, store.ByPost, postID)
}

// ChannelStats summarises the clicks of every link published on one channel.
func (s *Service) ChannelStats(ctx context.Context, a model.Actor, workspaceID, channelID string) (model.LinkStats, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return model.LinkStats{}, err
	}
	return s.stats(ctx, workspaceID, store.ByChannel, channelID)
}

func (s *Service) stats(ctx context.Context, workspaceID, by, id string) (model.LinkStats, error) {
	since := s.now().UTC().AddDate(0, 0, -statsDays+1).Format(time.DateOnly)
	return s.Store.Read().ClickStats(ctx, workspaceID, by, id, since)
}

// Presets returns the workspace's UTM presets.
func (s *Service) Presets(ctx context.Context, a model.Actor, workspaceID string) ([]model.UTMPreset, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return nil, err
	}
	return s.Store.Read().UTMPresets(ctx, workspaceID)
}

// PutPresets replaces the workspace's UTM presets with list. Presets whose
// parameters are all empty are dropped; a scope and key may appear once.
func (s *Service) PutPresets(ctx context.Context, a model.Actor, workspaceID string, list []model.UTMPreset) ([]model.UTMPreset, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActComposeSettings); err != nil {
		return nil, err
	}
	clean, err := s.checkPresets(ctx, workspaceID, list)
	if err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceUTMPresets(ctx, workspaceID, clean, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "link.presets", "workspace", workspaceID, workspaceID, map[string]any{"presets": len(clean)})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Read().UTMPresets(ctx, workspaceID)
}

func (s *Service) checkPresets(ctx context.Context, workspaceID string, list []model.UTMPreset) ([]model.UTMPreset, error) {
	seen := map[string]bool{}
	var out []model.UTMPreset
	for _, p := range list {
		p.Key = strings.TrimSpace(p.Key)
		switch p.Scope {
		case model.UTMScopeWorkspace:
			p.Key = ""
		case model.UTMScopeChannel:
			if _, err := s.Store.Read().ChannelByID(ctx, workspaceID, p.Key); errors.Is(err, store.ErrNotFound) {
				return nil, model.Invalid("key", "no channel with the ID %q in this workspace", p.Key)
			} else if err != nil {
				return nil, err
			}
		case model.UTMScopeCampaign:
			if p.Key == "" || utf8.RuneCountInString(p.Key) > 200 {
				return nil, model.Invalid("key", "name the campaign (1 to 200 characters)")
			}
		default:
			return nil, model.Invalid("scope", "%q is not a preset scope; use workspace, channel or campaign", p.Scope)
		}
		params := map[string]string{}
		for k, v := range p.Params {
			if !validParam(k) {
				return nil, model.Invalid("params", "%q is not a UTM parameter; use source, medium, campaign, term or content", k)
			}
			if v = strings.TrimSpace(v); v != "" {
				if utf8.RuneCountInString(v) > 200 {
					return nil, model.Invalid("params", "the value of %s is longer than 200 characters", k)
				}
				params[k] = v
			}
		}
		id := p.Scope + "\x00" + strings.ToLower(p.Key)
		if seen[id] {
			return nil, model.Invalid("key", "the %s preset %q is listed twice", p.Scope, p.Key)
		}
		seen[id] = true
		if len(params) > 0 {
			out = append(out, model.UTMPreset{Scope: p.Scope, Key: p.Key, Params: params})
		}
	}
	return out, nil
}

func validParam(k string) bool {
	for _, p := range UTMParams {
		if k == p {
			return true
		}
	}
	return false
}
