package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"herald/internal/compose"
	"herald/internal/model"
)

// memberClient adds a member with role to the compose workspace and signs
// them in, in a browser of their own.
func (ce *composeEnv) memberClient(t *testing.T, email string, role model.Role) *client {
	t.Helper()
	u := ce.member("owner@example.test", ce.ws.ID, email, role)
	c := ce.client()
	c.signIn(u.Email, testPassword)
	return c
}

// draft saves a post directly through the domain.
func (ce *composeEnv) draft(t *testing.T, text string, d compose.Draft) model.Post {
	t.Helper()
	d.Base.Text = text
	if d.Channels == nil {
		d.Channels = []string{ce.bsky.ID}
	}
	p, err := ce.a.Compose.Create(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, d)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPostsListFiltersPagesAndDeletes: the list shows posts newest first
// with status chips, pillar and labels; filters narrow it; a full page
// links to the next; delete removes a post; a viewer sees no edit buttons
// and cannot delete.
func TestPostsListFiltersPagesAndDeletes(t *testing.T) {
	ce := newComposeEnv(t)
	ctx, owner := context.Background(), ce.actor("owner@example.test")
	pillar, err := ce.a.Compose.SavePillar(ctx, owner, ce.ws.ID, model.Pillar{Name: "Tips", Color: "#336699", TargetShare: 40})
	if err != nil {
		t.Fatal(err)
	}
	// IDs order posts only across milliseconds, so each gets its own.
	for i := 0; i < 50; i++ {
		ce.draft(t, fmt.Sprintf("Filler post %02d", i), compose.Draft{})
		time.Sleep(2 * time.Millisecond)
	}
	tip := ce.draft(t, "A useful tip\nsecond line", compose.Draft{Channels: []string{ce.bsky.ID, ce.masto.ID}, PillarID: pillar.ID, Labels: []string{"spring"}})
	base := "/w/" + ce.ws.ID + "/posts"

	p := ce.c.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "A useful tip", "acme.bsky.social: Draft", "Tips", "spring", "New post")
	if strings.Contains(text(p.body), "second line") {
		t.Error("the list shows more than the first line")
	}
	for _, href := range []string{base + "/new", base + "/" + tip.ID + "/edit", base + "/" + tip.ID + "/history", base + "/import"} {
		if !strings.Contains(p.body, `href="`+href+`"`) {
			t.Errorf("the list does not link to %s", href)
		}
	}
	if strings.Index(p.body, "A useful tip") > strings.Index(p.body, "Filler post 49") {
		t.Error("the newest post is not first")
	}
	next := regexp.MustCompile(`href="([^"]+after=[^"]+)" rel="next"`).FindStringSubmatch(p.body)
	if next == nil || strings.Contains(p.body, "Filler post 00") {
		t.Fatal("51 posts fit on one page; want a link to older posts")
	}
	p = ce.c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	mustContain(t, p, "Filler post 00", "First page")

	p = ce.c.get(base + "?q=useful")
	mustContain(t, p, "A useful tip", "Matching posts")
	if strings.Contains(p.body, "Filler post") {
		t.Error("search did not narrow the list")
	}
	p = ce.c.get(base + "?pillar=" + pillar.ID + "&label=spring&status=draft&channel=" + ce.masto.ID)
	mustContain(t, p, "A useful tip")
	p = ce.c.get(base + "?status=published")
	mustContain(t, p, "No posts match these filters.")

	dl := ce.c.get(base + "/export?format=csv&q=useful")
	wantStatus(t, dl, http.StatusOK)
	if !strings.HasPrefix(dl.header.Get("Content-Type"), "text/csv") || !strings.Contains(dl.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers: %v", dl.header)
	}
	if !strings.Contains(dl.body, "A useful tip") || strings.Contains(dl.body, "Filler") {
		t.Errorf("the CSV export ignores the filters: %.300s", dl.body)
	}
	if dl = ce.c.get(base + "/export?format=json"); !strings.HasPrefix(dl.header.Get("Content-Type"), "application/json") {
		t.Errorf("JSON export: %d %v", dl.status, dl.header)
	}
	wantStatus(t, ce.c.get(base+"/export?format=xml"), http.StatusBadRequest)

	viewer := ce.memberClient(t, "viewer@example.test", model.RoleViewer)
	p = viewer.get(base)
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, "/delete") || strings.Contains(p.body, base+"/new") {
		t.Error("a viewer is offered delete or new post")
	}
	wantStatus(t, viewer.post(base+"/"+tip.ID+"/delete", nil), http.StatusForbidden)

	p = ce.c.submit(base+"/"+tip.ID+"/delete", nil)
	mustContain(t, p, "The post is deleted.")
	if strings.Contains(p.body, "A useful tip") {
		t.Error("the deleted post is still listed")
	}
}

