package app

import (
	"context"
	"fmt"
	"io"

	"herald/internal/media"
	"herald/internal/model"
)

// maxLogo bounds the logo a report reads: a thumbnail is far smaller.
const maxLogo = 2 << 20

// reportLogos reads report logos from the media library: the thumbnail
// (a JPEG) of an image asset.
type reportLogos struct{ m *media.Service }

func (l reportLogos) Logo(ctx context.Context, workspaceID, mediaID string) ([]byte, error) {
	found, err := l.m.Assets(ctx, workspaceID, []string{mediaID})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 || found[0].Kind != model.MediaImage {
		return nil, fmt.Errorf("app: logo %s is not an image of workspace %s", mediaID, workspaceID)
	}
	r, err := l.m.Open(ctx, found[0], true)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxLogo+1))
	if err == nil && len(data) > maxLogo {
		err = fmt.Errorf("app: logo %s is over %d bytes", mediaID, maxLogo)
	}
	return data, err
}
