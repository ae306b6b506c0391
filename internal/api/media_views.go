package api

import (
	"strconv"
	"time"

	"herald/internal/media"
	"herald/internal/model"
)

// mediaView is a library asset as the API shows it. Text a person has not
// written (alt, title, rights...) is null, like every absent value.
type mediaView struct {
	ID          string   `json:"id"`
	Filename    string   `json:"filename"`
	Kind        string   `json:"kind"`
	ContentType string   `json:"content_type"`
	Size        int64    `json:"size"`
	Width       int      `json:"width"`
	Height      int      `json:"height"`
	DurationMS  *int64   `json:"duration_ms"` // videos only
	Codec       *string  `json:"codec"`
	SHA256      string   `json:"sha256"`
	Alt         *string  `json:"alt"`
	Title       *string  `json:"title"`
	Tags        []string `json:"tags"`
	Folder      *string  `json:"folder"`
	Source      *string  `json:"source"`
	Licence     *string  `json:"licence"`
	Credit      *string  `json:"credit"`
	ExpiresAt   *string  `json:"expires_at"`
	Expired     bool     `json:"expired"`
	FileURL     string   `json:"file_url"`
	CreatedBy   *string  `json:"created_by"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
}

func viewMedia(m model.Media, now time.Time) mediaView {
	v := mediaView{ID: m.ID, Filename: m.Filename, Kind: string(m.Kind), ContentType: m.ContentType, Size: m.Size,
		Width: m.Width, Height: m.Height, Codec: optional(m.Codec), SHA256: m.SHA256, Alt: optional(m.Alt), Title: optional(m.Title),
		Tags: m.Tags, Folder: optional(m.Folder), Source: optional(m.Source), Licence: optional(m.Licence), Credit: optional(m.Credit),
		ExpiresAt: stampOrNull(m.ExpiresAt), Expired: m.Expired(now), FileURL: mediaPathOf(m) + "/file",
		CreatedBy: optional(m.CreatedBy), CreatedAt: stamp(m.CreatedAt), UpdatedAt: stamp(m.UpdatedAt)}
	if m.Kind == model.MediaVideo {
		d := m.DurationMS
		v.DurationMS = &d
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	return v
}

// mediaPathOf is an asset's API path.
func mediaPathOf(m model.Media) string {
	return "/api/v1/workspaces/" + m.WorkspaceID + "/media/" + m.ID
}

// mediaUseView is one post that uses an asset.
type mediaUseView struct {
	PostID    string `json:"post_id"`
	Text      string `json:"text"`
	UpdatedAt string `json:"updated_at"`
}

// uploadView is a resumable upload's state; Media is the new asset once
// the last byte has arrived (the upload itself is gone by then).
type uploadView struct {
	ID        string     `json:"id"`
	Filename  string     `json:"filename"`
	Size      int64      `json:"size"`
	Offset    int64      `json:"offset"`
	Complete  bool       `json:"complete"`
	ExpiresAt string     `json:"expires_at"`
	CreatedAt string     `json:"created_at"`
	UpdatedAt string     `json:"updated_at"`
	Media     *mediaView `json:"media"`
}

// viewUpload renders an upload and sets the tus-style headers that say
// where it stands, so a client may read them instead of the body.
func viewUpload(c *call, u model.MediaUpload, m *model.Media) uploadView {
	h := c.w.Header()
	h.Set("Upload-Offset", strconv.FormatInt(u.Offset, 10))
	h.Set("Upload-Length", strconv.FormatInt(u.Size, 10))
	v := uploadView{ID: u.ID, Filename: u.Filename, Size: u.Size, Offset: u.Offset, Complete: m != nil,
		ExpiresAt: stamp(u.UpdatedAt.Add(media.UploadLifetime)), CreatedAt: stamp(u.CreatedAt), UpdatedAt: stamp(u.UpdatedAt)}
	if m != nil {
		mv := viewMedia(*m, time.Now())
		v.Media = &mv
	}
	return v
}
