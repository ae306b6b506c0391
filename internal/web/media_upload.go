package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"herald/internal/media"
	"herald/internal/model"
)

// mediaUpload takes one file in one request, as multipart/form-data (field
// "file") or as the raw body with ?filename=, and answers 201 with the
// asset. Scripts use it for small files and the resumable endpoints below
// for large ones.
func (h *handler) mediaUpload(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.d.Media.MaxBytes()+1<<20)
	body, name := io.Reader(r.Body), r.URL.Query().Get("filename")
	if mr, err := r.MultipartReader(); err == nil {
		for {
			part, err := mr.NextPart()
			if err != nil {
				h.failJSON(w, r, v, model.Invalid("file", "send the file in a form field named file"))
				return
			}
			if part.FormName() == "file" {
				body, name = part, part.FileName()
				break
			}
		}
	}
	m, err := h.d.Media.Upload(r.Context(), v.actor, ws, name, body)
	if err != nil {
		h.failUpload(w, r, v, err)
		return
	}
	writeJSON(w, http.StatusCreated, viewMedia(m, time.Now()))
}

// failUpload turns a body over the cap into the domain's size message.
func (h *handler) failUpload(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = model.Invalid("file", "the file is larger than the most Herald takes")
	}
	h.failJSON(w, r, v, err)
}

// uploadView is a resumable upload as scripts see it.
type uploadView struct {
	ID     string     `json:"id"`
	Offset int64      `json:"offset"`
	Size   int64      `json:"size"`
	Media  *mediaView `json:"media"` // the asset, once the last chunk arrived
}

func (h *handler) uploadReply(w http.ResponseWriter, status int, u model.MediaUpload, m *model.Media) {
	w.Header().Set("Upload-Offset", strconv.FormatInt(u.Offset, 10))
	w.Header().Set("Upload-Length", strconv.FormatInt(u.Size, 10))
	out := uploadView{ID: u.ID, Offset: u.Offset, Size: u.Size}
	if m != nil {
		mv := viewMedia(*m, time.Now())
		out.Media = &mv
	}
	writeJSON(w, status, out)
}

// uploadCreate starts a resumable upload: {"filename": "...", "size": n}.
func (h *handler) uploadCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	var in struct {
		Filename string `json:"filename"`
		Size     int64  `json:"size"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := readJSON(r, &in); err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	u, err := h.d.Media.CreateUpload(r.Context(), v.actor, ws, in.Filename, in.Size)
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	w.Header().Set("Location", "/w/"+ws+"/media-uploads/"+u.ID)
	h.uploadReply(w, http.StatusCreated, u, nil)
}

// uploadState answers where an upload is (GET, and HEAD for tus clients).
func (h *handler) uploadState(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	u, err := h.d.Media.UploadState(r.Context(), v.actor, ws, id)
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	h.uploadReply(w, http.StatusOK, u, nil)
}

// uploadAppend stores one chunk sent at the Upload-Offset header's offset.
// A wrong offset answers 409 with the right one; the last chunk answers
// with the new asset.
func (h *handler) uploadAppend(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	off, err := strconv.ParseInt(r.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || off < 0 {
		h.failJSON(w, r, v, model.Invalid("upload_offset", "send the chunk's start as the Upload-Offset header"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxChunk+1)
	u, m, err := h.d.Media.Append(r.Context(), v.actor, ws, id, off, r.Body)
	if model.KindOf(err) == model.KindConflict {
		w.Header().Set("Upload-Offset", strconv.FormatInt(u.Offset, 10))
	}
	if err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	h.uploadReply(w, http.StatusOK, u, m)
}

// uploadCancel abandons an upload.
func (h *handler) uploadCancel(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Media.Cancel(r.Context(), v.actor, ws, id); err != nil {
		h.failJSON(w, r, v, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// mediaPublic serves a signed, expiring URL to anyone (networks fetch
// media from it). A wrong signature is 403 and an expired URL 410, both
// with a bare status text: nothing tells a prober which part was wrong.
func (h *handler) mediaPublic(w http.ResponseWriter, r *http.Request, v *visit) {
	q := r.URL.Query()
	m, rc, err := h.d.Media.OpenPublic(r.Context(), r.PathValue("id"), q.Get("exp"), q.Get("sig"))
	switch {
	case errors.Is(err, media.ErrBadSignature):
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	case errors.Is(err, media.ErrExpiredURL):
		http.Error(w, "Gone", http.StatusGone)
		return
	case err != nil:
		h.log.Error("public media", "media_id", r.PathValue("id"), "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	defer rc.Close()
	// Shared caches may keep it until the signature expires, not longer.
	maxAge := "3600"
	if exp, err := strconv.ParseInt(q.Get("exp"), 10, 64); err == nil {
		maxAge = strconv.FormatInt(max(0, min(exp-time.Now().Unix(), 86400)), 10)
	}
	writeFile(w, m.ContentType, m.Size, "public, max-age="+maxAge, rc)
}
