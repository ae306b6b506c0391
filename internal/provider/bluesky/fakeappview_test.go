package bluesky

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The AppView part of the fake: views computed from the fake's repos, in
// the shapes of the app.bsky lexicons (lexicons/app/bsky/feed/defs.json,
// actor/defs.json, notification/listNotifications.json). When appView is
// off, the fake answers like a PDS without one, as the bsky peer does:
// 400 InvalidRequest "No service configured for <nsid>".

func (f *fakePDS) appview(h func(http.ResponseWriter, *http.Request, fakeToken)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		on := f.appView
		f.mu.Unlock()
		if !on {
			xerr(w, 400, "InvalidRequest", "No service configured for "+strings.TrimPrefix(r.URL.Path, "/xrpc/"))
			return
		}
		if t, ok := f.auth(w, r, false); ok {
			h(w, r, t)
		}
	}
}

// ref is an indexed record with its place.
type ref struct {
	did, coll string
	rec       fakeRecord
	body      struct {
		Text    string
		Subject struct{ URI string }
		Reply   *struct{ Root, Parent struct{ URI string } }
		Facets  []struct {
			Features []struct {
				Type string `json:"$type"`
				Did  string
			}
		}
	}
}

func (x ref) uri() string { return "at://" + x.did + "/" + x.coll + "/" + x.rec.rkey }

