package model

import "time"

// MediaKind says what a library asset is.
type MediaKind string

// Media kinds.
const (
	MediaImage MediaKind = "image"
	MediaVideo MediaKind = "video"
)

// Media is one asset of a workspace's media library: what Herald read from
// its content (type, dimensions, duration, codec, digest), what people wrote
// about it (alt text, title, tags, folder) and the rights to use it.
type Media struct {
	ID          string
	WorkspaceID string
	BlobKey     string // the original's key in the media bucket
	ThumbKey    string // the thumbnail's key; "" when there is none (video)
	Filename    string
	ContentType string
	Kind        MediaKind
	Size        int64
	Width       int
	Height      int
	DurationMS  int64
	Codec       string // video codec: h264, hevc, av1, vp9...
	SHA256      string // hex digest of the original
	Alt         string
	Title       string
	Tags        []string
	Folder      string
	Source      string // where the file came from (URL or description)
	Licence     string
	Credit      string
	ExpiresAt   time.Time // end of the right to use it; zero: no end
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Expired reports whether the rights to use the asset have ended at t.
func (m Media) Expired(t time.Time) bool {
	return !m.ExpiresAt.IsZero() && !t.Before(m.ExpiresAt)
}

// Name is how people refer to the asset: its title, else its file name.
func (m Media) Name() string {
	if m.Title != "" {
		return m.Title
	}
	return m.Filename
}

// MediaFilter selects assets of a workspace's library.
type MediaFilter struct {
	Query  string    // matches file name, title, alt text and tags
	Kind   MediaKind // "" for every kind
	Folder string    // "" for every folder
	After  string    // the ID the page starts after (in the order asked for)
	Limit  int       // 0: no limit
	Newest bool      // newest first (the UI) instead of oldest first by ID (the API)
}

// MediaUse is one post that uses an asset.
type MediaUse struct {
	PostID    string
	Text      string // the beginning of the post's base text
	UpdatedAt time.Time
}

// MediaUpload is a resumable upload in progress: Offset bytes of Size have
// arrived, in Chunks stored pieces.
type MediaUpload struct {
	ID          string
	WorkspaceID string
	Filename    string
	Size        int64
	Offset      int64
	Chunks      int
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
