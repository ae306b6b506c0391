package api

import (
	"net/http"
	"time"

	"herald/internal/board"
	"herald/internal/model"
)

// boardRoutes are the production board and "my work" (openapi/board.json).
func (s *server) boardRoutes() []route {
	ws := "/api/v1/workspaces/{ws}/board"
	read, write := model.ScopePostsRead, model.ScopePostsWrite
	return []route{
		{http.MethodGet, "/api/v1/my-work", read, false, s.myWorkGet},
		{http.MethodGet, ws, read, false, s.boardGet},
		{http.MethodPost, ws + "/cards", write, true, s.boardCardCreate},
		{http.MethodGet, ws + "/cards/{id}", read, false, s.boardCardGet},
		{http.MethodPut, ws + "/cards/{id}", write, false, s.boardCardUpdate},
		{http.MethodDelete, ws + "/cards/{id}", write, false, s.boardCardDelete},
		{http.MethodPost, ws + "/cards/{id}/move", write, false, s.boardCardMove},
		{http.MethodPost, ws + "/cards/{id}/checklist", write, true, s.boardChecklistAdd},
		{http.MethodPatch, ws + "/cards/{id}/checklist/{item}", write, false, s.boardChecklistSet},
		{http.MethodDelete, ws + "/cards/{id}/checklist/{item}", write, false, s.boardChecklistDelete},
		{http.MethodGet, ws + "/columns", read, false, s.boardColumnList},
		{http.MethodPost, ws + "/columns", write, true, s.boardColumnCreate},
		{http.MethodPatch, ws + "/columns/{id}", write, false, s.boardColumnUpdate},
		{http.MethodDelete, ws + "/columns/{id}", write, false, s.boardColumnDelete},
	}
}

// checklistItemView is one step of a card's checklist.
type checklistItemView struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Done     bool   `json:"done"`
	Position int    `json:"position"`
}

// boardCardView is a card.
type boardCardView struct {
	ID            string              `json:"id"`
	WorkspaceID   string              `json:"workspace_id"`
	WorkspaceName string              `json:"workspace_name"`
	ColumnID      string              `json:"column_id"`
	Column        string              `json:"column"`
	Position      int                 `json:"position"`
	Title         string              `json:"title"`
	Notes         string              `json:"notes"`
	PostID        *string             `json:"post_id"`
	AssigneeID    *string             `json:"assignee_id"`
	AssigneeName  *string             `json:"assignee_name"`
	DueAt         *string             `json:"due_at"`
	Done          bool                `json:"done"`
	Overdue       bool                `json:"overdue"`
	Checklist     []checklistItemView `json:"checklist"`
	CreatedBy     string              `json:"created_by"`
	CreatedAt     string              `json:"created_at"`
	UpdatedAt     string              `json:"updated_at"`
}

func viewCard(c model.BoardCard, now time.Time) boardCardView {
	v := boardCardView{ID: c.ID, WorkspaceID: c.WorkspaceID, WorkspaceName: c.WorkspaceName, ColumnID: c.ColumnID, Column: c.ColumnName,
		Position: c.Position, Title: c.Title, Notes: c.Notes, PostID: stringOrNull(c.PostID), AssigneeID: stringOrNull(c.AssigneeID),
		AssigneeName: stringOrNull(c.AssigneeName), DueAt: stampOrNull(c.DueAt), Done: c.Done, Overdue: c.Overdue(now),
		Checklist: []checklistItemView{}, CreatedBy: c.CreatedBy, CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
	for _, it := range c.Checklist {
		v.Checklist = append(v.Checklist, checklistItemView{ID: it.ID, Text: it.Text, Done: it.Done, Position: it.Position})
	}
	return v
}

// boardColumnView is a column, with its cards on the board.
type boardColumnView struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Position int             `json:"position"`
	Done     bool            `json:"done"`
	Cards    []boardCardView `json:"cards,omitempty"`
}

// boardGet answers the whole board, column by column.
func (s *server) boardGet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	b, err := s.d.Board.Board(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := struct {
		Columns []boardColumnView `json:"columns"`
	}{Columns: []boardColumnView{}}
	for _, col := range b.Columns {
		v := boardColumnView{ID: col.ID, Name: col.Name, Position: col.Position, Done: col.Last, Cards: []boardCardView{}}
		for _, card := range col.Cards {
			v.Cards = append(v.Cards, viewCard(card, b.Now))
		}
		out.Columns = append(out.Columns, v)
	}
	return ok(out), nil
}

// myWorkGet lists the caller's open cards across workspaces, overdue first.
func (s *server) myWorkGet(c *call) (reply, error) {
	cards, err := s.d.Board.MyWork(c.ctx(), c.actor)
	if err != nil {
		return reply{}, err
	}
	now := time.Now()
	out := listOf[boardCardView]{Data: make([]boardCardView, len(cards))}
	for i, card := range cards {
		out.Data[i] = viewCard(card, now)
	}
	return ok(out), nil
}

// boardCardIn is the body that creates or replaces a card.
type boardCardIn struct {
	Title      string `json:"title"`
	Notes      string `json:"notes"`
	PostID     string `json:"post_id"`
	AssigneeID string `json:"assignee_id"`
	Due        string `json:"due"`
	ColumnID   string `json:"column_id"`
}

func (c *call) cardInput() (board.CardInput, error) {
	var in boardCardIn
	if err := c.decode(&in); err != nil {
		return board.CardInput{}, err
	}
	return board.CardInput{Title: in.Title, Notes: in.Notes, PostID: in.PostID, AssigneeID: in.AssigneeID, Due: in.Due, ColumnID: in.ColumnID}, nil
}

// boardCardCreate adds a card.
func (s *server) boardCardCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	in, err := c.cardInput()
	if err != nil {
		return reply{}, err
	}
	card, err := s.d.Board.CreateCard(c.ctx(), c.actor, ws, in)
	if err != nil {
		return reply{}, cardErr(err)
	}
	return created(c, card.ID, viewCard(card, time.Now())), nil
}

// boardCardGet answers one card.
func (s *server) boardCardGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	card, err := s.d.Board.Card(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewCard(card, time.Now())), nil
}

// boardCardUpdate replaces a card's title, notes, post, assignee and due date.
func (s *server) boardCardUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	in, err := c.cardInput()
	if err != nil {
		return reply{}, err
	}
	card, err := s.d.Board.UpdateCard(c.ctx(), c.actor, ws, id, in)
	if err != nil {
		return reply{}, cardErr(err)
	}
	return ok(viewCard(card, time.Now())), nil
}

// boardCardDelete removes a card.
func (s *server) boardCardDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Board.DeleteCard(c.ctx(), c.actor, ws, id)
}

// boardCardMove puts a card in a column, at a position or at the end.
func (s *server) boardCardMove(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		ColumnID string `json:"column_id"`
		Position *int   `json:"position"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.ColumnID == "" {
		return reply{}, invalidField("column_id", "name the column to move the card to")
	}
	pos := -1
	if in.Position != nil {
		if *in.Position < 0 {
			return reply{}, invalidField("position", "a position counts from 0; leave it out for the end of the column")
		}
		pos = *in.Position
	}
	card, err := s.d.Board.MoveCard(c.ctx(), c.actor, ws, id, in.ColumnID, pos)
	if err != nil {
		return reply{}, cardErr(err)
	}
	return ok(viewCard(card, time.Now())), nil
}
