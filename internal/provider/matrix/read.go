package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
)

// historyFilter is the RoomEventFilter of a /messages call
// (https://spec.matrix.org/latest/client-server-api/#filtering).
type historyFilter struct {
	Types   []string `json:"types,omitempty"`
	Senders []string `json:"senders,omitempty"`
}

// history walks the room's timeline backwards from the newest event
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3roomsroomidmessages)
// until an event older than sinceMS, the start of the room, or MaxPages
// pages. Events come newest first.
func (p *Provider) history(ctx context.Context, c *client, room string, f historyFilter, sinceMS int64, op string) ([]event, error) {
	filter, _ := json.Marshal(f)
	var out []event
	from := ""
	for page := 0; page < p.opts.MaxPages; page++ {
		q := url.Values{"dir": {"b"}, "limit": {"100"}, "filter": {string(filter)}}
		if from != "" {
			q.Set("from", from)
		}
		var resp struct {
			Chunk []event `json:"chunk"`
			End   string  `json:"end"`
		}
		if err := c.do(ctx, request{op: op, method: http.MethodGet, path: "/_matrix/client/v3/rooms/" + pathEscape(room) + "/messages", query: q}, &resp); err != nil {
			return nil, err
		}
		for _, ev := range resp.Chunk {
			if ev.OriginServerTS < sinceMS {
				return out, nil
			}
			out = append(out, ev)
		}
		if len(resp.Chunk) == 0 || resp.End == "" || resp.End == from {
			return out, nil
		}
		from = resp.End
	}
	return out, nil
}

// relations lists the events that relate to eventID, any relation type
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv1roomsroomidrelationseventid).
func (p *Provider) relations(ctx context.Context, c *client, room, eventID, op string) ([]event, error) {
	var out []event
	from := ""
	for page := 0; page < p.opts.MaxPages; page++ {
		q := url.Values{"limit": {"100"}}
		if from != "" {
			q.Set("from", from)
		}
		var resp struct {
			Chunk     []event `json:"chunk"`
			NextBatch string  `json:"next_batch"`
		}
		err := c.do(ctx, request{op: op, method: http.MethodGet, query: q,
			path: "/_matrix/client/v1/rooms/" + pathEscape(room) + "/relations/" + pathEscape(eventID)}, &resp)
		if err != nil {
			return nil, err
		}
		out = append(out, resp.Chunk...)
		if resp.NextBatch == "" || len(resp.Chunk) == 0 {
			break
		}
		from = resp.NextBatch
	}
	return out, nil
}

// eventIDs are all events of a published segment (text and attachments).
func eventIDs(rp provider.RemotePost) []string {
	if ids := strings.Fields(rp.Extra["event_ids"]); len(ids) > 0 {
		return ids
	}
	return []string{rp.ID}
}

// Interactions reads, since a time, the reactions to the given posts
// (m.annotation), the replies to them and to the conversation under them
// (m.in_reply_to, and m.thread replies in their threads), and messages that
// mention the account. Own events are left out: they include the thread's
// own segments.
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	c, room, err := p.accountClient(acct, "read interactions")
	if err != nil {
		return nil, err
	}
	me := acct.Settings[settingUserID]
	evs, err := p.history(ctx, c, room, historyFilter{Types: []string{"m.room.message", "m.reaction"}}, since.UnixMilli(), "read interactions")
	if err != nil {
		return nil, err
	}
	root := map[string]string{} // event -> the own post its conversation hangs off
	for _, rp := range posts {
		for _, id := range eventIDs(rp) {
			root[id] = rp.ID
		}
	}
	var out []provider.Interaction
	for i := len(evs) - 1; i >= 0; i-- { // oldest first, so conversations chain
		ev := evs[i]
		if ev.redacted() {
			// Gone from the room: a reader that stored it marks it deleted.
			if ev.Sender != me {
				out = append(out, provider.Interaction{ID: ev.EventID, AuthorID: ev.Sender, CreatedAt: ev.time(), Deleted: true})
			}
			continue
		}
		if ed, ok := edit(ev); ok {
			if ev.Sender != me {
				out = append(out, ed)
			}
			continue
		}
		in, ok := classify(ev, root, me)
		if ok && in.RootID != "" {
			root[ev.EventID] = in.RootID
		}
		if !ok || ev.Sender == me {
			continue
		}
		in.URL = matrixTo(room, ev.EventID)
		out = append(out, in)
	}
	return out, nil
}

