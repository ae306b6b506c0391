package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"herald/internal/config"
	"herald/internal/model"
)

// pngFile is a small valid PNG.
func pngFile(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			// Noise, so the file does not compress to almost nothing.
			n := uint32(x*73856093^y*19349663) * 2654435761
			img.Set(x, y, color.RGBA{uint8(n >> 24), uint8(n >> 16), uint8(n >> 8), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// elfFile starts like a Linux program, whatever it is named.
var elfFile = append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 120)...)

// multipartFile is a form with the file in field, and its Content-Type.
func multipartFile(t *testing.T, field, name string, data []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("note", "ignored")
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

// wantDetail fails unless the problem's detail contains want.
func (r response) wantDetail(t *testing.T, want string) response {
	t.Helper()
	if !strings.Contains(r.str("detail"), want) {
		t.Fatalf("detail %q does not say %q", r.str("detail"), want)
	}
	return r
}

func TestMediaAPI(t *testing.T) {
	each(t, func(h *harness) {
		t := h.t
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws
		img := pngFile(t, 40, 30)

		// Raw body named by ?filename=, by Content-Disposition, and a form.
		r := h.do(http.MethodPost, base+"/media?filename=cat.png", tok, raw(img), "Content-Type", "image/png").want(t, 201)
		id := r.str("id")
		if r.header.Get("Location") != base+"/media/"+id || r.str("kind") != "image" || r.str("content_type") != "image/png" ||
			r.json["width"] != float64(40) || r.json["alt"] != nil || r.json["duration_ms"] != nil || r.str("file_url") != base+"/media/"+id+"/file" {
			t.Fatalf("uploaded %s (Location %q)", r.body, r.header.Get("Location"))
		}
		r = h.do(http.MethodPost, base+"/media", tok, raw(img), "Content-Type", "application/octet-stream",
			"Content-Disposition", `attachment; filename="dog.png"`).want(t, 201)
		if r.str("filename") != "dog.png" {
			t.Fatalf("Content-Disposition name: %s", r.body)
		}
		form, ct := multipartFile(t, "file", "bird.png", img)
		if r := h.do(http.MethodPost, base+"/media", tok, raw(form), "Content-Type", ct).want(t, 201); r.str("filename") != "bird.png" {
			t.Fatalf("multipart name: %s", r.body)
		}
		form, ct = multipartFile(t, "upload", "bird.png", img)
		h.do(http.MethodPost, base+"/media", tok, raw(form), "Content-Type", ct).wantProblem(t, 400, "validation", "file")

		// The domain's own words for files it refuses.
		h.do(http.MethodPost, base+"/media?filename=empty.png", tok, raw(""), "Content-Type", "image/png").
			wantProblem(t, 400, "validation", "file").wantDetail(t, "the file is empty")
		h.do(http.MethodPost, base+"/media?filename=photo.jpg", tok, raw(elfFile), "Content-Type", "image/jpeg").
			wantProblem(t, 400, "validation", "file").wantDetail(t, "looks like a Linux program (ELF executable)")

		// Lists: pages, filters.
		list, next := h.do(http.MethodGet, base+"/media?limit=2", tok, nil).want(t, 200).list()
		if len(list) != 2 || next == "" || list[0]["id"] != id {
			t.Fatalf("page 1: %v %q", list, next)
		}
		if list, next := h.do(http.MethodGet, base+"/media?limit=2&cursor="+next, tok, nil).want(t, 200).list(); len(list) != 1 || next != "" {
			t.Fatalf("page 2: %v %q", list, next)
		}
		if list, _ := h.do(http.MethodGet, base+"/media?q=dog", tok, nil).want(t, 200).list(); len(list) != 1 || list[0]["filename"] != "dog.png" {
			t.Fatalf("q=dog: %v", list)
		}
		if list, _ := h.do(http.MethodGet, base+"/media?kind=video", tok, nil).want(t, 200).list(); len(list) != 0 {
			t.Fatalf("kind=video: %v", list)
		}
		h.do(http.MethodGet, base+"/media?kind=audio", tok, nil).wantProblem(t, 400, "validation", "kind")

		// Partial updates: absent keeps, null clears.
		r = h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{"alt": " A cat ", "tags": []string{"#Cats", "pets", "cats"},
			"folder": "/animals/", "credit": "Ada", "expires_at": "2030-01-01T00:00:00Z"}).want(t, 200)
		if r.str("alt") != "A cat" || r.str("folder") != "animals" || r.str("expires_at") != "2030-01-01T00:00:00Z" || len(r.json["tags"].([]any)) != 2 {
			t.Fatalf("patched %s", r.body)
		}
		r = h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{"alt": nil, "expires_at": nil}).want(t, 200)
		if r.json["alt"] != nil || r.json["expires_at"] != nil || r.str("credit") != "Ada" || len(r.json["tags"].([]any)) != 2 {
			t.Fatalf("cleared %s", r.body)
		}
		if list, _ := h.do(http.MethodGet, base+"/media?folder=animals", tok, nil).want(t, 200).list(); len(list) != 1 {
			t.Fatalf("folder=animals: %v", list)
		}
		h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{}).wantProblem(t, 400, "validation", "")
		h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{"tags": 5}).wantProblem(t, 400, "validation", "tags")
		h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{"expires_at": "tomorrow"}).wantProblem(t, 400, "validation", "expires_at")
		h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{"alt": strings.Repeat("a", 1501)}).wantProblem(t, 400, "validation", "alt")
		h.do(http.MethodPatch, base+"/media/"+id, tok, map[string]any{"caption": "x"}).wantProblem(t, 400, "validation", "caption")
		h.do(http.MethodGet, base+"/media/"+id, tok, nil).want(t, 200)
		h.do(http.MethodGet, base+"/media/01jq3v6m2k8x9c0d4e5f6g7h8j", tok, nil).wantProblem(t, 404, "not-found", "")

		// Download: the bytes, their type and name.
		res, body := h.rawDo(http.MethodGet, base+"/media/"+id+"/file", tok, "", "")
		if res.StatusCode != 200 || body != string(img) || res.Header.Get("Content-Type") != "image/png" ||
			res.Header.Get("Content-Disposition") != "attachment; filename=cat.png" || res.Header.Get("Content-Length") != strconv.Itoa(len(img)) {
			t.Fatalf("download: %d %v (%d bytes)", res.StatusCode, res.Header, len(body))
		}

		// Used in a post: listed, and the asset cannot be deleted.
		ch := h.do(http.MethodPost, base+"/channels", tok, map[string]any{"network": "fake", "fields": map[string]string{"handle": "acme"}}).want(t, 201).str("id")
		post := h.do(http.MethodPost, base+"/posts", tok, map[string]any{"base": map[string]any{"text": "Look", "media": []any{map[string]any{"id": id}}},
			"channels": []string{ch}}).want(t, 201).str("id")
		uses, _ := h.do(http.MethodGet, base+"/media/"+id+"/usage", tok, nil).want(t, 200).list()
		if len(uses) != 1 || uses[0]["post_id"] != post || uses[0]["text"] != "Look" {
			t.Fatalf("usage: %v", uses)
		}
		h.do(http.MethodDelete, base+"/media/"+id, tok, nil).wantProblem(t, 409, "conflict", "").wantDetail(t, "is used in 1 post")
		h.do(http.MethodDelete, base+"/posts/"+post, tok, nil).want(t, 204)
		h.do(http.MethodDelete, base+"/media/"+id, tok, nil).want(t, 204)
		h.do(http.MethodGet, base+"/media/"+id, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, base+"/media/"+id+"/usage", tok, nil).wantProblem(t, 404, "not-found", "")

		// A read-only token may look but not upload.
		ro := h.token(ada, model.ScopeMediaRead)
		h.do(http.MethodGet, base+"/media", ro, nil).want(t, 200)
		h.do(http.MethodPost, base+"/media?filename=cat.png", ro, raw(img), "Content-Type", "image/png").wantProblem(t, 403, "insufficient-scope", "")
		h.do(http.MethodPost, base+"/media-uploads", ro, map[string]any{"filename": "x.png", "size": 10}).wantProblem(t, 403, "insufficient-scope", "")

		// A viewer's token has every scope, but the role does not allow changes.
		vic := h.user("vic@example.com")
		h.join(tok, ws, vic, "viewer")
		vt := h.token(vic)
		list, _ = h.do(http.MethodGet, base+"/media", vt, nil).want(t, 200).list()
		h.do(http.MethodPost, base+"/media?filename=cat.png", vt, raw(img), "Content-Type", "image/png").wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodPatch, base+"/media/"+list[0]["id"].(string), vt, map[string]any{"alt": "mine"}).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodDelete, base+"/media/"+list[0]["id"].(string), vt, nil).wantProblem(t, 403, "forbidden", "")
		h.do(http.MethodPost, base+"/media-uploads", vt, map[string]any{"filename": "x.png", "size": 10}).wantProblem(t, 403, "forbidden", "")
	})
}

