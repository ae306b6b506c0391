package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
	"herald/internal/provider/count"
)

// message is the part of Message Herald reads (https://core.telegram.org/bots/api#message).
type message struct {
	MessageID int64 `json:"message_id"`
	Date      int64 `json:"date"`
}

// EscapeHTML escapes text for parse_mode HTML: every <, > and & that is not
// part of a tag or entity must be an entity
// (https://core.telegram.org/bots/api#html-style).
func EscapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Publish sends each segment as a message (text, a photo or video with a
// caption, or an album) and threads later segments as replies to the
// previous one. A caption longer than Telegram allows goes out as a text
// message followed by the media.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	tok, chatID := acct.Credentials["bot_token"], acct.Settings["chat_id"]
	if tok == "" || chatID == "" {
		return nil, provider.Errorf(provider.AuthExpired, Network, "publish", nil, "the channel is not connected")
	}
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		var replyTo int64
		if len(out) > 0 {
			replyTo, _ = strconv.ParseInt(out[len(out)-1].ID, 10, 64)
		}
		ids, err := p.sendSegment(ctx, tok, chatID, post.Segments[i], post.Options, replyTo)
		if err != nil {
			return out, err
		}
		rp := p.remote(acct, ids)
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func (p *Provider) sendSegment(ctx context.Context, tok, chatID string, seg provider.Segment, opts map[string]string, replyTo int64) ([]message, error) {
	if len(seg.Media) == 0 {
		m, err := p.sendText(ctx, tok, chatID, seg.Text, opts, replyTo)
		return []message{m}, err
	}
	caption := seg.Text
	var first []message
	if count.Count(caption, count.Rule{Method: count.UTF16Units, Max: CaptionMax}).Over {
		m, err := p.sendText(ctx, tok, chatID, seg.Text, opts, replyTo)
		if err != nil {
			return nil, err
		}
		first, caption, replyTo = []message{m}, "", 0
	}
	ms, err := p.sendMedia(ctx, tok, chatID, seg.Media, caption, replyTo)
	if err != nil && len(first) > 0 {
		// Half a segment is out and Telegram cannot tell us about the rest
		// without risking a duplicate: a person has to look.
		pe := provider.AsError(err)
		msg := err.Error()
		if pe != nil {
			msg = pe.Message
		}
		return nil, provider.Errorf(provider.Unknown, Network, "publish", err,
			"the text went out as message %d but its media failed (%s); check the chat before retrying", first[0].MessageID, msg)
	}
	return append(first, ms...), err
}

// sendText sends a text message. https://core.telegram.org/bots/api#sendmessage
func (p *Provider) sendText(ctx context.Context, tok, chatID, text string, opts map[string]string, replyTo int64) (message, error) {
	body := map[string]any{"chat_id": chatID, "text": EscapeHTML(text), "parse_mode": "HTML"}
	if replyTo != 0 {
		body["reply_parameters"] = map[string]any{"message_id": replyTo}
	}
	if v, err := strconv.ParseBool(opts["link_preview"]); err == nil && !v {
		body["link_preview_options"] = map[string]any{"is_disabled": true}
	}
	if v, _ := strconv.ParseBool(opts["silent"]); v {
		body["disable_notification"] = true
	}
	var m message
	err := p.call(ctx, "publish", tok, "sendMessage", body, "", true, &m)
	return m, err
}

// sendMedia sends one photo, animation or video with sendPhoto/sendAnimation/
// sendVideo, or an album of 2–10 with sendMediaGroup; files are uploaded in
// the same multipart request (https://core.telegram.org/bots/api#sending-files).
// https://core.telegram.org/bots/api#sendphoto
// https://core.telegram.org/bots/api#sendmediagroup
func (p *Provider) sendMedia(ctx context.Context, tok, chatID string, media []provider.Media, caption string, replyTo int64) ([]message, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("chat_id", chatID)
	if replyTo != 0 {
		js, _ := json.Marshal(map[string]any{"message_id": replyTo})
		mw.WriteField("reply_parameters", string(js))
	}
	if len(media) == 1 {
		method, field := mediaMethod(media[0])
		if caption != "" {
			mw.WriteField("caption", EscapeHTML(caption))
			mw.WriteField("parse_mode", "HTML")
		}
		writeFile(mw, field, media[0], 0)
		mw.Close()
		var m message
		err := p.call(ctx, "publish", tok, method, &buf, mw.FormDataContentType(), true, &m)
		return []message{m}, err
	}
	items := make([]map[string]any, len(media))
	for i, m := range media {
		kind := "photo"
		if strings.HasPrefix(m.ContentType, "video/") {
			kind = "video"
		} else if m.ContentType == "image/gif" {
			return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "Telegram albums cannot contain GIFs; post the GIF on its own")
		}
		items[i] = map[string]any{"type": kind, "media": fmt.Sprintf("attach://file%d", i)}
		if i == 0 && caption != "" {
			items[i]["caption"], items[i]["parse_mode"] = EscapeHTML(caption), "HTML"
		}
	}
	js, _ := json.Marshal(items)
	mw.WriteField("media", string(js))
	for i, m := range media {
		writeFile(mw, fmt.Sprintf("file%d", i), m, i)
	}
	mw.Close()
	var ms []message
	err := p.call(ctx, "publish", tok, "sendMediaGroup", &buf, mw.FormDataContentType(), true, &ms)
	return ms, err
}