// all returns every record of the given collections across repos.
func (f *fakePDS) all(colls ...string) []ref {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []ref
	for did, repo := range f.repos {
		for _, coll := range colls {
			for _, rec := range repo[coll] {
				x := ref{did: did, coll: coll, rec: rec}
				_ = json.Unmarshal(rec.value, &x.body)
				out = append(out, x)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rec.indexedAt.After(out[j].rec.indexedAt) })
	return out
}

func (f *fakePDS) profile(did string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.accounts[did]
	return map[string]any{"did": a.did, "handle": a.handle}
}

// https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications
func (f *fakePDS) listNotifications(w http.ResponseWriter, r *http.Request, t fakeToken) {
	me := "at://" + t.did + "/"
	out := []map[string]any{}
	for _, x := range f.all("app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost") {
		if x.did == t.did {
			continue
		}
		reason, subject := "", ""
		switch {
		case x.coll == "app.bsky.feed.like" && strings.HasPrefix(x.body.Subject.URI, me):
			reason, subject = "like", x.body.Subject.URI
		case x.coll == "app.bsky.feed.repost" && strings.HasPrefix(x.body.Subject.URI, me):
			reason, subject = "repost", x.body.Subject.URI
		case x.coll == "app.bsky.feed.post" && x.body.Reply != nil && strings.HasPrefix(x.body.Reply.Parent.URI, me):
			reason, subject = "reply", x.body.Reply.Parent.URI
		case x.coll == "app.bsky.feed.post" && mentionsDID(x, t.did):
			reason = "mention"
		default:
			continue
		}
		n := map[string]any{"uri": x.uri(), "cid": x.rec.cid, "author": f.profile(x.did), "reason": reason,
			"record": x.rec.value, "isRead": false, "indexedAt": x.rec.indexedAt.UTC().Format(time.RFC3339Nano)}
		if subject != "" {
			n["reasonSubject"] = subject
		}
		out = append(out, n)
	}
	writeJSON(w, 200, map[string]any{"notifications": out})
}

func mentionsDID(x ref, did string) bool {
	for _, fc := range x.body.Facets {
		for _, ft := range fc.Features {
			if ft.Type == "app.bsky.richtext.facet#mention" && ft.Did == did {
				return true
			}
		}
	}
	return false
}

// postView builds app.bsky.feed.defs#postView with its counters.
func (f *fakePDS) postView(x ref) map[string]any {
	var likes, reposts, replies int64
	for _, y := range f.all("app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost") {
		switch {
		case y.coll == "app.bsky.feed.like" && y.body.Subject.URI == x.uri():
			likes++
		case y.coll == "app.bsky.feed.repost" && y.body.Subject.URI == x.uri():
			reposts++
		case y.coll == "app.bsky.feed.post" && y.body.Reply != nil && y.body.Reply.Parent.URI == x.uri():
			replies++
		}
	}
	return map[string]any{"$type": "app.bsky.feed.defs#postView", "uri": x.uri(), "cid": x.rec.cid, "author": f.profile(x.did),
		"record": x.rec.value, "likeCount": likes, "repostCount": reposts, "replyCount": replies, "quoteCount": 0,
		"indexedAt": x.rec.indexedAt.UTC().Format(time.RFC3339Nano)}
}

func (f *fakePDS) findPost(uri string) (ref, bool) {
	for _, x := range f.all("app.bsky.feed.post") {
		if x.uri() == uri {
			return x, true
		}
	}
	return ref{}, false
}

// https://docs.bsky.app/docs/api/app-bsky-feed-get-post-thread
func (f *fakePDS) getPostThread(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	uri := r.URL.Query().Get("uri")
	x, ok := f.findPost(uri)
	if !ok {
		xerr(w, 400, "NotFound", "Post not found: "+uri)
		return
	}
	writeJSON(w, 200, map[string]any{"thread": f.threadView(x)})
}

func (f *fakePDS) threadView(x ref) map[string]any {
	replies := []any{}
	for _, y := range f.all("app.bsky.feed.post") {
		if y.body.Reply != nil && y.body.Reply.Parent.URI == x.uri() {
			replies = append(replies, f.threadView(y))
		}
	}
	return map[string]any{"$type": "app.bsky.feed.defs#threadViewPost", "post": f.postView(x), "replies": replies}
}

// https://docs.bsky.app/docs/api/app-bsky-feed-get-posts
func (f *fakePDS) getPosts(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	posts := []any{}
	for _, uri := range r.URL.Query()["uris"] {
		if x, ok := f.findPost(uri); ok {
			posts = append(posts, f.postView(x))
		}
	}
	writeJSON(w, 200, map[string]any{"posts": posts})
}

// https://docs.bsky.app/docs/api/app-bsky-actor-get-profile
func (f *fakePDS) getProfile(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	actor := f.resolveActor(r.URL.Query().Get("actor"))
	f.mu.Lock()
	a, ok := f.accounts[actor]
	var posts, follows int64
	if ok {
		posts = int64(len(f.repos[actor]["app.bsky.feed.post"]))
		follows = int64(len(f.repos[actor]["app.bsky.graph.follow"]))
	}
	f.mu.Unlock()
	if !ok {
		xerr(w, 400, "InvalidRequest", "Profile not found")
		return
	}
	writeJSON(w, 200, map[string]any{"did": a.did, "handle": a.handle, "followersCount": a.followers, "followsCount": follows, "postsCount": posts})
}

// resolveActor turns a handle into its DID, as AppView actor parameters
// accept either.
func (f *fakePDS) resolveActor(actor string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for did, a := range f.accounts {
		if a.handle == actor {
			return did
		}
	}
	return actor
}

// https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed: the
// actor's posts newest first, as feedViewPost items; filter
// posts_no_replies leaves replies out; limit and an opaque cursor page.
func (f *fakePDS) getAuthorFeed(w http.ResponseWriter, r *http.Request, _ fakeToken) {
	q := r.URL.Query()
	actor := f.resolveActor(q.Get("actor"))
	f.mu.Lock()
	_, known := f.accounts[actor]
	f.mu.Unlock()
	if !known {
		xerr(w, 400, "InvalidRequest", "Profile not found")
		return
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	start, _ := strconv.Atoi(q.Get("cursor"))
	var posts []ref
	for _, x := range f.all("app.bsky.feed.post") {
		if x.did == actor && (q.Get("filter") != "posts_no_replies" || x.body.Reply == nil) {
			posts = append(posts, x)
		}
	}
	feed := []any{}
	for i := start; i < len(posts) && len(feed) < limit; i++ {
		feed = append(feed, map[string]any{"post": f.postView(posts[i])})
	}
	out := map[string]any{"feed": feed}
	if next := start + len(feed); next < len(posts) {
		out["cursor"] = strconv.Itoa(next)
	}
	writeJSON(w, 200, out)
}
