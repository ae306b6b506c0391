package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"gocloud.dev/gcerrors"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// Get returns one asset.
func (s *Service) Get(ctx context.Context, a model.Actor, workspaceID, id string) (model.Media, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return model.Media{}, err
	}
	return s.load(ctx, s.Store.Read(), workspaceID, id)
}

func (s *Service) load(ctx context.Context, q *store.Queries, workspaceID, id string) (model.Media, error) {
	m, err := q.MediaByID(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return m, model.NotFound("no media with that ID in this workspace")
	}
	return m, err
}

// List returns a page of the workspace's assets matching f.
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID string, f model.MediaFilter) ([]model.Media, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	if f.Kind != "" && f.Kind != model.MediaImage && f.Kind != model.MediaVideo {
		return nil, model.Invalid("kind", "%q is not a kind of media; use image or video", f.Kind)
	}
	f.Query = strings.TrimSpace(f.Query)
	return s.Store.Read().ListMedia(ctx, workspaceID, f)
}

// Folders lists the folders in use in the workspace's library.
func (s *Service) Folders(ctx context.Context, a model.Actor, workspaceID string) ([]string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().MediaFolders(ctx, workspaceID)
}

// UsedIn lists the posts that use an asset.
func (s *Service) UsedIn(ctx context.Context, a model.Actor, workspaceID, id string) ([]model.MediaUse, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().MediaUses(ctx, workspaceID, id)
}

// Edit is the editable part of an asset. ExpiresAt zero means the rights
// have no end.
type Edit struct {
	Alt, Title, Folder      string
	Tags                    []string
	Source, Licence, Credit string
	ExpiresAt               time.Time
}

// EditOf returns an asset's current editable values, for partial updates.
func EditOf(m model.Media) Edit {
	return Edit{Alt: m.Alt, Title: m.Title, Folder: m.Folder, Tags: m.Tags, Source: m.Source, Licence: m.Licence, Credit: m.Credit, ExpiresAt: m.ExpiresAt}
}

// Field limits for Update.
const (
	MaxAlt   = 1500 // the longest alt text any network takes (Mastodon)
	MaxTags  = 20
	MaxTag   = 40
	MaxShort = 200
)

func checkEdit(e *Edit) error {
	e.Alt, e.Title, e.Source = strings.TrimSpace(e.Alt), strings.TrimSpace(e.Title), strings.TrimSpace(e.Source)
	e.Licence, e.Credit = strings.TrimSpace(e.Licence), strings.TrimSpace(e.Credit)
	e.Folder = strings.Trim(strings.TrimSpace(e.Folder), "/")
	for field, v := range map[string]string{"title": e.Title, "folder": e.Folder, "licence": e.Licence, "credit": e.Credit} {
		if utf8.RuneCountInString(v) > MaxShort {
			return model.Invalid(field, "at most %d characters", MaxShort)
		}
	}
	if utf8.RuneCountInString(e.Alt) > MaxAlt {
		return model.Invalid("alt", "alt text may have at most %d characters", MaxAlt)
	}
	if utf8.RuneCountInString(e.Source) > 1000 {
		return model.Invalid("source", "at most 1000 characters")
	}
	tags, seen := []string{}, map[string]bool{}
	for _, t := range e.Tags {
		t = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "#")))
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTag || strings.ContainsAny(t, ",\n") {
			return model.Invalid("tags", "%q is not a tag: at most %d characters, no commas", t, MaxTag)
		}
		seen[t] = true
		tags = append(tags, t)
	}
	if len(tags) > MaxTags {
		return model.Invalid("tags", "at most %d tags", MaxTags)
	}
	e.Tags = tags
	return nil
}

