package mastodon

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/provider"
)

// status is the part of the Status entity Herald reads
// (https://docs.joinmastodon.org/entities/Status/).
type status struct {
	ID              string  `json:"id"`
	URI             string  `json:"uri"`
	URL             string  `json:"url"`
	CreatedAt       string  `json:"created_at"`
	Content         string  `json:"content"`
	Visibility      string  `json:"visibility"`
	InReplyToID     string  `json:"in_reply_to_id"`
	InReplyToAcct   string  `json:"in_reply_to_account_id"`
	RepliesCount    int64   `json:"replies_count"`
	ReblogsCount    int64   `json:"reblogs_count"`
	FavouritesCount int64   `json:"favourites_count"`
	QuotesCount     int64   `json:"quotes_count"`
	Account         account `json:"account"`
	EditedAt        string  `json:"edited_at"` // null until edited
}

func (s status) remote() provider.RemotePost {
	return provider.RemotePost{ID: s.ID, URL: s.URL, PublishedAt: parseTime(s.CreatedAt),
		Extra: map[string]string{"uri": s.URI}}
}

// IdempotencyKey is the Idempotency-Key sent for segment i of the target
// key: stable across attempts, so a retry returns the first status instead
// of posting a second one.
func IdempotencyKey(key string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("herald|%s|%d", key, i)))
	return "herald-" + hex.EncodeToString(sum[:16])
}

// Publish posts each segment as a status, threading them with
// in_reply_to_id, and resumes after post.Done.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", err, "%v", err)
	}
	if post.Key == "" {
		return nil, provider.Errorf(provider.Permanent, Network, "publish", nil, "a post key is required for idempotency")
	}
	out := append([]provider.RemotePost(nil), post.Done...)
	for i := len(post.Done); i < len(post.Segments); i++ {
		seg := post.Segments[i]
		form := statusForm(seg.Text, post.Options, i == 0)
		if len(out) > 0 {
			form.Set("in_reply_to_id", out[len(out)-1].ID)
		}
		for _, m := range seg.Media {
			id, err := p.uploadMedia(ctx, base, token(acct), m)
			if err != nil {
				return out, err
			}
			form.Add("media_ids[]", id)
		}
		s, err := p.postStatus(ctx, "publish", base, token(acct), form, IdempotencyKey(post.Key, i))
		if err != nil {
			return out, err
		}
		rp := s.remote()
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// statusForm maps Herald's options to POST /api/v1/statuses parameters.
// Options: visibility, spoiler_text, sensitive, language; and for the first
// segment a poll: poll_options (one per line), poll_expires_in (seconds,
// default one day), poll_multiple, poll_hide_totals.
func statusForm(text string, opts map[string]string, first bool) url.Values {
	f := url.Values{"status": {text}}
	for _, k := range []string{"visibility", "spoiler_text", "language"} {
		if v := strings.TrimSpace(opts[k]); v != "" {
			f.Set(k, v)
		}
	}
	if truthy(opts["sensitive"]) {
		f.Set("sensitive", "true")
	}
	if !first {
		return f
	}
	var options []string
	for _, o := range strings.Split(opts["poll_options"], "\n") {
		if o = strings.TrimSpace(o); o != "" {
			options = append(options, o)
		}
	}
	if len(options) == 0 {
		return f
	}
	f["poll[options][]"] = options
	exp := strings.TrimSpace(opts["poll_expires_in"])
	if exp == "" {
		exp = "86400"
	}
	f.Set("poll[expires_in]", exp)
	if truthy(opts["poll_multiple"]) {
		f.Set("poll[multiple]", "true")
	}
	if truthy(opts["poll_hide_totals"]) {
		f.Set("poll[hide_totals]", "true")
	}
	return f
}

func truthy(s string) bool {
	b, _ := strconv.ParseBool(strings.TrimSpace(s))
	return b
}

// postStatus creates a status with an Idempotency-Key.
// https://docs.joinmastodon.org/methods/statuses/#create
func (p *Provider) postStatus(ctx context.Context, op, base, tok string, form url.Values, idemKey string) (status, error) {
	var s status
	_, err := p.do(ctx, request{op: op, method: "POST", url: base + "/api/v1/statuses", token: tok,
		body: strings.NewReader(form.Encode()), ctype: "application/x-www-form-urlencoded",
		header: map[string]string{"Idempotency-Key": idemKey}, write: true}, &s)
	if err == nil && s.ID == "" {
		err = provider.Errorf(provider.Unknown, Network, op, nil, "the server answered without a status id")
	}
	return s, err
}

// attachment is the part of the MediaAttachment entity Herald reads
// (https://docs.joinmastodon.org/entities/MediaAttachment/).
type attachment struct {
	ID  string  `json:"id"`
	URL *string `json:"url"`
}

// uploadMedia uploads one file with its alt text and focal point and waits
// until the server has processed it. A failed upload leaves at most an
// unattached attachment, which Mastodon deletes by itself, so its errors
// are Transient rather than Unknown.
// https://docs.joinmastodon.org/methods/media/#v2
func (p *Provider) uploadMedia(ctx context.Context, base, tok string, m provider.Media) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, fileName(m)))
	h.Set("Content-Type", m.ContentType)
	fw, _ := mw.CreatePart(h)
	fw.Write(m.Data)
	if m.Alt != "" {
		mw.WriteField("description", m.Alt)
	}
	if m.FocusX != 0 || m.FocusY != 0 {
		mw.WriteField("focus", strconv.FormatFloat(m.FocusX, 'f', 2, 64)+","+strconv.FormatFloat(m.FocusY, 'f', 2, 64))
	}
	mw.Close()
	var a attachment
	code, err := p.do(ctx, request{op: "upload media", method: "POST", url: base + "/api/v2/media", token: tok,
		body: &buf, ctype: mw.FormDataContentType()}, &a)
	if err != nil {
		return "", err
	}
	if code == 200 && a.URL != nil {
		return a.ID, nil
	}
	return a.ID, p.waitMedia(ctx, base, tok, a.ID)
}

