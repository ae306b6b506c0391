package bluesky

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/provider/count"
)

// Repo reads and writes of the fake PDS (com.atproto.repo.*), and the
// lexicon validation the PDS applies to records it stores.

// validate applies the lexicon checks the PDS makes on app.bsky.feed.post
// (lexicons/app/bsky/feed/post.json, richtext/facet.json,
// embed/images.json) with the PDS's message wording.
func (f *fakePDS) validate(coll, rkey string, raw json.RawMessage) string {
	var rec struct {
		Type      string `json:"$type"`
		Text      string
		CreatedAt string
		Facets    []struct {
			Index struct{ ByteStart, ByteEnd int }
		}
		Embed *struct {
			Type   string `json:"$type"`
			Images []struct {
				Alt   *string
				Image struct {
					Ref struct {
						Link string `json:"$link"`
					}
				}
			}
		}
		Reply *struct{ Root, Parent struct{ URI, CID string } }
	}
	if err := json.Unmarshal(raw, &rec); err != nil || rec.Type != coll {
		return "Invalid $type: must be " + coll
	}
	if rkey != "" {
		if _, err := syntax.ParseTID(rkey); err != nil && coll == "app.bsky.feed.post" {
			return "Invalid record key: " + rkey
		}
	}
	if _, err := syntax.ParseDatetime(rec.CreatedAt); err != nil {
		return "Invalid " + coll + " record: Record/createdAt must be an valid atproto datetime"
	}
	if coll != "app.bsky.feed.post" {
		return ""
	}
	if res := count.Count(rec.Text, count.Rule{Method: count.Graphemes, Max: 300, MaxBytes: 3000}); !res.OK() {
		return "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"
	}
	for _, fc := range rec.Facets {
		if fc.Index.ByteStart < 0 || fc.Index.ByteEnd > len(rec.Text) || fc.Index.ByteStart >= fc.Index.ByteEnd {
			return "Invalid app.bsky.feed.post record: facet index out of range"
		}
	}
	if rec.Reply != nil && (rec.Reply.Root.CID == "" || rec.Reply.Parent.CID == "" || rec.Reply.Root.URI == "") {
		return "Invalid app.bsky.feed.post record: Record/reply/root must have the property \"cid\""
	}
	if rec.Embed != nil && rec.Embed.Type == "app.bsky.embed.images" {
		if len(rec.Embed.Images) > 4 {
			return "Invalid app.bsky.feed.post record: Record/embed/images must not have more than 4 elements"
		}
		for _, im := range rec.Embed.Images {
			f.mu.Lock()
			_, ok := f.blobs[im.Image.Ref.Link]
			f.mu.Unlock()
			if im.Alt == nil {
				return "Invalid app.bsky.feed.post record: Record/embed/images/0 must have the property \"alt\""
			}
			if !ok {
				return "Could not find blob: " + im.Image.Ref.Link
			}
		}
	}
	return ""
}

// https://docs.bsky.app/docs/api/com-atproto-repo-get-record
func (f *fakePDS) getRecord(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	did, coll, rkey := q.Get("repo"), q.Get("collection"), q.Get("rkey")
	for _, rec := range f.records(did, coll) {
		if rec.rkey == rkey {
			writeJSON(w, 200, map[string]any{"uri": "at://" + did + "/" + coll + "/" + rkey, "cid": rec.cid, "value": rec.value})
			return
		}
	}
	xerr(w, 400, "RecordNotFound", "Could not locate record: at://"+did+"/"+coll+"/"+rkey)
}

// https://docs.bsky.app/docs/api/com-atproto-repo-delete-record
// Deleting a missing record succeeds, as on the PDS.
func (f *fakePDS) deleteRecord(w http.ResponseWriter, r *http.Request) {
	t, ok := f.auth(w, r, false)
	if !ok {
		return
	}
	var in struct{ Repo, Collection, Rkey string }
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.repos[t.did][in.Collection]
	for i, rec := range list {
		if rec.rkey == in.Rkey {
			f.repos[t.did][in.Collection] = append(list[:i:i], list[i+1:]...)
		}
	}
	writeJSON(w, 200, map[string]any{"commit": map[string]string{"cid": cid(0x71, []byte(in.Rkey)), "rev": syntax.NewTIDNow(2).String()}})
}

// https://docs.bsky.app/docs/api/com-atproto-repo-list-records
// Newest (highest rkey) first; the cursor is the last rkey returned.
func (f *fakePDS) listRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	did, coll := q.Get("repo"), q.Get("collection")
	f.mu.Lock()
	_, known := f.repos[did]
	f.mu.Unlock()
	if !known {
		xerr(w, 400, "InvalidRequest", "Could not find repo: "+did)
		return
	}
	recs := f.records(did, coll)
	sort.Slice(recs, func(i, j int) bool { return recs[i].rkey > recs[j].rkey })
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	out := []map[string]any{}
	last := ""
	for _, rec := range recs {
		if c := q.Get("cursor"); c != "" && rec.rkey >= c {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, map[string]any{"uri": "at://" + did + "/" + coll + "/" + rec.rkey, "cid": rec.cid, "value": rec.value})
		last = rec.rkey
	}
	res := map[string]any{"records": out}
	if len(out) == limit {
		res["cursor"] = last
	}
	writeJSON(w, 200, res)
}

// https://docs.bsky.app/docs/api/com-atproto-repo-describe-repo
func (f *fakePDS) describeRepo(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	a, ok := f.accounts[r.URL.Query().Get("repo")]
	f.mu.Unlock()
	if !ok {
		xerr(w, 400, "InvalidRequest", "Could not find repo: "+r.URL.Query().Get("repo"))
		return
	}
	writeJSON(w, 200, map[string]any{"did": a.did, "handle": a.handle, "didDoc": map[string]any{}, "collections": []string{}, "handleIsCorrect": true})
}