// SplitTags reads tags typed as "a, b, c".
func SplitTags(s string) []string {
	if strings.TrimSpace(s) == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// Update changes an asset's alt text, title, tags, folder and rights.
func (s *Service) Update(ctx context.Context, a model.Actor, workspaceID, id string, e Edit) (model.Media, error) {
	var m model.Media
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
			return err
		}
		if err := checkEdit(&e); err != nil {
			return err
		}
		var err error
		if m, err = s.load(ctx, &tx.Queries, workspaceID, id); err != nil {
			return err
		}
		m.Alt, m.Title, m.Tags, m.Folder = e.Alt, e.Title, e.Tags, e.Folder
		m.Source, m.Licence, m.Credit, m.ExpiresAt = e.Source, e.Licence, e.Credit, e.ExpiresAt.UTC()
		if e.ExpiresAt.IsZero() {
			m.ExpiresAt = time.Time{}
		}
		m.UpdatedAt = s.now().UTC()
		if err := tx.UpdateMedia(ctx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "media.update", "media", id, workspaceID, map[string]any{"filename": m.Filename})
	})
	return m, err
}

// Delete removes an asset and its files. An asset that posts use is kept:
// deleting it would break their publishing.
func (s *Service) Delete(ctx context.Context, a model.Actor, workspaceID, id string) error {
	var m model.Media
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaDelete); err != nil {
			return err
		}
		var err error
		if m, err = s.load(ctx, &tx.Queries, workspaceID, id); err != nil {
			return err
		}
		uses, err := tx.MediaUses(ctx, workspaceID, id)
		if err != nil {
			return err
		}
		if len(uses) > 0 {
			return model.Conflict("", "%s is used in %d %s; remove it from %s first, then delete it", quote(m.Name()), len(uses),
				plural(len(uses), "post", "posts"), plural(len(uses), "that post", "those posts"))
		}
		if err := tx.DeleteMedia(ctx, workspaceID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "media.delete", "media", id, workspaceID, map[string]any{"filename": m.Filename})
	})
	if err == nil {
		s.deleteBlobs(m)
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Open returns an asset's original bytes (thumb: its thumbnail). The caller
// closes the reader. An asset without a thumbnail answers not found.
func (s *Service) Open(ctx context.Context, m model.Media, thumb bool) (io.ReadCloser, error) {
	key := m.BlobKey
	if thumb {
		key = m.ThumbKey
	}
	if key == "" {
		return nil, model.NotFound("this media has no thumbnail")
	}
	r, err := s.Bucket.NewReader(ctx, key, nil)
	if isNotFound(err) {
		return nil, model.NotFound("the file of this media is missing from storage")
	}
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", key, err)
	}
	return r, nil
}

func isNotFound(err error) bool { return err != nil && gcerrors.Code(err) == gcerrors.NotFound }

// Assets returns the workspace's assets among ids, in the order of ids;
// unknown IDs are left out. It performs no permission check: the compose
// and publishing services call it for work the workspace already allowed.
func (s *Service) Assets(ctx context.Context, workspaceID string, ids []string) ([]model.Media, error) {
	found, err := s.Store.Read().MediaByIDs(ctx, workspaceID, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]model.Media, len(found))
	for _, m := range found {
		byID[m.ID] = m
	}
	out := make([]model.Media, 0, len(found))
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			out = append(out, m)
			delete(byID, id)
		}
	}
	return out, nil
}

// Usable says why an asset may not be scheduled or published at t (its
// rights have expired), or nil when it may.
func Usable(m model.Media, at time.Time) error {
	if m.Expired(at) {
		return model.Invalid("media", "the rights to %s expired on %s; renew them on the media page or use another file",
			quote(m.Name()), m.ExpiresAt.UTC().Format("2 January 2006 15:04 MST"))
	}
	return nil
}

// AltRequired reports the workspace's "alt text required on all media"
// policy. It performs no permission check (the composer's validation reads it).
func (s *Service) AltRequired(ctx context.Context, workspaceID string) (bool, error) {
	return s.Store.Read().MediaAltRequired(ctx, workspaceID)
}

// SetAltRequired changes the workspace's alt text policy; it needs the
// right to change the workspace's compose settings (managers and up).
func (s *Service) SetAltRequired(ctx context.Context, a model.Actor, workspaceID string, required bool) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActComposeSettings); err != nil {
			return err
		}
		if err := tx.SetMediaAltRequired(ctx, workspaceID, required, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "media.policy", "workspace", workspaceID, workspaceID, map[string]any{"alt_required": required})
	})
}
