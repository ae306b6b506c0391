package competitor_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/competitor"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
	"herald/internal/testenv"
)

// stubNet is a network whose public reads the test scripts: accounts by
// handle, the next reads' answers, and how often it was called.
type stubNet struct {
	mu       sync.Mutex
	name     provider.Network
	accounts map[string]provider.PublicAccount
	reads    []func(id string) (provider.PublicRead, error) // consumed in order; the last repeats
	calls    int
	vias     []provider.Account
}

func (s *stubNet) Info() provider.Info {
	return provider.Info{Network: s.name, Name: "Stub " + string(s.name), Capabilities: []provider.Capability{provider.CapPublicAccounts}}
}

func (s *stubNet) LookupPublicAccount(_ context.Context, via provider.Account, handle string) (provider.PublicAccount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vias = append(s.vias, via)
	if a, ok := s.accounts[strings.TrimPrefix(handle, "@")]; ok {
		return a, nil
	}
	return provider.PublicAccount{}, &provider.Error{Trait: provider.Permanent, Network: s.name, Op: "look up account", Message: "no account " + handle + " here"}
}

func (s *stubNet) ReadPublicAccount(_ context.Context, via provider.Account, id string, since time.Time) (provider.PublicRead, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.vias = append(s.vias, via)
	f := s.reads[0]
	if len(s.reads) > 1 {
		s.reads = s.reads[1:]
	}
	return f(id)
}

func (s *stubNet) script(fs ...func(id string) (provider.PublicRead, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads, s.calls = fs, 0
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type env struct {
	a      *app.App
	owner  model.Actor
	viewer model.Actor
	ws     string
	clk    *clock
	stub   *stubNet
}

func setup(t *testing.T, cfg config.Config) *env {
	t.Helper()
	ctx := context.Background()
	cfg.Roles = []string{"web"}
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "o@example.com", Name: "O", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{a: a, owner: model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "web"},
		clk: &clock{t: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}, stub: &stubNet{name: "stubnet", accounts: map[string]provider.PublicAccount{}}}
	w, err := a.Workspaces.Create(ctx, e.owner, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = w.ID
	v, err := a.Accounts.CreateUser(ctx, model.Actor{Via: "cli"}, account.NewUser{Email: "v@example.com", Name: "V", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.AddMember(ctx, w.ID, v.ID, model.RoleViewer, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	e.viewer = model.Actor{UserID: v.ID, Email: v.Email, Via: "web"}
	a.Providers.Register(e.stub)
	a.Competitors.Now = e.clk.now
	return e
}

func wantKind(t *testing.T, err error, kind model.Kind, field string) {
	t.Helper()
	me := model.AsError(err)
	if me == nil || me.Kind != kind || (field != "" && me.Field != field) {
		t.Fatalf("got %v, want kind %d on %q", err, kind, field)
	}
}

func post(id string, at time.Time, likes, reposts, replies int64, quotes provider.PublicCount) provider.PublicPost {
	return provider.PublicPost{ID: id, CreatedAt: at, Text: "post " + id, Likes: provider.Known(likes), Reposts: provider.Known(reposts),
		Replies: provider.Known(replies), Quotes: quotes}
}

// Following accounts: the handle is resolved first (a typo is an error on
// the handle in the network's words), networks without public reads and
// unknown networks are refused on the network, a second follow of one
// account is a conflict, labels are bounded, a workspace follows at most
// 50, and only managers and up may follow while everyone sees the list.
func TestFollowRules(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		s := e.a.Competitors
		for i := 0; i < model.MaxCompetitors+1; i++ {
			h := fmt.Sprintf("rival%d", i)
			e.stub.accounts[h] = provider.PublicAccount{ID: "id-" + h, Handle: "@" + h, Name: "Rival " + h}
		}
		c, err := s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: " @rival0 ", Label: "direct"})
		if err != nil {
			t.Fatal(err)
		}
		if c.RemoteID != "id-rival0" || c.Handle != "@rival0" || c.Name != "Rival rival0" || c.Label != "direct" || !c.NextAt.Equal(e.clk.t) {
			t.Fatalf("added %+v", c)
		}
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: "rival0"})
		wantKind(t, err, model.KindConflict, "handle")
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: "ghost"})
		wantKind(t, err, model.KindInvalid, "handle")
		if !strings.Contains(err.Error(), "no account ghost here") {
			t.Fatalf("the network's words are lost: %v", err)
		}
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: " "})
		wantKind(t, err, model.KindInvalid, "handle")
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "myspace", Handle: "x"})
		wantKind(t, err, model.KindInvalid, "network")
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "telegram", Handle: "x"})
		wantKind(t, err, model.KindInvalid, "network")
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: "rival1", Label: strings.Repeat("x", 61)})
		wantKind(t, err, model.KindInvalid, "label")
		_, err = s.Add(ctx, e.viewer, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: "rival1"})
		wantKind(t, err, model.KindForbidden, "")
		if list, err := s.List(ctx, e.viewer, e.ws); err != nil || len(list) != 1 {
			t.Fatalf("viewer's list: %v %v", list, err)
		}
		wantKind(t, s.Remove(ctx, e.viewer, e.ws, c.ID), model.KindForbidden, "")
		for i := 1; i < model.MaxCompetitors; i++ {
			if _, err := s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: fmt.Sprintf("rival%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: fmt.Sprintf("rival%d", model.MaxCompetitors)})
		wantKind(t, err, model.KindInvalid, "handle")
		if err := s.Remove(ctx, e.owner, e.ws, c.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.Remove(ctx, e.owner, e.ws, c.ID), model.KindNotFound, "")
		if _, err := s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: fmt.Sprintf("rival%d", model.MaxCompetitors)}); err != nil {
			t.Fatalf("after a removal there is room again: %v", err)
		}
		log, err := e.a.Store.Read().ListAudit(ctx, model.AuditFilter{WorkspaceID: e.ws, Action: "competitor.", ObjectType: "competitor", ObjectID: c.ID})
		if err != nil || len(log) != 2 || log[0].Action != "competitor.unfollow" || log[1].Action != "competitor.follow" {
			t.Fatalf("audit of rival0: %+v %v", log, err)
		}
	})
}

