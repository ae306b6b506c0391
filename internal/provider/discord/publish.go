package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
)

// webhook is the Webhook object (https://discord.com/developers/docs/resources/webhook#webhook-object).
type webhook struct {
	ID        string `json:"id"`
	Type      int    `json:"type"`
	Name      string `json:"name"`
	ChannelID string `json:"channel_id"`
	GuildID   string `json:"guild_id"`
}

// message is the part of the Message object Herald reads
// (https://discord.com/developers/docs/resources/message#message-object).
type message struct {
	ID        string `json:"id"`
	ChannelID string `json:"channel_id"`
	Content   string `json:"content"`
	Timestamp string `json:"timestamp"`
	Author    struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Bot      bool   `json:"bot"`
	} `json:"author"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
	Reactions []struct {
		Count int64 `json:"count"`
		Emoji struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"emoji"`
	} `json:"reactions"`
	WebhookID string `json:"webhook_id"`
}

func webhookPath(acct provider.Account) string {
	return "/webhooks/" + url.PathEscape(acct.Settings["webhook_id"]) + "/" + url.PathEscape(acct.Credentials["webhook_token"])
}

// Connect checks the webhook (GET /webhooks/{id}/{token}) and, when given,
// the bot token and the bot's access to the webhook's channel.
// https://discord.com/developers/docs/resources/webhook#get-webhook-with-token
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	id, tok, err := ParseWebhookURL(input["webhook_url"])
	if err != nil {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", err, "%v", err)
	}
	acct := provider.Account{Credentials: map[string]string{"webhook_token": tok},
		Settings: map[string]string{"webhook_id": id}, Limits: DefaultLimits}
	if bot := strings.TrimSpace(input["bot_token"]); bot != "" {
		acct.Credentials["bot_token"] = bot
	}
	wh, err := p.inspect(ctx, "connect", acct)
	if err != nil {
		return provider.Account{}, err
	}
	acct.RemoteID, acct.Handle = wh.ChannelID, wh.Name
	acct.Settings["channel_id"], acct.Settings["guild_id"], acct.Settings["name"] = wh.ChannelID, wh.GuildID, wh.Name
	return acct, nil
}

// inspect reads the webhook and checks the bot can see its channel.
// https://discord.com/developers/docs/resources/channel#get-channel
func (p *Provider) inspect(ctx context.Context, op string, acct provider.Account) (webhook, error) {
	var wh webhook
	if _, err := p.do(ctx, request{op: op, method: "GET", path: webhookPath(acct), secret: acct.Credentials["webhook_token"]}, &wh); err != nil {
		return wh, err
	}
	if bot := acct.Credentials["bot_token"]; bot != "" {
		if _, err := p.do(ctx, request{op: op, method: "GET", path: "/channels/" + url.PathEscape(wh.ChannelID), bot: bot}, nil); err != nil {
			return wh, err
		}
	}
	return wh, nil
}

// Check verifies the webhook (and bot) still work.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	wh, err := p.inspect(ctx, "check", acct)
	if err != nil {
		msg := err.Error()
		if pe := provider.AsError(err); pe != nil {
			msg = pe.Message
		}
		return provider.Status{OK: false, Handle: acct.Handle, Message: msg}, err
	}
	msg := "the webhook " + wh.Name + " works"
	if acct.Credentials["bot_token"] == "" {
		msg += "; add a bot token to read replies and reactions"
	}
	return provider.Status{OK: true, Handle: wh.Name, Message: msg}, nil
}

// Publish executes the webhook once per segment, waiting for the created
// message (wait=true) so its id can be kept. Option thread_id posts into a
// thread or forum post; mentions are never parsed unless allow_mentions is
// true, so a post cannot ping @everyone by accident.
// https://discord.com/developers/docs/resources/webhook#execute-webhook
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	q := url.Values{"wait": {"true"}}
	if t := strings.TrimSpace(post.Options["thread_id"]); t != "" {
		q.Set("thread_id", t)
	}
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		body, ctype := payload(post.Segments[i], post.Options)
		var m message
		_, err := p.do(ctx, request{op: "publish", method: "POST", path: webhookPath(acct) + "?" + q.Encode(),
			body: body, ctype: ctype, write: true, secret: acct.Credentials["webhook_token"]}, &m)
		if err == nil && m.ID == "" {
			err = provider.Errorf(provider.Unknown, Network, "publish", nil, "Discord answered without a message id")
		}
		if err != nil {
			return out, err
		}
		rp := p.remote(acct, m)
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// payload builds the JSON body, or multipart with payload_json and files[n]
// when the segment has media (https://discord.com/developers/docs/reference#uploading-files).
func payload(seg provider.Segment, opts map[string]string) (*bytes.Buffer, string) {
	js := map[string]any{"content": seg.Text, "allowed_mentions": map[string]any{"parse": []string{}}}
	if v, _ := strconv.ParseBool(opts["allow_mentions"]); v {
		js["allowed_mentions"] = map[string]any{"parse": []string{"users", "roles", "everyone"}}
	}
	for _, k := range []string{"username", "avatar_url"} {
		if v := strings.TrimSpace(opts[k]); v != "" {
			js[k] = v
		}
	}
	if len(seg.Media) == 0 {
		b, _ := json.Marshal(js)
		return bytes.NewBuffer(b), "application/json"
	}
	atts := make([]map[string]any, len(seg.Media))
	for i, m := range seg.Media {
		atts[i] = map[string]any{"id": i, "filename": fileName(m, i)}
		if m.Alt != "" {
			atts[i]["description"] = m.Alt
		}
	}
	js["attachments"] = atts
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	b, _ := json.Marshal(js)
	mw.WriteField("payload_json", string(b))
	for i, m := range seg.Media {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files[%d]"; filename="%s"`, i, fileName(m, i)))
		h.Set("Content-Type", m.ContentType)
		w, _ := mw.CreatePart(h)
		w.Write(m.Data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func fileName(m provider.Media, i int) string {
	ext := "bin"
	if _, sub, ok := strings.Cut(m.ContentType, "/"); ok {
		ext = sub
	}
	return fmt.Sprintf("media%d.%s", i, ext)
}

func (p *Provider) remote(acct provider.Account, m message) provider.RemotePost {
	ch := m.ChannelID
	if ch == "" {
		ch = acct.Settings["channel_id"]
	}
	ts, _ := time.Parse(time.RFC3339Nano, m.Timestamp)
	rp := provider.RemotePost{ID: m.ID, PublishedAt: ts.UTC(), Extra: map[string]string{"channel_id": ch}}
	if g := acct.Settings["guild_id"]; g != "" {
		rp.URL = "https://discord.com/channels/" + g + "/" + ch + "/" + m.ID
	}
	return rp
}

// Delete deletes a message the webhook sent; one already gone counts as
// deleted. https://discord.com/developers/docs/resources/webhook#delete-webhook-message
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	path := webhookPath(acct) + "/messages/" + url.PathEscape(post.ID)
	if ch := post.Extra["channel_id"]; ch != "" && ch != acct.Settings["channel_id"] {
		path += "?thread_id=" + url.QueryEscape(ch) // the message lives in a thread
	}
	_, err := p.do(ctx, request{op: "delete", method: "DELETE", path: path, secret: acct.Credentials["webhook_token"],
		gone: codeUnknownMessage}, nil)
	return err
}
