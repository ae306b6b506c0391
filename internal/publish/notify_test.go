package publish_test

import (
	"context"
	"testing"
	"time"

	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/fake"
	"herald/internal/publish"
	"herald/internal/testenv"
)

// A permanent refusal fails the target and, in the same transaction, tells
// the workspace's managers in the app.
func TestNotifyOnPermanentFailure(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := start(t, cfg)
		ctx := context.Background()
		e.fake.Fail(fake.Failure{Op: "publish", Trait: provider.Permanent, Message: "text too long for this network"})
		p := e.draft(t, "Doomed post")
		if _, err := e.a.Publish.Schedule(ctx, e.owner, e.ws, p.ID, publish.Request{Mode: publish.ModeNow}); err != nil {
			t.Fatal(err)
		}
		tg := e.settle(t, []model.Post{p}, 20*time.Second)[p.ID]
		if tg.Status != model.TargetFailed {
			t.Fatalf("target ended %s: %s", tg.Status, tg.Error)
		}
		list, err := e.a.Notify.List(ctx, e.owner, true, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%d notifications, want 1: %+v", len(list), list)
		}
		n := list[0]
		if n.Kind != model.NotifyPublishFailed || n.PostID != p.ID || n.TargetID != tg.ID || n.Link != "/w/"+e.ws+"/posts/"+p.ID+"/edit" {
			t.Fatalf("notification %+v", n)
		}
	})
}
