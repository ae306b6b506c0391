package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/board"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/notify"
)

// boardRoutes registers the production board, its cards and columns, and
// the visitor's own work across workspaces. Every change is a plain form;
// board.js only adds drag and drop on top of the "Move to" forms.
func (h *handler) boardRoutes(_ *http.ServeMux, route routeFunc) {
	route("GET /my-work", signedIn, h.myWorkShow)
	route("GET /w/{ws}/board", signedIn, h.boardShow)
	route("POST /w/{ws}/board/cards", signedIn, h.boardCardCreate)
	route("GET /w/{ws}/board/cards/{id}", signedIn, h.boardCardShow)
	route("POST /w/{ws}/board/cards/{id}", signedIn, h.boardCardUpdate)
	route("POST /w/{ws}/board/cards/{id}/move", signedIn, h.boardCardMove)
	route("POST /w/{ws}/board/cards/{id}/delete", signedIn, h.boardCardDelete)
	route("POST /w/{ws}/board/cards/{id}/checklist", signedIn, h.boardChecklistAdd)
	route("POST /w/{ws}/board/cards/{id}/checklist/{item}", signedIn, h.boardChecklistSet)
	route("POST /w/{ws}/board/cards/{id}/checklist/{item}/delete", signedIn, h.boardChecklistDelete)
	route("POST /w/{ws}/board/columns", signedIn, h.boardColumnAdd)
	route("POST /w/{ws}/board/columns/{id}", signedIn, h.boardColumnRename)
	route("POST /w/{ws}/board/columns/{id}/move", signedIn, h.boardColumnMove)
	route("POST /w/{ws}/board/columns/{id}/delete", signedIn, h.boardColumnDelete)
}

// postChoice is a post a card may follow, for the post select.
type postChoice struct {
	ID, Text string
}

// boardData is the board page.
type boardData struct {
	board.Board
	CanEdit    bool
	CanColumns bool
	Posts      []postChoice
}

// Overdue reports whether a card is overdue now (the board's instant).
func (d *boardData) Overdue(c model.BoardCard) bool { return c.Overdue(d.Now) }

// boardShow renders the board.
func (h *handler) boardShow(w http.ResponseWriter, r *http.Request, v *visit) {
	f := &form{Values: url.Values{"post": {r.URL.Query().Get("post")}}, Errors: map[string]string{}}
	h.renderBoard(w, r, v, http.StatusOK, f)
}

func (h *handler) renderBoard(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	b, err := h.d.Board.Board(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &boardData{Board: b, CanEdit: model.Can(m.Role, model.ActBoardEdit), CanColumns: model.Can(m.Role, model.ActBoardColumns)}
	if d.CanEdit {
		if d.Posts, err = h.postChoices(r, v, m.Workspace.ID, f.Val("post")); err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	f.onlyFields("title", "notes", "column", "assignee", "due", "post", "name", "position")
	h.render(w, r, v, status, "board", &page{Title: "Production board", Section: "board", WS: &m, Form: f, Data: d})
}

// postChoices lists the workspace's recent posts for the post select,
// with keep (the card's current post) among them.
func (h *handler) postChoices(r *http.Request, v *visit, workspaceID, keep string) ([]postChoice, error) {
	posts, _, err := h.d.Compose.List(r.Context(), v.actor, workspaceID, compose.Filter{Limit: 100})
	if err != nil {
		return nil, err
	}
	var out []postChoice
	found := keep == ""
	for _, p := range posts {
		found = found || p.ID == keep
		out = append(out, postChoice{ID: p.ID, Text: notify.Excerpt(p.Base.Text, 60)})
	}
	if !found {
		out = append(out, postChoice{ID: keep, Text: "Post " + keep})
	}
	return out, nil
}

// cardInput reads a card form.
func cardInput(r *http.Request) board.CardInput {
	f := r.PostForm
	return board.CardInput{Title: f.Get("title"), Notes: f.Get("notes"), PostID: f.Get("post"), AssigneeID: f.Get("assignee"),
		Due: f.Get("due"), ColumnID: f.Get("column")}
}

// boardCardCreate adds a card from the board's form.
func (h *handler) boardCardCreate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	c, err := h.d.Board.CreateCard(r.Context(), v.actor, m.Workspace.ID, cardInput(r))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderBoard(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "“"+c.Title+"” is on the board.")
	redirect(w, r, board.CardLink(m.Workspace.ID, c.ID))
}

// cardData is a card's own page: everything about it, and its forms.
type cardData struct {
	Card    model.BoardCard
	Columns []model.BoardColumn
	Members []model.Member
	Posts   []postChoice
	CanEdit bool
	Now     time.Time
}

// boardCardShow renders a card's page.
func (h *handler) boardCardShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderCard(w, r, v, http.StatusOK, nil)
}

