package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"herald/internal/model"
)

// errorData is what the error page shows.
type errorData struct {
	Status  int
	Heading string
	Message string
	Back    string // a link that helps, when there is one
	BackTxt string
}

// fail answers a request whose action failed, mapping the domain's error
// kind to a status and a page. Only internal errors are logged, once, here;
// their text never reaches the browser.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	e := model.AsError(err)
	switch model.KindOf(err) {
	case model.KindInvalid:
		h.errorPage(w, r, v, errorData{Status: http.StatusBadRequest, Heading: "That did not work", Message: e.Msg})
	case model.KindNotFound:
		h.errorPage(w, r, v, errorData{Status: http.StatusNotFound, Heading: "Not found", Message: e.Msg})
	case model.KindForbidden:
		h.errorPage(w, r, v, errorData{Status: http.StatusForbidden, Heading: "Not allowed", Message: e.Msg})
	case model.KindUnauthorized:
		redirect(w, r, loginURL(r))
	case model.KindConflict:
		h.errorPage(w, r, v, errorData{Status: http.StatusConflict, Heading: "That cannot be done right now", Message: e.Msg})
	case model.KindRateLimited:
		setRetryAfter(w, e.RetryAfter)
		h.errorPage(w, r, v, errorData{Status: http.StatusTooManyRequests, Heading: "Please wait", Message: e.Msg})
	default:
		h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "user_id", v.user.ID, "err", err)
		h.errorPage(w, r, v, errorData{Status: http.StatusInternalServerError, Heading: "Something went wrong",
			Message: "Herald could not finish this request. The error was logged; try again in a moment, and tell your administrator if it keeps happening."})
	}
}

// formFail puts a domain error on the form it came from and calls rerender
// with the status to use, when the error belongs on a form: invalid input,
// a conflict and rate limiting. Anything else goes to fail.
func (h *handler) formFail(w http.ResponseWriter, r *http.Request, v *visit, err error, f *form, rerender func(status int)) {
	e := model.AsError(err)
	var status int
	switch model.KindOf(err) {
	case model.KindInvalid:
		status = http.StatusBadRequest
	case model.KindConflict:
		status = http.StatusConflict
	case model.KindRateLimited:
		setRetryAfter(w, e.RetryAfter)
		status = http.StatusTooManyRequests
	default:
		h.fail(w, r, v, err)
		return
	}
	f.add(e.Field, e.Msg)
	rerender(status)
}

func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
}

// errorPage renders the error page; signed-in visitors keep the navigation.
func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, v *visit, d errorData) {
	d.Message = sentence(d.Message)
	if d.Back == "" {
		if v.signedIn {
			d.Back, d.BackTxt = "/", "Go to your workspace"
		} else {
			d.Back, d.BackTxt = "/login", "Go to sign-in"
		}
	}
	p := &page{Title: d.Heading, Auth: !v.signedIn, Data: d}
	if d.Status >= http.StatusInternalServerError {
		// Skip the switcher's query: the failure was logged once already and
		// the same cause would only fail (and log) again.
		p.Memberships = []model.Membership{}
	}
	h.render(w, r, v, d.Status, "error", p)
}

// notFound is the page for unknown paths and malformed IDs.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request, v *visit) {
	h.errorPage(w, r, v, errorData{Status: http.StatusNotFound, Heading: "Not found",
		Message: "There is no page at this address. It may have moved, or the link may be incomplete."})
}

// postFailed answers a post that failed the guard in checkPost.
func (h *handler) postFailed(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	switch {
	case errors.Is(err, errTooLarge):
		h.errorPage(w, r, v, errorData{Status: http.StatusRequestEntityTooLarge, Heading: "Too much data",
			Message: "What you sent is larger than this Herald accepts (" + byteSize(h.d.MaxBody) + "). Shorten it and try again."})
	case errors.Is(err, errBadForm):
		h.errorPage(w, r, v, errorData{Status: http.StatusBadRequest, Heading: "That did not work",
			Message: "The form data could not be read. Reload the page and try again."})
	case errors.Is(err, errCrossOrigin):
		h.errorPage(w, r, v, errorData{Status: http.StatusForbidden, Heading: "Request refused",
			Message: "This form was sent from another site, so Herald refused it. Open Herald directly and try again."})
	default:
		h.errorPage(w, r, v, errorData{Status: http.StatusForbidden, Heading: "This form has expired",
			Message: "Herald could not confirm that this form came from this page. Reload the page and send the form again."})
	}
}

// byteSize writes a byte count the way people read it.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func kindNotFound(err error) bool { return model.KindOf(err) == model.KindNotFound }

// messageOf is the user-facing text of a domain error.
func messageOf(err error) string {
	if e := model.AsError(err); e != nil {
		return e.Msg
	}
	return "Herald could not finish this request."
}
