package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

// The board from the browser: a refused due date says why on its field
// and keeps what was typed; a card is added, moved with its "Move to"
// form, its checklist ticked; an overdue card is marked on the board and
// in "my work"; a viewer may look but not add.
func TestBoardPages(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	owner := e.actor("owner@example.test")
	base := "/w/" + w.ID + "/board"
	ctx := context.Background()
	mustContain(t, c.open(base), "Production board", "idea", "writing", "design", "review", "ready", "Add a card")

	p := c.post(base+"/cards", url.Values{"title": {"Launch video"}, "due": {"2020-01-01T10:00"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "due"); !strings.Contains(msg, "before the card was created") {
		t.Fatalf("due error %q", msg)
	}
	if !strings.Contains(p.body, `value="Launch video"`) {
		t.Fatal("the typed title is not kept after a refusal")
	}
	p = c.post(base+"/cards", url.Values{"title": {"Launch video"}, "due": {"next tuesday"}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "due"); !strings.Contains(msg, "is not a due date") {
		t.Fatalf("due error %q", msg)
	}

	// A card made two days ago, due yesterday: overdue now.
	e.a.Board.Now = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	due := time.Now().UTC().Add(-24 * time.Hour).Format("2006-01-02T15:04")
	p = c.post(base+"/cards", url.Values{"title": {"Launch video"}, "due": {due}, "assignee": {owner.UserID}})
	e.a.Board.Now = nil
	wantStatus(t, p, http.StatusSeeOther)
	b, err := e.a.Board.Board(ctx, owner, w.ID)
	if err != nil || len(b.Columns[0].Cards) != 1 {
		t.Fatalf("board %+v %v", b, err)
	}
	card := b.Columns[0].Cards[0]
	if p.location() != base+"#card-"+card.ID {
		t.Fatalf("after adding: %q", p.location())
	}
	page := c.open(base)
	mustContain(t, page, "Launch video", "Overdue", "Move to")
	if !strings.Contains(page.body, `class="board-card board-card-overdue" id="card-`+card.ID+`"`) {
		t.Fatal("the overdue card is not marked with its class")
	}

	p = c.post(base+"/cards/"+card.ID+"/move", url.Values{"column": {b.Columns[3].ID}})
	wantStatus(t, p, http.StatusSeeOther)
	if moved, _ := e.a.Board.Card(ctx, owner, w.ID, card.ID); moved.ColumnID != b.Columns[3].ID {
		t.Fatalf("not moved: in %s", moved.ColumnName)
	}
	p = c.post(base+"/cards/"+card.ID+"/move", url.Values{"column": {"01ARZ3NDEKTSV4RRFFQ69G5FAV"}})
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "No such column")

	p = c.post(base+"/cards/"+card.ID+"/checklist", url.Values{"text": {"Alt text for the thumbnail"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = c.post(base+"/cards/"+card.ID+"/checklist", url.Values{"text": {"  "}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "text"); !strings.Contains(msg, "1 to 200 characters") {
		t.Fatalf("empty item: %q", msg)
	}
	got, _ := e.a.Board.Card(ctx, owner, w.ID, card.ID)
	if len(got.Checklist) != 1 {
		t.Fatalf("checklist %+v", got.Checklist)
	}
	p = c.submit(base+"/cards/"+card.ID+"/checklist/"+got.Checklist[0].ID, url.Values{"done": {"1"}})
	mustContain(t, p, "Alt text for the thumbnail", "Untick", "1/1")
	if got, _ = e.a.Board.Card(ctx, owner, w.ID, card.ID); !got.Checklist[0].Done {
		t.Fatal("the item is not ticked")
	}

	mustContain(t, c.open("/my-work"), "My work", "Launch video", "Acme", "Overdue")

	e.member("owner@example.test", w.ID, "viewer@example.test", model.RoleViewer)
	viewer := e.client()
	viewer.signIn("viewer@example.test", testPassword)
	page = viewer.open(base)
	mustContain(t, page, "Launch video")
	if strings.Contains(page.body, "Add a card") || strings.Contains(page.body, "Move to") {
		t.Fatal("a viewer is offered changes")
	}
	wantStatus(t, viewer.post(base+"/cards", url.Values{"title": {"Sneaky"}}), http.StatusForbidden)
}

// Columns from the page: added, a duplicate refused on its field, an
// occupied column kept.
func TestBoardColumnsPage(t *testing.T) {
	e := newEnv(t)
	c := e.owner()
	w := e.workspace("owner@example.test", "Acme")
	base := "/w/" + w.ID + "/board"
	p := c.submit(base+"/columns", url.Values{"name": {"Legal"}})
	mustContain(t, p, "The column “Legal” is added.")
	p = c.post(base+"/columns", url.Values{"name": {"legal"}})
	wantStatus(t, p, http.StatusConflict)
	if msg := fieldError(t, p.body, "name"); !strings.Contains(msg, "already has a column") {
		t.Fatalf("duplicate: %q", msg)
	}
	owner := e.actor("owner@example.test")
	cols, _ := e.a.Board.Columns(context.Background(), owner, w.ID)
	wantStatus(t, c.post(base+"/cards", url.Values{"title": {"Hold"}, "column": {cols[0].ID}}), http.StatusSeeOther)
	p = c.post(base+"/columns/"+cols[0].ID+"/delete", nil)
	wantStatus(t, p, http.StatusConflict)
	mustContain(t, p, "still holds 1 card")
	p = c.submit(base+"/columns/"+cols[5].ID+"/move", url.Values{"position": {"0"}})
	mustContain(t, p, "The column moved.")
	if cols, _ = e.a.Board.Columns(context.Background(), owner, w.ID); cols[0].Name != "Legal" {
		t.Fatalf("columns %+v", cols)
	}
}
