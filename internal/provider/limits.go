package provider

import (
	"time"

	"herald/internal/provider/count"
)

// Limits are a network's (or one account's) publishing limits, as data:
// defaults come from the provider, the account's own values from the network
// where an endpoint exists (Mastodon /api/v2/instance, ...).
type Limits struct {
	Text           count.Rule
	MaxMedia       int   // attachments per post (0: no media)
	MaxImages      int   // images per post
	MaxVideos      int   // videos per post
	MixMedia       bool  // images and video together allowed
	ImageMaxBytes  int64 // largest image accepted (0: no limit known)
	VideoMaxBytes  int64
	ImageMaxPixels int  // largest width or height (0: no limit known)
	AltRequired    bool // alt text required on images
	AltMaxChars    int  // longest alt text (0: no limit known)
	ImageTypes     []string
	VideoTypes     []string
	MaxThread      int  // longest thread (0: threads not supported)
	MediaRequired  bool // no text-only posts
	// Quotas are the network's known caps on posts per account over a
	// window; the scheduler warns before a plan would exceed one.
	Quotas []Quota
}

// Quota is a cap of Max posts per account in any Window.
type Quota struct {
	Max    int
	Window time.Duration
	Source string // where the number comes from, for people who doubt it
}
