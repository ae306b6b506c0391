package api

import (
	"herald/internal/compose"
	"herald/internal/model"
)

// postList lists a workspace's posts, newest first (like the audit log:
// the latest work is what people look for), filtered by ?status=,
// ?channel=, ?pillar=, ?label= and ?q= (text or notes).
func (s *server) postList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	f, err := postFilter(c)
	if err != nil {
		return reply{}, err
	}
	f.After, f.Limit = p.after, p.limit
	posts, next, err := s.d.Compose.List(c.ctx(), c.actor, ws, f)
	if err != nil {
		return reply{}, err
	}
	out := page[postView]{Data: make([]postView, len(posts))}
	for i, p := range posts {
		out.Data[i] = viewPost(p)
	}
	if next != "" {
		out.NextCursor = encodeCursor(next)
	}
	return ok(out), nil
}

// postFilter reads the list and export filters from the query string.
func postFilter(c *call) (compose.Filter, error) {
	q := c.r.URL.Query()
	f := compose.Filter{Status: model.TargetStatus(q.Get("status")), ChannelID: q.Get("channel"), PillarID: q.Get("pillar"),
		Label: q.Get("label"), Query: q.Get("q")}
	for name, v := range map[string]string{"channel": f.ChannelID, "pillar": f.PillarID} {
		if v != "" && !validID(v) {
			return f, invalidField(name, "is not an ID")
		}
	}
	if len(f.Query) > 200 {
		return f, invalidField("q", "at most 200 characters")
	}
	return f, nil
}
