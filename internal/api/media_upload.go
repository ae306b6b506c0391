package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// Upload requests outlive the server's 60-second read and write timeouts:
// a large file on a slow link takes minutes. These handlers lift the
// deadlines for their own request only.
const (
	uploadTimeout = 30 * time.Minute // a whole file in one request
	chunkTimeout  = 10 * time.Minute // one chunk of a resumable upload
)

// multipartSlack is room for a multipart body's boundaries and part headers
// on top of the file itself.
const multipartSlack = 1 << 20

// mediaUpload adds one file to the library in one request, either as the
// raw body (any Content-Type; the name from ?filename= or a
// Content-Disposition header) or as multipart/form-data with the file in
// the field "file". The type is read from the content, never the name or
// the Content-Type. The body is limited by the library's size cap, not the
// API's JSON body limit; larger files use the resumable endpoints.
func (s *server) mediaUpload(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	limit := s.d.Media.MaxBytes() + multipartSlack
	if c.r.ContentLength > limit {
		return reply{}, s.uploadTooLarge()
	}
	liftDeadlines(c, uploadTimeout)
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, limit)
	body, name, err := uploadBody(c)
	if err != nil {
		return reply{}, err
	}
	m, err := s.d.Media.Upload(c.ctx(), c.actor, ws, name, body)
	if err != nil {
		return reply{}, s.uploadError(err)
	}
	return created(c, m.ID, viewMedia(m, time.Now())), nil
}

// uploadBody finds the file in the request and its name: the multipart
// field "file", else the whole body.
func uploadBody(c *call) (io.Reader, string, error) {
	name := c.r.URL.Query().Get("filename")
	if name == "" {
		if _, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Disposition")); err == nil {
			name = params["filename"] // ParseMediaType also decodes filename*=
		}
	}
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return c.r.Body, name, nil
	}
	mr, err := c.r.MultipartReader()
	if err != nil {
		return nil, "", malformedBody("the multipart/form-data body cannot be read: %s", err.Error())
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", invalidField("file", "send the file in a form field named file")
		}
		if err != nil {
			return nil, "", malformedBody("the multipart/form-data body is malformed; send the file in a form field named file")
		}
		if part.FormName() == "file" {
			if n := part.FileName(); n != "" {
				name = n
			}
			return part, name, nil
		}
	}
}

// uploadError turns a body over the transport limit into a 413; every
// other error is the domain's (the size caps, the type and content checks).
func (s *server) uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return s.uploadTooLarge()
	}
	return err
}

func (s *server) uploadTooLarge() *problem {
	return newProblem(http.StatusRequestEntityTooLarge, typeTooLarge, "Payload too large",
		"the file is larger than %s, the most Herald takes", mebibytes(s.d.Media.MaxBytes()))
}

func mebibytes(n int64) string { return fmt.Sprintf("%d MB", n>>20) }

// liftDeadlines gives this request d to arrive and be answered, instead of
// the server's general timeouts. Servers that cannot change deadlines
// (httptest recorders) keep their own, which is harmless.
func liftDeadlines(c *call, d time.Duration) {
	rc := http.NewResponseController(c.w)
	at := time.Now().Add(d)
	_ = rc.SetReadDeadline(at)
	_ = rc.SetWriteDeadline(at)
}
