package metrics

import (
	"context"
	"errors"

	"herald/internal/model"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// PostTimeline lists a post's snapshots on every channel, oldest first.
func (s *Service) PostTimeline(ctx context.Context, a model.Actor, workspaceID, postID string) ([]model.PostMetricSnapshot, error) {
	if s.Workspaces == nil {
		return nil, errors.New("metrics: no permission check")
	}
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	if _, err := s.Store.Read().PostByID(ctx, workspaceID, postID); errors.Is(err, store.ErrNotFound) {
		return nil, model.NotFound("no post with that ID in this workspace")
	} else if err != nil {
		return nil, err
	}
	return s.Store.Read().PostMetrics(ctx, workspaceID, postID)
}
