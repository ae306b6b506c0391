package api

import (
	"io"
	"mime"
	"net/http"
	"strconv"
)

// mediaDownload streams an asset's original bytes with their detected
// Content-Type and a Content-Disposition naming the uploaded file. nosniff
// and the sandbox CSP keep a browser from treating the bytes as anything
// else, as for the web UI's file URLs.
func (s *server) mediaDownload(c *call) (reply, error) {
	ws, id, err := mediaPath(c)
	if err != nil {
		return reply{}, err
	}
	m, err := s.d.Media.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	rc, err := s.d.Media.Open(c.ctx(), m, false)
	if err != nil {
		return reply{}, err
	}
	defer rc.Close()
	h := c.w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Length", strconv.FormatInt(m.Size, 10))
	// FormatMediaType quotes the name and uses RFC 2231 encoding for
	// non-ASCII names; it answers "" for a name it cannot encode.
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": m.Filename})
	if disp == "" {
		disp = "attachment"
	}
	h.Set("Content-Disposition", disp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		// Once the status is sent a failure can only cut the body short,
		// which the client sees against Content-Length.
		_, _ = io.Copy(c.w, rc)
	}
	return reply{streamed: true}, nil
}
