package api

import (
	"encoding/base64"
	"sort"
	"strconv"
)

// Page sizes: ?limit= defaults to defaultLimit and may be 1 to maxLimit.
const (
	defaultLimit = 50
	maxLimit     = 100
)

// pageQuery is a parsed ?limit=&cursor= pair. after is the sort key (an ID)
// of the last item of the previous page, or "" for the first page.
type pageQuery struct {
	limit int
	after string
}

// page is the envelope of every list response.
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// pageParams parses ?limit= and ?cursor=.
func (c *call) pageParams() (pageQuery, error) {
	q := c.r.URL.Query()
	p := pageQuery{limit: defaultLimit}
	if v, sent := q["limit"]; sent {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > maxLimit {
			return p, invalidField("limit", "must be a whole number from 1 to %d", maxLimit)
		}
		p.limit = n
	}
	if v, sent := q["cursor"]; sent {
		id, ok := decodeCursor(v[0])
		if !ok {
			return p, invalidField("cursor", "is not a cursor this API made; pass next_cursor from the previous page unchanged")
		}
		p.after = id
	}
	return p, nil
}

// Cursors are opaque to clients: today they wrap the ID of the last item
// seen, and lists are ordered by ID, so a page boundary stays put when items
// are added or removed between requests.
func encodeCursor(id string) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte(id))
	return &s
}

func decodeCursor(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !validID(string(b)) {
		return "", false
	}
	return string(b), true
}

// paginate returns one page of items in ascending ID order, for the lists
// that the domain returns whole (they are small: one user's workspaces and
// tokens, one workspace's members and invitations).
func paginate[T any](items []T, id func(T) string, p pageQuery) page[T] {
	sorted := append([]T(nil), items...)
	sort.Slice(sorted, func(i, j int) bool { return id(sorted[i]) < id(sorted[j]) })
	start := sort.Search(len(sorted), func(i int) bool { return id(sorted[i]) > p.after })
	out := page[T]{Data: sorted[start:]}
	if len(out.Data) > p.limit {
		out.Data = out.Data[:p.limit]
		out.NextCursor = encodeCursor(id(out.Data[p.limit-1]))
	}
	if out.Data == nil {
		out.Data = []T{}
	}
	return out
}
