package slack

import (
	"context"
	"encoding/json"
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
)

// slackMessage is the part of a message object Herald reads
// (https://api.slack.com/events/message).
type slackMessage struct {
	TS         string `json:"ts"`
	ThreadTS   string `json:"thread_ts"`
	User       string `json:"user"`
	BotID      string `json:"bot_id"`
	Text       string `json:"text"`
	ReplyCount int64  `json:"reply_count"`
	Metadata   *struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			Key     string `json:"key"`
			Segment int    `json:"segment"`
		} `json:"event_payload"`
	} `json:"metadata"`
	Reactions []struct {
		Name  string   `json:"name"`
		Users []string `json:"users"`
		Count int64    `json:"count"`
	} `json:"reactions"`
}

func (m slackMessage) isHerald(key string, segment int) bool {
	return m.Metadata != nil && m.Metadata.EventType == metadataType &&
		m.Metadata.EventPayload.Key == key && m.Metadata.EventPayload.Segment == segment
}

type history struct {
	Messages         []slackMessage `json:"messages"`
	HasMore          bool           `json:"has_more"`
	ResponseMetadata struct {
		NextCursor string `json:"next_cursor"`
	} `json:"response_metadata"`
}

// FindByKey looks for a segment among the channel's recent messages by its
// metadata: segment 0 in the channel history, later segments in the first
// one's thread.
// https://api.slack.com/methods/conversations.history
// https://api.slack.com/methods/conversations.replies
func (p *Provider) FindByKey(ctx context.Context, acct provider.Account, post provider.Post, segment int) (provider.RemotePost, bool, error) {
	key := post.Key
	tok, ch := acct.Credentials["bot_token"], acct.Settings["channel_id"]
	q := url.Values{"channel": {ch}, "include_all_metadata": {"true"}, "limit": {"100"}}
	var root *slackMessage
	for page := 0; page < 3 && root == nil; page++ {
		var h history
		if err := p.call(ctx, webCall{op: "find", method: "conversations.history", token: tok, query: q}, &h); err != nil {
			return provider.RemotePost{}, false, err
		}
		for i := range h.Messages {
			if h.Messages[i].isHerald(key, 0) {
				root = &h.Messages[i]
				break
			}
		}
		if !h.HasMore || h.ResponseMetadata.NextCursor == "" {
			break
		}
		q.Set("cursor", h.ResponseMetadata.NextCursor)
	}
	if root == nil {
		return provider.RemotePost{}, false, nil
	}
	if segment == 0 {
		return p.remote(acct, root.TS, ""), true, nil
	}
	var h history
	if err := p.call(ctx, webCall{op: "find", method: "conversations.replies", token: tok,
		query: url.Values{"channel": {ch}, "ts": {root.TS}, "include_all_metadata": {"true"}, "limit": {"200"}}}, &h); err != nil {
		return provider.RemotePost{}, false, err
	}
	for _, m := range h.Messages {
		if m.isHerald(key, segment) {
			return p.remote(acct, m.TS, root.TS), true, nil
		}
	}
	return provider.RemotePost{}, false, nil
}

// Delete deletes a message and the images uploaded for it; what is already
// gone counts as deleted.
// https://api.slack.com/methods/chat.delete
// https://api.slack.com/methods/files.delete
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	tok := acct.Credentials["bot_token"]
	ch := post.Extra["channel_id"]
	if ch == "" {
		ch = acct.Settings["channel_id"]
	}
	err := p.call(ctx, webCall{op: "delete", method: "chat.delete", token: tok, json: map[string]any{"channel": ch, "ts": post.ID}}, nil)
	if err != nil && !gone(err, "message_not_found") {
		return err
	}
	for _, id := range strings.Split(post.Extra["file_ids"], ",") {
		if id == "" {
			continue
		}
		err := p.call(ctx, webCall{op: "delete", method: "files.delete", token: tok, json: map[string]any{"file": id}}, nil)
		if err != nil && !gone(err, "file_not_found", "file_deleted") {
			return err
		}
	}
	return nil
}

func gone(err error, codes ...string) bool {
	pe := provider.AsError(err)
	if pe == nil || pe.Trait != provider.Permanent {
		return false
	}
	for _, c := range codes {
		if pe.Message == c {
			return true
		}
	}
	return false
}