// TestPostHistoryDiffAndRestore: each version shows who changed what with
// the word diff, and restoring an old one makes it the newest.
func TestPostHistoryDiffAndRestore(t *testing.T) {
	ce := newComposeEnv(t)
	ctx, owner := context.Background(), ce.actor("owner@example.test")
	p := ce.draft(t, "Spring sale starts Monday", compose.Draft{})
	if _, err := ce.a.Compose.Update(ctx, owner, ce.ws.ID, p.ID, 1, compose.Draft{Base: model.Content{Text: "Spring sale starts Friday"}, Channels: []string{ce.bsky.ID}}); err != nil {
		t.Fatal(err)
	}
	path := "/w/" + ce.ws.ID + "/posts/" + p.ID + "/history"
	page := ce.c.get(path)
	wantStatus(t, page, http.StatusOK)
	mustContain(t, page, "Version 2", "Current", "Version 1", "Olivia Owner", "Changed text")
	diff := regexp.MustCompile(`(?s)<p class="diff"[^>]*>(.*?)</p>`).FindStringSubmatch(page.body)
	if diff == nil || !regexp.MustCompile(`<del>[^<]*Mon[^<]*</del>`).MatchString(diff[1]) || !regexp.MustCompile(`<ins>[^<]*Fri[^<]*</ins>`).MatchString(diff[1]) {
		t.Errorf("no diff with <ins> and <del> in the history: %v", diff)
	}
	if n := strings.Count(page.body, "Restore this version"); n != 1 {
		t.Errorf("%d restore buttons, want 1 (not for the current version)", n)
	}
	page = ce.c.submit("/w/"+ce.ws.ID+"/posts/"+p.ID+"/restore", url.Values{"version": {"1"}})
	mustContain(t, page, "Version 1 is restored as version 3.", "Version 3")
	got, err := ce.a.Compose.Get(ctx, owner, ce.ws.ID, p.ID)
	if err != nil || got.Base.Text != "Spring sale starts Monday" {
		t.Fatalf("after restore the text is %q (%v)", got.Base.Text, err)
	}

	viewer := ce.memberClient(t, "viewer@example.test", model.RoleViewer)
	page = viewer.get(path)
	wantStatus(t, page, http.StatusOK)
	if strings.Contains(page.body, "Restore this version") {
		t.Error("a viewer is offered restore")
	}
	wantStatus(t, viewer.post("/w/"+ce.ws.ID+"/posts/"+p.ID+"/restore", url.Values{"version": {"2"}}), http.StatusForbidden)
	wantStatus(t, ce.c.get("/w/"+ce.ws.ID+"/posts/01aaaaaaaaaaaaaaaaaaaaaaaa/history"), http.StatusNotFound)
}

