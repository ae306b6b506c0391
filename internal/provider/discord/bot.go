package discord

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"herald/internal/provider"
)

// discordEpoch is the first second of 2015, the origin of snowflake ids
// (https://discord.com/developers/docs/reference#snowflakes).
const discordEpoch = 1420070400000

// snowflakeAt returns the smallest snowflake created at t, for "after" paging.
func snowflakeAt(t time.Time) string {
	ms := t.UnixMilli() - discordEpoch
	if ms < 0 {
		ms = 0
	}
	return strconv.FormatUint(uint64(ms)<<22, 10)
}

// maxReactionPosts bounds how many own posts one Interactions call reads
// reactions for: each costs at least one request per emoji.
const maxReactionPosts = 20

func (p *Provider) botOnly(op string, acct provider.Account) (string, error) {
	bot := acct.Credentials["bot_token"]
	if bot == "" {
		return "", provider.Errorf(provider.Permanent, Network, op, nil, "this needs a bot token: reconnect the channel with one")
	}
	return bot, nil
}

// Interactions reads replies to own posts in the channel since since
// (GET /channels/{id}/messages, message_reference) and who reacted to the
// given posts (GET .../reactions/{emoji}). Discord does not record when a
// reaction was added, so reactions carry the time they were read and a
// stable id for de-duplication.
// https://discord.com/developers/docs/resources/message#get-channel-messages
func (p *Provider) Interactions(ctx context.Context, acct provider.Account, since time.Time, posts []provider.RemotePost) ([]provider.Interaction, error) {
	bot, err := p.botOnly("interactions", acct)
	if err != nil {
		return nil, err
	}
	ch := acct.Settings["channel_id"]
	own := map[string]bool{}
	for _, rp := range posts {
		own[rp.ID] = true
	}
	var out []provider.Interaction
	after := snowflakeAt(since)
	for page := 0; page < 10; page++ {
		var ms []message
		q := url.Values{"after": {after}, "limit": {"100"}}
		if _, err := p.do(ctx, request{op: "interactions", method: "GET", bot: bot,
			path: "/channels/" + url.PathEscape(ch) + "/messages?" + q.Encode()}, &ms); err != nil {
			return out, err
		}
		for _, m := range ms {
			if later(m.ID, after) {
				after = m.ID
			}
			if m.MessageReference == nil || !own[m.MessageReference.MessageID] || m.WebhookID != "" {
				continue
			}
			ts, _ := time.Parse(time.RFC3339Nano, m.Timestamp)
			out = append(out, provider.Interaction{Kind: "reply", ID: m.ID, ParentID: m.MessageReference.MessageID,
				RootID: m.MessageReference.MessageID, AuthorID: m.Author.ID, Author: m.Author.Username, Text: m.Content,
				CreatedAt: ts.UTC(), URL: messageURL(acct, ch, m.ID)})
		}
		if len(ms) < 100 {
			break
		}
	}
	for i, rp := range posts {
		if i >= maxReactionPosts {
			break
		}
		rs, err := p.reactions(ctx, bot, ch, rp.ID)
		if err != nil {
			return out, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// later compares snowflakes numerically.
func later(a, b string) bool {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return x > y
}

func messageURL(acct provider.Account, ch, id string) string {
	if g := acct.Settings["guild_id"]; g != "" {
		return "https://discord.com/channels/" + g + "/" + ch + "/" + id
	}
	return ""
}

// getMessage reads one message. https://discord.com/developers/docs/resources/message#get-channel-message
func (p *Provider) getMessage(ctx context.Context, op, bot, ch, id string) (message, int, error) {
	var m message
	code, err := p.do(ctx, request{op: op, method: "GET", bot: bot, path: "/channels/" + url.PathEscape(ch) + "/messages/" + url.PathEscape(id)}, &m)
	return m, code, err
}

// reactions lists who reacted to a message with each emoji.
// https://discord.com/developers/docs/resources/message#get-reactions
func (p *Provider) reactions(ctx context.Context, bot, ch, id string) ([]provider.Interaction, error) {
	m, code, err := p.getMessage(ctx, "interactions", bot, ch, id)
	if code == 404 {
		return nil, nil // deleted post: nothing to read
	}
	if err != nil {
		return nil, err
	}
	now := p.opt.Now().UTC()
	var out []provider.Interaction
	for _, r := range m.Reactions {
		emoji := r.Emoji.Name
		if r.Emoji.ID != "" {
			emoji = r.Emoji.Name + ":" + r.Emoji.ID // custom emoji
		}
		var users []struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		}
		path := "/channels/" + url.PathEscape(ch) + "/messages/" + url.PathEscape(id) + "/reactions/" + url.PathEscape(emoji) + "?limit=100"
		if _, err := p.do(ctx, request{op: "interactions", method: "GET", bot: bot, path: path}, &users); err != nil {
			return out, err
		}
		for _, u := range users {
			out = append(out, provider.Interaction{Kind: "reaction", ID: id + ":" + emoji + ":" + u.ID, ParentID: id, RootID: id,
				AuthorID: u.ID, Author: u.Username, Reaction: r.Emoji.Name, CreatedAt: now})
		}
	}
	return out, nil
}

// PostMetrics counts reactions on each post (Discord has no view or reply
// counters). Deleted posts are left out.
func (p *Provider) PostMetrics(ctx context.Context, acct provider.Account, posts []provider.RemotePost) (map[string]provider.PostMetrics, error) {
	bot, err := p.botOnly("post metrics", acct)
	if err != nil {
		return nil, err
	}
	out := map[string]provider.PostMetrics{}
	for _, rp := range posts {
		ch := rp.Extra["channel_id"]
		if ch == "" {
			ch = acct.Settings["channel_id"]
		}
		m, code, err := p.getMessage(ctx, "post metrics", bot, ch, rp.ID)
		if code == 404 {
			continue
		}
		if err != nil {
			return out, err
		}
		var n int64
		for _, r := range m.Reactions {
			n += r.Count
		}
		out[rp.ID] = provider.PostMetrics{Likes: n, At: p.opt.Now().UTC()}
	}
	return out, nil
}

// Reply answers a message as the bot, as a Discord reply. The nonce with
// enforce_nonce makes Discord drop a duplicate sent within minutes.
// https://discord.com/developers/docs/resources/message#create-message
func (p *Provider) Reply(ctx context.Context, acct provider.Account, parent provider.Interaction, text string) (provider.RemotePost, error) {
	bot, err := p.botOnly("reply", acct)
	if err != nil {
		return provider.RemotePost{}, err
	}
	sum := sha256.Sum256([]byte(parent.ID + "|" + text))
	body, _ := json.Marshal(map[string]any{"content": text, "nonce": hex.EncodeToString(sum[:])[:25], "enforce_nonce": true,
		"message_reference": map[string]any{"message_id": parent.ID, "fail_if_not_exists": false},
		"allowed_mentions":  map[string]any{"parse": []string{}, "replied_user": true}})
	ch := acct.Settings["channel_id"]
	var m message
	_, err = p.do(ctx, request{op: "reply", method: "POST", bot: bot, path: "/channels/" + url.PathEscape(ch) + "/messages",
		body: bytes.NewReader(body), ctype: "application/json", write: true}, &m)
	if err != nil {
		return provider.RemotePost{}, err
	}
	return p.remote(acct, m), nil
}

// React adds the bot's reaction ("+" and "like" mean 👍).
// https://discord.com/developers/docs/resources/message#create-reaction
func (p *Provider) React(ctx context.Context, acct provider.Account, target provider.Interaction, reaction string) error {
	bot, err := p.botOnly("react", acct)
	if err != nil {
		return err
	}
	switch reaction {
	case "", "+", "like":
		reaction = "👍"
	}
	id := target.ID
	if target.Kind == "reaction" {
		id = target.ParentID
	}
	path := "/channels/" + url.PathEscape(acct.Settings["channel_id"]) + "/messages/" + url.PathEscape(id) + "/reactions/" + url.PathEscape(reaction) + "/@me"
	_, err = p.do(ctx, request{op: "react", method: "PUT", bot: bot, path: path}, nil)
	return err
}
