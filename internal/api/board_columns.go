package api

import (
	"time"

	"herald/internal/model"
)

// cardFields names the domain's card fields as the API's bodies do.
var cardFields = map[string]string{"post": "post_id", "assignee": "assignee_id", "column": "column_id"}

// cardErr renames the field of a domain error about a card to the API's
// name for it, so a problem points at the member of the body at fault.
func cardErr(err error) error {
	e := model.AsError(err)
	if e == nil || cardFields[e.Field] == "" {
		return err
	}
	renamed := *e
	renamed.Field = cardFields[e.Field]
	return &renamed
}

// boardChecklistAdd appends an item to a card's checklist.
func (s *server) boardChecklistAdd(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	it, err := s.d.Board.AddChecklistItem(c.ctx(), c.actor, ws, id, in.Text)
	if err != nil {
		return reply{}, err
	}
	return created(c, it.ID, checklistItemView{ID: it.ID, Text: it.Text, Done: it.Done, Position: it.Position}), nil
}

// boardChecklistSet ticks or unticks an item and answers the card.
func (s *server) boardChecklistSet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	item, err := c.id("item", "checklist item")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Done *bool `json:"done"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Done == nil {
		return reply{}, invalidField("done", "say whether the item is done: true or false")
	}
	if err := s.d.Board.SetChecklistItem(c.ctx(), c.actor, ws, id, item, *in.Done); err != nil {
		return reply{}, err
	}
	card, err := s.d.Board.Card(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewCard(card, time.Now())), nil
}

// boardChecklistDelete removes an item.
func (s *server) boardChecklistDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("card")
	if err != nil {
		return reply{}, err
	}
	item, err := c.id("item", "checklist item")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Board.DeleteChecklistItem(c.ctx(), c.actor, ws, id, item)
}

func viewColumn(col model.BoardColumn, last bool) boardColumnView {
	return boardColumnView{ID: col.ID, Name: col.Name, Position: col.Position, Done: last}
}

// boardColumnList lists the board's columns in order.
func (s *server) boardColumnList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	cols, err := s.d.Board.Columns(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := listOf[boardColumnView]{Data: make([]boardColumnView, len(cols))}
	for i, col := range cols {
		out.Data[i] = viewColumn(col, i == len(cols)-1)
	}
	return ok(out), nil
}

// boardColumnCreate appends a column.
func (s *server) boardColumnCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	col, err := s.d.Board.AddColumn(c.ctx(), c.actor, ws, in.Name)
	if err != nil {
		return reply{}, err
	}
	return created(c, col.ID, viewColumn(col, true)), nil
}

// boardColumnUpdate renames a column and/or moves it to a position.
func (s *server) boardColumnUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("column")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name     *string `json:"name"`
		Position *int    `json:"position"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Name == nil && in.Position == nil {
		return reply{}, invalidField("name", "send a new name, a position, or both")
	}
	if in.Name != nil {
		if _, err := s.d.Board.RenameColumn(c.ctx(), c.actor, ws, id, *in.Name); err != nil {
			return reply{}, err
		}
	}
	if in.Position != nil {
		if err := s.d.Board.MoveColumn(c.ctx(), c.actor, ws, id, *in.Position); err != nil {
			return reply{}, err
		}
	}
	return s.columnAnswer(c, ws, id)
}

// columnAnswer answers one column as it is now.
func (s *server) columnAnswer(c *call, ws, id string) (reply, error) {
	cols, err := s.d.Board.Columns(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	for i, col := range cols {
		if col.ID == id {
			return ok(viewColumn(col, i == len(cols)-1)), nil
		}
	}
	return reply{}, model.NotFound("no such column on this workspace's board")
}

// boardColumnDelete removes an empty column.
func (s *server) boardColumnDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("column")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Board.DeleteColumn(c.ctx(), c.actor, ws, id)
}
