// Package board is a workspace's production board (Kanban): columns that
// stand for stages of work, cards that move through them (standalone or
// following a post), each with an assignee, a due date, notes and a
// checklist. It reminds assignees of cards due soon and lists each
// person's work across their workspaces.
//
// The last column means done: its cards are never overdue and get no
// reminders. A workspace without columns gets DefaultColumns on first use.
package board

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// DefaultColumns are the stages a new board starts with.
var DefaultColumns = []string{"idea", "writing", "design", "review", "ready"}

// Limits that keep one board usable on one page.
const (
	MaxColumns   = 20
	MaxChecklist = 100
	maxCards     = 2000 // a column lists at most this many cards
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Notifier tells chosen people about a card, inside the transaction that
// changes it.
type Notifier interface {
	Tell(ctx context.Context, tx *store.Tx, m notify.Message) error
}

// Service runs production boards.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Notify     Notifier
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Column is a board column with its cards in order.
type Column struct {
	model.BoardColumn
	Cards []model.BoardCard
	Last  bool // the done column
}

// Board is a workspace's whole board.
type Board struct {
	Columns []Column
	Members []model.Member // who a card may be assigned to
	Now     time.Time      // the instant overdue is measured at
}

// Board loads a workspace's board, creating the default columns on first
// use.
func (s *Service) Board(ctx context.Context, a model.Actor, workspaceID string) (Board, error) {
	cols, err := s.Columns(ctx, a, workspaceID)
	if err != nil {
		return Board{}, err
	}
	q := s.Store.Read()
	cards, err := q.BoardCards(ctx, workspaceID)
	if err != nil {
		return Board{}, err
	}
	members, err := q.ListMembers(ctx, workspaceID)
	if err != nil {
		return Board{}, err
	}
	b := Board{Members: members, Now: s.now()}
	index := map[string]int{}
	for i, c := range cols {
		index[c.ID] = i
		b.Columns = append(b.Columns, Column{BoardColumn: c, Last: i == len(cols)-1})
	}
	for _, c := range cards {
		if i, ok := index[c.ColumnID]; ok {
			b.Columns[i].Cards = append(b.Columns[i].Cards, c)
		}
	}
	return b, nil
}

// Columns lists the board's columns in order, creating the defaults on
// first use.
func (s *Service) Columns(ctx context.Context, a model.Actor, workspaceID string) ([]model.BoardColumn, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	cols, err := s.Store.Read().BoardColumns(ctx, workspaceID)
	if err != nil || len(cols) > 0 {
		return cols, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// Checked again inside the transaction: another request may have
		// created them since the read above.
		if cols, err = tx.BoardColumns(ctx, workspaceID); err != nil || len(cols) > 0 {
			return err
		}
		now := s.now()
		for i, name := range DefaultColumns {
			c := model.BoardColumn{ID: ids.New(), WorkspaceID: workspaceID, Name: name, Position: i, CreatedAt: now}
			if err := tx.PutBoardColumn(ctx, c); err != nil {
				return err
			}
			cols = append(cols, c)
		}
		return audit.Record(ctx, tx, a, "board.columns.default", "board_column", "", workspaceID, map[string]any{"columns": DefaultColumns})
	})
	return cols, err
}

func checkColumnName(name string, cols []model.BoardColumn, except string) (string, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 40 {
		return name, model.Invalid("name", "give the column a name of 1 to 40 characters")
	}
	for _, c := range cols {
		if c.ID != except && strings.EqualFold(c.Name, name) {
			return name, model.Conflict("name", "the board already has a column named “%s”", c.Name)
		}
	}
	return name, nil
}

// columnsTx checks the actor may configure columns and runs fn with the
// board's current columns (defaults created first) in one transaction.
func (s *Service) columnsTx(ctx context.Context, a model.Actor, workspaceID string, fn func(tx *store.Tx, cols []model.BoardColumn) error) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActBoardColumns); err != nil {
		return err
	}
	if _, err := s.Columns(ctx, a, workspaceID); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		cols, err := tx.BoardColumns(ctx, workspaceID)
		if err != nil {
			return err
		}
		return fn(tx, cols)
	})
}