// Reading and comparing: the daily round reads each due competitor once and
// stores its counters and posts as received (unknown ones as not
// available, impossible ones flagged and left out); a rate limit stops the
// network's reads for the round and puts them off by the network's wait,
// which "refresh now" honours too; the comparison gives followers and
// growth, posts per week and engagements per post, with the workspace's
// own channel on the same network beside them.
func TestRefreshAndCompare(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		s := e.a.Competitors
		start := e.clk.t
		for _, h := range []string{"alpha", "beta", "gamma"} {
			e.stub.accounts[h] = provider.PublicAccount{ID: "id-" + h, Handle: "@" + h}
			if _, err := s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: h}); err != nil {
				t.Fatal(err)
			}
		}
		day := 24 * time.Hour
		e.stub.script(func(id string) (provider.PublicRead, error) {
			if id == "id-beta" {
				return provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@beta", Name: "Beta"}, Source: "stubnet:read",
					Followers: provider.Known(-5), Notes: []string{"followers are odd here"},
					Recent: []provider.PublicPost{{ID: "b1", CreatedAt: e.clk.t.Add(-day)}}}, nil
			}
			if id == "id-gamma" {
				return provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@gamma"}, Source: "stubnet:read"}, nil
			}
			return provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@alpha", Name: "Alpha"}, Source: "stubnet:read",
				Followers: provider.Known(1000), Posts: provider.Known(40),
				Recent: []provider.PublicPost{post("a1", e.clk.t.Add(-day), 10, 2, 3, provider.PublicCount{}),
					post("a2", e.clk.t.Add(-2*day), 4, 0, 0, provider.Known(2))}}, nil
		})
		if n, err := s.Collect(ctx); err != nil || n != 3 {
			t.Fatalf("first round read %d: %v", n, err)
		}
		if n, _ := s.Collect(ctx); n != 0 || e.stub.calls != 3 {
			t.Fatalf("a second round the same minute read %d (calls %d)", n, e.stub.calls)
		}
		list, _ := s.List(ctx, e.owner, e.ws)
		alpha, beta := list[0], list[1]
		if alpha.Name != "Alpha" || alpha.RefreshedAt.IsZero() || !alpha.NextAt.Equal(start.Add(day)) || beta.Notes[0] != "followers are odd here" {
			t.Fatalf("after a read: %+v %+v", alpha, beta)
		}
		snaps, err := e.a.Store.Read().CompetitorSnapshots(ctx, beta.ID, start.Add(-time.Hour), start.Add(time.Hour))
		if err != nil || len(snaps) != 1 || snaps[0].Followers.Value != -5 || snaps[0].Flags[0] != model.MetricNegative || snaps[0].Posts.Known {
			t.Fatalf("beta's snapshot: %+v %v", snaps, err)
		}
		posts, err := e.a.Store.Read().LatestCompetitorPosts(ctx, beta.ID, start.Add(-3*day), start.Add(time.Hour))
		if err != nil || len(posts) != 1 || posts[0].Likes.Known {
			t.Fatalf("beta's post: %+v %v", posts, err)
		}

		// A day later alpha grew and its first post has more likes; the
		// network then rate limits: beta waits, gamma waits as long without
		// being asked, and "refresh now" waits too.
		e.clk.t = start.Add(day)
		e.stub.script(func(id string) (provider.PublicRead, error) {
			return provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@alpha", Name: "Alpha"}, Source: "stubnet:read",
				Followers: provider.Known(1100), Recent: []provider.PublicPost{post("a1", start.Add(-day), 20, 2, 3, provider.PublicCount{})}}, nil
		}, func(id string) (provider.PublicRead, error) {
			return provider.PublicRead{}, &provider.Error{Trait: provider.RateLimited, Network: "stubnet", Op: "read account", RetryAfter: 2 * time.Hour}
		})
		if n, _ := s.Collect(ctx); n != 1 || e.stub.calls != 2 {
			t.Fatalf("round two read %d with %d calls", n, e.stub.calls)
		}
		beta, _ = s.Get(ctx, e.owner, e.ws, beta.ID)
		if !strings.HasPrefix(beta.LastError, "rate limited") || !beta.NextAt.Equal(e.clk.t.Add(2*time.Hour)) {
			t.Fatalf("rate limited beta: %+v", beta)
		}
		gamma, _ := s.Get(ctx, e.owner, e.ws, list[2].ID)
		if gamma.Handle != "@gamma" || !strings.HasPrefix(gamma.LastError, "rate limited") || !gamma.NextAt.Equal(beta.NextAt) || !gamma.RefreshedAt.Equal(start) {
			t.Fatalf("gamma after the network said to wait: %+v", gamma)
		}
		_, err = s.Refresh(ctx, e.owner, e.ws, beta.ID)
		wantKind(t, err, model.KindRateLimited, "")
		if e.stub.calls != 2 {
			t.Fatal("refresh now called a network that asked to wait")
		}
		e.clk.t = e.clk.t.Add(2 * time.Hour)
		e.stub.script(func(id string) (provider.PublicRead, error) {
			return provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@beta"}, Source: "stubnet:read"}, nil
		})
		if beta, err = s.Refresh(ctx, e.owner, e.ws, beta.ID); err != nil || beta.LastError != "" || !beta.RefreshedAt.Equal(e.clk.t) {
			t.Fatalf("refresh now: %+v %v", beta, err)
		}
		_, err = s.Refresh(ctx, e.viewer, e.ws, beta.ID)
		wantKind(t, err, model.KindForbidden, "")

		// The workspace's own channel on the network joins the comparison.
		ch, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "fake", map[string]string{"handle": "acme"})
		if err != nil {
			t.Fatal(err)
		}
		e.stub.accounts["gamma"] = provider.PublicAccount{ID: "id-gamma", Handle: "@gamma"}
		cmp, err := s.Compare(ctx, e.viewer, e.ws, start.Add(-7*day), start.Add(7*day))
		if err != nil {
			t.Fatal(err)
		}
		if len(cmp.Rows) != 3 {
			t.Fatalf("rows %+v (no own channel on stubnet, so none)", cmp.Rows)
		}
		a := cmp.Rows[0]
		if a.Handle != "@alpha" || a.Followers != (competitor.Value{V: 1100, Known: true}) || a.Growth != (competitor.Value{V: 100, Known: true}) ||
			a.Posts != 2 || a.PostsPerWeek != (competitor.Value{V: 1, Known: true}) || a.EngagementPost != (competitor.Value{V: (25 + 6) / 2.0, Known: true}) {
			t.Fatalf("alpha %+v", a)
		}
		b := cmp.Rows[1]
		if b.Followers.Known || b.Growth.Known || b.EngagementPost.Known || b.Posts != 1 {
			t.Fatalf("beta: negative followers and unknown counters are not available, not 0: %+v", b)
		}
		_, err = s.Compare(ctx, e.viewer, e.ws, start, start.Add(-day))
		wantKind(t, err, model.KindInvalid, "from")

		// Following a competitor on the demo network brings the own channel in.
		if _, err := s.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "fake", Handle: "rival"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Collect(ctx); err != nil {
			t.Fatal(err)
		}
		cmp, _ = s.Compare(ctx, e.owner, e.ws, start.Add(-7*day), start.Add(7*day))
		var own *competitor.Row
		for i := range cmp.Rows {
			if cmp.Rows[i].Own {
				own = &cmp.Rows[i]
			}
		}
		if own == nil || own.ID != ch.ID || own.Followers.Known || own.Posts != 0 || own.EngagementPost.Known {
			t.Fatalf("own channel row %+v in %+v", own, cmp.Rows)
		}
	})
}

