package metrics_test

import (
	"context"
	"math"
	"testing"
	"time"

	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
	"herald/internal/testenv"
)

func count(v int64) model.Count { return model.Count{Value: v, Known: true} }

// The overview's KPIs match a hand computation: engagements from each
// post's latest read, rates only where their denominators are known,
// follower growth from the period's first and last reads, and the period
// before for comparison; an empty period is "no data", never NaN. A post
// counts in each distinct campaign of the links made for it on its
// channel, and under "" when they carry none.
func TestOverviewKPIs(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		a, owner, w := newApp(t, cfg, nil)
		chA, _ := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "a"})
		chB, _ := a.Channels.Connect(ctx, owner, w.ID, "fake", map[string]string{"handle": "b"})
		from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 14) // two weeks

		empty, err := a.Metrics.Overview(ctx, owner, w.ID, from, to)
		if err != nil || empty.HasData || empty.Current.RateByImp.Known || empty.Current.Engagements.Known {
			t.Fatalf("an empty period: %+v %v", empty.Current, err)
		}

		pA1 := published(t, a, owner, w.ID, chA, from.Add(24*time.Hour))
		pA2 := published(t, a, owner, w.ID, chA, from.Add(48*time.Hour))
		pB1 := published(t, a, owner, w.ID, chB, from.Add(72*time.Hour))
		published(t, a, owner, w.ID, chB, from.Add(-72*time.Hour)) // the period before
		snap := func(p model.Post, ch model.Channel, at time.Time, likes, reposts, views int64, viewsKnown bool) model.PostMetricSnapshot {
			s := model.PostMetricSnapshot{ID: ids.New(), WorkspaceID: w.ID, ChannelID: ch.ID, PostID: p.ID, TargetID: p.Targets[0].ID,
				TakenAt: at, Source: "test", Likes: count(likes), Reposts: count(reposts)}
			if viewsKnown {
				s.Views = count(views)
			}
			return s
		}
		snaps := []model.PostMetricSnapshot{
			snap(pA1, chA, from.Add(25*time.Hour), 1, 0, 10, true), // older read: ignored
			snap(pA1, chA, from.Add(30*time.Hour), 10, 2, 200, true),
			snap(pA2, chA, from.Add(50*time.Hour), 4, 0, 100, true),
			snap(pB1, chB, from.Add(80*time.Hour), 6, 0, 0, false), // network without views, reach or saves
		}
		snaps[0].Reach, snaps[0].Saves = count(9), count(9)
		snaps[1].Reach, snaps[1].Saves = count(150), count(3)
		snaps[2].Reach, snaps[2].Saves = count(-5), count(1) // a reach that cannot be right stays out
		accounts := []model.AccountMetricSnapshot{
			{ID: ids.New(), WorkspaceID: w.ID, ChannelID: chA.ID, TakenAt: from.Add(time.Hour), Source: "test", Followers: count(100)},
			{ID: ids.New(), WorkspaceID: w.ID, ChannelID: chA.ID, TakenAt: from.Add(13 * 24 * time.Hour), Source: "test", Followers: count(110),
				Reach: count(70), Impressions: count(210)},
			{ID: ids.New(), WorkspaceID: w.ID, ChannelID: chB.ID, TakenAt: from.Add(time.Hour), Source: "test", Followers: count(50)},
			{ID: ids.New(), WorkspaceID: w.ID, ChannelID: chB.ID, TakenAt: from.Add(13 * 24 * time.Hour), Source: "test", Followers: count(40)},
		}
		link := func(p model.Post, ch model.Channel, campaign string) model.Link {
			return model.Link{ID: ids.New(), WorkspaceID: w.ID, Code: ids.New(), URL: "https://example.com/?utm_campaign=" + campaign,
				PostID: p.ID, ChannelID: ch.ID, Campaign: campaign, CreatedAt: from, UpdatedAt: from}
		}
		links := []model.Link{
			link(pA1, chA, "spring"), link(pA1, chA, "launch"), link(pA1, chA, "spring"), // two links of one campaign count once
			link(pA2, chA, "spring"),
			link(pB1, chB, ""),      // a link without a campaign: pB1 is in none
			link(pB1, chA, "other"), // pB1 did not go out on chA
			{ID: ids.New(), WorkspaceID: w.ID, Code: ids.New(), URL: "https://example.com/", Campaign: "spring", CreatedAt: from, UpdatedAt: from},
		}
		err = a.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.AddPostMetrics(ctx, snaps); err != nil {
				return err
			}
			for _, l := range links {
				if err := tx.CreateLink(ctx, l, ""); err != nil {
					return err
				}
			}
			for _, s := range accounts {
				if err := tx.AddAccountMetrics(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		o, err := a.Metrics.Overview(ctx, owner, w.ID, from, to)
		if err != nil {
			t.Fatal(err)
		}
		k := o.Current
		// By hand: engagements (12 + 3 saves) + (4 + 1 save) + 6 = 26 over 3
		// posts; impressions 300 (channel B reports none); reach 150 (pA2's
		// is garbage, B reports none); engagement on posts with impressions
		// 20; followers 110 + 40 = 150, net +10 - 10 = 0 of 150 at the
		// start; daily account reach 70 (channel A's last read; B has none).
		want := map[string][2]float64{
			"posts": {3, float64(k.Posts)}, "engagements": {26, k.Engagements.V}, "impressions": {300, k.Impressions.V},
			"reach": {150, k.Reach.V}, "account reach": {70, k.AccountReach.V}, "account impressions": {210, k.AccountImpr.V},
			"rate by impressions": {20.0 / 300, k.RateByImp.V}, "rate by followers": {26.0 / 3 / 150, k.RateByFol.V},
			"followers": {150, k.Followers.V}, "net": {0, k.FollowerNet.V}, "growth %": {0, k.FollowerPct.V},
			"posts per week": {1.5, k.PostsPerWeek.V},
		}
		for name, v := range want {
			if math.Abs(v[0]-v[1]) > 1e-9 {
				t.Errorf("%s = %v, want %v", name, v[1], v[0])
			}
		}
		if k.ResponseTime.Known {
			t.Errorf("response time %+v without any conversation", k.ResponseTime)
		}
		if k.CTR.V != 0 || !k.CTR.Known {
			t.Errorf("CTR %+v: no clicks over known impressions is 0, and known", k.CTR)
		}
		if b := o.ByChannel[chB.ID]; b.Impressions.Known || b.Reach.Known || b.AccountReach.Known || b.RateByImp.Known || b.FollowerNet.V != -10 ||
			math.Abs(b.FollowerPct.V+0.2) > 1e-9 {
			t.Errorf("channel B: %+v", b)
		}
		if ch := o.ByChannel[chA.ID]; ch.Reach.V != 150 || ch.AccountReach.V != 70 {
			t.Errorf("channel A: reach %+v, daily account reach %+v", ch.Reach, ch.AccountReach)
		}
		if none := o.ByPillar[""]; none.Posts != 3 || none.Engagements.V != 26 || len(o.ByLabel) != 0 {
			t.Errorf("by pillar %+v, by label %+v", o.ByPillar, o.ByLabel)
		}
		// By hand: spring has pA1 and pA2 (15 + 5 engagements, 200 + 100
		// impressions), launch pA1 alone, and pB1 no campaign (6, no views).
		camp := o.ByCampaign
		if len(camp) != 3 || camp["spring"].Posts != 2 || camp["spring"].Engagements.V != 20 || camp["spring"].Impressions.V != 300 ||
			camp["spring"].Reach.V != 150 || math.Abs(camp["spring"].RateByImp.V-20.0/300) > 1e-9 || camp["launch"].Posts != 1 ||
			camp["launch"].Engagements.V != 15 ||
			camp["launch"].Impressions.V != 200 || camp[""].Posts != 1 || camp[""].Engagements.V != 6 || camp[""].Impressions.Known {
			t.Errorf("by campaign %+v", camp)
		}
		if o.Previous.Posts != 1 || len(o.Top) != 3 || o.Top[0].PostID != pA1.ID {
			t.Errorf("previous %d posts, top %+v", o.Previous.Posts, o.Top)
		}
	})
}
