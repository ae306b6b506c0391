package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"herald/internal/chart"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file with its content fingerprint.
type asset struct {
	name string
	hash string
	body []byte
	mime string
}

// assets serves embedded files at /static/<hash>/<name>. The hash is part
// of the URL, so a changed file gets a new URL and browsers may cache every
// URL forever.
type assets struct {
	files map[string]asset
}

func loadAssets() *assets {
	a := &assets{files: map[string]asset{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic("web: read embedded assets: " + err.Error())
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic("web: read embedded asset: " + err.Error())
		}
		a.add(e.Name(), body)
	}
	// The charts' stylesheet lives with package chart.
	a.add("chart.css", chart.CSS)
	return a
}

// add keeps one file with its fingerprint.
func (a *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	a.files[name] = asset{name: name, hash: hex.EncodeToString(sum[:])[:12], body: body, mime: ct}
}

// URL returns the fingerprinted URL of an embedded file. An unknown name is
// a template bug, so it yields a URL that answers 404 rather than a panic.
func (a *assets) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		return "/static/missing/" + name
	}
	return "/static/" + f.hash + "/" + f.name
}

// ServeHTTP answers GET /static/{hash}/{name}. A request with an old hash
// (a page cached across an upgrade) still gets the current file, but
// without the long cache lifetime.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.mime)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("hash") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+f.hash+`"`)
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.body))
}