// Connect makes the stub a network a workspace can connect a channel on.
func (s *stubNet) Connect(_ context.Context, input map[string]string) (provider.Account, error) {
	return provider.Account{RemoteID: "me", Handle: "@me", Credentials: map[string]string{"token": "old"}, Settings: map[string]string{}}, nil
}

// RefreshAuth renews the stub channel's session.
func (s *stubNet) RefreshAuth(_ context.Context, acct provider.Account) (map[string]string, time.Time, error) {
	return map[string]string{"token": "new"}, time.Now().Add(time.Hour), nil
}

// Reads go through the workspace's channel on the network; when the network
// says its session expired, the session is renewed and the read tried
// again, and the channel's health is left alone.
func TestReadsRenewTheChannelSession(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		ctx := context.Background()
		e := setup(t, cfg)
		ch, err := e.a.Channels.Connect(ctx, e.owner, e.ws, "stubnet", map[string]string{})
		if err != nil {
			t.Fatal(err)
		}
		e.stub.accounts["rival"] = provider.PublicAccount{ID: "id-rival", Handle: "@rival"}
		c, err := e.a.Competitors.Add(ctx, e.owner, e.ws, competitor.NewCompetitor{Network: "stubnet", Handle: "rival"})
		if err != nil {
			t.Fatal(err)
		}
		e.stub.script(func(string) (provider.PublicRead, error) {
			return provider.PublicRead{}, &provider.Error{Trait: provider.AuthExpired, Network: "stubnet", Op: "read account", Message: "ExpiredToken"}
		}, func(id string) (provider.PublicRead, error) {
			return provider.PublicRead{Account: provider.PublicAccount{ID: id, Handle: "@rival"}, Followers: provider.Known(5)}, nil
		})
		c, err = e.a.Competitors.Refresh(ctx, e.owner, e.ws, c.ID)
		if err != nil || c.LastError != "" || c.RefreshedAt.IsZero() {
			t.Fatalf("refresh: %+v %v", c, err)
		}
		vias := e.stub.vias[len(e.stub.vias)-2:]
		if vias[0].Credentials["token"] != "old" || vias[1].Credentials["token"] != "new" || vias[1].RemoteID != "me" {
			t.Fatalf("reads went through %+v", vias)
		}
		got, err := e.a.Channels.Get(ctx, e.owner, e.ws, ch.ID)
		if err != nil || got.Status != model.ChannelActive {
			t.Fatalf("the channel after a competitor's read: %+v %v", got, err)
		}
	})
}