// edit maps an m.replace event to the edit of the message it replaces:
// the original's ID with the new text, and no kind (it is news about a
// stored message, never a message of its own).
func edit(ev event) (provider.Interaction, bool) {
	ct := ev.content()
	if ev.Type != "m.room.message" || ct.RelatesTo == nil || ct.RelatesTo.RelType != "m.replace" || ct.NewContent == nil {
		return provider.Interaction{}, false
	}
	return provider.Interaction{ID: ct.RelatesTo.EventID, AuthorID: ev.Sender, Text: ct.NewContent.Body, EditedAt: ev.time(),
		CreatedAt: ev.time()}, true
}

// classify maps an event to an interaction with the account's posts.
func classify(ev event, root map[string]string, me string) (provider.Interaction, bool) {
	ct := ev.content()
	in := provider.Interaction{ID: ev.EventID, AuthorID: ev.Sender, Author: ev.Sender, CreatedAt: ev.time()}
	rel := ct.RelatesTo
	if ev.Type == "m.reaction" {
		if rel == nil || rel.RelType != "m.annotation" || root[rel.EventID] == "" {
			return in, false
		}
		in.Kind, in.Reaction, in.ParentID, in.RootID = "reaction", rel.Key, rel.EventID, root[rel.EventID]
		if rel.Key == "👍" || rel.Key == "👍️" {
			in.Kind = "like"
		}
		return in, true
	}
	if rel != nil && rel.RelType == "m.replace" {
		return in, false // an edit, not a new message
	}
	in.Text = ct.Body
	parent := ""
	switch {
	case rel == nil:
	case rel.InReplyTo != nil && !(rel.RelType == "m.thread" && rel.IsFallingBack):
		parent = rel.InReplyTo.EventID
	case rel.RelType == "m.thread":
		parent = rel.EventID
	}
	r := root[parent]
	if r == "" && rel != nil && rel.RelType == "m.thread" {
		r = root[rel.EventID] // a reply inside an own post's thread
	}
	if r != "" {
		in.Kind, in.ParentID, in.RootID = "reply", parent, r
		return in, true
	}
	if mentions(ct, me) {
		in.Kind = "mention"
		return in, true
	}
	return in, false
}

func mentions(ct content, me string) bool {
	if me == "" {
		return false
	}
	if ct.Mentions != nil {
		for _, u := range ct.Mentions.UserIDs {
			if u == me {
				return true
			}
		}
	}
	return strings.Contains(ct.Body, me)
}

// PostMetrics counts reactions (as likes) and replies per post: the
// relations of each of its events (annotations, and thread replies by
// others), plus rich replies (m.in_reply_to outside threads) found in the
// room's history back to the oldest post.
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	c, room, err := p.accountClient(acct, "read metrics")
	if err != nil {
		return nil, err
	}
	me, now := acct.Settings[settingUserID], p.opts.Now().UTC()
	out := map[string]provider.PostMetrics{}
	owner := map[string]string{}
	oldest := now
	for _, rp := range posts {
		m := provider.PostMetrics{At: now}
		for _, id := range eventIDs(rp) {
			owner[id] = rp.ID
			rels, err := p.relations(ctx, c, room, id, "read metrics")
			if err != nil {
				return nil, err
			}
			for _, ev := range rels {
				if ev.Sender == me || ev.redacted() {
					continue
				}
				switch rel := ev.content().RelatesTo; {
				case rel == nil:
				case rel.RelType == "m.annotation":
					m.Likes++
				case rel.RelType == "m.thread" && ev.Type == "m.room.message":
					m.Replies++
				}
			}
		}
		out[rp.ID] = m
		if !rp.PublishedAt.IsZero() && rp.PublishedAt.Before(oldest) {
			oldest = rp.PublishedAt
		}
	}
	evs, err := p.history(ctx, c, room, historyFilter{Types: []string{"m.room.message"}}, oldest.UnixMilli(), "read metrics")
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		rel := ev.content().RelatesTo
		if ev.Sender == me || ev.redacted() || rel == nil || rel.InReplyTo == nil || rel.RelType == "m.thread" {
			continue
		}
		if id := owner[rel.InReplyTo.EventID]; id != "" {
			m := out[id]
			m.Replies++
			out[id] = m
		}
	}
	return out, nil
}

