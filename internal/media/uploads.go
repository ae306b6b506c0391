package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gocloud.dev/blob"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Resumable uploads follow the shape of tus (tus.io): create an upload with
// its file name and length, send chunks at the offset the server reports,
// ask for the offset again after a lost connection. Chunks are stored as
// separate blobs because object stores cannot append; on the last chunk
// they are joined and checked exactly like a direct upload.
const (
	MaxChunk       = 32 << 20       // the largest chunk one request may carry
	UploadLifetime = 24 * time.Hour // an upload untouched this long is pruned
)

// CreateUpload starts a resumable upload of size bytes.
func (s *Service) CreateUpload(ctx context.Context, a model.Actor, workspaceID, filename string, size int64) (model.MediaUpload, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
		return model.MediaUpload{}, err
	}
	switch {
	case size == 0:
		return model.MediaUpload{}, model.Invalid("size", "the file is empty")
	case size < 0:
		return model.MediaUpload{}, model.Invalid("size", "the size must be the file's length in bytes")
	case size > s.MaxBytes():
		return model.MediaUpload{}, s.tooLarge()
	}
	s.Prune(ctx)
	now := s.now().UTC()
	u := model.MediaUpload{ID: ids.New(), WorkspaceID: workspaceID, Filename: cleanName(filename), Size: size, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now}
	return u, s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.CreateMediaUpload(ctx, u) })
}

// UploadState returns a resumable upload's state, for a client that resumes.
func (s *Service) UploadState(ctx context.Context, a model.Actor, workspaceID, id string) (model.MediaUpload, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
		return model.MediaUpload{}, err
	}
	return s.loadUpload(ctx, workspaceID, id)
}

func (s *Service) loadUpload(ctx context.Context, workspaceID, id string) (model.MediaUpload, error) {
	u, err := s.Store.Read().MediaUpload(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return u, model.NotFound("no upload with that ID in this workspace; it may have finished, been cancelled or expired after a day")
	}
	return u, err
}

// OffsetError is a chunk sent at the wrong offset; Offset is where the
// upload is, so the client can continue from there.
type OffsetError struct{ Offset int64 }

func (e *OffsetError) Error() string {
	return fmt.Sprintf("the upload is at offset %d; send the chunk that starts there", e.Offset)
}

// AsOffsetError returns the OffsetError inside err, if any.
func AsOffsetError(err error) *OffsetError {
	var e *OffsetError
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Append stores the chunk in r at offset. A chunk that does not arrive
// whole (the connection dropped) is discarded, and the upload stays at its
// previous offset for the client to resume from. When the last byte has
// arrived the file is checked and added to the library: the asset is
// returned (nil before that). An upload whose file fails the checks is
// removed with its chunks.
func (s *Service) Append(ctx context.Context, a model.Actor, workspaceID, id string, offset int64, r io.Reader) (model.MediaUpload, *model.Media, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
		return model.MediaUpload{}, nil, err
	}
	u, err := s.loadUpload(ctx, workspaceID, id)
	if err != nil {
		return u, nil, err
	}
	if offset != u.Offset {
		return u, nil, model.Conflict("upload_offset", "%s", (&OffsetError{u.Offset}).Error())
	}
	limit := min(u.Size-u.Offset, MaxChunk)
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	if err != nil {
		return u, nil, model.Invalid("body", "the chunk did not arrive whole (%v); ask for the offset and send it again", err)
	}
	if n > limit {
		return u, nil, model.Invalid("body", "the chunk is too long: at most %d bytes may follow offset %d (chunks are at most %s)", limit, offset, byteSize(MaxChunk))
	}
	if n == 0 {
		return u, nil, nil
	}
	key := chunkKey(u.ID, u.Chunks)
	if err := s.put(ctx, key, "application/octet-stream", &buf); err != nil {
		return u, nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AdvanceMediaUpload(ctx, u.ID, u.Offset, n, s.now().UTC()) })
	if errors.Is(err, store.ErrNotFound) { // another request got there first
		_ = s.Bucket.Delete(ctx, key)
		cur, lerr := s.loadUpload(ctx, workspaceID, id)
		if lerr != nil {
			return u, nil, lerr
		}
		return cur, nil, model.Conflict("upload_offset", "%s", (&OffsetError{cur.Offset}).Error())
	}
	if err != nil {
		_ = s.Bucket.Delete(ctx, key)
		return u, nil, err
	}
	u.Offset += n
	u.Chunks++
	if u.Offset < u.Size {
		return u, nil, nil
	}
	m, err := s.complete(ctx, a, u)
	if err != nil {
		return u, nil, err
	}
	return u, &m, nil
}

func chunkKey(uploadID string, n int) string { return fmt.Sprintf("uploads/%s/%08d", uploadID, n) }

// complete joins the chunks into a temporary file and ingests it. Whatever
// the outcome, the upload and its chunks are removed: a file that fails
// the checks would fail them again.
func (s *Service) complete(ctx context.Context, a model.Actor, u model.MediaUpload) (model.Media, error) {
	defer s.discard(u)
	f, err := os.CreateTemp("", "herald-upload-*")
	if err != nil {
		return model.Media{}, fmt.Errorf("media: temp file: %w", err)
	}
	defer removeTemp(f)
	for i := 0; i < u.Chunks; i++ {
		if err := s.copyBlob(ctx, f, chunkKey(u.ID, i)); err != nil {
			return model.Media{}, err
		}
	}
	return s.ingest(ctx, a, u.WorkspaceID, u.Filename, f, u.Size)
}

func (s *Service) copyBlob(ctx context.Context, w io.Writer, key string) error {
	r, err := s.Bucket.NewReader(ctx, key, nil)
	if err != nil {
		return fmt.Errorf("media: read chunk %s: %w", key, err)
	}
	defer r.Close()
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("media: read chunk %s: %w", key, err)
	}
	return nil
}

// Cancel abandons an upload and deletes what arrived.
func (s *Service) Cancel(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
		return err
	}
	u, err := s.loadUpload(ctx, workspaceID, id)
	if err != nil {
		return err
	}
	s.discard(u)
	return nil
}

// discard deletes an upload's row and chunks. It uses its own context so
// the cleanup also runs when the request that ends the upload is cancelled.
func (s *Service) discard(u model.MediaUpload) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteMediaUpload(ctx, u.ID) }); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log().Error("delete media upload", "upload_id", u.ID, "err", err)
	}
	it := s.Bucket.List(&blob.ListOptions{Prefix: "uploads/" + u.ID + "/"})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return
		}
		if err != nil {
			s.log().Error("list upload chunks", "upload_id", u.ID, "err", err)
			return
		}
		if err := s.Bucket.Delete(ctx, obj.Key); err != nil && !isNotFound(err) {
			s.log().Error("delete upload chunk", "key", obj.Key, "err", err)
		}
	}
}

// Prune removes uploads untouched for UploadLifetime with their chunks. It
// runs whenever an upload starts, which bounds the leftovers without a
// separate job; a few at a time so one request never does much of it.
func (s *Service) Prune(ctx context.Context) {
	stale, err := s.Store.Read().StaleMediaUploads(ctx, s.now().Add(-UploadLifetime), 20)
	if err != nil {
		s.log().Error("list stale media uploads", "err", err)
		return
	}
	for _, u := range stale {
		s.discard(u)
	}
}

// Progress describes an upload for people: "3.0 MB of 12.0 MB".
func Progress(u model.MediaUpload) string {
	return strings.TrimSpace(byteSize(u.Offset) + " of " + byteSize(u.Size))
}
