package app_test

import (
	"context"
	"log/slog"
	"testing"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/testenv"
)

func accountNew(email string) account.NewUser {
	return account.NewUser{Email: email, Name: "Test User", Password: "a long enough password"}
}

// testConfig is a SQLite configuration in a temporary directory.
func testConfig(t *testing.T) config.Config { return testenv.Config(t) }

// build makes an app without job workers on cfg.
func build(t *testing.T, cfg config.Config) *app.App {
	t.Helper()
	cfg.Roles = []string{"web"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// newApp builds an app without workers on SQLite.
func newApp(t *testing.T) *app.App { return build(t, testConfig(t)) }

// eachDB runs fn with an app on SQLite and, when configured, PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, a *app.App)) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) { fn(t, build(t, cfg)) })
}

// peerWorkspace builds an app allowed to reach the local peers, with an
// owner and a workspace named name.
func peerWorkspace(t *testing.T, name string) (*app.App, model.Actor, model.Workspace) {
	t.Helper()
	cfg := testenv.Config(t)
	cfg.AllowPrivate = true // the peers listen on loopback
	a := build(t, cfg)
	ctx := context.Background()
	owner, err := a.Accounts.Setup(ctx, model.Actor{}, accountNew("owner@example.test"))
	if err != nil {
		t.Fatal(err)
	}
	me := actorOf(owner, "127.0.0.1")
	w, err := a.Workspaces.Create(ctx, me, name)
	if err != nil {
		t.Fatal(err)
	}
	return a, me, w
}
