// Package media is the workspace media library: uploads whose type is read
// from their content (JPEG, PNG, GIF and WebP images, MP4 and MOV video),
// decoded within limits and stored with a thumbnail through gocloud.dev/blob
// (a local directory or an S3-compatible bucket); alt text, tags, folders
// and rights per asset; resumable uploads for large files; bytes prepared
// for each network's limits at publishing time; and signed, expiring public
// URLs for networks that fetch media by address.
//
// Example:
//
//	m, err := svc.Upload(ctx, actor, workspaceID, "cat.jpg", r)
//	p, err := svc.ForNetwork(ctx, m, "", limits) // bytes within the network's limits
package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"gocloud.dev/blob"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/platform/secret"
	"herald/internal/provider"
	"herald/internal/store"
)

// Size caps: images above MaxImageBytes are refused (no network takes more),
// videos above MaxVideoBytes too.
const (
	DefaultMaxImageBytes = 50 << 20
	DefaultMaxVideoBytes = 1 << 30
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Service is the media library domain service.
type Service struct {
	Store      *store.Store
	Bucket     *blob.Bucket
	Box        *secret.Box // keys the signed public URLs
	Workspaces Authorizer
	Registry   *provider.Registry // for the setup check: which networks need public URLs
	BaseURL    string
	Logger     *slog.Logger
	// MaxImageBytes and MaxVideoBytes override the default size caps.
	MaxImageBytes int64
	MaxVideoBytes int64
	// HTTP fetches media by URL (ImportURL). It should be a hardened
	// client (internal/platform/httpclient) whose body cap is above
	// MaxBytes; nil uses such a client that refuses private addresses.
	HTTP *http.Client
	Now  func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Service) maxImage() int64 {
	if s.MaxImageBytes > 0 {
		return s.MaxImageBytes
	}
	return DefaultMaxImageBytes
}

// MaxBytes is the largest file the library accepts (a video).
func (s *Service) MaxBytes() int64 {
	if s.MaxVideoBytes > 0 {
		return s.MaxVideoBytes
	}
	return DefaultMaxVideoBytes
}

// Upload reads a file from r and adds it to the library. The type comes
// from the content, never the name; on any error nothing is kept.
func (s *Service) Upload(ctx context.Context, a model.Actor, workspaceID, filename string, r io.Reader) (model.Media, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
		return model.Media{}, err
	}
	f, size, err := s.spool(r)
	if err != nil {
		return model.Media{}, err
	}
	defer removeTemp(f)
	return s.ingest(ctx, a, workspaceID, filename, f, size)
}

// spool copies r to a temporary file, refusing more than MaxBytes, so the
// content can be inspected with random access (an MP4's index may be at
// its end) and nothing reaches the bucket before it is checked.
func (s *Service) spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "herald-media-*")
	if err != nil {
		return nil, 0, fmt.Errorf("media: temp file: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, s.MaxBytes()+1))
	if err != nil {
		removeTemp(f)
		return nil, 0, fmt.Errorf("media: receive file: %w", err)
	}
	if n > s.MaxBytes() {
		removeTemp(f)
		return nil, 0, s.tooLarge()
	}
	return f, n, nil
}

func (s *Service) tooLarge() error {
	return model.Invalid("file", "the file is larger than %s, the most Herald takes (images up to %s)", byteSize(s.MaxBytes()), byteSize(s.maxImage()))
}

func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// ingest inspects a spooled file and stores it: blobs first, then the row
// in a transaction; if the row fails, the blobs are deleted again.
func (s *Service) ingest(ctx context.Context, a model.Actor, workspaceID, filename string, f *os.File, size int64) (model.Media, error) {
	filename = cleanName(filename)
	in, err := inspect(f, size, filename)
	if err != nil {
		return model.Media{}, err
	}
	if in.Kind == model.MediaImage && size > s.maxImage() {
		return model.Media{}, model.Invalid("file", "%s is %s; images may be at most %s", quote(filename), byteSize(size), byteSize(s.maxImage()))
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, size)); err != nil {
		return model.Media{}, fmt.Errorf("media: hash: %w", err)
	}
	now := s.now().UTC()
	m := model.Media{ID: ids.New(), WorkspaceID: workspaceID, Filename: filename, ContentType: in.ContentType, Kind: in.Kind,
		Size: size, Width: in.Width, Height: in.Height, DurationMS: in.DurationMS, Codec: in.Codec, SHA256: hex.EncodeToString(h.Sum(nil)),
		Tags: []string{}, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	m.BlobKey = "ws/" + workspaceID + "/" + m.ID
	if err := s.put(ctx, m.BlobKey, in.ContentType, io.NewSectionReader(f, 0, size)); err != nil {
		return model.Media{}, err
	}
	if in.Thumb != nil {
		m.ThumbKey = m.BlobKey + ".thumb.jpg"
		if err := s.put(ctx, m.ThumbKey, "image/jpeg", bytes.NewReader(in.Thumb)); err != nil {
			s.deleteBlobs(m)
			return model.Media{}, err
		}
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMedia(ctx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "media.upload", "media", m.ID, workspaceID,
			map[string]any{"filename": filename, "content_type": m.ContentType, "size": size})
	})
	if err != nil {
		s.deleteBlobs(m)
		return model.Media{}, err
	}
	return m, nil
}

func (s *Service) put(ctx context.Context, key, contentType string, r io.Reader) error {
	err := s.Bucket.Upload(ctx, key, r, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("media: store %s: %w", key, err)
	}
	return nil
}

// deleteBlobs removes an asset's blobs; a failure leaves an orphan blob,
// which is logged rather than returned because the row is already gone.
func (s *Service) deleteBlobs(m model.Media) {
	ctx := context.Background() // also after the request's context ended
	for _, k := range []string{m.BlobKey, m.ThumbKey} {
		if k == "" {
			continue
		}
		if err := s.Bucket.Delete(ctx, k); err != nil && !isNotFound(err) {
			s.log().Error("delete media blob", "key", k, "err", err)
		}
	}
}

// cleanName keeps the last path element of a client's file name, without
// control characters, at most 200 characters.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" {
		name = "upload"
	}
	return name
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
