package api

import (
	"net/http"

	"herald/internal/model"
)

// mediaRoutes are the media library endpoints (openapi/media.json): the
// library itself, one-request uploads and resumable uploads for large files.
// Upload bodies are not JSON and are limited by the media service's size
// caps rather than the API's JSON body limit (see mediaUpload, uploadAppend).
func (s *server) mediaRoutes() []route {
	const (
		get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
		create                = true
		read, write           = model.ScopeMediaRead, model.ScopeMediaWrite
		ws                    = "/api/v1/workspaces/{ws}"
	)
	return []route{
		{get, ws + "/media", read, false, s.mediaList},
		// Not a JSON create, so no Idempotency-Key: the key's fingerprint
		// would need the whole file in memory.
		{post, ws + "/media", write, false, s.mediaUpload},
		{get, ws + "/media/{id}", read, false, s.mediaGet},
		{patch, ws + "/media/{id}", write, false, s.mediaUpdate},
		{del, ws + "/media/{id}", write, false, s.mediaDelete},
		{get, ws + "/media/{id}/file", read, false, s.mediaDownload},
		{get, ws + "/media/{id}/usage", read, false, s.mediaUsage},

		{post, ws + "/media-uploads", write, create, s.uploadCreate},
		{get, ws + "/media-uploads/{id}", write, false, s.uploadGet},
		{patch, ws + "/media-uploads/{id}", write, false, s.uploadAppend},
		{del, ws + "/media-uploads/{id}", write, false, s.uploadCancel},
	}
}
