package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/report"
)

// reportRoutes are PDF reports and report e-mail schedules
// (openapi/reports.json).
func (s *server) reportRoutes() []route {
	ws := "/api/v1/workspaces/{ws}/reports"
	read, write := model.ScopePostsRead, model.ScopePostsWrite
	return []route{
		{http.MethodGet, ws + "/pdf", read, false, s.reportPDF},
		{http.MethodGet, ws + "/schedules", read, false, s.reportScheduleList},
		{http.MethodPost, ws + "/schedules", write, true, s.reportScheduleCreate},
		{http.MethodGet, ws + "/schedules/{id}", read, false, s.reportScheduleGet},
		{http.MethodPut, ws + "/schedules/{id}", write, false, s.reportScheduleUpdate},
		{http.MethodDelete, ws + "/schedules/{id}", write, false, s.reportScheduleDelete},
	}
}

// reportPDF answers the workspace's report for from to to (inclusive
// dates, UTC; by default the last 28 days) as a PDF file.
func (s *server) reportPDF(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	to := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -28)
	q := c.r.URL.Query()
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.DateOnly, v); err != nil {
			return reply{}, invalidField("from", "is a date as YYYY-MM-DD")
		}
	}
	if v := q.Get("to"); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return reply{}, invalidField("to", "is a date as YYYY-MM-DD")
		}
		to = t.AddDate(0, 0, 1)
	}
	doc, rep, err := s.d.Reports.PDF(c.ctx(), c.actor, ws, from, to)
	if err != nil {
		return reply{}, err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `attachment; filename="`+rep.FileName()+`"`)
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(doc)
	return reply{streamed: true}, nil
}

// reportScheduleView is a report e-mail schedule.
type reportScheduleView struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Frequency   string   `json:"frequency"`
	Weekday     string   `json:"weekday"`
	MonthDay    int      `json:"month_day"`
	Hour        int      `json:"hour"`
	Zone        string   `json:"zone"`
	Recipients  []string `json:"recipients"`
	Paused      bool     `json:"paused"`
	NextAt      string   `json:"next_at"`
	LastPeriod  *string  `json:"last_period"`
	LastSentAt  *string  `json:"last_sent_at"`
	LastError   *string  `json:"last_error"`
	LastErrorAt *string  `json:"last_error_at"`
	CreatedBy   string   `json:"created_by"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
}

func viewReportSchedule(sc model.ReportSchedule) reportScheduleView {
	return reportScheduleView{ID: sc.ID, Name: sc.Name, Frequency: sc.Frequency, Weekday: strings.ToLower(sc.Weekday.String()), MonthDay: sc.MonthDay,
		Hour: sc.Hour, Zone: sc.Zone, Recipients: append([]string{}, sc.Recipients...), Paused: sc.Paused, NextAt: stamp(sc.NextAt),
		LastPeriod: stringOrNull(sc.LastPeriod), LastSentAt: stampOrNull(sc.LastSentAt), LastError: stringOrNull(sc.LastError),
		LastErrorAt: stampOrNull(sc.LastErrorAt), CreatedBy: sc.CreatedBy, CreatedAt: stamp(sc.CreatedAt), UpdatedAt: stamp(sc.UpdatedAt)}
}

// reportScheduleIn is the body that creates or replaces a schedule.
type reportScheduleIn struct {
	Name       string   `json:"name"`
	Frequency  string   `json:"frequency"`
	Weekday    string   `json:"weekday"`
	MonthDay   int      `json:"month_day"`
	Hour       *int     `json:"hour"`
	Zone       string   `json:"zone"`
	Recipients []string `json:"recipients"`
	Paused     bool     `json:"paused"`
}

func (c *call) reportScheduleInput() (report.ScheduleInput, error) {
	var in reportScheduleIn
	if err := c.decode(&in); err != nil {
		return report.ScheduleInput{}, err
	}
	if in.Hour == nil {
		return report.ScheduleInput{}, invalidField("hour", "is required: the hour (0 to 23) the report goes out")
	}
	if in.MonthDay == 0 && in.Frequency != model.ReportMonthly {
		in.MonthDay = 1
	}
	return report.ScheduleInput{Name: in.Name, Frequency: in.Frequency, Weekday: in.Weekday, MonthDay: in.MonthDay, Hour: *in.Hour,
		Zone: in.Zone, Recipients: in.Recipients, Paused: in.Paused}, nil
}

// reportScheduleList answers the workspace's schedules.
func (s *server) reportScheduleList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Reports.Schedules(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := listOf[reportScheduleView]{Data: make([]reportScheduleView, len(list))}
	for i, sc := range list {
		out.Data[i] = viewReportSchedule(sc)
	}
	return ok(out), nil
}

// reportScheduleCreate adds a schedule.
func (s *server) reportScheduleCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	in, err := c.reportScheduleInput()
	if err != nil {
		return reply{}, err
	}
	sc, err := s.d.Reports.CreateSchedule(c.ctx(), c.actor, ws, in)
	if err != nil {
		return reply{}, err
	}
	return created(c, sc.ID, viewReportSchedule(sc)), nil
}

// reportScheduleGet answers one schedule.
func (s *server) reportScheduleGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("report schedule")
	if err != nil {
		return reply{}, err
	}
	sc, err := s.d.Reports.Schedule(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewReportSchedule(sc)), nil
}

// reportScheduleUpdate replaces a schedule's definition.
func (s *server) reportScheduleUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("report schedule")
	if err != nil {
		return reply{}, err
	}
	in, err := c.reportScheduleInput()
	if err != nil {
		return reply{}, err
	}
	sc, err := s.d.Reports.UpdateSchedule(c.ctx(), c.actor, ws, id, in)
	if err != nil {
		return reply{}, err
	}
	return ok(viewReportSchedule(sc)), nil
}

// reportScheduleDelete removes a schedule.
func (s *server) reportScheduleDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("report schedule")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Reports.DeleteSchedule(c.ctx(), c.actor, ws, id)
}
