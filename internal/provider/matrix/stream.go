package matrix

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"herald/internal/provider"
)

// syncWait is how long one /sync waits for news; it stays under the HTTP
// client's overall timeout.
const syncWait = 20 * time.Second

// syncResponse is the part of a /sync answer the stream reads.
type syncResponse struct {
	NextBatch string `json:"next_batch"`
	Rooms     struct {
		Join map[string]struct {
			Timeline struct {
				Events []json.RawMessage `json:"events"`
			} `json:"timeline"`
		} `json:"join"`
	} `json:"rooms"`
}

// StreamInteractions long-polls /sync for the channel's room
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3sync),
// which answers as soon as something happens there. Each time the room
// has news it reads the interactions since the stream began the way
// Interactions does, so replies to replies, edits and redactions are
// classified exactly as a poll would, and delivers them (the inbox drops
// what it already has). It returns nil when ctx ends.
func (p *Provider) StreamInteractions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost, deliver func([]provider.Interaction) error) error {
	const op = "stream interactions"
	c, room, err := p.accountClient(acct, op)
	if err != nil {
		return err
	}
	filter, _ := json.Marshal(map[string]any{
		"room": map[string]any{"rooms": []string{room}, "timeline": map[string]any{"limit": 1},
			"state": map[string]any{"types": []string{}}, "ephemeral": map[string]any{"types": []string{}},
			"account_data": map[string]any{"types": []string{}}},
		"presence": map[string]any{"types": []string{}}, "account_data": map[string]any{"types": []string{}},
	})
	token := ""
	for {
		q := url.Values{"filter": {string(filter)}, "timeout": {"0"}}
		if token != "" {
			q.Set("since", token)
			q.Set("timeout", strconv.FormatInt(syncWait.Milliseconds(), 10))
		}
		var resp syncResponse
		err := c.do(ctx, request{op: op, method: http.MethodGet, path: "/_matrix/client/v3/sync", query: q}, &resp)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if resp.NextBatch == "" {
			return &provider.Error{Trait: provider.Transient, Network: Network, Op: op, Message: "the homeserver's /sync answer has no next_batch token"}
		}
		news := token != "" && len(resp.Rooms.Join[room].Timeline.Events) > 0
		token = resp.NextBatch
		if !news {
			continue
		}
		items, err := p.Interactions(ctx, acct, since, posts)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
		if len(items) > 0 {
			if err := deliver(items); err != nil {
				return err
			}
		}
	}
}
