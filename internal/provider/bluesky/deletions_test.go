package bluesky

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/internal/provider"
)

// A record its author deleted answers RecordNotFound and is reported;
// records still there, and IDs that are not record URIs, are not.
func TestContractDeletedReadsRecordsBack(t *testing.T) {
	h := newHarness(t, 5*time.Second)
	_, refs := conversation(t, h)
	h.f.mu.Lock()
	likes := h.f.repos[h.bob.did][collLike]
	for i, rec := range likes {
		if strings.HasSuffix(refs["like"], "/"+rec.rkey) {
			h.f.repos[h.bob.did][collLike] = append(likes[:i:i], likes[i+1:]...)
		}
	}
	h.f.mu.Unlock()
	items := []provider.Interaction{{ID: refs["reply"]}, {ID: refs["like"]}, {ID: refs["repost"]}, {ID: "sha256:0b1c"}}
	got, err := h.p.Deleted(context.Background(), h.acct, items)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{refs["like"]}) {
		t.Fatalf("deleted = %v, want only the like %s", got, refs["like"])
	}
}
