// Package conversion records conversions — purchases, sign-ups and other
// goals reached on a workspace's own website — and credits each to the
// tracked link that brought the visitor, by last click within a window.
//
// Conversions arrive two ways: signed server-to-server calls
// (RecordSigned, behind POST /api/v1/workspaces/{ws}/conversions) and
// Herald's JavaScript snippet (/c.js), which keeps the hclid that the
// short-link redirect adds to the destination and posts conversions to
// /c/collect. Each event ID is stored once per workspace.
//
// Example, as the API handler uses it:
//
//	signed, err := svc.Verify(ctx, wsID, r.Header.Get("Herald-Signature"), body)
//	if err != nil { ... } // 401 or 403
//	conv, duplicate, err := svc.Record(ctx, signed, ev)
package conversion

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// Window limits, in days.
const (
	DefaultWindowDays = 7
	MaxWindowDays     = 90
	maxOrigins        = 20
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// ClickFlusher moves journaled clicks into the database. A conversion can
// arrive seconds after its click, before the journal was flushed; flushing
// once before calling a click ID unknown closes that gap in this process.
type ClickFlusher interface {
	Flush(ctx context.Context) error
}

// Service is the conversion domain service.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Box        *secret.Box // seals signing secrets
	Clicks     ClickFlusher
	// Changed is called after a workspace's settings change, so the
	// short-link redirect stops (or starts) adding click IDs at once in
	// this process rather than when its cache entries expire.
	Changed func()
	Logger  *slog.Logger
	Now     func() time.Time
	// CollectPerMinute caps snippet calls per client IP (default 60).
	CollectPerMinute int
	// MaxPeriod caps the conversions InPeriod returns (default
	// MaxPeriodConversions); tests lower it.
	MaxPeriod int

	limOnce sync.Once
	lim     *ipLimiter
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

// Settings returns a workspace's conversion settings; a workspace that has
// not set them up gets the defaults, disabled, with no site key yet.
func (s *Service) Settings(ctx context.Context, a model.Actor, workspaceID string) (model.ConversionSettings, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return model.ConversionSettings{}, err
	}
	st, err := s.Store.Read().ConversionSettings(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return model.ConversionSettings{WorkspaceID: workspaceID, WindowDays: DefaultWindowDays}, nil
	}
	return st.ConversionSettings, err
}

// SettingsInput is what the settings form sends.
type SettingsInput struct {
	Enabled    bool
	WindowDays int
	Origins    []string // https://shop.example, one per entry
}

// Save changes a workspace's conversion settings. The first save makes the
// public site key and the signing secret; the secret is returned this once
// (later saves return "").
func (s *Service) Save(ctx context.Context, a model.Actor, workspaceID string, in SettingsInput) (model.ConversionSettings, string, error) {
	if in.WindowDays < 1 || in.WindowDays > MaxWindowDays {
		return model.ConversionSettings{}, "", model.Invalid("window_days", "choose an attribution window of 1 to %d days", MaxWindowDays)
	}
	origins, err := checkOrigins(in.Origins)
	if err != nil {
		return model.ConversionSettings{}, "", err
	}
	return s.save(ctx, a, workspaceID, func(st *store.StoredConversionSettings) {
		st.Enabled, st.WindowDays, st.Origins = in.Enabled, in.WindowDays, origins
	}, false)
}

// RotateSecret replaces the signing secret and returns the new one this
// once; calls signed with the old one are refused from then on.
func (s *Service) RotateSecret(ctx context.Context, a model.Actor, workspaceID string) (string, error) {
	_, sec, err := s.save(ctx, a, workspaceID, func(*store.StoredConversionSettings) {}, true)
	return sec, err
}