// waitMedia polls GET /api/v1/media/:id (206 while processing, 200 with a
// url when done) within the MediaTimeout budget, backing off to 5 s.
// https://docs.joinmastodon.org/methods/media/#get
func (p *Provider) waitMedia(ctx context.Context, base, tok, id string) error {
	deadline := time.Now().Add(p.opt.MediaTimeout)
	wait := p.opt.MediaPoll
	for {
		var a attachment
		code, err := p.do(ctx, request{op: "upload media", method: "GET", url: base + "/api/v1/media/" + url.PathEscape(id), token: tok}, &a)
		if err != nil {
			return err
		}
		if code == 200 && a.URL != nil {
			return nil
		}
		if time.Now().Add(wait).After(deadline) {
			return provider.Errorf(provider.Transient, Network, "upload media", nil,
				"the server is still processing the media after %s", p.opt.MediaTimeout)
		}
		select {
		case <-ctx.Done():
			return provider.Errorf(provider.Transient, Network, "upload media", ctx.Err(), "gave up waiting for media processing")
		case <-time.After(wait):
		}
		if wait = wait * 2; wait > 5*time.Second {
			wait = 5 * time.Second
		}
	}
}

func fileName(m provider.Media) string {
	ext := "bin"
	if _, sub, ok := strings.Cut(m.ContentType, "/"); ok && sub != "" {
		ext = strings.TrimPrefix(sub, "x-")
	}
	name := m.ID
	if name == "" {
		name = "media"
	}
	return strings.NewReplacer(`"`, "", "\r", "", "\n", "").Replace(name) + "." + ext
}

// Delete deletes one status. A status that is already gone counts as
// deleted: the user's intent is met.
// https://docs.joinmastodon.org/methods/statuses/#delete
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	base, err := instanceOf(acct)
	if err != nil {
		return provider.Errorf(provider.Permanent, Network, "delete", err, "%v", err)
	}
	code, err := p.do(ctx, request{op: "delete", method: "DELETE", url: base + "/api/v1/statuses/" + url.PathEscape(post.ID), token: token(acct)}, nil)
	if code == 404 {
		return nil
	}
	return err
}
