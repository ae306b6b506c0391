// Package links manages tracked links: short codes on Herald's own URL
// (/l/{code}) or a short domain that redirect to a target with UTM
// parameters, clicks recorded without touching the database on the
// redirect path (journal.go), per-link, per-post and per-channel click
// statistics, UTM presets, and link-preview cards read from Open Graph tags.
//
// Example, as the publisher uses it:
//
//	l, err := svc.Track(ctx, nil, wsID, links.TrackInput{URL: "https://example.com/post",
//		PostID: post.ID, ChannelID: ch.ID, Network: ch.Network, Campaign: "launch"})
//	text = strings.ReplaceAll(text, "https://example.com/post", svc.ShortURL(l))
package links

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// ClickTagger says whether a workspace's redirects carry click IDs, so
// the website can report conversions against the click.
type ClickTagger interface {
	TagsClicks(ctx context.Context, workspaceID string) (bool, error)
}

// Service is the tracked-link domain service. Set the exported fields, then
// call Start to replay and flush the click journal (Redirect works without
// it; clicks then wait in the journal).
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	// HTTP fetches link previews: the hardened client, with a body cap of
	// about 1 MB and a short timeout.
	HTTP *http.Client
	// BaseURL is Herald's public URL; ShortBase, when set, is the short
	// domain (https://hrld.example) whose /{code} serves the same links.
	BaseURL   string
	ShortBase string
	DataDir   string // the journal lives in DataDir/clicks
	Logger    *slog.Logger
	// CountCLIClients counts curl, wget and HTTPie as people; by default
	// they are flagged as bots like crawlers.
	CountCLIClients bool
	// ClickIDs, when set, says which workspaces track conversions: their
	// redirects add hclid=<click ID> to the destination (see redirect.go).
	ClickIDs      ClickTagger
	CacheTTL      time.Duration // code cache entries live this long (default 30s)
	CacheSize     int           // most codes cached (default 100,000)
	FlushInterval time.Duration // journal flushes (default 2s)
	Now           func() time.Time

	once       sync.Once
	initErr    error
	cache      *codeCache
	journal    *journal
	flushMu    sync.Mutex
	stop, done chan struct{}
}

// init opens the journal and the cache once.
func (s *Service) init() error {
	s.once.Do(func() {
		size := s.CacheSize
		if size <= 0 {
			size = 100_000
		}
		s.cache = newCodeCache(size, s.cacheTTL())
		s.journal, s.initErr = openJournal(filepath.Join(s.DataDir, "clicks"))
	})
	return s.initErr
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// ShortURL is the public short URL of a link.
func (s *Service) ShortURL(l model.Link) string {
	if s.ShortBase != "" {
		return strings.TrimRight(s.ShortBase, "/") + "/" + l.Code
	}
	return strings.TrimRight(s.BaseURL, "/") + "/l/" + l.Code
}

// checkTarget accepts absolute http(s) URLs that a redirect may point at.
func checkTarget(field, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 2048 {
		return "", model.Invalid(field, "enter a full web address starting with https:// or http:// (at most 2,048 characters)")
	}
	if u.User != nil {
		return "", model.Invalid(field, "the address must not contain a user name or password")
	}
	return raw, nil
}

// TrackInput is a link in a post the composer or the publisher wants
// tracked: the URL as written, the post and channel it is published in, the
// channel's network, and the post's campaign and pillar names (for UTM).
type TrackInput struct {
	URL       string
	PostID    string
	ChannelID string
	Network   string
	Campaign  string
	Pillar    string
}

// Track returns the tracked link for a URL in a post on a channel, making
// it on first use: UTM defaults and presets are applied, and the same
// (post, channel, final URL) always yields the same link, so publishing
// again or retrying never multiplies links. a is nil for the publisher,
// which acts on work the workspace already approved; otherwise the actor
// needs model.ActLinkManage.
func (s *Service) Track(ctx context.Context, a *model.Actor, workspaceID string, in TrackInput) (model.Link, error) {
	target, err := checkTarget("url", in.URL)
	if err != nil {
		return model.Link{}, err
	}
	if a != nil {
		if _, err := s.Workspaces.Authorize(ctx, *a, workspaceID, model.ActLinkManage); err != nil {
			return model.Link{}, err
		}
	}
	campaign := in.Campaign
	if campaign == "" {
		campaign = in.Pillar
	}
	final, err := s.tagged(ctx, workspaceID, target, DefaultUTM(in.Network, in.Campaign, in.Pillar), in.ChannelID, campaign)
	if err != nil {
		return model.Link{}, err
	}
	sum := sha256.Sum256([]byte(in.PostID + "\x00" + in.ChannelID + "\x00" + final))
	key := hex.EncodeToString(sum[:])
	l := model.Link{WorkspaceID: workspaceID, URL: final, PostID: in.PostID, ChannelID: in.ChannelID, Campaign: campaign}
	if a != nil {
		l.CreatedBy = a.UserID
	}
	for try := 0; try < 3; try++ {
		if got, err := s.Store.Read().LinkByTrackKey(ctx, workspaceID, key); err == nil {
			return got, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return got, err
		}
		// A conflict is a concurrent Track of the same link (read it on the
		// next round) or, astronomically rarely, a code clash (try anew).
		if l, err = s.insert(ctx, a, l, key); !errors.Is(err, store.ErrConflict) {
			return l, err
		}
	}
	return model.Link{}, errors.New("links: could not create a link after 3 tries")
}

// tagged applies UTM defaults and the workspace's presets to target.
func (s *Service) tagged(ctx context.Context, workspaceID, target string, defaults UTM, channelID, campaign string) (string, error) {
	presets, err := s.Store.Read().UTMPresets(ctx, workspaceID)
	if err != nil {
		return "", err
	}
	out, err := ApplyUTM(target, defaults, MergePresets(presets, channelID, campaign))
	if err != nil {
		return "", model.Invalid("url", "the address cannot be read as a URL")
	}
	return out, nil
}

func (s *Service) insert(ctx context.Context, a *model.Actor, l model.Link, trackKey string) (model.Link, error) {
	now := s.now()
	l.ID, l.Code, l.CreatedAt, l.UpdatedAt = ids.New(), newCode(), now, now
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateLink(ctx, l, trackKey); err != nil {
			return err
		}
		actor := model.Actor{Via: "system"}
		if a != nil {
			actor = *a
		}
		return audit.Record(ctx, tx, actor, "link.create", "link", l.ID, l.WorkspaceID, map[string]any{"url": l.URL, "post": l.PostID})
	})
	return l, err
}

