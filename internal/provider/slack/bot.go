package slack

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
)

// Provider is the Slack bot connector.
type Provider struct {
	opt Options
}

// New returns the Slack bot provider.
func New(o Options) *Provider { return &Provider{opt: o.withDefaults()} }

var (
	_ provider.Provider          = (*Provider)(nil)
	_ provider.Connector         = (*Provider)(nil)
	_ provider.Checker           = (*Provider)(nil)
	_ provider.Publisher         = (*Provider)(nil)
	_ provider.Finder            = (*Provider)(nil)
	_ provider.Deleter           = (*Provider)(nil)
	_ provider.InteractionReader = (*Provider)(nil)
	_ provider.Replier           = (*Provider)(nil)
	_ provider.Reactor           = (*Provider)(nil)
	_ provider.PostMetricsReader = (*Provider)(nil)
)

// Info describes the Slack bot connector.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network, Name: "Slack",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages, provider.CapDelete,
			provider.CapComments, provider.CapReply, provider.CapReact, provider.CapPostMetrics},
		Auth:        provider.AuthBotToken,
		Idempotency: provider.IdemReadBack,
		Fields: []provider.Field{
			{Name: "bot_token", Label: "Bot token", Secret: true, Required: true,
				Help: "xoxb-… from your Slack app; scopes chat:write, files:write, channels:history, groups:history, reactions:read, reactions:write"},
			{Name: "channel", Label: "Channel ID", Required: true,
				Help: "e.g. C0123456789 (channel details → bottom of the About tab); invite the bot with /invite"},
		},
		Limits:           DefaultLimits,
		DocsURL:          "https://api.slack.com/methods",
		PostMetricFields: []string{provider.MetricLikes, provider.MetricReplies},
	}
}

// authTest is the answer of auth.test (https://api.slack.com/methods/auth.test).
type authTest struct {
	URL    string `json:"url"`
	Team   string `json:"team"`
	User   string `json:"user"`
	TeamID string `json:"team_id"`
	UserID string `json:"user_id"`
	BotID  string `json:"bot_id"`
}

// channelInfo is the answer of conversations.info (https://api.slack.com/methods/conversations.info).
type channelInfo struct {
	Channel struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		IsMember   bool   `json:"is_member"`
		IsArchived bool   `json:"is_archived"`
	} `json:"channel"`
}

// inspect reads the token's identity and the channel, and checks the bot
// can post there.
// https://api.slack.com/methods/auth.test
// https://api.slack.com/methods/conversations.info
func (p *Provider) inspect(ctx context.Context, op, tok, channel string) (authTest, channelInfo, error) {
	var a authTest
	var ci channelInfo
	if err := p.call(ctx, webCall{op: op, method: "auth.test", token: tok, form: url.Values{}}, &a); err != nil {
		return a, ci, err
	}
	if err := p.call(ctx, webCall{op: op, method: "conversations.info", token: tok, query: url.Values{"channel": {channel}}}, &ci); err != nil {
		return a, ci, err
	}
	switch {
	case ci.Channel.IsArchived:
		return a, ci, provider.Errorf(provider.Permanent, Network, op, nil, "#%s is archived", ci.Channel.Name)
	case !ci.Channel.IsMember:
		return a, ci, provider.Errorf(provider.Permanent, Network, op, nil, "the bot is not in #%s: type /invite @%s there", ci.Channel.Name, a.User)
	}
	return a, ci, nil
}

// Connect checks the token (auth.test) and that the bot is in the channel.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	tok, ch := strings.TrimSpace(input["bot_token"]), strings.TrimPrefix(strings.TrimSpace(input["channel"]), "#")
	if tok == "" || ch == "" {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", nil, "a bot token and a channel ID are required")
	}
	a, ci, err := p.inspect(ctx, "connect", tok, ch)
	if err != nil {
		return provider.Account{}, err
	}
	return provider.Account{RemoteID: a.TeamID + "/" + ci.Channel.ID, Handle: "#" + ci.Channel.Name,
		Credentials: map[string]string{"bot_token": tok},
		Settings: map[string]string{"channel_id": ci.Channel.ID, "team_id": a.TeamID, "team": a.Team, "team_url": a.URL,
			"bot_user_id": a.UserID, "bot_id": a.BotID},
		Limits: DefaultLimits}, nil
}

// Check re-runs the connect checks.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	_, ci, err := p.inspect(ctx, "check", acct.Credentials["bot_token"], acct.Settings["channel_id"])
	if err != nil {
		msg := err.Error()
		if pe := provider.AsError(err); pe != nil {
			msg = pe.Message
		}
		return provider.Status{OK: false, Handle: acct.Handle, Message: msg}, err
	}
	return provider.Status{OK: true, Handle: "#" + ci.Channel.Name, Message: "the bot can post in #" + ci.Channel.Name}, nil
}

// metadataType tags Herald's messages (https://api.slack.com/metadata/using).
const metadataType = "herald_post"

// posted is the answer of chat.postMessage.
type posted struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