func (s *Service) save(ctx context.Context, a model.Actor, workspaceID string, change func(*store.StoredConversionSettings), rotate bool) (model.ConversionSettings, string, error) {
	var out model.ConversionSettings
	var newSecret string
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActConversionManage); err != nil {
			return err
		}
		st, err := tx.ConversionSettings(ctx, workspaceID)
		if errors.Is(err, store.ErrNotFound) {
			st = store.StoredConversionSettings{ConversionSettings: model.ConversionSettings{WorkspaceID: workspaceID,
				WindowDays: DefaultWindowDays, SiteKey: randomHex("hs_", 16)}}
		} else if err != nil {
			return err
		}
		change(&st)
		if st.SealedSecret == "" || rotate {
			newSecret = randomHex("hcs_", 32)
			if st.SealedSecret, err = s.Box.Seal(newSecret); err != nil {
				return err
			}
		}
		st.UpdatedBy, st.UpdatedAt = label(a), s.now()
		if err := tx.PutConversionSettings(ctx, st); err != nil {
			return err
		}
		out = st.ConversionSettings
		out.HasSecret = true
		if rotate {
			return audit.Record(ctx, tx, a, "conversion.secret.rotate", "workspace", workspaceID, workspaceID, nil)
		}
		return audit.Record(ctx, tx, a, "conversion.settings.update", "workspace", workspaceID, workspaceID,
			map[string]any{"enabled": st.Enabled, "window_days": st.WindowDays, "origins": st.Origins, "secret_made": newSecret != ""})
	})
	if err != nil {
		return model.ConversionSettings{}, "", err
	}
	if s.Changed != nil {
		s.Changed()
	}
	return out, newSecret, nil
}

// TagsClicks reports whether the short-link redirect should add a click ID
// to a workspace's destinations: only while conversion tracking is on, so
// other workspaces' destinations stay exactly as written.
func (s *Service) TagsClicks(ctx context.Context, workspaceID string) (bool, error) {
	return s.Store.Read().ConversionsEnabled(ctx, workspaceID)
}

// List returns a workspace's latest conversions, newest first (at most
// limit, 1–500); linkID, when not "", keeps one link's.
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID, linkID string, limit int) ([]model.Conversion, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 500 {
		return nil, model.Invalid("limit", "choose 1 to 500 conversions")
	}
	return s.Store.Read().ListConversions(ctx, workspaceID, linkID, limit)
}

// MaxPeriodConversions is the most conversions one InPeriod call returns,
// so that a download cannot hold an unbounded list in memory.
const MaxPeriodConversions = 100_000

// InPeriod returns every conversion of a workspace that occurred in
// [from, to), oldest first. A period with more conversions than the cap
// (MaxPeriodConversions unless MaxPeriod says otherwise) is refused rather
// than cut short, naming "from": a shorter period fits.
func (s *Service) InPeriod(ctx context.Context, a model.Actor, workspaceID string, from, to time.Time) ([]model.Conversion, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, model.Invalid("to", `"to" must not be before "from"`)
	}
	limit := s.MaxPeriod
	if limit < 1 {
		limit = MaxPeriodConversions
	}
	list, err := s.Store.Read().ConversionsInPeriod(ctx, workspaceID, from, to, limit+1)
	if err != nil {
		return nil, err
	}
	if len(list) > limit {
		return nil, model.Invalid("from", `the period has more than %d conversions; choose a later "from" or an earlier "to"`, limit)
	}
	return list, nil
}

// LinkCount counts the conversions credited to one link.
func (s *Service) LinkCount(ctx context.Context, a model.Actor, workspaceID, linkID string) (int, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return 0, err
	}
	return s.Store.Read().CountLinkConversions(ctx, workspaceID, linkID)
}

// checkOrigins normalises website origins (scheme://host[:port]); pages
// elsewhere cannot send conversions through the snippet.
func checkOrigins(list []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		o, ok := origin(raw)
		if !ok {
			return nil, model.Invalid("origins", "%q is not a website origin; enter one per line like https://shop.example (scheme, host and port only)", clip(raw, 80))
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	if len(out) > maxOrigins {
		return nil, model.Invalid("origins", "list at most %d websites", maxOrigins)
	}
	return out, nil
}

// origin returns the canonical origin of raw, which may end in "/".
func origin(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || len(raw) > 200 {
		return "", false
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", false
		}
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), true
}

// randomHex is prefix + n random bytes in hex.
func randomHex(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return prefix + hex.EncodeToString(b)
}

// label names who changed the settings, for the settings page.
func label(a model.Actor) string {
	if a.Email != "" {
		return a.Email
	}
	return a.Via
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