// NewLink is a link made by hand: a target and, optionally, the channel
// and campaign it is meant for, which choose the UTM tags.
type NewLink struct {
	URL       string
	ChannelID string
	Campaign  string
}

// Create makes a tracked link by hand. Each call makes a new short code.
func (s *Service) Create(ctx context.Context, a model.Actor, workspaceID string, in NewLink) (model.Link, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkManage); err != nil {
		return model.Link{}, err
	}
	target, err := checkTarget("url", in.URL)
	if err != nil {
		return model.Link{}, err
	}
	campaign := strings.TrimSpace(in.Campaign)
	if len(campaign) > 200 {
		return model.Link{}, model.Invalid("campaign", "use at most 200 characters")
	}
	network := ""
	if in.ChannelID != "" {
		c, err := s.Store.Read().ChannelByID(ctx, workspaceID, in.ChannelID)
		if errors.Is(err, store.ErrNotFound) {
			return model.Link{}, model.Invalid("channel_id", "no channel with that ID in this workspace")
		} else if err != nil {
			return model.Link{}, err
		}
		network = c.Network
	}
	final, err := s.tagged(ctx, workspaceID, target, DefaultUTM(network, campaign, ""), in.ChannelID, campaign)
	if err != nil {
		return model.Link{}, err
	}
	l := model.Link{WorkspaceID: workspaceID, URL: final, ChannelID: in.ChannelID, Campaign: campaign, CreatedBy: a.UserID}
	for try := 0; ; try++ {
		if l, err = s.insert(ctx, &a, l, ""); !errors.Is(err, store.ErrConflict) || try == 2 {
			return l, err
		}
	}
}

// Get returns one link.
func (s *Service) Get(ctx context.Context, a model.Actor, workspaceID, id string) (model.Link, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return model.Link{}, err
	}
	return s.load(ctx, s.Store.Read(), workspaceID, id)
}

func (s *Service) load(ctx context.Context, q *store.Queries, workspaceID, id string) (model.Link, error) {
	l, err := q.LinkByID(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return l, model.NotFound("no link with that ID in this workspace")
	}
	return l, err
}

// Codes returns the short codes of these links of a workspace by ID, in
// one read; a deleted link is absent.
func (s *Service) Codes(ctx context.Context, a model.Actor, workspaceID string, ids []string) (map[string]string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return nil, err
	}
	return s.Store.Read().LinkCodes(ctx, workspaceID, ids)
}

// List returns up to limit links of a workspace after the ID afterID ("" for
// the first page), in ID order, with their human click counts.
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID, afterID string, limit int) ([]model.Link, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListLinks(ctx, workspaceID, afterID, limit)
}

// Update points a link at a new target, as given (no UTM is added).
func (s *Service) Update(ctx context.Context, a model.Actor, workspaceID, id, target string) (model.Link, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkManage); err != nil {
		return model.Link{}, err
	}
	target, err := checkTarget("url", target)
	if err != nil {
		return model.Link{}, err
	}
	var l model.Link
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if l, err = s.load(ctx, &tx.Queries, workspaceID, id); err != nil {
			return err
		}
		l.URL, l.UpdatedAt = target, s.now()
		if err := tx.UpdateLinkURL(ctx, workspaceID, id, target, l.UpdatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "link.update", "link", id, workspaceID, map[string]any{"url": target})
	})
	if err == nil {
		s.forget(l.Code)
	}
	return l, err
}

// Delete removes a link and its clicks; its short URL answers 404 from then on.
func (s *Service) Delete(ctx context.Context, a model.Actor, workspaceID, id string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkManage); err != nil {
		return err
	}
	var l model.Link
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if l, err = s.load(ctx, &tx.Queries, workspaceID, id); err != nil {
			return err
		}
		if err := tx.DeleteLink(ctx, workspaceID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "link.delete", "link", id, workspaceID, map[string]any{"url": l.URL})
	})
	if err == nil {
		s.forget(l.Code)
	}
	return err
}

// forget drops a code from this instance's cache; other instances see the
// change when their entry expires.
func (s *Service) forget(code string) {
	_ = s.init() // the cache exists even when the journal could not open
	s.cache.drop(code)
}
