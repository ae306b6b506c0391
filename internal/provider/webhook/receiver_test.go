package webhook

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// receiver is a webhook endpoint that does what this package's
// documentation asks of receivers: verify Herald-Signature with Verify,
// process each event id once, answer 2xx. Scripted faults imitate a
// receiver behind a proxy: 429 with Retry-After, 401, 422 with a JSON
// error, 500, and storing the event then dropping or hanging the answer.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	seen     map[string]bool
	events   []event
	headers  []http.Header
	attempts int
	fault    string
}

func newReceiver(secret string) *receiver {
	r := &receiver{secret: secret, seen: map[string]bool{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.attempts++
	fault := rc.fault
	rc.headers = append(rc.headers, r.Header.Clone())
	rc.mu.Unlock()
	if err := Verify(rc.secret, r.Header.Get("Herald-Signature"), body, time.Minute); err != nil {
		w.WriteHeader(401)
		json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	switch fault {
	case "429":
		w.Header().Set("Retry-After", "12")
		w.WriteHeader(429)
		return
	case "422":
		w.WriteHeader(422)
		json.NewEncoder(w).Encode(map[string]string{"error": "text must mention a product"})
		return
	case "500":
		w.WriteHeader(500)
		io.WriteString(w, "<html>upstream error</html>")
		return
	}
	var ev event
	json.Unmarshal(body, &ev)
	rc.mu.Lock()
	if id := r.Header.Get("Herald-Event-Id"); !rc.seen[id] {
		rc.seen[id] = true
		rc.events = append(rc.events, ev)
	}
	rc.mu.Unlock()
	switch fault {
	case "drop":
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	case "hang":
		<-r.Context().Done()
		return
	}
	if ev.Type == "post.published" {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"id": "item-" + ev.ID[4:12], "url": "https://receiver.example/items/" + ev.ID})
		return
	}
	w.WriteHeader(204)
}

// set runs fn under the fake's lock: tests change and read its state while
// handlers of abandoned requests may still be running.
func (rc *receiver) set(fn func()) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	fn()
}
