package api

import "herald/internal/model"

// linkPreview returns the preview card of ?url=, read from the page's Open
// Graph tags. A page that gives no card is a 400 naming url, with a message
// meant to be shown softly: it never blocks publishing.
func (s *server) linkPreview(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	raw := c.r.URL.Query().Get("url")
	if raw == "" {
		return reply{}, model.Invalid("url", "pass the page address as ?url=")
	}
	p, err := s.d.Links.PreviewAs(c.ctx(), c.actor, ws, raw)
	if err != nil {
		return reply{}, err
	}
	return ok(previewView{URL: p.URL, Title: p.Title, Description: p.Description, Image: p.Image, SiteName: p.SiteName}), nil
}
