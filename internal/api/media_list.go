package api

import (
	"time"

	"herald/internal/model"
)

// mediaList lists a workspace's library, ordered by ID (oldest first),
// optionally filtered by ?q= (file name, title, alt text and tags), ?kind=
// (image or video) and ?folder=.
func (s *server) mediaList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	// One more than asked tells whether another page follows.
	f := model.MediaFilter{Query: q.Get("q"), Kind: model.MediaKind(q.Get("kind")), Folder: q.Get("folder"), After: p.after, Limit: p.limit + 1}
	list, err := s.d.Media.List(c.ctx(), c.actor, ws, f)
	if err != nil {
		return reply{}, err
	}
	out := page[mediaView]{Data: []mediaView{}}
	now := time.Now()
	for i, m := range list {
		if i == p.limit {
			out.NextCursor = encodeCursor(list[i-1].ID)
			break
		}
		out.Data = append(out.Data, viewMedia(m, now))
	}
	return ok(out), nil
}
