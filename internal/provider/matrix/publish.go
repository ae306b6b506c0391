package matrix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"herald/internal/provider"
)

// Keys Herald stores in the content of the events it sends, so the room's
// history tells which target and segment an event belongs to.
const (
	keyField     = "org.herald.key"
	segmentField = "org.herald.segment"
	partField    = "org.herald.part"
)

// Publish posts each segment as events in the room: the text first, then
// one event per attachment. Segments after the first are sent as m.thread
// relations of the first event, with is_falling_back and m.in_reply_to on
// the previous event, which is how the spec asks threads to be sent: Element,
// FluffyChat and other thread-aware clients fold them under the announcement
// (the room stays readable), and clients without threads show replies.
func (p *Provider) Publish(ctx context.Context, acct provider.Account, post provider.Post) ([]provider.RemotePost, error) {
	c, room, err := p.accountClient(acct, "publish")
	if err != nil {
		return post.Done, err
	}
	out := append([]provider.RemotePost(nil), post.Done...)
	var root, prev string
	if n := len(out); n > 0 {
		root, prev = out[0].ID, lastEvent(out[n-1])
	}
	for i := len(post.Done); i < len(post.Segments); i++ {
		events, err := p.sendSegment(ctx, c, room, post, i, root, prev)
		if err != nil {
			return out, err
		}
		if i == 0 {
			root = events[0]
		}
		prev = events[len(events)-1]
		rp := provider.RemotePost{ID: events[0], URL: matrixTo(room, events[0]), PublishedAt: p.opts.Now().UTC(),
			Extra: map[string]string{"room_id": room, "event_ids": strings.Join(events, " "), "thread_root": root}}
		out = append(out, rp)
		if post.Progress != nil {
			if err := post.Progress(i, rp); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// lastEvent is the last event of a published segment (its last attachment).
func lastEvent(rp provider.RemotePost) string {
	if ids := strings.Fields(rp.Extra["event_ids"]); len(ids) > 0 {
		return ids[len(ids)-1]
	}
	return rp.ID
}

// sendSegment uploads the segment's media, then sends its events. Uploads
// come first so that a refused image does not leave the text posted alone.
func (p *Provider) sendSegment(ctx context.Context, c *client, room string, post provider.Post, i int, root, prev string) ([]string, error) {
	seg := post.Segments[i]
	uris := make([]string, len(seg.Media))
	for j, m := range seg.Media {
		uri, err := c.upload(ctx, m)
		if err != nil {
			return nil, err
		}
		uris[j] = uri
	}
	var contents []map[string]any
	if text := segmentText(seg); text != "" || len(seg.Media) == 0 {
		contents = append(contents, textContent(text, post.Options["msgtype"]))
	}
	for j, m := range seg.Media {
		contents = append(contents, mediaContent(m, uris[j]))
	}
	var events []string
	for part, content := range contents {
		content[keyField], content[segmentField], content[partField] = post.Key, i, part
		if i > 0 {
			content["m.relates_to"] = threadRelation(root, prev)
		}
		id, err := c.send(ctx, room, "m.room.message", txnID(post.Key, i, part), content, "publish")
		if err != nil {
			return nil, err
		}
		events = append(events, id)
		prev = id
	}
	return events, nil
}

// threadRelation relates an event to a thread (https://spec.matrix.org/latest/client-server-api/#threading):
// the reply fallback points at the previous event for clients without threads.
func threadRelation(root, prev string) map[string]any {
	return map[string]any{"rel_type": "m.thread", "event_id": root, "is_falling_back": true,
		"m.in_reply_to": map[string]string{"event_id": prev}}
}

// segmentText is the segment's text with its link card's URL appended when
// the text lacks it: Matrix clients preview links themselves.
func segmentText(seg provider.Segment) string {
	text := strings.TrimSpace(seg.Text)
	if seg.Link != nil && seg.Link.URL != "" && !strings.Contains(text, seg.Link.URL) {
		if text != "" {
			text += "\n\n"
		}
		text += seg.Link.URL
	}
	return text
}

var roomPing = regexp.MustCompile(`(^|\s)@room\b`)

// textContent is an m.text (or m.notice) message with its HTML rendering
// (https://spec.matrix.org/latest/client-server-api/#mtext). m.mentions is
// always set so that display names in the text ping nobody by accident; an
// explicit "@room" pings the room.
func textContent(text, msgtype string) map[string]any {
	if msgtype != "m.notice" {
		msgtype = "m.text"
	}
	plain, html := render(text)
	mentions := map[string]any{}
	if roomPing.MatchString(text) {
		mentions["room"] = true
	}
	return map[string]any{"msgtype": msgtype, "body": plain, "format": "org.matrix.custom.html", "formatted_body": html, "m.mentions": mentions}
}

// mediaContent is an m.image (m.video, m.file) event: body carries the alt
// text, and no filename is sent, so clients treat body as the description
// rather than as a caption (https://spec.matrix.org/latest/client-server-api/#mimage).
func mediaContent(m provider.Media, uri string) map[string]any {
	msgtype := "m.file"
	switch {
	case strings.HasPrefix(m.ContentType, "image/"):
		msgtype = "m.image"
	case strings.HasPrefix(m.ContentType, "video/"):
		msgtype = "m.video"
	}
	body := strings.TrimSpace(m.Alt)
	if body == "" {
		body = strings.TrimPrefix(msgtype, "m.")
	}
	info := map[string]any{"mimetype": m.ContentType, "size": len(m.Data)}
	if m.Width > 0 && m.Height > 0 {
		info["w"], info["h"] = m.Width, m.Height
	}
	return map[string]any{"msgtype": msgtype, "body": body, "url": uri, "info": info, "m.mentions": map[string]any{}}
}

// txnID derives the transaction id of one event from Herald's key, so a
// repeated PUT is answered with the event the first one created.
func txnID(key string, segment, part int) string {
	return fmt.Sprintf("herald-%s-%d-%d", safeKey(key), segment, part)
}

var unsafeTxn = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// safeKey keeps keys made of safe characters (ULIDs) readable and hashes
// anything else.
func safeKey(key string) string {
	if key != "" && len(key) <= 64 && !unsafeTxn.MatchString(key) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// send sends one message event
// (https://spec.matrix.org/latest/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid).
func (c *client) send(ctx context.Context, room, eventType, txn string, content map[string]any, op string) (string, error) {
	var out struct {
		EventID string `json:"event_id"`
	}
	err := c.do(ctx, request{op: op, method: http.MethodPut, write: true, body: content,
		path: "/_matrix/client/v3/rooms/" + pathEscape(room) + "/send/" + pathEscape(eventType) + "/" + pathEscape(txn)}, &out)
	return out.EventID, err
}

// upload stores media in the content repository
// (https://spec.matrix.org/latest/client-server-api/#post_matrixmediav3upload).
// Authenticated media (spec v1.11) moved downloads to /_matrix/client/v1/media
// but kept uploads here, so there is no other upload path to fall back to.
// An upload only creates an unreferenced file, so a repeated one is harmless.
func (c *client) upload(ctx context.Context, m provider.Media) (string, error) {
	if len(m.Data) == 0 {
		return "", permanent("upload media", "%s has no data to upload", orNone(m.ID))
	}
	var out struct {
		ContentURI string `json:"content_uri"`
	}
	q := url.Values{}
	if name := fileName(m); name != "" {
		q.Set("filename", name)
	}
	ct := m.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	err := c.do(ctx, request{op: "upload media", method: http.MethodPost, path: "/_matrix/media/v3/upload", query: q,
		raw: m.Data, contentType: ct, write: true}, &out)
	if e := provider.AsError(err); e != nil && e.Trait == provider.Unknown {
		// Nothing visible exists until an event references the file:
		// uploading again is safe.
		e.Trait = provider.Transient
	}
	if err == nil && !strings.HasPrefix(out.ContentURI, "mxc://") {
		return "", provider.Errorf(provider.Transient, Network, "upload media", nil, "the homeserver returned no mxc:// URI")
	}
	return out.ContentURI, err
}

func fileName(m provider.Media) string {
	ext := map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
		"video/mp4": ".mp4", "video/webm": ".webm"}[m.ContentType]
	if m.ID == "" {
		return ""
	}
	return safeKey(m.ID) + ext
}

// redact removes an event's content
// (https://spec.matrix.org/latest/client-server-api/#put_matrixclientv3roomsroomidredacteventidtxnid).
// The transaction id derives from the event, so a repeated redaction is one.
func (c *client) redact(ctx context.Context, room, eventID, reason, op string) error {
	sum := sha256.Sum256([]byte(room + "|" + eventID))
	txn := "herald-redact-" + hex.EncodeToString(sum[:12])
	var body map[string]any
	if reason != "" {
		body = map[string]any{"reason": reason}
	}
	err := c.do(ctx, request{op: op, method: http.MethodPut, write: true, body: body,
		path: "/_matrix/client/v3/rooms/" + pathEscape(room) + "/redact/" + pathEscape(eventID) + "/" + txn}, nil)
	if code := errcode(err); code == "M_NOT_FOUND" {
		return nil // already gone
	}
	return err
}

// Delete redacts every event of a published segment.
func (p *Provider) Delete(ctx context.Context, acct provider.Account, post provider.RemotePost) error {
	c, room, err := p.accountClient(acct, "delete")
	if err != nil {
		return err
	}
	if r := post.Extra["room_id"]; r != "" {
		room = r
	}
	ids := strings.Fields(post.Extra["event_ids"])
	if len(ids) == 0 {
		ids = []string{post.ID}
	}
	for _, id := range ids {
		if err := c.redact(ctx, room, id, "", "delete"); err != nil {
			return err
		}
	}
	return nil
}

// FindByKey walks the room's recent history for the events Herald sent for
// key and segment (their content carries the key), for reconciliation after
// an unknown outcome once the homeserver has forgotten the transaction id.
func (p *Provider) FindByKey(ctx context.Context, acct provider.Account, post provider.Post, segment int) (provider.RemotePost, bool, error) {
	key := post.Key
	c, room, err := p.accountClient(acct, "find")
	if err != nil {
		return provider.RemotePost{}, false, err
	}
	me := acct.Settings[settingUserID]
	evs, err := p.history(ctx, c, room, historyFilter{Types: []string{"m.room.message"}, Senders: []string{me}}, 0, "find")
	if err != nil {
		return provider.RemotePost{}, false, err
	}
	var found []event
	for _, ev := range evs {
		ct := ev.content()
		if ct.HeraldKey == key && ct.HeraldSegment != nil && *ct.HeraldSegment == segment && ct.HeraldPart != nil && !ev.redacted() {
			found = append(found, ev)
		}
	}
	if len(found) == 0 {
		return provider.RemotePost{}, false, nil
	}
	sort.SliceStable(found, func(i, j int) bool { return *found[i].content().HeraldPart < *found[j].content().HeraldPart })
	ids := make([]string, len(found))
	for i, ev := range found {
		ids[i] = ev.EventID
	}
	return provider.RemotePost{ID: ids[0], URL: matrixTo(room, ids[0]), PublishedAt: found[0].time(),
		Extra: map[string]string{"room_id": room, "event_ids": strings.Join(ids, " ")}}, true, nil
}