// RecentPosts lists the account's own messages in the room, newest first;
// the attachments Herald sent after a segment's text fold into it.
func (p *Provider) RecentPosts(ctx context.Context, acct provider.Account, limit int) ([]provider.RemotePost, error) {
	c, room, err := p.accountClient(acct, "read posts")
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 20
	}
	evs, err := p.history(ctx, c, room, historyFilter{Types: []string{"m.room.message"}, Senders: []string{acct.Settings[settingUserID]}}, 0, "read posts")
	if err != nil {
		return nil, err
	}
	var out []provider.RemotePost
	for _, ev := range evs {
		ct := ev.content()
		if ev.redacted() || (ct.HeraldPart != nil && *ct.HeraldPart > 0) || (ct.RelatesTo != nil && ct.RelatesTo.RelType == "m.replace") {
			continue
		}
		rp := provider.RemotePost{ID: ev.EventID, URL: matrixTo(room, ev.EventID), PublishedAt: ev.time(), Extra: map[string]string{"room_id": room}}
		if ct.HeraldKey != "" && ct.HeraldSegment != nil {
			rp.Extra["key"], rp.Extra["segment"] = ct.HeraldKey, strconv.Itoa(*ct.HeraldSegment)
		}
		out = append(out, rp)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// Reply answers a message with a rich reply; when the message is part of a
// thread, the answer goes into that thread so it shows next to it.
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	c, room, err := p.accountClient(acct, "reply")
	if err != nil {
		return provider.RemotePost{}, err
	}
	content := textContent(text, "")
	if parent.AuthorID != "" && parent.AuthorID != acct.Settings[settingUserID] {
		content["m.mentions"] = map[string]any{"user_ids": []string{parent.AuthorID}}
	}
	relation := map[string]any{"m.in_reply_to": map[string]string{"event_id": parent.ID}}
	if threadRoot := p.threadOf(ctx, c, room, parent.ID); threadRoot != "" {
		relation["rel_type"], relation["event_id"], relation["is_falling_back"] = "m.thread", threadRoot, false
	}
	content["m.relates_to"] = relation
	sum := sha256.Sum256([]byte(parent.ID + "|" + text + "|" + strconv.FormatInt(p.opts.Now().UnixNano(), 10)))
	id, err := c.send(ctx, room, "m.room.message", "herald-reply-"+hex.EncodeToString(sum[:12]), content, "reply")
	if err != nil {
		return provider.RemotePost{}, err
	}
	return provider.RemotePost{ID: id, URL: matrixTo(room, id), PublishedAt: p.opts.Now().UTC(), Extra: map[string]string{"room_id": room}}, nil
}

// threadOf returns the thread root of an event, "" when it is not in a
// thread or cannot be read
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3roomsroomideventeventid).
func (p *Provider) threadOf(ctx context.Context, c *client, room, eventID string) string {
	var ev event
	err := c.do(ctx, request{op: "reply", method: http.MethodGet, path: "/_matrix/client/v3/rooms/" + pathEscape(room) + "/event/" + pathEscape(eventID)}, &ev)
	if rel := ev.content().RelatesTo; err == nil && rel != nil && rel.RelType == "m.thread" {
		return rel.EventID
	}
	return ""
}

// React annotates a message with a reaction
// (https://spec.matrix.org/latest/client-server-api/#mreaction); "+" is 👍.
// The transaction id derives from target and key, so repeating it is one.
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	c, room, err := p.accountClient(acct, "react")
	if err != nil {
		return err
	}
	if reaction == "" || reaction == "+" {
		reaction = "👍"
	}
	content := map[string]any{"m.relates_to": map[string]string{"rel_type": "m.annotation", "event_id": target.ID, "key": reaction}}
	sum := sha256.Sum256([]byte(room + "|" + target.ID + "|" + reaction))
	_, err = c.send(ctx, room, "m.reaction", "herald-react-"+hex.EncodeToString(sum[:12]), content, "react")
	if errcode(err) == "M_DUPLICATE_ANNOTATION" {
		return nil // already reacted this way
	}
	return err
}

// Hide redacts a comment in the room, which needs the redact power level.
func (p *Provider) Hide(ctx context.Context, acct provider.Account, comment provider.Interaction) error {
	c, room, err := p.accountClient(acct, "hide")
	if err != nil {
		return err
	}
	return c.redact(ctx, room, comment.ID, "", "hide")
}
