package api

import (
	"mime"
	"net/http"
	"strconv"

	"herald/internal/media"
	"herald/internal/model"
)

// uploadAppend stores one chunk of a resumable upload, sent as the body
// (application/offset+octet-stream as in tus, or application/octet-stream)
// at the offset in the Upload-Offset header. A chunk at the wrong offset is
// a 409 whose Upload-Offset header says where to continue. The chunk that
// completes the file answers with the new asset in media; a file that fails
// the library's checks is a 400 naming file, and the upload is gone.
func (s *server) uploadAppend(c *call) (reply, error) {
	ws, id, err := uploadPath(c)
	if err != nil {
		return reply{}, err
	}
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != "application/offset+octet-stream" && mt != "application/octet-stream" {
		return reply{}, newProblem(http.StatusUnsupportedMediaType, typeMediaType, "Unsupported media type",
			"send the chunk's bytes as the body with Content-Type: application/offset+octet-stream").
			withHeader("Accept-Patch", "application/offset+octet-stream, application/octet-stream")
	}
	off, err := strconv.ParseInt(c.r.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || off < 0 {
		return reply{}, invalidField("Upload-Offset", "send the chunk's start in the file as the Upload-Offset header, a whole number of bytes")
	}
	// The service reads at most one chunk (and a byte to notice more), so
	// its own limit applies, not the API's JSON body limit.
	if c.r.ContentLength > media.MaxChunk {
		return reply{}, newProblem(http.StatusRequestEntityTooLarge, typeTooLarge, "Payload too large",
			"a chunk may be at most %s; send the file in smaller pieces", mebibytes(media.MaxChunk))
	}
	liftDeadlines(c, chunkTimeout)
	body := http.MaxBytesReader(c.w, c.r.Body, media.MaxChunk+1)
	u, m, err := s.d.Media.Append(c.ctx(), c.actor, ws, id, off, body)
	if err != nil {
		return reply{}, appendError(c, u, err)
	}
	return ok(viewUpload(c, u, m)), nil
}

// appendError answers an offset conflict with the upload's real offset,
// naming the header at fault; other errors are the domain's.
func appendError(c *call, u model.MediaUpload, err error) error {
	e := model.AsError(err)
	if e == nil || e.Kind != model.KindConflict || e.Field != "upload_offset" {
		return err
	}
	p, _ := fromDomain(err)
	p.Detail = "Upload-Offset: " + e.Msg
	p.Errors = []fieldError{{Field: "Upload-Offset", Detail: e.Msg}}
	return p.withHeader("Upload-Offset", strconv.FormatInt(u.Offset, 10)).withHeader("Upload-Length", strconv.FormatInt(u.Size, 10))
}
