package mastodon

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"herald/internal/provider"
)

// getNotification follows https://docs.joinmastodon.org/methods/notifications/#get-one:
// 404 once the notification is gone (its status deleted, or the favourite
// taken back).
func (f *fakeServer) getNotification(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.notes {
		if n.ID == r.PathValue("id") && n.ToID == a.ID && f.statuses[n.StatusID] != nil {
			writeJSON(w, 200, map[string]any{"id": n.ID, "type": n.Type, "created_at": n.Created.Format("2006-01-02T15:04:05.000Z"),
				"account": f.accountJSON(f.accounts[n.FromID]), "status": f.statusJSON(f.statuses[n.StatusID])})
			return
		}
	}
	errJSON(w, 404, "Record not found")
}

// unfavourite follows https://docs.joinmastodon.org/methods/statuses/#unfavourite:
// the favourite's notification goes with it.
func (f *fakeServer) unfavourite(w http.ResponseWriter, r *http.Request, a *fakeAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.statuses[r.PathValue("id")]
	if s == nil {
		errJSON(w, 404, "Record not found")
		return
	}
	for i, n := range f.notes {
		if n.Type == "favourite" && n.FromID == a.ID && n.StatusID == s.ID {
			f.notes = append(f.notes[:i:i], f.notes[i+1:]...)
			s.Favourites--
			break
		}
	}
	writeJSON(w, 200, f.statusJSON(s))
}

// A deleted reply and a favourite taken back are reported; what is still
// there is not.
func TestContractDeleted(t *testing.T) {
	f := newFakeServer()
	defer f.Close()
	p := testProvider(f, 5*time.Second)
	alice, bob := connect(t, p, f, "alice"), connect(t, p, f, "bob")
	ctx := context.Background()
	own, err := p.Publish(ctx, alice, provider.Post{Key: "d1", Segments: []provider.Segment{{Text: "Opening hours?"}}})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := p.Reply(ctx, bob, provider.Interaction{ID: own[0].ID}, "9 to 5")
	if err != nil {
		t.Fatal(err)
	}
	gone, err := p.Reply(ctx, bob, provider.Interaction{ID: own[0].ID}, "typo")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.React(ctx, bob, provider.Interaction{ID: own[0].ID}, "+"); err != nil {
		t.Fatal(err)
	}
	its, err := p.Interactions(ctx, alice, time.Now().Add(-time.Minute), own)
	if err != nil {
		t.Fatal(err)
	}
	var like provider.Interaction
	for _, it := range its {
		if it.Kind == "like" {
			like = it
		}
	}
	if like.ID == "" {
		t.Fatalf("no like among %+v", its)
	}
	if err := p.Delete(ctx, bob, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := p.do(ctx, request{op: "unfavourite", method: "POST", url: f.URL + "/api/v1/statuses/" + own[0].ID + "/unfavourite", token: token(bob)}, nil); err != nil {
		t.Fatal(err)
	}
	items := []provider.Interaction{{ID: kept.ID}, {ID: gone.ID}, {ID: like.ID}, {ID: "update:77"}}
	got, err := p.Deleted(ctx, alice, items)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{gone.ID, like.ID}) {
		t.Fatalf("deleted = %v, want %s and %s", got, gone.ID, like.ID)
	}
}
