package testenv

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"herald/internal/platform/ids"
)

// MatrixClient calls a homeserver's client-server API directly, apart
// from the connector's code, the way another person's client (or a
// verifying reader) would in end-to-end tests.
type MatrixClient struct {
	T     testing.TB
	Base  string
	Token string
}

// Call sends a request with a JSON body (an empty object when nil),
// decodes the answer into out when given, and returns the HTTP status.
func (c MatrixClient) Call(method, path string, body any, out any) int {
	c.T.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader([]byte("{}"))
	}
	req, _ := http.NewRequest(method, c.Base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// Send sends one event of type typ to a room and returns its ID.
func (c MatrixClient) Send(room, typ string, content map[string]any) string {
	c.T.Helper()
	var r struct {
		EventID string `json:"event_id"`
	}
	if st := c.Call("PUT", "/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/send/"+typ+"/e2e"+ids.New(), content, &r); st != 200 {
		c.T.Fatalf("send %s: HTTP %d", typ, st)
	}
	return r.EventID
}

// Event is a room event as the client-server API returns it.
type Event struct {
	EventID string          `json:"event_id"`
	Type    string          `json:"type"`
	Sender  string          `json:"sender"`
	Content json.RawMessage `json:"content"`
}

// Timeline returns a room's whole timeline, newest first, each event as
// the server sent it.
func (c MatrixClient) Timeline(room string) []json.RawMessage {
	c.T.Helper()
	var all []json.RawMessage
	from := ""
	for i := 0; i < 50; i++ {
		q := url.Values{"dir": {"b"}, "limit": {"100"}}
		if from != "" {
			q.Set("from", from)
		}
		var resp struct {
			Chunk []json.RawMessage `json:"chunk"`
			End   string            `json:"end"`
		}
		if st := c.Call("GET", "/_matrix/client/v3/rooms/"+url.PathEscape(room)+"/messages?"+q.Encode(), nil, &resp); st != 200 {
			c.T.Fatalf("/messages: HTTP %d", st)
		}
		all = append(all, resp.Chunk...)
		if len(resp.Chunk) == 0 || resp.End == "" || resp.End == from {
			break
		}
		from = resp.End
	}
	return all
}

// Messages returns a room's timeline, newest first.
func (c MatrixClient) Messages(room string) []Event {
	c.T.Helper()
	var out []Event
	for _, raw := range c.Timeline(room) {
		var ev Event
		if err := json.Unmarshal(raw, &ev); err == nil {
			out = append(out, ev)
		}
	}
	return out
}