// Interactions reads replies in the threads of own posts since since
// (conversations.replies) and who reacted to each post (reactions.get).
// Slack does not say when a reaction was added: reactions carry the time
// they were read and a stable id for de-duplication.
// https://api.slack.com/methods/conversations.replies
// https://api.slack.com/methods/reactions.get
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	tok, ch := acct.Credentials["bot_token"], acct.Settings["channel_id"]
	oldest := strconv.FormatFloat(float64(since.UnixMicro())/1e6, 'f', 6, 64)
	var out []provider.Interaction
	for _, rp := range posts {
		if rp.Extra["thread_ts"] == "" { // replies to any segment live in the root's thread
			var h history
			if err := p.call(ctx, webCall{op: "interactions", method: "conversations.replies", token: tok,
				query: url.Values{"channel": {ch}, "ts": {rp.ID}, "oldest": {oldest}, "limit": {"200"}}}, &h); err != nil {
				return out, err
			}
			for _, m := range h.Messages {
				if m.TS == rp.ID || m.User == acct.Settings["bot_user_id"] || (m.BotID != "" && m.BotID == acct.Settings["bot_id"]) || !tsTime(m.TS).After(since) {
					continue
				}
				out = append(out, provider.Interaction{Kind: "reply", ID: m.TS, ParentID: rp.ID, RootID: rp.ID, AuthorID: m.User,
					Author: m.User, Text: html.UnescapeString(m.Text), CreatedAt: tsTime(m.TS), URL: p.remote(acct, m.TS, rp.ID).URL})
			}
		}
		m, err := p.reactions(ctx, tok, ch, rp.ID)
		if err != nil {
			return out, err
		}
		now := p.opt.Now().UTC()
		for _, r := range m.Reactions {
			for _, u := range r.Users {
				out = append(out, provider.Interaction{Kind: "reaction", ID: rp.ID + ":" + r.Name + ":" + u, ParentID: rp.ID,
					RootID: threadRoot(rp), AuthorID: u, Author: u, Reaction: r.Name, CreatedAt: now})
			}
		}
	}
	return out, nil
}

// reactions reads a message with its reactions.
// https://api.slack.com/methods/reactions.get
func (p *Provider) reactions(ctx context.Context, tok, ch, ts string) (slackMessage, error) {
	var r struct {
		Message slackMessage `json:"message"`
	}
	err := p.call(ctx, webCall{op: "interactions", method: "reactions.get", token: tok,
		query: url.Values{"channel": {ch}, "timestamp": {ts}, "full": {"true"}}}, &r)
	return r.Message, err
}

// PostMetrics counts reactions and thread replies of each post; deleted
// posts are left out. https://api.slack.com/methods/reactions.get
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	out := map[string]provider.PostMetrics{}
	for _, rp := range posts {
		m, err := p.reactions(ctx, acct.Credentials["bot_token"], acct.Settings["channel_id"], rp.ID)
		if gone(err, "message_not_found") {
			continue
		}
		if err != nil {
			return out, err
		}
		var likes int64
		for _, r := range m.Reactions {
			likes += r.Count
		}
		out[rp.ID] = provider.PostMetrics{Likes: likes, Replies: m.ReplyCount, At: p.opt.Now().UTC()}
	}
	return out, nil
}

// Reply answers in the thread of the message replied to.
// https://api.slack.com/methods/chat.postMessage
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	root := parent.RootID
	if root == "" {
		root = parent.ID
	}
	var r posted
	err := p.call(ctx, webCall{op: "reply", method: "chat.postMessage", token: acct.Credentials["bot_token"], write: true,
		json: map[string]any{"channel": acct.Settings["channel_id"], "text": Escape(text), "thread_ts": root}}, &r)
	if err != nil {
		return provider.RemotePost{}, err
	}
	return p.remote(acct, r.TS, root), nil
}

// React adds an emoji reaction by name ("+" and "like" mean thumbsup);
// reacting twice is not an error. https://api.slack.com/methods/reactions.add
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	name := strings.Trim(reaction, ":")
	switch name {
	case "", "+", "like":
		name = "thumbsup"
	}
	ts := target.ID
	if target.Kind == "reaction" {
		ts = target.ParentID
	}
	err := p.call(ctx, webCall{op: "react", method: "reactions.add", token: acct.Credentials["bot_token"],
		json: map[string]any{"channel": acct.Settings["channel_id"], "timestamp": ts, "name": name}}, nil)
	if gone(err, "already_reacted") {
		return nil
	}
	return err
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
