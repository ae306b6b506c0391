package web

import (
	"errors"
	"html/template"
	"net/http"

	"herald/internal/chart"
	"herald/internal/report"
)

// sharedReportData is the report a read-only link shows.
type sharedReportData struct {
	Report      report.Report
	Token       string
	Engagements template.HTML
	Days        template.HTML
}

// reportShared shows a workspace's report to someone with a link; a bad,
// expired or revoked link gets a plain page that reveals nothing.
func (h *handler) reportShared(w http.ResponseWriter, r *http.Request, v *visit) {
	token := r.PathValue("token")
	rep, _, err := h.d.Reports.Shared(r.Context(), token)
	if errors.Is(err, report.ErrNoShare) {
		noSharedReport(w)
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &sharedReportData{Report: rep, Token: token}
	d.Engagements, d.Days = reportCharts(rep)
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, v, http.StatusOK, "report_shared", &page{Title: "Analytics report · " + rep.Workspace, Auth: true, Data: d})
}

// reportSharedPDF is the PDF of a shared report.
func (h *handler) reportSharedPDF(w http.ResponseWriter, r *http.Request, v *visit) {
	doc, rep, err := h.d.Reports.SharedPDF(r.Context(), r.PathValue("token"))
	if errors.Is(err, report.ErrNoShare) {
		noSharedReport(w)
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	sendPDF(w, rep, doc)
}

func noSharedReport(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("This report link does not work: it may have expired or been revoked. Ask whoever sent it for a new one.\n"))
}

// reportCharts draws the engagements per channel and by day of
// publishing, as the PDF does.
func reportCharts(rep report.Report) (template.HTML, template.HTML) {
	if !rep.HasData {
		return "", ""
	}
	eng := chart.Series{Name: "Engagements"}
	for _, c := range rep.Channels {
		eng.Points = append(eng.Points, chart.Point{Label: c.Name, Value: c.K.Engagements.V, Missing: !c.K.Engagements.Known})
	}
	days := chart.Series{Name: "Engagements"}
	for _, d := range rep.Days {
		days.Points = append(days.Points, chart.Point{Label: d.Date.Format("2 Jan"), Value: d.Engagements.V, Missing: !d.Engagements.Known})
	}
	return chart.Bar(chart.Chart{Title: "Engagements per channel", XLabel: "Channel", Unit: "engagements", ID: "eng"}, eng),
		chart.Bar(chart.Chart{Title: "Engagements by day of publishing", XLabel: "Day the posts were published", Unit: "engagements", ID: "days"}, days)
}
