package api

import (
	"net/http"
	"time"

	"herald/internal/competitor"
	"herald/internal/model"
)

// competitorRoutes are followed competitors and the comparison with them
// (openapi/competitors.json).
func (s *server) competitorRoutes() []route {
	base := "/api/v1/workspaces/{ws}/competitors"
	read, write := model.ScopePostsRead, model.ScopePostsWrite
	return []route{
		{http.MethodGet, base, read, false, s.competitorList},
		{http.MethodPost, base, write, true, s.competitorCreate},
		{http.MethodGet, base + "/comparison", read, false, s.competitorCompare},
		{http.MethodGet, base + "/{id}", read, false, s.competitorGet},
		{http.MethodDelete, base + "/{id}", write, false, s.competitorDelete},
		{http.MethodPost, base + "/{id}/refresh", write, false, s.competitorRefresh},
	}
}

// competitorView is a followed account.
type competitorView struct {
	ID          string   `json:"id"`
	Network     string   `json:"network"`
	RemoteID    string   `json:"remote_id"`
	Handle      string   `json:"handle"`
	Name        string   `json:"name"`
	Avatar      *string  `json:"avatar"`
	URL         *string  `json:"url"`
	Label       string   `json:"label"`
	CreatedAt   string   `json:"created_at"`
	RefreshedAt *string  `json:"refreshed_at"`
	NextReadAt  string   `json:"next_read_at"`
	LastError   *string  `json:"last_error"`
	Notes       []string `json:"notes"`
}

func viewCompetitor(c model.Competitor) competitorView {
	v := competitorView{ID: c.ID, Network: c.Network, RemoteID: c.RemoteID, Handle: c.Handle, Name: c.Name, Avatar: stringOrNull(c.Avatar),
		URL: stringOrNull(c.URL), Label: c.Label, CreatedAt: stamp(c.CreatedAt), RefreshedAt: stampOrNull(c.RefreshedAt),
		NextReadAt: stamp(c.NextAt), LastError: stringOrNull(c.LastError), Notes: c.Notes}
	if v.Notes == nil {
		v.Notes = []string{}
	}
	return v
}

// competitorList lists the workspace's competitors.
func (s *server) competitorList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Competitors.List(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := listOf[competitorView]{Data: make([]competitorView, len(list))}
	for i, x := range list {
		out.Data[i] = viewCompetitor(x)
	}
	return ok(out), nil
}

// competitorCreate follows an account.
func (s *server) competitorCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Network string `json:"network"`
		Handle  string `json:"handle"`
		Label   string `json:"label"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	x, err := s.d.Competitors.Add(c.ctx(), c.actor, ws, competitor.NewCompetitor{Network: in.Network, Handle: in.Handle, Label: in.Label})
	if err != nil {
		return reply{}, err
	}
	return created(c, x.ID, viewCompetitor(x)), nil
}

// competitorGet answers one competitor.
func (s *server) competitorGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("competitor")
	if err != nil {
		return reply{}, err
	}
	x, err := s.d.Competitors.Get(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewCompetitor(x)), nil
}

// competitorDelete stops following an account.
func (s *server) competitorDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("competitor")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Competitors.Remove(c.ctx(), c.actor, ws, id)
}

// competitorRefresh reads a competitor now.
func (s *server) competitorRefresh(c *call) (reply, error) {
	ws, id, err := c.wsAnd("competitor")
	if err != nil {
		return reply{}, err
	}
	x, err := s.d.Competitors.Refresh(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewCompetitor(x)), nil
}

// figureView is a compared number, null when not available.
func figureView(v competitor.Value) *float64 {
	if !v.Known {
		return nil
	}
	return &v.V
}

// comparisonRowView is one account of a comparison.
type comparisonRowView struct {
	Kind                string   `json:"kind"` // competitor or channel
	ID                  string   `json:"id"`
	Network             string   `json:"network"`
	Handle              string   `json:"handle"`
	Name                string   `json:"name"`
	Label               string   `json:"label"`
	Followers           *float64 `json:"followers"`
	FollowersLowerBound bool     `json:"followers_lower_bound"`
	FollowerGrowth      *float64 `json:"follower_growth"`
	Posts               int      `json:"posts"`
	PostsPerWeek        *float64 `json:"posts_per_week"`
	EngagementsPerPost  *float64 `json:"engagements_per_post"`
	LastReadAt          *string  `json:"last_read_at"`
	LastError           *string  `json:"last_error"`
	Notes               []string `json:"notes"`
}

// competitorCompare answers the comparison for a period (from and to are
// dates, to inclusive; the last 28 days by default).
func (s *server) competitorCompare(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	to := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -28)
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.DateOnly, v); err != nil {
			return reply{}, invalidField("from", "%q is not a date; use YYYY-MM-DD", v)
		}
	}
	if v := q.Get("to"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return reply{}, invalidField("to", "%q is not a date; use YYYY-MM-DD", v)
		}
		to = t.AddDate(0, 0, 1)
	}
	cmp, err := s.d.Competitors.Compare(c.ctx(), c.actor, ws, from, to)
	if err != nil {
		return reply{}, err
	}
	out := struct {
		From     string              `json:"from"`
		To       string              `json:"to"`
		Formulas map[string]string   `json:"formulas"`
		Data     []comparisonRowView `json:"data"`
	}{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Formulas: competitor.Formulas, Data: []comparisonRowView{}}
	for _, r := range cmp.Rows {
		kind := "competitor"
		if r.Own {
			kind = "channel"
		}
		v := comparisonRowView{Kind: kind, ID: r.ID, Network: r.Network, Handle: r.Handle, Name: r.Name, Label: r.Label,
			Followers: figureView(r.Followers), FollowersLowerBound: r.FollowersLower, FollowerGrowth: figureView(r.Growth), Posts: r.Posts,
			PostsPerWeek: figureView(r.PostsPerWeek), EngagementsPerPost: figureView(r.EngagementPost), LastReadAt: stampOrNull(r.RefreshedAt),
			LastError: stringOrNull(r.LastError), Notes: r.Notes}
		if v.Notes == nil {
			v.Notes = []string{}
		}
		out.Data = append(out.Data, v)
	}
	return ok(out), nil
}