// Publish posts each segment with chat.postMessage; later segments go into
// the first one's thread (thread_ts). Images are uploaded first and shown
// as image blocks. Every message carries metadata with Herald's key and
// segment, which FindByKey reads back.
// https://api.slack.com/methods/chat.postMessage
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	tok, ch := acct.Credentials["bot_token"], acct.Settings["channel_id"]
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		seg := post.Segments[i]
		msg := map[string]any{"channel": ch, "text": Escape(seg.Text),
			"metadata": map[string]any{"event_type": metadataType, "event_payload": map[string]any{"key": post.Key, "segment": i}}}
		if v, err := strconv.ParseBool(post.Options["unfurl_links"]); err == nil {
			msg["unfurl_links"] = v
		}
		root := ""
		if len(out) > 0 {
			root = threadRoot(out[0])
			msg["thread_ts"] = root
		}
		var fileIDs []string
		if len(seg.Media) > 0 {
			blocks, ids, err := p.imageBlocks(ctx, tok, seg)
			if err != nil {
				return out, err
			}
			msg["blocks"], fileIDs = blocks, ids
		}
		var r posted
		if err := p.call(ctx, webCall{op: "publish", method: "chat.postMessage", token: tok, json: msg, write: true}, &r); err != nil {
			return out, err
		}
		rp := p.remote(acct, r.TS, root)
		if len(fileIDs) > 0 {
			rp.Extra["file_ids"] = strings.Join(fileIDs, ",")
		}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func threadRoot(rp provider.RemotePost) string {
	if t := rp.Extra["thread_ts"]; t != "" {
		return t
	}
	return rp.ID
}

func (p *Provider) remote(acct provider.Account, ts, root string) provider.RemotePost {
	rp := provider.RemotePost{ID: ts, PublishedAt: tsTime(ts), Extra: map[string]string{"channel_id": acct.Settings["channel_id"]}}
	if root != "" {
		rp.Extra["thread_ts"] = root
	}
	if base := acct.Settings["team_url"]; base != "" {
		rp.URL = strings.TrimRight(base, "/") + "/archives/" + acct.Settings["channel_id"] + "/p" + strings.ReplaceAll(ts, ".", "")
		if root != "" {
			rp.URL += "?thread_ts=" + root
		}
	}
	return rp
}

// tsTime turns a message ts ("1503435956.000247") into its instant.
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}

// imageBlocks uploads a segment's images and returns the blocks showing
// them: the text as a section, then one image block per file.
func (p *Provider) imageBlocks(ctx context.Context, tok string, seg provider.Segment) ([]any, []string, error) {
	var blocks []any
	if seg.Text != "" {
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": Escape(seg.Text)}})
	}
	var ids []string
	for i, m := range seg.Media {
		if !strings.HasPrefix(m.ContentType, "image/") {
			return nil, nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "Slack posts images only, not %s", m.ContentType)
		}
		id, err := p.upload(ctx, tok, m, i)
		if err != nil {
			return nil, nil, err
		}
		alt := m.Alt
		if alt == "" {
			alt = "image"
		}
		ids = append(ids, id)
		blocks = append(blocks, map[string]any{"type": "image", "slack_file": map[string]any{"id": id}, "alt_text": alt})
	}
	return blocks, ids, nil
}

// upload stores one file with Slack's external upload flow, without sharing
// it: the message's image block shows it. A failed upload leaves at most an
// unshared file, so its errors are not Unknown.
// https://api.slack.com/methods/files.getUploadURLExternal
// https://api.slack.com/methods/files.completeUploadExternal
func (p *Provider) upload(ctx context.Context, tok string, m provider.Media, i int) (string, error) {
	name := fmt.Sprintf("image%d.%s", i, strings.TrimPrefix(m.ContentType, "image/"))
	form := url.Values{"filename": {name}, "length": {strconv.Itoa(len(m.Data))}}
	if m.Alt != "" {
		form.Set("alt_txt", m.Alt)
	}
	var up struct {
		UploadURL string `json:"upload_url"`
		FileID    string `json:"file_id"`
	}
	if err := p.call(ctx, webCall{op: "upload media", method: "files.getUploadURLExternal", token: tok, form: form}, &up); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", up.UploadURL, bytes.NewReader(m.Data))
	if err != nil {
		return "", provider.Errorf(provider.Permanent, Network, "upload media", err, "Slack returned a bad upload URL")
	}
	req.Header.Set("Content-Type", m.ContentType)
	body, resp, err := send(p.opt.Client, req, false)
	if err != nil {
		return "", withOp(err, Network, "upload media")
	}
	if resp.StatusCode != 200 {
		t := provider.Permanent
		if resp.StatusCode >= 500 || resp.StatusCode == 429 {
			t = provider.Transient
		}
		return "", &provider.Error{Trait: t, Network: Network, Op: "upload media", Status: resp.StatusCode, Message: strings.TrimSpace(string(body))}
	}
	files, _ := jsonString([]map[string]string{{"id": up.FileID, "title": name}})
	if err := p.call(ctx, webCall{op: "upload media", method: "files.completeUploadExternal", token: tok,
		form: url.Values{"files": {files}}}, nil); err != nil {
		return "", err
	}
	return up.FileID, nil
}
