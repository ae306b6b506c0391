package compose

import (
	"context"

	"herald/internal/model"
)

// Preview is a saved post as each of its channels will show it, with the
// same checks as Validate, for people without a workspace role (external
// reviewers reach it through a link checked by their caller).
func (s *Service) Preview(ctx context.Context, p model.Post) (Report, error) {
	chans, err := s.Store.Read().ListChannels(ctx, p.WorkspaceID)
	if err != nil {
		return Report{}, err
	}
	altPolicy, err := s.altPolicy(ctx, p.WorkspaceID)
	if err != nil {
		return Report{}, err
	}
	in := ValidateInput{Draft: snapshotOf(p).draft(), PostID: p.ID}
	return s.validate(ctx, p.WorkspaceID, in, checkEnv{chans: chans, altPolicy: altPolicy, noDuplicates: true})
}
