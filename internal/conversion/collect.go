package conversion

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"herald/internal/model"
	"herald/internal/platform/httpx"
	"herald/internal/store"
)

// snippetJS is the script websites include; see snippet.js.
//
//go:embed snippet.js
var snippetJS []byte

// snippetETag changes whenever the script does, so browsers revalidate
// cheaply and pick up a new version within the cache lifetime.
var snippetETag = func() string {
	sum := sha256.Sum256(snippetJS)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// SnippetVersion names the current script; the settings page puts it in
// the pasted URL (?v=…) so a new Herald version is fetched at once.
func SnippetVersion() string { return snippetETag[1 : len(snippetETag)-1] }

// collectMaxBody caps a snippet call: an event is a few hundred bytes.
const collectMaxBody = 4 << 10

// Snippet serves the JavaScript snippet (GET /c.js): public, cacheable for
// an hour, revalidated by ETag.
func (s *Service) Snippet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", snippetETag)
		// Websites on other origins load it with a plain <script> tag.
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		if r.Header.Get("If-None-Match") == snippetETag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write(snippetJS)
	})
}

// collectBody is what the snippet posts.
type collectBody struct {
	EventID  string   `json:"event_id"`
	Name     string   `json:"name"`
	Value    *float64 `json:"value"`
	Currency string   `json:"currency"`
	ClickID  string   `json:"click_id"`
}

// Collector is the snippet's endpoint (POST /c/collect?site=<site key>,
// and its CORS preflight). Only pages on the workspace's allowed origins
// may send; the body is limited to 4 KB and each client IP to
// CollectPerMinute calls. It answers JSON: 201 recorded, 200 duplicate,
// 400 with the field at fault, 403, 404, 413 or 429 with an error text.
// The site key is public, so the Origin check and the limits, not a
// secret, are what keep other pages out; browsers always send Origin on
// cross-origin POSTs and scripts cannot forge it.
func (s *Service) Collector(trustProxy bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Add("Vary", "Origin")
		if r.Method != http.MethodPost && r.Method != http.MethodOptions {
			w.Header().Set("Allow", "POST, OPTIONS")
			collectError(w, http.StatusMethodNotAllowed, "", "send conversions with POST")
			return
		}
		if !s.limiter().allow(httpx.ClientIP(r, trustProxy), s.now()) {
			w.Header().Set("Retry-After", "60")
			collectError(w, http.StatusTooManyRequests, "", "too many conversions from this address; try again in a minute")
			return
		}
		st, err := s.site(r.Context(), r.URL.Query().Get("site"), r.Header.Get("Origin"))
		if err != nil {
			s.collectFail(w, err)
			return
		}
		allowOrigin(w, r.Header.Get("Origin"))
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		ev, err := readCollect(w, r)
		if err != nil {
			s.collectFail(w, err)
			return
		}
		c, dup, err := s.record(r.Context(), st.WorkspaceID, st.WindowDays, ev, model.ConversionViaSnippet)
		if err != nil {
			s.collectFail(w, err)
			return
		}
		status, word := http.StatusCreated, "recorded"
		if dup {
			status, word = http.StatusOK, "duplicate"
		}
		writeJSON(w, status, map[string]string{"status": word, "id": c.ID, "attribution": c.Attribution, "reason": c.Reason})
	})
}

// site loads the settings of a site key and checks the calling origin.
func (s *Service) site(ctx context.Context, siteKey, origin string) (store.StoredConversionSettings, error) {
	if siteKey == "" || len(siteKey) > 100 {
		return store.StoredConversionSettings{}, model.Invalid("site", "the snippet's data-site attribute must hold the workspace's site key")
	}
	st, err := s.Store.Read().ConversionSettingsBySiteKey(ctx, siteKey)
	if errors.Is(err, store.ErrNotFound) {
		return st, model.NotFound("no workspace has this site key; copy the snippet again from Herald's conversion settings")
	} else if err != nil {
		return st, err
	}
	if !st.Enabled {
		return st, model.Forbidden("conversion tracking is turned off for this site in Herald")
	}
	if origin == "" || !slices.Contains(st.Origins, origin) {
		return st, model.Forbidden("this website is not among the origins allowed in Herald's conversion settings")
	}
	return st, nil
}

// readCollect reads and decodes a snippet call. The snippet sends
// text/plain, which browsers post cross-origin without a preflight.
func readCollect(w http.ResponseWriter, r *http.Request) (Event, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, collectMaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return Event{}, errTooLarge
	} else if err != nil {
		return Event{}, model.Invalid("body", "the request body could not be read")
	}
	var b collectBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Event{}, model.Invalid("body", "send one JSON object with event_id, and optionally name, value, currency and click_id")
	}
	return Event{EventID: b.EventID, Name: b.Name, Value: b.Value, Currency: b.Currency, ClickID: b.ClickID}, nil
}

var errTooLarge = errors.New("conversion: body too large")

// collectFail answers an error of the snippet endpoint.
func (s *Service) collectFail(w http.ResponseWriter, err error) {
	if errors.Is(err, errTooLarge) {
		collectError(w, http.StatusRequestEntityTooLarge, "", "the request body is larger than 4 KB")
		return
	}
	e := model.AsError(err)
	if e == nil {
		s.logger().Error("collect conversion", "err", err)
		collectError(w, http.StatusInternalServerError, "", "Herald could not record the conversion; it was not stored")
		return
	}
	status := map[model.Kind]int{model.KindInvalid: http.StatusBadRequest, model.KindNotFound: http.StatusNotFound,
		model.KindForbidden: http.StatusForbidden}[e.Kind]
	if status == 0 {
		status = http.StatusBadRequest
	}
	collectError(w, status, e.Field, e.Msg)
}

func allowOrigin(w http.ResponseWriter, origin string) {
	w.Header().Set("Access-Control-Allow-Origin", origin)
}

func collectError(w http.ResponseWriter, status int, field, msg string) {
	body := map[string]string{"error": msg}
	if field != "" {
		body["field"] = field
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ipLimiter counts calls per client IP in fixed one-minute windows. It
// lives in memory: a limit per process is enough to keep one browser or
// script from flooding the table, and restarts only forgive.
type ipLimiter struct {
	mu    sync.Mutex
	per   int
	start time.Time
	count map[string]int
}

func (s *Service) limiter() *ipLimiter {
	s.limOnce.Do(func() {
		per := s.CollectPerMinute
		if per <= 0 {
			per = 60
		}
		s.lim = &ipLimiter{per: per, count: map[string]int{}}
	})
	return s.lim
}

func (l *ipLimiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.start) >= time.Minute || now.Before(l.start) {
		l.start, l.count = now, map[string]int{}
	}
	l.count[ip]++
	return l.count[ip] <= l.per
}
