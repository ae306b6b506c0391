package web_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// mediaJSON and uploadJSON are the parts of the scripts' JSON the tests read.
type mediaJSON struct {
	ID          string  `json:"id"`
	ContentType string  `json:"content_type"`
	Width       int     `json:"width"`
	Alt         string  `json:"alt"`
	ThumbURL    string  `json:"thumb_url"`
	FileURL     string  `json:"file_url"`
	ExpiresAt   *string `json:"expires_at"`
}

type uploadJSON struct {
	ID     string     `json:"id"`
	Offset int64      `json:"offset"`
	Media  *mediaJSON `json:"media"`
}

func testPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// send makes a script-style request with the CSRF header.
func (c *client) send(method, path, contentType string, body []byte, header http.Header) page {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.e.srv.URL+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-CSRF-Token", c.csrf())
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.do(req)
}

func multipartFile(t *testing.T, name string, data []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	f, _ := w.CreateFormFile("file", name)
	f.Write(data)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func TestMediaLibraryPages(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	ws := e.workspace("owner@example.test", "Acme").ID
	base := "/w/" + ws + "/media"

	ct, body := multipartFile(t, "shot.png", testPNG(t))
	p := c.send(http.MethodPost, base+"/upload", ct, body, nil)
	wantStatus(t, p, http.StatusCreated)
	var m mediaJSON
	if err := json.Unmarshal([]byte(p.body), &m); err != nil || m.ContentType != "image/png" || m.Width != 40 || m.ThumbURL == "" {
		t.Fatalf("upload answer %s (%v)", p.body, err)
	}
	// A renamed program is refused with what it looks like.
	ct, body = multipartFile(t, "photo.jpg", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...))
	p = c.send(http.MethodPost, base+"/upload", ct, body, nil)
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Linux program")
	// Without the CSRF header the upload is refused.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+base+"/upload?filename=a.png", bytes.NewReader(testPNG(t)))
	wantStatus(t, c.do(req), http.StatusForbidden)

	p = c.open(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "shot.png")
	if !strings.Contains(p.body, `src="`+m.ThumbURL+`"`) || !strings.Contains(p.body, "/media.js") {
		t.Errorf("library page lacks the thumbnail or the upload script")
	}
	p = c.get(m.ThumbURL)
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumb: %d %s", p.status, p.header.Get("Content-Type"))
	}
	p = c.get(m.FileURL)
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/png" || p.body != string(testPNG(t)) {
		t.Errorf("file: %d %s", p.status, p.header.Get("Content-Type"))
	}
	if p := e.client().get(m.FileURL); p.status == http.StatusOK {
		t.Errorf("file served without a session")
	}

	p = c.submit(base+"/"+m.ID, url.Values{"alt": {"A grey square"}, "title": {"Square"}, "tags": {"shapes, grey"}, "folder": {"misc"}, "expires_at": {"2099-01-01T00:00"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "A grey square", "No post uses this file")
	if !strings.Contains(p.body, `value="shapes, grey"`) || !strings.Contains(p.body, `value="2099-01-01T00:00"`) {
		t.Errorf("asset page does not show the saved tags and expiry")
	}

	p = c.get(base + ".json?q=grey&kind=image")
	var list struct{ Media []mediaJSON }
	if err := json.Unmarshal([]byte(p.body), &list); err != nil || len(list.Media) != 1 || list.Media[0].Alt != "A grey square" || list.Media[0].ExpiresAt == nil {
		t.Errorf("picker JSON: %s", p.body)
	}
	p = c.submit(base+"/policy", url.Values{"alt_required": {"on"}})
	mustContain(t, p, "Alt text is now required")

	p = c.submit(base+"/"+m.ID+"/delete", nil)
	wantStatus(t, p, http.StatusOK)
	if p := c.get(m.FileURL); p.status != http.StatusNotFound {
		t.Errorf("deleted file: %d", p.status)
	}
}

func TestMediaResumableAndPublicURL(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	ws := e.workspace("owner@example.test", "Acme").ID
	data := testPNG(t)
	p := c.send(http.MethodPost, "/w/"+ws+"/media-uploads", "application/json", []byte(`{"filename":"big.png","size":`+strconv.Itoa(len(data))+`}`), nil)
	wantStatus(t, p, http.StatusCreated)
	var u uploadJSON
	json.Unmarshal([]byte(p.body), &u)
	at := p.header.Get("Location")
	p = c.send(http.MethodPatch, at, "application/offset+octet-stream", data[:20], http.Header{"Upload-Offset": {"0"}})
	wantStatus(t, p, http.StatusOK)
	p = c.send(http.MethodPatch, at, "application/offset+octet-stream", data[5:], http.Header{"Upload-Offset": {"5"}})
	if p.status != http.StatusConflict || p.header.Get("Upload-Offset") != "20" {
		t.Fatalf("wrong offset: %d %q", p.status, p.header.Get("Upload-Offset"))
	}
	req, _ := http.NewRequest(http.MethodHead, e.srv.URL+at, nil)
	if p := c.do(req); p.header.Get("Upload-Offset") != "20" || p.header.Get("Upload-Length") != strconv.Itoa(len(data)) {
		t.Fatalf("HEAD: %d %v", p.status, p.header)
	}
	p = c.send(http.MethodPatch, at, "application/offset+octet-stream", data[20:], http.Header{"Upload-Offset": {"20"}})
	wantStatus(t, p, http.StatusOK)
	json.Unmarshal([]byte(p.body), &u)
	if u.Media == nil || u.Media.Width != 40 {
		t.Fatalf("completed upload: %s", p.body)
	}

	m, err := e.a.Media.Get(t.Context(), e.actor("owner@example.test"), ws, u.Media.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := e.a.Media.PublicURL(m, 3600e9)
	anon := e.client()
	p = anon.get(strings.TrimPrefix(pub, e.srv.URL))
	if p.status != http.StatusOK || p.header.Get("Content-Type") != "image/png" {
		t.Errorf("signed URL: %d %s", p.status, p.header.Get("Content-Type"))
	}
	p = anon.get(strings.TrimPrefix(pub[:len(pub)-4]+"0000", e.srv.URL))
	if p.status != http.StatusForbidden || strings.Contains(p.body, "signature") {
		t.Errorf("forged URL: %d %q", p.status, p.body)
	}
}
