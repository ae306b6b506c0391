package report

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// DefaultColor is the brand colour of a workspace that chose none.
const DefaultColor = "#2f5bd3"

var hexColor = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Settings returns the workspace's report branding (the default when it
// has none).
func (s *Service) Settings(ctx context.Context, a model.Actor, workspaceID string) (model.ReportSettings, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportView); err != nil {
		return model.ReportSettings{}, err
	}
	return s.settings(ctx, workspaceID)
}

func (s *Service) settings(ctx context.Context, workspaceID string) (model.ReportSettings, error) {
	st, err := s.Store.Read().ReportSettings(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return model.ReportSettings{WorkspaceID: workspaceID, BrandColor: DefaultColor}, nil
	}
	return st, err
}

// SaveSettings sets the brand colour (#rrggbb) and the logo (an image of
// the workspace's media library, or "" for none).
func (s *Service) SaveSettings(ctx context.Context, a model.Actor, workspaceID, color, logoID string) (model.ReportSettings, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActReportManage); err != nil {
		return model.ReportSettings{}, err
	}
	color = strings.ToLower(strings.TrimSpace(color))
	if !hexColor.MatchString(color) {
		return model.ReportSettings{}, model.Invalid("brand_color", "give the brand colour as # and six hexadecimal digits, e.g. #2f5bd3")
	}
	logoID = strings.TrimSpace(logoID)
	if logoID != "" {
		m, err := s.Store.Read().MediaByID(ctx, workspaceID, logoID)
		if errors.Is(err, store.ErrNotFound) {
			return model.ReportSettings{}, model.Invalid("logo_id", "no media with that ID in this workspace's library")
		} else if err != nil {
			return model.ReportSettings{}, err
		}
		if m.Kind != model.MediaImage || m.ThumbKey == "" {
			return model.ReportSettings{}, model.Invalid("logo_id", "the logo must be an image (PNG, JPEG, GIF or WebP) of the media library")
		}
	}
	st := model.ReportSettings{WorkspaceID: workspaceID, BrandColor: color, LogoID: logoID, UpdatedAt: s.now()}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.PutReportSettings(ctx, st); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "report.settings.update", "workspace", workspaceID, workspaceID,
			map[string]any{"brand_color": color, "logo_id": logoID})
	})
	return st, err
}

// brand is the workspace's colour and logo for rendering. A logo that
// cannot be read (deleted, storage trouble) is left out: a report without
// its logo is better than no report.
func (s *Service) brand(ctx context.Context, workspaceID string) (Brand, error) {
	st, err := s.settings(ctx, workspaceID)
	if err != nil {
		return Brand{}, err
	}
	b := Brand{Color: st.BrandColor}
	if st.LogoID != "" && s.Logos != nil {
		logo, err := s.Logos.Logo(ctx, workspaceID, st.LogoID)
		if err != nil {
			s.log().Warn("report logo unreadable", "workspace", workspaceID, "media", st.LogoID, "err", err)
		} else {
			b.Logo = logo
		}
	}
	return b, nil
}
