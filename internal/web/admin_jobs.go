package web

import (
	"net/http"
)

// adminJobsShow is the job queue page: depth by state, running jobs,
// failed jobs with their last error and the last run of periodic jobs.
func (h *handler) adminJobsShow(w http.ResponseWriter, r *http.Request, v *visit) {
	d, ok := h.adminData(w, r, v)
	if !ok {
		return
	}
	h.render(w, r, v, http.StatusOK, "admin_jobs", &page{Title: "Jobs", Section: "admin-jobs", Data: d})
}
