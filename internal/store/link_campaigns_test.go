package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// A target's campaigns are the distinct non-empty campaigns of its post's
// links on its channel, in the asking workspace only, for more targets
// than one lookup takes (the post IDs go in chunks).
func TestTargetCampaigns(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		ws, other := ids.New(), ids.New()
		n := 2*campaignChunk + 100
		var targets []PostChannel
		var links []model.Link
		link := func(w, post, channel, campaign string) {
			links = append(links, model.Link{ID: ids.New(), WorkspaceID: w, Code: ids.New(), URL: "https://example.com/", PostID: post,
				ChannelID: channel, Campaign: campaign, CreatedAt: at, UpdatedAt: at})
		}
		for i := 0; i < n; i++ {
			pc := PostChannel{PostID: fmt.Sprintf("post-%04d", i), ChannelID: "ch-a"}
			targets = append(targets, pc)
			switch i % 4 {
			case 0: // two links of one campaign, and another campaign
				link(ws, pc.PostID, pc.ChannelID, "spring")
				link(ws, pc.PostID, pc.ChannelID, "spring")
				link(ws, pc.PostID, pc.ChannelID, "sale")
			case 1:
				link(ws, pc.PostID, pc.ChannelID, "spring")
			case 2: // no campaign on its own channel; one on another channel and in another workspace
				link(ws, pc.PostID, pc.ChannelID, "")
				link(ws, pc.PostID, "ch-b", "elsewhere")
				link(other, pc.PostID, pc.ChannelID, "foreign")
			}
		}
		tx(t, s, func(tx *Tx) error {
			for _, w := range []string{ws, other} {
				if err := tx.CreateWorkspace(ctx, model.Workspace{ID: w, Name: "W", CreatedBy: "u", CreatedAt: at}); err != nil {
					return err
				}
			}
			for _, l := range links {
				if err := tx.CreateLink(ctx, l, ""); err != nil {
					return err
				}
			}
			return nil
		})
		got, err := s.Read().TargetCampaigns(ctx, ws, targets)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n/2 {
			t.Errorf("%d targets have campaigns, want %d", len(got), n/2)
		}
		for i, pc := range targets {
			cs := got[pc]
			want := map[int][]string{0: {"sale", "spring"}, 1: {"spring"}}[i%4]
			if len(cs) == 2 && cs[0] > cs[1] {
				cs = []string{cs[1], cs[0]}
			}
			if !reflect.DeepEqual(cs, want) {
				t.Fatalf("target %d: campaigns %q, want %q", i, cs, want)
			}
		}
		if none, err := s.Read().TargetCampaigns(ctx, ws, nil); err != nil || len(none) != 0 {
			t.Errorf("no targets: %v %v", none, err)
		}

		// The same links' codes, asked by ID in one call: the workspace's
		// own only, an unknown ID absent.
		ask := []string{"no-such-link"}
		want := map[string]string{}
		for _, l := range links {
			ask = append(ask, l.ID)
			if l.WorkspaceID == ws {
				want[l.ID] = l.Code
			}
		}
		codes, err := s.Read().LinkCodes(ctx, ws, ask)
		if err != nil || len(want) <= campaignChunk || !reflect.DeepEqual(codes, want) {
			t.Fatalf("link codes: %d of %d, %v", len(codes), len(want), err)
		}
	})
}
