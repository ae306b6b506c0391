package app

import (
	"context"
	"time"

	"herald/internal/compose"
	"herald/internal/media"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/publish"
)

// composeMedia adapts the media library to what the compose service asks
// of it: validation (compose.Media) and media by URL in CSV imports
// (compose.MediaImporter), so neither domain imports the other.
type composeMedia struct{ s *media.Service }

var (
	_ compose.Media         = composeMedia{}
	_ compose.MediaImporter = composeMedia{}
)

// Lookup describes the workspace's assets among ids; an asset whose rights
// have expired says so in Unusable.
func (c composeMedia) Lookup(ctx context.Context, workspaceID string, ids []string) ([]compose.MediaInfo, error) {
	list, err := c.s.Assets(ctx, workspaceID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]compose.MediaInfo, len(list))
	for i, m := range list {
		out[i] = compose.MediaInfo{ID: m.ID, Kind: string(m.Kind), ContentType: m.ContentType, Size: m.Size, Width: m.Width, Height: m.Height, Alt: m.Alt}
		if err := media.Usable(m, time.Now()); err != nil {
			out[i].Unusable = model.AsError(err).Msg
		}
	}
	return out, nil
}

// AltRequired reads the workspace's alt text policy.
func (c composeMedia) AltRequired(ctx context.Context, workspaceID string) (bool, error) {
	return c.s.AltRequired(ctx, workspaceID)
}

// ImportURL fetches a file by URL into the workspace's library.
func (c composeMedia) ImportURL(ctx context.Context, a model.Actor, workspaceID, url string) (string, error) {
	return c.s.ImportURL(ctx, a, workspaceID, url)
}

// publishMedia prepares library assets for one network at publish time.
type publishMedia struct{ s *media.Service }

var _ publish.Media = publishMedia{}

// Prepare loads the assets, refuses ones whose rights have expired, and
// re-encodes images to the network's limits.
func (p publishMedia) Prepare(ctx context.Context, workspaceID string, refs []model.MediaRef, limits provider.Limits) ([]provider.Media, error) {
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
	}
	list, err := p.s.Assets(ctx, workspaceID, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]model.Media{}
	for _, m := range list {
		byID[m.ID] = m
	}
	out := make([]provider.Media, 0, len(refs))
	for _, r := range refs {
		m, ok := byID[r.ID]
		if !ok {
			return nil, model.Invalid("media", "media %s is no longer in the library", r.ID)
		}
		if err := media.Usable(m, time.Now()); err != nil {
			return nil, err
		}
		alt := r.Alt
		if alt == "" {
			alt = m.Alt
		}
		pm, err := p.s.ForNetwork(ctx, m, alt, limits)
		if err != nil {
			return nil, err
		}
		out = append(out, pm)
	}
	return out, nil
}