// TestIdeasBoard: capture, a refused empty idea, edit, make a draft that
// opens in the composer, the used toggle and delete; viewers only look.
func TestIdeasBoard(t *testing.T) {
	ce := newComposeEnv(t)
	base := "/w/" + ce.ws.ID + "/ideas"
	p := ce.c.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Capture an idea", "No open ideas")

	p = ce.c.post(base, url.Values{"text": {"  "}, "link": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "text"); !strings.Contains(msg, "needs some text") {
		t.Errorf("empty idea: %q", msg)
	}
	p = ce.c.post(base, url.Values{"text": {"Behind the scenes"}, "link": {"ftp://x"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "link")

	p = ce.c.submit(base, url.Values{"text": {"Behind the scenes video"}, "link": {"https://example.com/bts"}})
	mustContain(t, p, "The idea is saved.", "Behind the scenes video", "https://example.com/bts")
	ideas, err := ce.a.Compose.Ideas(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, false)
	if err != nil || len(ideas) != 1 {
		t.Fatalf("ideas: %v %v", ideas, err)
	}
	id := ideas[0].ID

	p = ce.c.post(base+"/"+id, url.Values{"text": {""}, "link": {""}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "An idea needs some text")
	p = ce.c.submit(base+"/"+id, url.Values{"text": {"Behind the scenes, part 2"}, "link": {"https://example.com/bts"}})
	mustContain(t, p, "Behind the scenes, part 2")

	p = ce.c.post(base+"/"+id+"/draft", nil)
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Pick at least one channel")
	p = ce.c.post(base+"/"+id+"/draft", url.Values{"channel": {ce.bsky.ID, ce.masto.ID}})
	wantStatus(t, p, http.StatusSeeOther)
	if !regexp.MustCompile(`^/w/` + ce.ws.ID + `/posts/[0-9a-z]{26}/edit$`).MatchString(p.location()) {
		t.Fatalf("make a draft goes to %q, want the composer", p.location())
	}
	p = ce.c.get(base)
	mustContain(t, p, "No open ideas")
	p = ce.c.get(base + "?all=1")
	mustContain(t, p, "Behind the scenes, part 2", "Made a draft")

	viewer := ce.memberClient(t, "viewer@example.test", model.RoleViewer)
	p = viewer.get(base + "?all=1")
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, "Capture an idea") || strings.Contains(p.body, "/delete") {
		t.Error("a viewer is offered the capture form or delete")
	}
	wantStatus(t, viewer.post(base, url.Values{"text": {"Mine"}}), http.StatusForbidden)
	wantStatus(t, viewer.post(base+"/"+id+"/delete", nil), http.StatusForbidden)

	p = ce.c.submit(base+"/"+id+"/delete", nil)
	mustContain(t, p, "The idea is deleted.")
}

// TestPillarsPage: create, the sum of shares, a sum over 100% refused on
// its field, edit and delete; an editor sees the pillars read-only.
func TestPillarsPage(t *testing.T) {
	ce := newComposeEnv(t)
	base := "/w/" + ce.ws.ID + "/settings/pillars"
	p := ce.c.submit(base, url.Values{"name": {"Education"}, "color": {"#2266AA"}, "target_share": {"60"}, "description": {"How-tos"}})
	mustContain(t, p, "The pillar Education is saved.", "Education", "60%", "How-tos", "Target shares add up to 60%", "40% is not assigned")
	if !strings.Contains(p.body, `fill="#2266aa"`) {
		t.Error("no colour swatch")
	}
	p = ce.c.post(base, url.Values{"name": {"Fun"}, "color": {"#ff0000"}, "target_share": {"50"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "target_share"); !strings.Contains(msg, "110%") {
		t.Errorf("over 100%%: %q", msg)
	}
	p = ce.c.post(base, url.Values{"name": {"Fun"}, "color": {"red"}, "target_share": {"5"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "color")

	pillars, _ := ce.a.Compose.Pillars(context.Background(), ce.actor("owner@example.test"), ce.ws.ID)
	id := pillars[0].ID
	p = ce.c.post(base+"/"+id, url.Values{"name": {"Education"}, "color": {"#2266aa"}, "target_share": {"lots"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "whole number of percent")
	p = ce.c.submit(base+"/"+id, url.Values{"name": {"Learning"}, "color": {"#2266aa"}, "target_share": {"30"}})
	mustContain(t, p, "Learning", "Target shares add up to 30%")

	editor := ce.memberClient(t, "editor@example.test", model.RoleEditor)
	p = editor.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Learning", "can see the pillars but not change them")
	if strings.Contains(p.body, "Add pillar") || strings.Contains(p.body, "/delete") {
		t.Error("an editor is offered pillar forms")
	}
	wantStatus(t, editor.post(base, url.Values{"name": {"Mine"}, "color": {"#000000"}}), http.StatusForbidden)

	p = ce.c.submit(base+"/"+id+"/delete", nil)
	mustContain(t, p, "The pillar is deleted", "No pillars yet.")
}

// TestSnippetsPage: a template shows the variables it uses, a malformed
// hashtag group is refused, edit and delete work, an editor only looks.
func TestSnippetsPage(t *testing.T) {
	ce := newComposeEnv(t)
	base := "/w/" + ce.ws.ID + "/settings/snippets"
	p := ce.c.submit(base, url.Values{"kind": {"template"}, "name": {"Launch"}, "body": {"{{product}} is out on {{date}} at {{ store }}"}})
	mustContain(t, p, "The template Launch is saved.", "Variables: product , store")
	p = ce.c.post(base, url.Values{"kind": {"hashtags"}, "name": {"Spring"}, "body": {"#spring not-a-tag"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "body"); !strings.Contains(msg, "is not a hashtag") {
		t.Errorf("bad hashtags: %q", msg)
	}
	if !strings.Contains(p.body, `value="hashtags" checked`) {
		t.Error("the kind picked is lost after an error")
	}
	p = ce.c.submit(base, url.Values{"kind": {"hashtags"}, "name": {"Spring"}, "body": {"#spring #sale"}})
	mustContain(t, p, "The hashtag group Spring is saved.", "#spring #sale")

	list, _ := ce.a.Compose.Snippets(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, model.SnippetTemplate)
	id := list[0].ID
	p = ce.c.submit(base+"/"+id, url.Values{"kind": {"template"}, "name": {"Launch"}, "body": {"Hello {{name}}"}})
	mustContain(t, p, "Variables: name")

	editor := ce.memberClient(t, "editor@example.test", model.RoleEditor)
	p = editor.get(base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Launch", "Spring", "can see and use these but not change them")
	wantStatus(t, editor.post(base+"/"+id+"/delete", nil), http.StatusForbidden)

	p = ce.c.submit(base+"/"+id+"/delete", nil)
	mustContain(t, p, "Deleted.", "No templates yet.")
}
