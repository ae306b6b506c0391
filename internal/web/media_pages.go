package web

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"herald/internal/media"
	"herald/internal/model"
)

// mediaPageSize is how many assets the library shows per page.
const mediaPageSize = 60

// mediaListData is the media library page.
type mediaListData struct {
	Items       []mediaView
	Folders     []string
	Query       string
	Kind        string
	Folder      string
	Next        string // the ID the next page starts after, "" on the last page
	CanEdit     bool
	CanPolicy   bool
	AltRequired bool
	MaxSize     string // the upload cap, for people
}

func mediaFilter(r *http.Request) model.MediaFilter {
	q := r.URL.Query()
	return model.MediaFilter{Query: q.Get("q"), Kind: model.MediaKind(q.Get("kind")), Folder: q.Get("folder"), After: q.Get("after"), Newest: true}
}

// mediaList shows the library: a grid of thumbnails with search and
// filters, and the upload area for members who may upload.
func (h *handler) mediaList(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	ctx, ws := r.Context(), m.Workspace.ID
	f := mediaFilter(r)
	f.Limit = mediaPageSize + 1
	list, err := h.d.Media.List(ctx, v.actor, ws, f)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	folders, err := h.d.Media.Folders(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	alt, err := h.d.Media.AltRequired(ctx, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := mediaListData{Folders: folders, Query: f.Query, Kind: string(f.Kind), Folder: f.Folder, AltRequired: alt, MaxSize: byteSize(h.d.Media.MaxBytes()),
		CanEdit: model.Can(m.Role, model.ActMediaEdit), CanPolicy: model.Can(m.Role, model.ActComposeSettings)}
	if len(list) > mediaPageSize {
		list = list[:mediaPageSize]
		d.Next = list[mediaPageSize-1].ID
	}
	now := time.Now()
	for _, a := range list {
		d.Items = append(d.Items, viewMedia(a, now))
	}
	h.render(w, r, v, http.StatusOK, "media", &page{Title: "Media · " + m.Workspace.Name, Heading: "Media", Section: "media", WS: &m, Data: d})
}

// mediaJSON is the composer's media picker: GET /w/{ws}/media.json?q=&kind=&folder=
// answers {"media": [mediaView...]}, newest first, at most 100.
func (h *handler) mediaJSON(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	f := mediaFilter(r)
	f.Limit = 100
	list, err := h.d.Media.List(r.Context(), v.actor, ws, f)
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	out := make([]mediaView, 0, len(list))
	now := time.Now()
	for _, m := range list {
		out = append(out, viewMedia(m, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"media": out})
}

// mediaPolicy turns the workspace's "alt text required" policy on or off.
func (h *handler) mediaPolicy(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	on := r.PostForm.Get("alt_required") == "on"
	if err := h.d.Media.SetAltRequired(r.Context(), v.actor, ws, on); err != nil {
		h.fail(w, r, v, err)
		return
	}
	msg := "Alt text is now optional."
	if on {
		msg = "Alt text is now required on all media before a post can be scheduled."
	}
	h.setFlash(w, r, "success", msg)
	redirect(w, r, "/w/"+ws+"/media")
}

// mediaShowData is an asset's page.
type mediaShowData struct {
	M         model.Media
	View      mediaView
	Uses      []model.MediaUse
	Expires   string // the expiry as a datetime-local value
	Size      string
	CanEdit   bool
	CanDelete bool
}

// mediaShow shows one asset with its preview, details, edit form and the
// posts that use it.
func (h *handler) mediaShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderMedia(w, r, v, http.StatusOK, nil)
}

func (h *handler) renderMedia(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	mem, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx, ws := r.Context(), mem.Workspace.ID
	m, err := h.d.Media.Get(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	uses, err := h.d.Media.UsedIn(ctx, v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := mediaShowData{M: m, View: viewMedia(m, time.Now()), Uses: uses, Size: byteSize(m.Size),
		CanEdit: model.Can(mem.Role, model.ActMediaEdit), CanDelete: model.Can(mem.Role, model.ActMediaDelete)}
	if !m.ExpiresAt.IsZero() {
		d.Expires = m.ExpiresAt.UTC().Format("2006-01-02T15:04")
	}
	h.render(w, r, v, status, "media_asset", &page{Title: m.Name() + " · Media", Heading: m.Name(), Section: "media", WS: &mem, Data: d, Form: f})
}

// mediaUpdate saves the edit form: alt text, title, tags, folder, rights.
// The expiry is entered in UTC (the form says so).
func (h *handler) mediaUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	p := r.PostForm
	e := media.Edit{Alt: p.Get("alt"), Title: p.Get("title"), Folder: p.Get("folder"), Tags: media.SplitTags(p.Get("tags")),
		Source: p.Get("source"), Licence: p.Get("licence"), Credit: p.Get("credit")}
	f := newForm(r)
	if s := p.Get("expires_at"); s != "" {
		t, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			f.add("expires_at", "Enter a date and time such as 2026-12-31T23:59.")
			h.renderMedia(w, r, v, http.StatusBadRequest, f)
			return
		}
		e.ExpiresAt = t
	}
	if _, err := h.d.Media.Update(r.Context(), v.actor, ws, id, e); err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderMedia(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "The media details are saved.")
	redirect(w, r, "/w/"+ws+"/media/"+id)
}

// mediaDelete deletes an asset; one that posts use is refused with a
// message that says so.
func (h *handler) mediaDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Media.Delete(r.Context(), v.actor, ws, id); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The file is deleted from the library.")
	redirect(w, r, "/w/"+ws+"/media")
}

func (h *handler) mediaFile(w http.ResponseWriter, r *http.Request, v *visit) {
	h.serveMedia(w, r, v, false)
}

func (h *handler) mediaThumb(w http.ResponseWriter, r *http.Request, v *visit) {
	h.serveMedia(w, r, v, true)
}

// serveMedia streams an asset's original or thumbnail to a member.
func (h *handler) serveMedia(w http.ResponseWriter, r *http.Request, v *visit, thumb bool) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	m, err := h.d.Media.Get(r.Context(), v.actor, ws, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	rc, err := h.d.Media.Open(r.Context(), m, thumb)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	defer rc.Close()
	ct, size := m.ContentType, m.Size
	if thumb {
		ct, size = "image/jpeg", -1
	}
	writeFile(w, ct, size, "private, max-age=3600", rc)
}

// writeFile sends stored bytes with their detected type. nosniff keeps a
// browser from reading them as anything else, and the sandbox CSP keeps a
// file opened directly from running anything.
func writeFile(w http.ResponseWriter, contentType string, size int64, cache string, r io.Reader) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", cache)
	if size >= 0 {
		hd.Set("Content-Length", strconv.FormatInt(size, 10))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, r)
}
