package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/approval"
	"herald/internal/model"
)

// reviewRoutes are the pages external reviewers reach through their
// signed link, without an account.
func (h *handler) reviewRoutes(route routeFunc) {
	route("GET /review/{token}", public, h.reviewShow)
	route("POST /review/{token}/decide", public, h.reviewDecide)
	route("POST /review/{token}/comment", public, h.reviewComment)
}

// reviewData is the external review page.
type reviewData struct {
	approval.ReviewPage
	Token  string
	Cards  []previewCard
	Notice string
}

// previewCard is one channel's preview with its heading.
type previewCard struct {
	Title string
	HTML  template.HTML
}

// reviewShow shows the post as each network will, its comments and, when
// it is the reviewer's turn, the decision form.
func (h *handler) reviewShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderReview(w, r, v, http.StatusOK, &form{}, "")
}

func (h *handler) renderReview(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form, notice string) {
	token := r.PathValue("token")
	pg, err := h.d.Approvals.Review(r.Context(), token)
	if errors.Is(err, approval.ErrNoReview) {
		noReview(w)
		return
	} else if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &reviewData{ReviewPage: pg, Token: token, Notice: notice}
	urls := h.publicMedia(r, pg.Post)
	for _, t := range pg.Previews.Targets {
		d.Cards = append(d.Cards, previewCard{Title: t.NetworkName + " · " + t.ChannelName, HTML: previewHTML(t, func(id string) string { return urls[id] })})
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, v, status, "review", &page{Title: "Review a post", Auth: true, Form: f, Data: d})
}

// publicMedia gives the post's images short-lived signed addresses on
// this Herald, since the reviewer has no session to fetch them with.
func (h *handler) publicMedia(r *http.Request, p model.Post) map[string]string {
	var ids []string
	for _, c := range contentsOf(p) {
		for _, s := range c.Segments() {
			for _, m := range s.Media {
				ids = append(ids, m.ID)
			}
		}
	}
	out := map[string]string{}
	if len(ids) == 0 {
		return out
	}
	assets, err := h.d.Media.Assets(r.Context(), p.WorkspaceID, ids)
	if err != nil {
		h.log.Warn("review media", "post", p.ID, "err", err)
		return out
	}
	base := strings.TrimRight(h.d.BaseURL, "/")
	for _, a := range assets {
		if a.Kind == "image" {
			out[a.ID] = strings.TrimPrefix(h.d.Media.PublicURL(a, 2*time.Hour), base)
		}
	}
	return out
}

func contentsOf(p model.Post) []model.Content {
	out := []model.Content{p.Base}
	for _, t := range p.Targets {
		out = append(out, t.Variant.Apply(p.Base))
	}
	return out
}

// noReview answers a link that does not work, saying nothing about the
// workspace or the post.
func noReview(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("This review link does not work: it may have expired, been revoked or been copied incompletely. Ask whoever sent it for a new one.\n"))
}

// reviewDecide records the reviewer's approval, rejection or request for
// changes.
func (h *handler) reviewDecide(w http.ResponseWriter, r *http.Request, v *visit) {
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	d := approval.Decision{Kind: r.PostForm.Get("decision"), Reason: r.PostForm.Get("reason"), Version: version}
	err := h.d.Approvals.ReviewDecide(r.Context(), r.PathValue("token"), v.actor.IP, v.actor.UserAgent, d)
	h.afterReview(w, r, v, err, "Thank you: your decision is recorded and the team has been told.")
}

// reviewComment adds the reviewer's comment.
func (h *handler) reviewComment(w http.ResponseWriter, r *http.Request, v *visit) {
	err := h.d.Approvals.ReviewComment(r.Context(), h.d.Discussion, r.PathValue("token"), v.actor.IP, v.actor.UserAgent, r.PostForm.Get("body"))
	h.afterReview(w, r, v, err, "Your comment is posted.")
}

func (h *handler) afterReview(w http.ResponseWriter, r *http.Request, v *visit, err error, done string) {
	switch {
	case errors.Is(err, approval.ErrNoReview):
		noReview(w)
	case err == nil:
		h.renderReview(w, r, v, http.StatusOK, &form{}, done)
	default:
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderReview(w, r, v, status, f, "") })
	}
}