func mediaMethod(m provider.Media) (method, field string) {
	switch {
	case strings.HasPrefix(m.ContentType, "video/"):
		return "sendVideo", "video"
	case m.ContentType == "image/gif":
		return "sendAnimation", "animation"
	}
	return "sendPhoto", "photo"
}

func writeFile(mw *multipart.Writer, field string, m provider.Media, i int) {
	ext := "bin"
	if _, sub, ok := strings.Cut(m.ContentType, "/"); ok {
		ext = sub
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="media%d.%s"`, field, i, ext))
	h.Set("Content-Type", m.ContentType)
	w, _ := mw.CreatePart(h)
	w.Write(m.Data)
}

// remote describes a sent segment: its first message (the one carrying the
// text or caption) is the post; all message ids are kept for deletion.
func (p *Provider) remote(acct provider.Account, ms []message) provider.RemotePost {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = itoa(m.MessageID)
	}
	rp := provider.RemotePost{ID: ids[0], PublishedAt: time.Unix(ms[0].Date, 0).UTC(),
		Extra: map[string]string{"chat_id": acct.Settings["chat_id"], "message_ids": strings.Join(ids, ",")}}
	rp.URL = messageURL(acct.Settings["chat_username"], acct.Settings["chat_id"], ids[0])
	return rp
}

// messageURL links a message: t.me/<username>/<id> for public chats,
// t.me/c/<id without -100>/<id> for private supergroups and channels.
func messageURL(username, chatID, msgID string) string {
	if username != "" {
		return "https://t.me/" + username + "/" + msgID
	}
	if rest, ok := strings.CutPrefix(chatID, "-100"); ok {
		return "https://t.me/c/" + rest + "/" + msgID
	}
	return ""
}

// Delete deletes every message of a segment; messages already gone are
// skipped by Telegram. https://core.telegram.org/bots/api#deletemessages
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	var ids []int64
	list := post.Extra["message_ids"]
	if list == "" {
		list = post.ID
	}
	for _, s := range strings.Split(list, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return provider.Errorf(provider.Permanent, Network, "delete", err, "bad message id %q", s)
		}
		ids = append(ids, id)
	}
	chatID := post.Extra["chat_id"]
	if chatID == "" {
		chatID = acct.Settings["chat_id"]
	}
	return p.call(ctx, "delete", acct.Credentials["bot_token"], "deleteMessages",
		map[string]any{"chat_id": chatID, "message_ids": ids}, "", false, nil)
}
