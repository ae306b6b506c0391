package api

import "herald/internal/model"

// snippetList lists templates and hashtag groups, or one ?kind= of them.
func (s *server) snippetList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	kind := model.SnippetKind(c.r.URL.Query().Get("kind"))
	if kind != "" && kind != model.SnippetTemplate && kind != model.SnippetHashtags {
		return reply{}, invalidField("kind", "is template or hashtags")
	}
	list, err := s.d.Compose.Snippets(c.ctx(), c.actor, ws, kind)
	if err != nil {
		return reply{}, err
	}
	out := listOf[snippetView]{Data: make([]snippetView, len(list))}
	for i, x := range list {
		out.Data[i] = viewSnippet(x)
	}
	return ok(out), nil
}