// renderCard renders a card's page; a failed form f shows its values and
// messages instead of the card's.
func (h *handler) renderCard(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	b, err := h.d.Board.Board(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	c, err := h.d.Board.Card(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &cardData{Card: c, Members: b.Members, CanEdit: model.Can(m.Role, model.ActBoardEdit), Now: b.Now}
	for _, col := range b.Columns {
		d.Columns = append(d.Columns, col.BoardColumn)
	}
	if f == nil {
		f = &form{Values: cardValues(c), Errors: map[string]string{}}
	}
	if d.CanEdit {
		if d.Posts, err = h.postChoices(r, v, m.Workspace.ID, f.Val("post")); err != nil {
			h.fail(w, r, v, err)
			return
		}
	}
	f.onlyFields("title", "notes", "assignee", "due", "post", "text", "column")
	h.render(w, r, v, status, "board_card", &page{Title: c.Title, Section: "board", WS: &m, Form: f, Data: d})
}

// cardValues fills the card form from the card.
func cardValues(c model.BoardCard) url.Values {
	due := ""
	if !c.DueAt.IsZero() {
		due = c.DueAt.Format("2006-01-02T15:04")
	}
	return url.Values{"title": {c.Title}, "notes": {c.Notes}, "post": {c.PostID}, "assignee": {c.AssigneeID}, "due": {due}}
}

// cardFail shows a refused card change on the card's page.
func (h *handler) cardFail(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	f := newForm(r)
	h.formFail(w, r, v, err, f, func(status int) { h.renderCard(w, r, v, status, f) })
}

// boardCardUpdate saves a card's page form.
func (h *handler) boardCardUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	c, err := h.d.Board.UpdateCard(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), cardInput(r))
	if err != nil {
		h.cardFail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "“"+c.Title+"” is saved.")
	redirect(w, r, cardPage(m.Workspace.ID, c.ID))
}

func cardPage(workspaceID, id string) string { return "/w/" + workspaceID + "/board/cards/" + id }

// boardCardMove moves a card to a column: at the bottom unless position
// says otherwise (the drag and drop sends the exact place).
func (h *handler) boardCardMove(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	pos, err := position(r.PostForm.Get("position"))
	var c model.BoardCard
	if err == nil {
		c, err = h.d.Board.MoveCard(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), r.PostForm.Get("column"), pos)
	}
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderBoard(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", "“"+c.Title+"” moved to "+c.ColumnName+".")
	h.back(w, r, m.Workspace.ID, board.CardLink(m.Workspace.ID, c.ID))
}

// position reads a position field; empty means the end (-1).
func position(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, model.Invalid("position", "%q is not a position; use a number from 0", s)
	}
	return n, nil
}

// back returns to the card page when the form came from there, else to
// fallback on the board.
func (h *handler) back(w http.ResponseWriter, r *http.Request, workspaceID, fallback string) {
	if r.PostForm.Get("from") == "card" {
		redirect(w, r, cardPage(workspaceID, r.PathValue("id")))
		return
	}
	redirect(w, r, fallback)
}

