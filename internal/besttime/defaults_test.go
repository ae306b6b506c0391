package besttime

import (
	"slices"
	"testing"
)

func TestDefaultsTable(t *testing.T) {
	want := []string{"bluesky", "discord", "facebook", "generic", "instagram", "linkedin", "mastodon", "matrix", "nostr", "slack", "telegram", "x"}
	if got := Networks(); !slices.Equal(got, want) {
		t.Fatalf("Networks() = %v, want %v", got, want)
	}
	for _, n := range want {
		def := Defaults(n)
		top := 0.0
		for d := range 7 {
			for h := range 24 {
				if w := def[d][h]; !(w > 0 && w <= 1) {
					t.Fatalf("%s: weight %v at %d/%d", n, w, d, h)
				}
				top = max(top, def[d][h])
			}
		}
		if top != 1 || profiles[n].name == "" {
			t.Errorf("%s: top %v, name %q", n, top, profiles[n].name)
		}
		for i, m := range priorMeans(n) {
			if m < priorLow-1e-9 || m > priorHigh+1e-9 {
				t.Fatalf("%s: prior %v at %d", n, m, i)
			}
		}
	}
}

func TestCanonicalNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"Bluesky": "bluesky", " twitter ": "x", "slack_webhook": "slack", "webhook": "generic", "": "generic", "feed": "generic",
	} {
		if got := canonical(in); got != want {
			t.Errorf("canonical(%q) = %q, want %q", in, got, want)
		}
	}
}
