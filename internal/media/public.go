package media

import (
	"context"
	"crypto/hmac"
	"errors"
	"io"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
)

// Signed public URLs let a network fetch a file without a session:
// /m/{id}?exp=<unix seconds>&sig=<MAC of id and exp>. The MAC uses the
// installation's secret key with its own label, so the signature cannot be
// reused as any other token, and expiry is part of what is signed.
func (s *Service) sign(id, exp string) string { return s.Box.MAC("media-url", id, exp) }

// PublicURL returns a URL on the base URL that serves the asset's original
// to anyone for ttl.
func (s *Service) PublicURL(m model.Media, ttl time.Duration) string {
	exp := strconv.FormatInt(s.now().Add(ttl).Unix(), 10)
	return strings.TrimRight(s.BaseURL, "/") + "/m/" + m.ID + "?exp=" + exp + "&sig=" + s.sign(m.ID, exp)
}

// Errors of OpenPublic; the web layer answers 403 and 410 without saying more.
var (
	ErrBadSignature = errors.New("media: bad signature")
	ErrExpiredURL   = errors.New("media: expired URL")
)

// OpenPublic checks a signed URL's parameters and opens the asset's
// original. The signature is checked first, so an unsigned request learns
// nothing about expiry or existence.
func (s *Service) OpenPublic(ctx context.Context, id, exp, sig string) (model.Media, io.ReadCloser, error) {
	if sig == "" || !hmac.Equal([]byte(sig), []byte(s.sign(id, exp))) {
		return model.Media{}, nil, ErrBadSignature
	}
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !s.now().Before(time.Unix(n, 0)) {
		return model.Media{}, nil, ErrExpiredURL
	}
	m, err := s.Store.Read().MediaByIDAnyWorkspace(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return m, nil, ErrExpiredURL // deleted since it was signed: gone
	}
	if err != nil {
		return m, nil, err
	}
	r, err := s.Open(ctx, m, false)
	if model.KindOf(err) == model.KindNotFound {
		return m, nil, ErrExpiredURL
	}
	return m, r, err
}

// urlNetworks attach media by address instead of uploading it (see the
// uses of provider.Media.URL): Nostr notes link files (NIP-92), feeds carry
// enclosures, Slack incoming webhooks and generic webhooks pass URLs on.
var urlNetworks = map[provider.Network]bool{"nostr": true, "feed": true, "slack": true, "webhook": true}

// PublicCheck is the setup check for signed media URLs.
type PublicCheck struct {
	BaseURL  string
	OK       bool     // reachable from outside as far as Herald can tell
	Problems []string // why networks cannot fetch media from it
	Networks []string // display names of the networks that need it
}

// CheckPublicURL tells an administrator whether the configured base URL can
// serve media to networks: it must name a public host (not localhost, a
// loopback or private address) and should use https.
func (s *Service) CheckPublicURL() PublicCheck {
	c := PublicCheck{BaseURL: s.BaseURL}
	if s.Registry != nil {
		for _, p := range s.Registry.All() {
			if i := p.Info(); urlNetworks[i.Network] {
				c.Networks = append(c.Networks, i.Name)
			}
		}
		sort.Strings(c.Networks)
	}
	u, err := url.Parse(s.BaseURL)
	if err != nil || u.Host == "" {
		c.Problems = append(c.Problems, "the base URL is not an absolute URL; set base-url (HERALD_BASE_URL) to this Herald's public address")
		return c
	}
	host := u.Hostname()
	switch ip := net.ParseIP(host); {
	case host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") || !strings.Contains(host, ".") && ip == nil:
		c.Problems = append(c.Problems, host+" is a local name that other servers cannot reach")
	case ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()):
		c.Problems = append(c.Problems, host+" is a loopback or private address that other servers cannot reach")
	}
	if u.Scheme != "https" {
		c.Problems = append(c.Problems, "the base URL uses "+u.Scheme+"; networks expect https")
	}
	c.OK = len(c.Problems) == 0
	return c
}
