package api

import (
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"herald/internal/platform/ids"
)

func TestPaginateWalksEveryItemOnce(t *testing.T) {
	var items []string
	for range 7 {
		items = append(items, ids.New())
	}
	sort.Strings(items) // IDs made in one millisecond need not ascend
	// Shuffled input: paginate orders by ID itself.
	shuffled := append([]string{items[3], items[0], items[6]}, items[1], items[5], items[2], items[4])
	var seen []string
	p := pageQuery{limit: 3}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		pg := paginate(shuffled, func(s string) string { return s }, p)
		seen = append(seen, pg.Data...)
		if pg.NextCursor == nil {
			break
		}
		after, ok := decodeCursor(*pg.NextCursor)
		if !ok {
			t.Fatalf("cursor %q does not decode", *pg.NextCursor)
		}
		p.after = after
	}
	if strings.Join(seen, ",") != strings.Join(items, ",") {
		t.Fatalf("pages gave %v, want %v", seen, items)
	}
	if pg := paginate([]string{}, func(s string) string { return s }, pageQuery{limit: 3}); pg.Data == nil || pg.NextCursor != nil {
		t.Fatalf("empty page %+v: want [] and null", pg)
	}
}

func TestPageParams(t *testing.T) {
	good := *encodeCursor(ids.New())
	for _, tc := range []struct {
		query string
		field string // "" when valid
	}{
		{"", ""}, {"limit=1", ""}, {"limit=100", ""}, {"cursor=" + good, ""},
		{"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=x", "limit"}, {"limit=", "limit"}, {"limit=-1", "limit"},
		{"cursor=", "cursor"}, {"cursor=abc", "cursor"}, {"cursor=" + strings.ToUpper(good), "cursor"},
	} {
		c := &call{r: httptest.NewRequest("GET", "/api/v1/workspaces?"+tc.query, nil)}
		_, err := c.pageParams()
		p, _ := err.(*problem)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%q: %v", tc.query, err)
		case tc.field != "" && (p == nil || p.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != tc.field):
			t.Errorf("%q: got %v, want a 400 naming %s", tc.query, err, tc.field)
		}
	}
}