func TestMediaResumableUpload(t *testing.T) {
	each(t, func(h *harness) {
		t := h.t
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws
		img := pngFile(t, 64, 48)
		half := len(img) / 2

		r := h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "big.png", "size": len(img)}).want(t, 201)
		loc := r.header.Get("Location")
		if loc != base+"/media-uploads/"+r.str("id") || r.header.Get("Upload-Offset") != "0" || r.json["offset"] != float64(0) || r.json["media"] != nil {
			t.Fatalf("created %s (Location %q)", r.body, loc)
		}
		chunk := func(off int, data []byte, ct string) response {
			return h.do(http.MethodPatch, loc, tok, raw(data), "Content-Type", ct, "Upload-Offset", strconv.Itoa(off))
		}
		r = chunk(0, img[:half], "application/offset+octet-stream").want(t, 200)
		if r.json["offset"] != float64(half) || r.json["complete"] != false || r.header.Get("Upload-Offset") != strconv.Itoa(half) {
			t.Fatalf("first chunk: %s", r.body)
		}
		// A retry of the same chunk is told where the upload really is.
		r = chunk(0, img[:half], "application/offset+octet-stream").wantProblem(t, 409, "conflict", "Upload-Offset")
		if r.header.Get("Upload-Offset") != strconv.Itoa(half) {
			t.Fatalf("conflict Upload-Offset %q, want %d", r.header.Get("Upload-Offset"), half)
		}
		h.do(http.MethodPatch, loc, tok, raw(img[half:]), "Content-Type", "application/offset+octet-stream").wantProblem(t, 400, "validation", "Upload-Offset")
		h.do(http.MethodPatch, loc, tok, raw(img[half:]), "Upload-Offset", strconv.Itoa(half)).wantProblem(t, 415, "unsupported-media-type", "")
		chunk(half, append(append([]byte{}, img[half:]...), 'x'), "application/octet-stream").wantProblem(t, 400, "validation", "body")
		if r := h.do(http.MethodGet, loc, tok, nil).want(t, 200); r.json["offset"] != float64(half) || r.header.Get("Upload-Length") != strconv.Itoa(len(img)) {
			t.Fatalf("state: %s", r.body)
		}
		r = chunk(half, img[half:], "application/octet-stream").want(t, 200)
		m, _ := r.json["media"].(map[string]any)
		if r.json["complete"] != true || m == nil || m["filename"] != "big.png" || m["width"] != float64(64) {
			t.Fatalf("last chunk: %s", r.body)
		}
		if errs := h.validate(map[string]any{"$ref": "#/components/schemas/Media"}, m, "$.media"); len(errs) > 0 {
			t.Fatalf("media does not fit its schema: %v", errs)
		}
		h.do(http.MethodGet, loc, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodGet, base+"/media/"+m["id"].(string), tok, nil).want(t, 200)

		// Refusals: an empty file, no size, a program in disguise.
		h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "x.png", "size": 0}).
			wantProblem(t, 400, "validation", "size").wantDetail(t, "the file is empty")
		h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "x.png"}).wantProblem(t, 400, "validation", "size")
		loc = h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "photo.jpg", "size": len(elfFile)}).want(t, 201).header.Get("Location")
		h.do(http.MethodPatch, loc, tok, raw(elfFile), "Content-Type", "application/offset+octet-stream", "Upload-Offset", "0").
			wantProblem(t, 400, "validation", "file").wantDetail(t, "looks like a Linux program")
		h.do(http.MethodGet, loc, tok, nil).wantProblem(t, 404, "not-found", "")

		// Cancel.
		loc = h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "y.png", "size": 100}).want(t, 201).header.Get("Location")
		h.do(http.MethodDelete, loc, tok, nil).want(t, 204)
		h.do(http.MethodGet, loc, tok, nil).wantProblem(t, 404, "not-found", "")
		h.do(http.MethodDelete, loc, tok, nil).wantProblem(t, 404, "not-found", "")
	})
}

