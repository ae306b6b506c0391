package compose_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/store"
	"herald/internal/testenv"
)

// TestIdeaToDraftRace converts one idea from several goroutines at once:
// exactly one draft wins and the others get a conflict, on either database.
func TestIdeaToDraftRace(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		i, err := e.s.SaveIdea(ctx, e.owner, e.ws, model.Idea{Text: "Race me"})
		if err != nil {
			t.Fatal(err)
		}
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for k := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[k] = e.s.IdeaToDraft(ctx, e.owner, e.ws, i.ID, []string{e.bsky.ID})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if k := model.AsError(err); k == nil || k.Kind != model.KindConflict {
				t.Errorf("loser's error %v; want a conflict", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d conversions succeeded; want 1 (%v)", won, errs)
		}
	})
}

// TestClaimIdeaIsConditional checks the store half on its own: the claim
// holds even when the caller's earlier read said the idea was open.
func TestClaimIdeaIsConditional(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		i, err := e.s.SaveIdea(ctx, e.owner, e.ws, model.Idea{Text: "Claim me"})
		if err != nil {
			t.Fatal(err)
		}
		claim := func(id, post string) error {
			return e.a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.ClaimIdea(ctx, e.ws, id, post, e.now) })
		}
		if err := claim(i.ID, "post-a"); err != nil {
			t.Fatal(err)
		}
		if err := claim(i.ID, "post-b"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second claim: %v; want ErrConflict", err)
		}
		if err := claim("01J0000000000000000000NONE", "post-c"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown idea: %v; want ErrNotFound", err)
		}
		got, err := e.a.Store.Read().IdeaByID(ctx, e.ws, i.ID)
		if err != nil || got.PostID != "post-a" {
			t.Fatalf("idea after claims: %+v %v", got, err)
		}
	})
}