// boardCardDelete removes a card.
func (h *handler) boardCardDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Board.DeleteCard(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The card is deleted.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/board")
}

// boardChecklistAdd adds an item to a card's checklist.
func (h *handler) boardChecklistAdd(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Board.AddChecklistItem(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), r.PostForm.Get("text")); err != nil {
		h.cardFail(w, r, v, err)
		return
	}
	redirect(w, r, cardPage(m.Workspace.ID, r.PathValue("id"))+"#checklist")
}

// boardChecklistSet ticks (done=1) or unticks an item.
func (h *handler) boardChecklistSet(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	done := r.PostForm.Get("done") == "1"
	if err := h.d.Board.SetChecklistItem(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), r.PathValue("item"), done); err != nil {
		h.fail(w, r, v, err)
		return
	}
	redirect(w, r, cardPage(m.Workspace.ID, r.PathValue("id"))+"#checklist")
}

// boardChecklistDelete removes an item.
func (h *handler) boardChecklistDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Board.DeleteChecklistItem(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), r.PathValue("item")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	redirect(w, r, cardPage(m.Workspace.ID, r.PathValue("id"))+"#checklist")
}

// columnDone redirects to the board's column settings after a change, or
// shows a refusal on the board.
func (h *handler) columnDone(w http.ResponseWriter, r *http.Request, v *visit, workspaceID, msg string, err error) {
	if err != nil {
		if e := model.AsError(err); e != nil && e.Field == "column" {
			// The column is the one acted on, not the new card's field.
			moved := *e
			moved.Field = ""
			err = &moved
		}
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderBoard(w, r, v, status, f) })
		return
	}
	h.setFlash(w, r, "success", msg)
	redirect(w, r, "/w/"+workspaceID+"/board#columns")
}

// boardColumnAdd appends a column.
func (h *handler) boardColumnAdd(w http.ResponseWriter, r *http.Request, v *visit) {
	if m, ok := h.workspace(w, r, v); ok {
		c, err := h.d.Board.AddColumn(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("name"))
		h.columnDone(w, r, v, m.Workspace.ID, "The column “"+c.Name+"” is added.", err)
	}
}

// boardColumnRename renames a column.
func (h *handler) boardColumnRename(w http.ResponseWriter, r *http.Request, v *visit) {
	if m, ok := h.workspace(w, r, v); ok {
		c, err := h.d.Board.RenameColumn(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), r.PostForm.Get("name"))
		h.columnDone(w, r, v, m.Workspace.ID, "The column is now “"+c.Name+"”.", err)
	}
}

// boardColumnMove puts a column at another place.
func (h *handler) boardColumnMove(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	pos, err := position(r.PostForm.Get("position"))
	if err != nil {
		h.columnDone(w, r, v, m.Workspace.ID, "", err)
		return
	}
	err = h.d.Board.MoveColumn(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"), pos)
	h.columnDone(w, r, v, m.Workspace.ID, "The column moved.", err)
}

// boardColumnDelete removes an empty column.
func (h *handler) boardColumnDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	if m, ok := h.workspace(w, r, v); ok {
		err := h.d.Board.DeleteColumn(r.Context(), v.actor, m.Workspace.ID, r.PathValue("id"))
		h.columnDone(w, r, v, m.Workspace.ID, "The column is removed.", err)
	}
}

// myWorkData is the "my work" page.
type myWorkData struct {
	Cards []model.BoardCard
	Now   time.Time
}

// myWorkShow lists the visitor's open cards across workspaces.
func (h *handler) myWorkShow(w http.ResponseWriter, r *http.Request, v *visit) {
	cards, err := h.d.Board.MyWork(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.render(w, r, v, http.StatusOK, "my_work", &page{Title: "My work", Section: "my-work", Data: &myWorkData{Cards: cards, Now: time.Now()}})
}