// TestMediaUploadLimits checks that file bodies are held to the library's
// size caps, not the API's JSON body limit.
func TestMediaUploadLimits(t *testing.T) {
	eachWith(t, func(cfg *config.Config) { cfg.MaxBodyBytes = 512 }, func(h *harness) {
		t := h.t
		ada := h.admin("ada@example.com")
		tok := h.token(ada)
		ws := h.do(http.MethodPost, "/api/v1/workspaces", tok, map[string]any{"name": "Acme"}).want(t, 201).str("id")
		base := "/api/v1/workspaces/" + ws
		img := pngFile(t, 64, 48)
		if len(img) <= 512 {
			t.Fatalf("the test image (%d bytes) must exceed the JSON body limit", len(img))
		}
		h.do(http.MethodPost, base+"/media?filename=a.png", tok, raw(img), "Content-Type", "image/png").want(t, 201)
		loc := h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "b.png", "size": len(img)}).want(t, 201).header.Get("Location")
		h.do(http.MethodPatch, loc, tok, raw(img), "Content-Type", "application/offset+octet-stream", "Upload-Offset", "0").want(t, 200)

		// The library's own caps: its message for a file over them, a 413
		// for a body far beyond them, before it is read.
		maxVideo := len(img) + 1000
		h.app.Media.MaxImageBytes, h.app.Media.MaxVideoBytes = 1000, int64(maxVideo)
		h.do(http.MethodPost, base+"/media?filename=a.png", tok, raw(img), "Content-Type", "image/png").
			wantProblem(t, 400, "validation", "file").wantDetail(t, "images may be at most")
		h.do(http.MethodPost, base+"/media?filename=a.bin", tok, raw(bytes.Repeat([]byte{1}, maxVideo+1)), "Content-Type", "image/png").
			wantProblem(t, 400, "validation", "file").wantDetail(t, "the most Herald takes")
		h.do(http.MethodPost, base+"/media?filename=a.bin", tok, raw(bytes.Repeat([]byte{1}, maxVideo+2<<20)), "Content-Type", "image/png").
			wantProblem(t, 413, "payload-too-large", "")
		h.do(http.MethodPost, base+"/media-uploads", tok, map[string]any{"filename": "c.mp4", "size": maxVideo + 1}).wantProblem(t, 400, "validation", "file")
	})
}
