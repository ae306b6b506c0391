package notify

import "testing"

// A notification link only ever leads to a page of this Herald.
func TestLocalPath(t *testing.T) {
	for _, c := range []struct{ link, want string }{
		{"/w/ws1/posts/p1/edit", "/w/ws1/posts/p1/edit"},
		{"https://herald.example/w/ws1", "/w/ws1"},
		{"https://evil.example/w/ws1", "/notifications"},
		{"//evil.example/x", "/notifications"},
		{`/\evil.example`, "/notifications"},
		{"", "/notifications"},
		{"javascript:alert(1)", "/notifications"},
	} {
		if got := localPath(c.link, "https://herald.example/"); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.link, got, c.want)
		}
	}
}
