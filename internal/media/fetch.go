package media

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"path"
	"time"

	"herald/internal/model"
	"herald/internal/platform/httpclient"
)

// FetchTimeout bounds one download of media by URL, from connecting to the
// last byte. It is generous because a video may be up to MaxBytes.
const FetchTimeout = 5 * time.Minute

// ImportURL downloads the file at rawURL into the workspace's library and
// returns the new asset's ID; the CSV import uses it for media given by
// address (it implements compose.MediaImporter). The download goes through
// the hardened client in HTTP (private addresses refused unless the client
// allows them), is capped at the upload size limits, and then passes the
// same checks as an upload: the type comes from the content, the name from
// the URL's path. Problems with the address or the file are model.Invalid
// errors on "url" or "file" whose text can be shown as it is.
func (s *Service) ImportURL(ctx context.Context, a model.Actor, workspaceID, rawURL string) (string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActMediaEdit); err != nil {
		return "", err
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", model.Invalid("url", "%s is not an http or https address", quote(rawURL))
	}
	fctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(fctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", model.Invalid("url", "%s is not an http or https address", quote(rawURL))
	}
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return "", s.fetchError(ctx, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", model.Invalid("url", "could not fetch %s: %s", u.Redacted(), resp.Status)
	}
	if resp.ContentLength > s.MaxBytes() {
		return "", s.tooLarge()
	}
	f, size, err := s.spool(resp.Body)
	if err != nil {
		if model.AsError(err) != nil {
			return "", err
		}
		return "", s.fetchError(ctx, u, err)
	}
	defer removeTemp(f)
	m, err := s.ingest(ctx, a, workspaceID, nameFromURL(u), f, size)
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// httpClient is the configured client, or a hardened default that refuses
// private addresses and reads at most one byte over the size limit.
func (s *Service) httpClient() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return httpclient.New(httpclient.Options{Timeout: FetchTimeout, MaxBody: s.MaxBytes() + 1, UserAgent: "Herald (media import)"})
}

// fetchError words a failed download for the person importing. A
// cancelled caller (the request went away) is passed on as it is, so the
// import stops instead of reporting a problem per row.
func (s *Service) fetchError(ctx context.Context, u *url.URL, err error) error {
	if ctx.Err() != nil {
		return err
	}
	where := u.Redacted()
	var dns *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, httpclient.ErrPrivateAddress):
		return model.Invalid("url", "could not fetch %s: it points to a private or local address, which Herald does not fetch", where)
	case errors.Is(err, httpclient.ErrBodyTooLarge):
		return s.tooLarge()
	case errors.As(err, &dns):
		return model.Invalid("url", "could not fetch %s: the host %s was not found", where, u.Hostname())
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return model.Invalid("url", "could not fetch %s: no complete answer within %s", where, FetchTimeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s.log().Debug("media fetch failed", "url", where, "err", err)
	return model.Invalid("url", "could not fetch %s: %v", where, err)
}

// nameFromURL is the last element of the URL's path ("download" when the
// path names none); cleanName does the rest.
func nameFromURL(u *url.URL) string {
	name := path.Base(u.Path)
	if name == "." || name == "/" || name == "" {
		return "download"
	}
	return name
}
