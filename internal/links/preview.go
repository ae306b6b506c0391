package links

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"herald/internal/model"
	"herald/internal/platform/httpclient"
	"herald/internal/store"
)

// Preview limits: pages are read up to previewMaxBody bytes (the head with
// its meta tags comes first), and cards are cached for previewTTL.
const (
	previewMaxBody = 1 << 20
	previewTTL     = 24 * time.Hour
	previewTimeout = 10 * time.Second
)

// Preview returns the card a URL would show: its Open Graph title,
// description, image and site name, falling back to <title> and the meta
// description. Cards are cached for a day. A failure is a model.Error with
// a message fit to show beside the composer; it must never block a post.
func (s *Service) Preview(ctx context.Context, rawURL string) (model.LinkPreview, error) {
	target, err := checkTarget("url", rawURL)
	if err != nil {
		return model.LinkPreview{}, err
	}
	sum := sha256.Sum256([]byte(target))
	key := hex.EncodeToString(sum[:])
	if p, err := s.Store.Read().LinkPreview(ctx, key, s.now().Add(-previewTTL)); err == nil {
		return p, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return p, err
	}
	p, err := s.fetchPreview(ctx, target)
	if err != nil {
		return p, err
	}
	p.FetchedAt = s.now()
	// The card is worth returning even when caching it fails.
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.PutLinkPreview(ctx, key, p) }); err != nil {
		s.logger().Warn("cache link preview", "err", err)
	}
	return p, nil
}

// PreviewAs is Preview for a member of the workspace (any role), for the
// composer's preview endpoints.
func (s *Service) PreviewAs(ctx context.Context, a model.Actor, workspaceID, rawURL string) (model.LinkPreview, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActLinkView); err != nil {
		return model.LinkPreview{}, err
	}
	return s.Preview(ctx, rawURL)
}

// previewError is the soft message shown when a page gives no card.
func previewError(format string, args ...any) error {
	return model.Invalid("url", "no preview: "+format, args...)
}

func (s *Service) fetchPreview(ctx context.Context, target string) (model.LinkPreview, error) {
	if s.HTTP == nil {
		return model.LinkPreview{}, errors.New("links: no HTTP client for previews")
	}
	ctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return model.LinkPreview{}, previewError("the address cannot be fetched")
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		switch {
		case errors.Is(err, httpclient.ErrPrivateAddress):
			return model.LinkPreview{}, previewError("the address points into a private network, which this Herald may not reach")
		case errors.Is(err, context.DeadlineExceeded):
			return model.LinkPreview{}, previewError("the site did not answer within %d seconds", int(previewTimeout/time.Second))
		}
		return model.LinkPreview{}, previewError("the site could not be reached")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return model.LinkPreview{}, previewError("the site answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "text/html" && ct != "application/xhtml+xml" {
		return model.LinkPreview{}, previewError("the address is not a web page (%s)", clip(ct, 60))
	}
	p, err := parseCard(io.LimitReader(resp.Body, previewMaxBody), resp.Request.URL)
	if err != nil {
		return p, previewError("the page could not be read")
	}
	if p.Title == "" && p.Description == "" && p.Image == "" {
		return p, previewError("the page has no title, description or image")
	}
	p.URL = target
	return p, nil
}

// parseCard reads the page's meta tags until </head> (or the body starts).
func parseCard(r io.Reader, base *url.URL) (model.LinkPreview, error) {
	var p model.LinkPreview
	var title, desc string
	z := html.NewTokenizer(r)
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) || errors.Is(z.Err(), io.ErrUnexpectedEOF) {
				return finishCard(p, title, desc, base), nil
			}
			return p, z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "title":
				inTitle = title == ""
			case "meta":
				key, content := metaPair(tok)
				switch key {
				case "og:title":
					p.Title = content
				case "og:description":
					p.Description = content
				case "og:image", "og:image:url", "og:image:secure_url":
					if p.Image == "" {
						p.Image = content
					}
				case "og:site_name":
					p.SiteName = content
				case "description":
					desc = content
				case "twitter:title":
					title = first(title, content)
				case "twitter:description":
					desc = first(desc, content)
				case "twitter:image":
					p.Image = first(p.Image, content)
				}
			case "body":
				return finishCard(p, title, desc, base), nil
			}
		case html.TextToken:
			if inTitle {
				title += string(z.Text())
			}
		case html.EndTagToken:
			switch z.Token().Data {
			case "title":
				inTitle = false
			case "head":
				return finishCard(p, title, desc, base), nil
			}
		}
	}
}

// metaPair returns a meta tag's property (or name) in lower case and its content.
func metaPair(tok html.Token) (string, string) {
	var key, content string
	for _, a := range tok.Attr {
		switch a.Key {
		case "property", "name":
			if key == "" {
				key = strings.ToLower(strings.TrimSpace(a.Val))
			}
		case "content":
			content = strings.TrimSpace(a.Val)
		}
	}
	return key, content
}

func finishCard(p model.LinkPreview, title, desc string, base *url.URL) model.LinkPreview {
	p.Title = clip(first(p.Title, strings.Join(strings.Fields(title), " ")), 300)
	p.Description = clip(first(p.Description, desc), 1000)
	p.SiteName = clip(p.SiteName, 200)
	if p.Image != "" {
		// Relative image paths are common; resolve them against the page
		// (after redirects) and keep only web URLs.
		if u, err := base.Parse(p.Image); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			p.Image = u.String()
		} else {
			p.Image = ""
		}
	}
	return p
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