func findColumn(cols []model.BoardColumn, id string) (int, error) {
	for i, c := range cols {
		if c.ID == id {
			return i, nil
		}
	}
	return -1, model.NotFound("no such column on this workspace's board")
}

// AddColumn appends a column to the board.
func (s *Service) AddColumn(ctx context.Context, a model.Actor, workspaceID, name string) (model.BoardColumn, error) {
	var c model.BoardColumn
	err := s.columnsTx(ctx, a, workspaceID, func(tx *store.Tx, cols []model.BoardColumn) error {
		name, err := checkColumnName(name, cols, "")
		if err != nil {
			return err
		}
		if len(cols) >= MaxColumns {
			return model.Invalid("name", "a board has at most %d columns", MaxColumns)
		}
		c = model.BoardColumn{ID: ids.New(), WorkspaceID: workspaceID, Name: name, Position: len(cols), CreatedAt: s.now()}
		if err := tx.PutBoardColumn(ctx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.column.create", "board_column", c.ID, workspaceID, map[string]any{"name": name})
	})
	return c, err
}

// RenameColumn changes a column's name.
func (s *Service) RenameColumn(ctx context.Context, a model.Actor, workspaceID, id, name string) (model.BoardColumn, error) {
	var c model.BoardColumn
	err := s.columnsTx(ctx, a, workspaceID, func(tx *store.Tx, cols []model.BoardColumn) error {
		i, err := findColumn(cols, id)
		if err != nil {
			return err
		}
		if name, err = checkColumnName(name, cols, id); err != nil {
			return err
		}
		old := cols[i].Name
		c = cols[i]
		c.Name = name
		if err := tx.PutBoardColumn(ctx, c); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.column.rename", "board_column", id, workspaceID, map[string]any{"from": old, "to": name})
	})
	return c, err
}

// MoveColumn puts a column at position (from 0; beyond the end means
// last), shifting the others.
func (s *Service) MoveColumn(ctx context.Context, a model.Actor, workspaceID, id string, position int) error {
	return s.columnsTx(ctx, a, workspaceID, func(tx *store.Tx, cols []model.BoardColumn) error {
		i, err := findColumn(cols, id)
		if err != nil {
			return err
		}
		if position < 0 {
			return model.Invalid("position", "a position counts from 0")
		}
		c := cols[i]
		cols = append(cols[:i:i], cols[i+1:]...)
		position = min(position, len(cols))
		cols = append(cols[:position:position], append([]model.BoardColumn{c}, cols[position:]...)...)
		if err := renumberColumns(ctx, tx, cols); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.column.move", "board_column", id, workspaceID, map[string]any{"name": c.Name, "position": position})
	})
}

// renumberColumns stores cols' order as their positions.
func renumberColumns(ctx context.Context, tx *store.Tx, cols []model.BoardColumn) error {
	for i, c := range cols {
		if c.Position == i {
			continue
		}
		c.Position = i
		if err := tx.PutBoardColumn(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// DeleteColumn removes an empty column; a board keeps at least one.
func (s *Service) DeleteColumn(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.columnsTx(ctx, a, workspaceID, func(tx *store.Tx, cols []model.BoardColumn) error {
		i, err := findColumn(cols, id)
		if err != nil {
			return err
		}
		n, err := tx.CountBoardCards(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return model.Conflict("column", "the column “%s” still holds %d card(s); move or delete them first", cols[i].Name, n)
		}
		if len(cols) == 1 {
			return model.Conflict("column", "a board keeps at least one column")
		}
		if err := tx.DeleteBoardColumn(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no such column on this workspace's board")
		} else if err != nil {
			return err
		}
		if err := renumberColumns(ctx, tx, append(cols[:i:i], cols[i+1:]...)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "board.column.delete", "board_column", id, workspaceID, map[string]any{"name": cols[i].Name})
	})
}
