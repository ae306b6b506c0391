package mastodon

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"herald/internal/provider"
)

// maxEventSize bounds one server-sent event; a notification with its
// status is a few kilobytes.
const maxEventSize = 1 << 20

// StreamInteractions follows the account's notification stream, server-
// sent events that Mastodon pushes as notifications happen
// (https://docs.joinmastodon.org/methods/streaming/#notification), and
// delivers the same interactions Interactions reads. It returns nil when
// ctx ends and an error when the stream breaks or the server refuses it.
func (p *Provider) StreamInteractions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost, deliver func([]provider.Interaction) error) error {
	r := request{op: "stream interactions", method: "GET", token: token(acct)}
	base, err := instanceOf(acct)
	if err != nil {
		return provider.Errorf(provider.Permanent, Network, r.op, err, "%v", err)
	}
	r.url = base + "/api/v1/streaming/user/notification"
	own := map[string]bool{}
	for _, rp := range posts {
		own[rp.ID] = true
	}
	req, err := http.NewRequestWithContext(ctx, "GET", r.url, nil)
	if err != nil {
		return p.fail(r, provider.Permanent, 0, err, "bad request: %v", err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+r.token)
	// The hardened client's transport (private addresses refused), without
	// its overall timeout: a stream stays open for as long as it is needed.
	client := &http.Client{Transport: p.opt.Client.Transport, CheckRedirect: p.opt.Client.CheckRedirect}
	resp, err := client.Do(req)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return p.fail(r, provider.Transient, 0, err, "could not reach the streaming server")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return p.classify(r, resp, body)
	}
	err = readEvents(resp.Body, func(event, data string) error {
		if event != "notification" {
			return nil
		}
		var n notification
		if json.Unmarshal([]byte(data), &n) != nil {
			return nil // not a notification Herald can read: skipped, as a poll would
		}
		if it, ok := interactionOf(base, acct, n, own, parseTime(n.CreatedAt)); ok {
			return deliver([]provider.Interaction{it})
		}
		return nil
	})
	if ctx.Err() != nil {
		return nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return p.fail(r, provider.Transient, resp.StatusCode, err, "the stream ended")
}

// readEvents parses a text/event-stream
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// "event:" and "data:" fields, data lines joined with newlines, a blank
// line dispatching, lines starting with ":" (Mastodon's heartbeats)
// ignored. It returns when the stream ends or fn fails.
func readEvents(r io.Reader, fn func(event, data string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventSize)
	var event string
	var data []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if len(data) > 0 {
				if err := fn(event, strings.Join(data, "\n")); err != nil {
					return err
				}
			}
			event, data = "", nil
		case strings.HasPrefix(line, ":"):
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				event = value
			case "data":
				data = append(data, value)
			}
		}
	}
	return sc.Err()
}
