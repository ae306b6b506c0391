package api

import (
	"net/http"

	"herald/internal/calendar"
	"herald/internal/model"
)

// calendarRoutes are the content calendar (openapi/calendar.json).
func (s *server) calendarRoutes() []route {
	ws := "/api/v1/workspaces/{ws}"
	return []route{
		{http.MethodGet, ws + "/calendar", model.ScopePostsRead, false, s.calendarGet},
		{http.MethodPost, ws + "/calendar/moves", model.ScopePostsWrite, false, s.calendarMove},
		{http.MethodPost, ws + "/calendar/entries", model.ScopePostsWrite, true, s.calendarEntryCreate},
		{http.MethodPut, ws + "/calendar/entries/{id}", model.ScopePostsWrite, false, s.calendarEntryUpdate},
		{http.MethodDelete, ws + "/calendar/entries/{id}", model.ScopePostsWrite, false, s.calendarEntryDelete},
	}
}

// calendarItemView is one post on the calendar.
type calendarItemView struct {
	TargetID  string  `json:"target_id"`
	PostID    string  `json:"post_id"`
	ChannelID string  `json:"channel_id"`
	Network   string  `json:"network"`
	Status    string  `json:"status"`
	At        string  `json:"at"`
	Local     string  `json:"local"`
	Zone      string  `json:"zone"`
	Text      string  `json:"text"`
	PillarID  *string `json:"pillar_id"`
	Movable   bool    `json:"movable"`
	Clicks    *int    `json:"clicks"` // human clicks on a published version's tracked links; null without any
}

// calendarDayView is one day of a calendar period.
type calendarDayView struct {
	Date  string             `json:"date"`
	Items []calendarItemView `json:"items"`
}

// calendarView is a calendar period.
type calendarView struct {
	View      string              `json:"view"`
	Zone      string              `json:"zone"`
	Date      string              `json:"date"`
	Prev      string              `json:"prev"`
	Next      string              `json:"next"`
	Count     int                 `json:"count"`
	EmptyDays int                 `json:"empty_days"`
	Days      []calendarDayView   `json:"days"`
	Entries   []calendarEntryView `json:"entries"`
}

// calendarEntryView is a note, event, holiday or launch date.
type calendarEntryView struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Starts    string `json:"starts"`
	Ends      string `json:"ends"`
	Note      string `json:"note"`
	CreatedBy string `json:"created_by"`
	UpdatedAt string `json:"updated_at"`
}

func viewEntry(e model.CalendarEntry) calendarEntryView {
	return calendarEntryView{ID: e.ID, Kind: e.Kind, Title: e.Title, Starts: e.Starts, Ends: e.Ends, Note: e.Note, CreatedBy: e.CreatedBy,
		UpdatedAt: stamp(e.UpdatedAt)}
}

// calendarEntryIn is the body that creates or changes an entry.
type calendarEntryIn struct {
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Starts string `json:"starts"`
	Ends   string `json:"ends"`
	Note   string `json:"note"`
}

func (s *server) saveEntry(c *call, ws, id string, status int) (reply, error) {
	var in calendarEntryIn
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	e, err := s.d.Calendar.SaveEntry(c.ctx(), c.actor, ws, model.CalendarEntry{ID: id, Kind: in.Kind, Title: in.Title, Starts: in.Starts,
		Ends: in.Ends, Note: in.Note})
	if err != nil {
		return reply{}, err
	}
	return reply{status: status, body: viewEntry(e)}, nil
}

// calendarEntryCreate adds a note, event, holiday or launch date.
func (s *server) calendarEntryCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	return s.saveEntry(c, ws, "", http.StatusCreated)
}

// calendarEntryUpdate replaces an entry's fields.
func (s *server) calendarEntryUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("calendar entry")
	if err != nil {
		return reply{}, err
	}
	return s.saveEntry(c, ws, id, http.StatusOK)
}

// calendarEntryDelete removes an entry.
func (s *server) calendarEntryDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("calendar entry")
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusNoContent}, s.d.Calendar.DeleteEntry(c.ctx(), c.actor, ws, id)
}

// calendarGet answers a period of the calendar, day by day.
func (s *server) calendarGet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query()
	v, err := s.d.Calendar.View(c.ctx(), c.actor, ws, calendar.Query{Mode: q.Get("view"), Date: q.Get("date"), Zone: q.Get("zone"),
		Filter: calendar.Filter{ChannelID: q.Get("channel"), Network: q.Get("network"), Status: model.TargetStatus(q.Get("status")),
			PillarID: q.Get("pillar"), Label: q.Get("label"), AuthorID: q.Get("author")}})
	if err != nil {
		return reply{}, err
	}
	out := calendarView{View: v.Mode, Zone: v.Zone, Date: v.Date, Prev: v.Prev, Next: v.Next, Count: v.Count, EmptyDays: v.EmptyDays,
		Days: []calendarDayView{}, Entries: []calendarEntryView{}}
	for _, e := range v.Entries {
		out.Entries = append(out.Entries, viewEntry(e))
	}
	days := v.Days
	for _, w := range v.Weeks {
		for _, d := range w {
			if d.InRange {
				days = append(days, d)
			}
		}
	}
	for _, d := range days {
		dv := calendarDayView{Date: d.Date, Items: []calendarItemView{}}
		for _, it := range d.Items {
			dv.Items = append(dv.Items, calendarItemView{TargetID: it.TargetID, PostID: it.PostID, ChannelID: it.ChannelID, Network: it.Network,
				Status: string(it.Status), At: it.ISO, Local: it.Local.Format("2006-01-02T15:04:05"), Zone: it.Zone, Text: it.Text,
				PillarID: stringOrNull(it.PillarID), Movable: it.Movable, Clicks: clicksOrNull(it.Clicks)})
		}
		out.Days = append(out.Days, dv)
	}
	return ok(out), nil
}

// calendarMove moves a post's target to another day, keeping its time of
// day in its channel's zone.
func (s *server) calendarMove(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		TargetID string `json:"target_id"`
		Date     string `json:"date"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.TargetID == "" {
		return reply{}, invalidField("target_id", "name the target to move")
	}
	t, err := s.d.Calendar.Move(c.ctx(), c.actor, ws, in.TargetID, in.Date)
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]any{"target_id": t.ID, "scheduled_at": stamp(t.ScheduledAt), "time_zone": t.TimeZone, "status": string(t.Status)}), nil
}

func clicksOrNull(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}
