package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/demo"
	"herald/internal/model"
	"herald/internal/testenv"
)

// remote is a real Herald (app.New on a fresh SQLite database) behind
// httptest, with a workspace of demo channels and an API token.
type remote struct {
	app   *app.App
	env   map[string]string
	ws    string
	chans []model.Channel
	owner model.Actor
}

func newRemote(t *testing.T) *remote {
	t.Helper()
	cfg := testenv.SQLite(t)
	cfg.Roles = []string{"web"}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	ctx := context.Background()
	u, err := a.Accounts.Setup(ctx, model.Actor{}, account.NewUser{Email: "owner@example.com", Name: "Owner", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	owner := model.Actor{UserID: u.ID, Email: u.Email, IsAdmin: true, Via: "cli"}
	var scopes []string
	for _, s := range model.Scopes {
		scopes = append(scopes, string(s.Scope))
	}
	token, _, err := a.Accounts.CreateToken(ctx, owner, account.NewToken{Name: "cli test", Scopes: scopes})
	if err != nil {
		t.Fatal(err)
	}
	w, chans, err := demo.Create(ctx, demo.Services{Workspaces: a.Workspaces, Channels: a.Channels}, owner)
	if err != nil {
		t.Fatal(err)
	}
	return &remote{app: a, ws: w.ID, chans: chans, owner: owner,
		env: map[string]string{"HERALD_URL": srv.URL, "HERALD_TOKEN": token}}
}

func (r *remote) post(t *testing.T, args ...string) run {
	t.Helper()
	return invoke(t, r.env, "", append([]string{"post"}, args...)...)
}

func TestPostListAndExport(t *testing.T) {
	r := newRemote(t)
	ctx := context.Background()
	for _, text := range []string{"Fresh bread at eight", "=SUM(A1) is not a formula here"} {
		if _, err := r.app.Compose.Create(ctx, r.owner, r.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{r.chans[0].ID}, Labels: []string{"bakery"}}); err != nil {
			t.Fatal(err)
		}
	}
	res := r.post(t, "list", "--workspace", r.ws)
	if res.code != 0 || !strings.Contains(res.stdout, "Fresh bread at eight") || !strings.Contains(res.stdout, "draft") ||
		!strings.Contains(res.stdout, r.chans[0].Name) || !strings.HasPrefix(res.stdout, "ID") {
		t.Fatalf("list: %+v", res)
	}
	if res = r.post(t, "list", "--workspace", r.ws, "--q", "bread", "--limit", "1"); res.code != 0 || strings.Count(res.stdout, "\n") != 2 {
		t.Fatalf("list --q: %+v", res)
	}
	res = r.post(t, "list", "--workspace", r.ws, "--channel", "not an id")
	if res.code != 1 || !strings.Contains(res.stderr, "channel: is not an ID") || strings.Contains(res.stderr, "{") {
		t.Fatalf("bad filter: %+v", res)
	}

	out := filepath.Join(t.TempDir(), "posts.csv")
	if res = r.post(t, "export", "--workspace", r.ws, "--format", "csv", "-o", out); res.code != 0 {
		t.Fatalf("export: %+v", res)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(data), "text,channels,") || !strings.Contains(string(data), "'=SUM(A1)") {
		t.Fatalf("exported %q (%v)", data, err)
	}
	res = r.post(t, "export", "--workspace", r.ws, "--format", "json")
	var doc struct{ Posts []json.RawMessage }
	if res.code != 0 || json.Unmarshal([]byte(res.stdout), &doc) != nil || len(doc.Posts) != 2 {
		t.Fatalf("export json: %+v", res)
	}
	// The CSV export imports again as it is.
	res = r.post(t, "import", out, "--workspace", r.ws)
	if res.code != 0 || !strings.Contains(res.stdout, "imported 2 of 2 rows") {
		t.Fatalf("re-import: %+v", res)
	}
}

func TestPostImport(t *testing.T) {
	r := newRemote(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	ch := r.chans[0].ID
	csv := "text,channels,time,zone\nGood row," + ch + ",,\nBad zone," + ch + ",2030-01-01 09:00,Mars/Olympus\nNobody,@nobody,,\n"
	if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	res := r.post(t, "import", "--workspace", r.ws, "--dry-run", bad)
	if res.code != 1 || !strings.Contains(res.stdout, `line 3, column zone: "Mars/Olympus" is not a time zone`) ||
		!strings.Contains(res.stdout, "line 4, column channels:") || !strings.Contains(res.stdout, "checked 3 of 3") ||
		!strings.Contains(res.stdout, "dry run: 3 rows read, 1 valid; nothing was saved") || !strings.Contains(res.stderr, "2 problems in the file") {
		t.Fatalf("dry run: %+v", res)
	}
	if posts, _, _ := r.app.Compose.List(context.Background(), r.owner, r.ws, compose.Filter{}); len(posts) != 0 {
		t.Fatalf("dry run saved %d posts", len(posts))
	}
	// Without --valid-only nothing is saved; with it the good row is, and
	// the exit code still reports the problems.
	if res = r.post(t, "import", bad, "--workspace", r.ws); res.code != 1 || !strings.Contains(res.stdout, "imported 0 of 3 rows") {
		t.Fatalf("import with problems: %+v", res)
	}
	if res = r.post(t, "import", bad, "--workspace", r.ws, "--valid-only"); res.code != 1 || !strings.Contains(res.stdout, "imported 1 of 3 rows") {
		t.Fatalf("valid only: %+v", res)
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("text,channels\nOne,"+ch+"\nTwo,"+ch+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if res = r.post(t, "import", good, "--workspace", r.ws); res.code != 0 || !strings.Contains(res.stdout, "imported 2 of 2 rows as drafts") || res.stderr != "" {
		t.Fatalf("import: %+v", res)
	}
	if posts, _, _ := r.app.Compose.List(context.Background(), r.owner, r.ws, compose.Filter{}); len(posts) != 3 {
		t.Fatalf("%d posts after the imports, want 3", len(posts))
	}
	// A refusal before the stream starts is a problem, shown without JSON.
	if res = r.post(t, "import", good, "--workspace", "01J00000000000000000000000"); res.code != 1 || strings.Contains(res.stderr, "{") || res.stderr == "" {
		t.Fatalf("unknown workspace: %+v", res)
	}
}

func TestPostValidate(t *testing.T) {
	r := newRemote(t)
	res := r.post(t, "validate", "--workspace", r.ws, "--channel", r.chans[0].ID, "--text", "Hello there")
	if res.code != 0 || !strings.Contains(res.stdout, r.chans[0].Name) || !strings.Contains(res.stdout, "text: 11 of") {
		t.Fatalf("validate: %+v", res)
	}
	res = r.post(t, "validate", "--workspace", r.ws, "--channel", r.chans[0].ID, "--text", strings.Repeat("long ", 2000))
	if res.code != 1 || !strings.Contains(res.stdout, "text: 10000 of 500 characters (over)") ||
		!strings.Contains(res.stdout, "error: text: The post is 10000 characters") || !strings.Contains(res.stderr, "the post does not fit: 1 error") {
		t.Fatalf("too long: %+v", res)
	}
	// An API problem shows its detail, never the JSON.
	res = r.post(t, "validate", "--workspace", r.ws, "--channel", r.chans[0].ID, "--text", strings.Repeat("long ", 20000))
	if res.code != 1 || !strings.Contains(res.stderr, "herald post: base.text: text is limited to 64 KB") || strings.Contains(res.stderr, "{") {
		t.Fatalf("over the API's limit: %+v", res)
	}
}

func TestPostNeedsTokenAndWorkspace(t *testing.T) {
	env := map[string]string{"HERALD_URL": "http://127.0.0.1:1"}
	res := invoke(t, env, "", "post", "list", "--workspace", "w")
	if res.code != 2 || !strings.Contains(res.stderr, "an API token is required: pass --token or set HERALD_TOKEN") {
		t.Fatalf("no token: %+v", res)
	}
	res = invoke(t, env, "", "post", "export", "--token", "hrld_x")
	if res.code != 2 || !strings.Contains(res.stderr, "--workspace is required") {
		t.Fatalf("no workspace: %+v", res)
	}
	res = invoke(t, env, "", "post", "list", "--token", "hrld_x", "--workspace", "w")
	if res.code != 1 || !strings.Contains(res.stderr, "cannot reach Herald at http://127.0.0.1:1") {
		t.Fatalf("no server: %+v", res)
	}
	r := newRemote(t)
	r.env["HERALD_TOKEN"] = "hrld_wrong"
	if res = r.post(t, "list", "--workspace", r.ws); res.code != 1 || strings.Contains(res.stderr, "{") || res.stderr == "" {
		t.Fatalf("bad token: %+v", res)
	}
	if res = invoke(t, env, "", "post", "frob"); res.code != 2 || !strings.Contains(res.stderr, `unknown post command "frob"`) {
		t.Fatalf("unknown: %+v", res)
	}
}
