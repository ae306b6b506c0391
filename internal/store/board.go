package store

import (
	"context"
	"database/sql"
	"time"

	"herald/internal/model"
)

// The production board: columns, cards and checklists (migration 0016).
// Positions are 0..n-1 within a workspace (columns) or a column (cards);
// the service rewrites them after every move so they stay dense.

const boardColumnCols = `id, workspace_id, name, position, created_at`

func scanBoardColumn(row interface{ Scan(...any) error }) (model.BoardColumn, error) {
	var c model.BoardColumn
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.Name, &c.Position, tm(&c.CreatedAt))
	return c, err
}

// BoardColumns lists a workspace's board columns in order.
func (q *Queries) BoardColumns(ctx context.Context, workspaceID string) ([]model.BoardColumn, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+boardColumnCols+` FROM board_columns WHERE workspace_id = $1 ORDER BY position, id`, workspaceID)
	if err != nil {
		return nil, wrap("board columns", err)
	}
	return collect(rows, "board columns", scanBoardColumn)
}

// PutBoardColumn inserts a column or changes its name and position (by ID,
// within its workspace).
func (q *Queries) PutBoardColumn(ctx context.Context, c model.BoardColumn) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO board_columns (`+boardColumnCols+`) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position
		WHERE board_columns.workspace_id = excluded.workspace_id`,
		c.ID, c.WorkspaceID, c.Name, c.Position, ts(c.CreatedAt))
	return wrap("put board column", err)
}

// DeleteBoardColumn removes a column of a workspace.
func (q *Queries) DeleteBoardColumn(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete board column", `DELETE FROM board_columns WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// CountBoardCards counts the cards in a column.
func (q *Queries) CountBoardCards(ctx context.Context, columnID string) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM board_cards WHERE column_id = $1`, columnID).Scan(&n)
	return n, wrap("count board cards", err)
}

// boardCardCols are a card's own columns (aliased c) followed by what
// listings show: the assignee's name, the column's name, the workspace's
// name and whether the card sits in its board's last column.
const boardCardCols = `c.id, c.workspace_id, c.column_id, c.position, c.title, c.notes, COALESCE(c.post_id, ''),
	COALESCE(c.assignee_id, ''), c.due_at, c.reminded_at, c.created_by, c.created_at, c.updated_at,
	COALESCE(u.name, ''), bc.name, w.name,
	CASE WHEN c.column_id = (SELECT l.id FROM board_columns l WHERE l.workspace_id = c.workspace_id
		ORDER BY l.position DESC, l.id DESC LIMIT 1) THEN 1 ELSE 0 END`

const boardCardFrom = ` FROM board_cards c JOIN board_columns bc ON bc.id = c.column_id JOIN workspaces w ON w.id = c.workspace_id
	LEFT JOIN users u ON u.id = c.assignee_id `

func scanBoardCard(row interface{ Scan(...any) error }) (model.BoardCard, error) {
	var c model.BoardCard
	var done int
	err := row.Scan(&c.ID, &c.WorkspaceID, &c.ColumnID, &c.Position, &c.Title, &c.Notes, &c.PostID, &c.AssigneeID,
		tm(&c.DueAt), tm(&c.RemindedAt), &c.CreatedBy, tm(&c.CreatedAt), tm(&c.UpdatedAt),
		&c.AssigneeName, &c.ColumnName, &c.WorkspaceName, &done)
	c.Done = done == 1
	return c, err
}

// BoardCards lists a workspace's cards by column position and then card
// position, each with its checklist.
func (q *Queries) BoardCards(ctx context.Context, workspaceID string) ([]model.BoardCard, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+boardCardCols+boardCardFrom+`WHERE c.workspace_id = $1
		ORDER BY bc.position, c.position, c.id`, workspaceID)
	if err != nil {
		return nil, wrap("board cards", err)
	}
	cards, err := collect(rows, "board cards", scanBoardCard)
	if err != nil {
		return nil, err
	}
	return cards, q.attachChecklists(ctx, cards, `SELECT `+checklistCols+` FROM board_checklist i JOIN board_cards c ON c.id = i.card_id
		WHERE c.workspace_id = $1 ORDER BY i.card_id, i.position, i.id`, workspaceID)
}

// BoardCard loads one card of a workspace with its checklist.
func (q *Queries) BoardCard(ctx context.Context, workspaceID, id string) (model.BoardCard, error) {
	c, err := scanBoardCard(q.q.QueryRowContext(ctx, `SELECT `+boardCardCols+boardCardFrom+`WHERE c.workspace_id = $1 AND c.id = $2`,
		workspaceID, id))
	if err != nil {
		return c, wrap("board card", err)
	}
	cards := []model.BoardCard{c}
	err = q.attachChecklists(ctx, cards, `SELECT `+checklistCols+` FROM board_checklist i WHERE i.card_id = $1
		ORDER BY i.position, i.id`, id)
	return cards[0], err
}

// ColumnCardIDs lists the IDs of a column's cards in order.
func (q *Queries) ColumnCardIDs(ctx context.Context, columnID string) ([]string, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id FROM board_cards WHERE column_id = $1 ORDER BY position, id`, columnID)
	if err != nil {
		return nil, wrap("column card ids", err)
	}
	return collect(rows, "column card ids", func(row interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, row.Scan(&id)
	})
}

// PutBoardCard inserts a card or changes its content (by ID, within its
// workspace). The column and position change through PlaceBoardCard.
func (q *Queries) PutBoardCard(ctx context.Context, c model.BoardCard) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO board_cards (id, workspace_id, column_id, position, title, notes, post_id, assignee_id,
		due_at, reminded_at, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, notes = excluded.notes, post_id = excluded.post_id,
		assignee_id = excluded.assignee_id, due_at = excluded.due_at, reminded_at = excluded.reminded_at, updated_at = excluded.updated_at
		WHERE board_cards.workspace_id = excluded.workspace_id`,
		c.ID, c.WorkspaceID, c.ColumnID, c.Position, c.Title, c.Notes, nullable(c.PostID), nullable(c.AssigneeID),
		ts(c.DueAt), ts(c.RemindedAt), c.CreatedBy, ts(c.CreatedAt), ts(c.UpdatedAt))
	return wrap("put board card", err)
}

// PlaceBoardCard puts a card in a column at a position.
func (q *Queries) PlaceBoardCard(ctx context.Context, id, columnID string, position int, now time.Time) error {
	return q.execOne(ctx, "place board card", `UPDATE board_cards SET column_id = $2, position = $3, updated_at = $4 WHERE id = $1`,
		id, columnID, position, ts(now))
}

// DeleteBoardCard removes a card of a workspace and its checklist.
func (q *Queries) DeleteBoardCard(ctx context.Context, workspaceID, id string) error {
	return q.execOne(ctx, "delete board card", `DELETE FROM board_cards WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
}

// DueBoardCards lists the cards with an assignee, not in their board's
// last column, due before horizon and not yet reminded, soonest first.
func (q *Queries) DueBoardCards(ctx context.Context, horizon time.Time, limit int) ([]model.BoardCard, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+boardCardCols+boardCardFrom+`WHERE c.due_at IS NOT NULL AND c.due_at <= $1
		AND c.reminded_at IS NULL AND c.assignee_id IS NOT NULL
		AND c.column_id <> (SELECT l.id FROM board_columns l WHERE l.workspace_id = c.workspace_id ORDER BY l.position DESC, l.id DESC LIMIT 1)
		ORDER BY c.due_at, c.id LIMIT $2`, ts(horizon), limit)
	if err != nil {
		return nil, wrap("due board cards", err)
	}
	return collect(rows, "due board cards", scanBoardCard)
}

// MarkBoardCardReminded records that the card's assignee was told, unless
// the due date changed or someone else marked it meanwhile (then
// ErrNotFound: the reminder belongs to the newer state).
func (q *Queries) MarkBoardCardReminded(ctx context.Context, id string, due, at time.Time) error {
	return q.execOne(ctx, "mark board card reminded", `UPDATE board_cards SET reminded_at = $3
		WHERE id = $1 AND due_at = $2 AND reminded_at IS NULL`, id, ts(due), ts(at))
}

// AssignedBoardCards lists the cards assigned to a person in the
// workspaces they still belong to, not done, overdue ones first (at now),
// then by due date (none last).
func (q *Queries) AssignedBoardCards(ctx context.Context, userID string, now time.Time, limit int) ([]model.BoardCard, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+boardCardCols+boardCardFrom+`JOIN members m ON m.workspace_id = c.workspace_id AND m.user_id = c.assignee_id
		WHERE c.assignee_id = $1
		AND c.column_id <> (SELECT l.id FROM board_columns l WHERE l.workspace_id = c.workspace_id ORDER BY l.position DESC, l.id DESC LIMIT 1)
		ORDER BY CASE WHEN c.due_at IS NOT NULL AND c.due_at < $2 THEN 0 ELSE 1 END, CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END,
		c.due_at, c.created_at, c.id LIMIT $3`, userID, ts(now), limit)
	if err != nil {
		return nil, wrap("assigned board cards", err)
	}
	cards, err := collect(rows, "assigned board cards", scanBoardCard)
	if err != nil || len(cards) == 0 {
		return cards, err
	}
	return cards, q.attachChecklists(ctx, cards, `SELECT `+checklistCols+` FROM board_checklist i JOIN board_cards c ON c.id = i.card_id
		WHERE c.assignee_id = $1 ORDER BY i.card_id, i.position, i.id`, userID)
}

const checklistCols = `i.id, i.card_id, i.text, i.done, i.position, i.created_at`

func scanChecklistItem(row interface{ Scan(...any) error }) (model.ChecklistItem, error) {
	var it model.ChecklistItem
	var done int
	err := row.Scan(&it.ID, &it.CardID, &it.Text, &done, &it.Position, tm(&it.CreatedAt))
	it.Done = done != 0
	return it, err
}

// attachChecklists runs query (which selects checklistCols) and hands each
// item to its card among cards.
func (q *Queries) attachChecklists(ctx context.Context, cards []model.BoardCard, query string, args ...any) error {
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return wrap("board checklists", err)
	}
	items, err := collect(rows, "board checklists", scanChecklistItem)
	if err != nil {
		return err
	}
	index := make(map[string]int, len(cards))
	for i, c := range cards {
		index[c.ID] = i
	}
	for _, it := range items {
		if i, ok := index[it.CardID]; ok {
			cards[i].Checklist = append(cards[i].Checklist, it)
		}
	}
	return nil
}

// AddChecklistItem appends an item to a card's checklist.
func (q *Queries) AddChecklistItem(ctx context.Context, it model.ChecklistItem) error {
	_, err := q.q.ExecContext(ctx, `INSERT INTO board_checklist (id, card_id, text, done, position, created_at)
		VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), -1) + 1 FROM board_checklist WHERE card_id = $2), $5)`,
		it.ID, it.CardID, it.Text, b2i(it.Done), ts(it.CreatedAt))
	return wrap("add checklist item", err)
}

// SetChecklistItemDone ticks or unticks an item of a card.
func (q *Queries) SetChecklistItemDone(ctx context.Context, cardID, id string, done bool) error {
	return q.execOne(ctx, "set checklist item", `UPDATE board_checklist SET done = $3 WHERE card_id = $1 AND id = $2`, cardID, id, b2i(done))
}

// DeleteChecklistItem removes an item of a card.
func (q *Queries) DeleteChecklistItem(ctx context.Context, cardID, id string) error {
	return q.execOne(ctx, "delete checklist item", `DELETE FROM board_checklist WHERE card_id = $1 AND id = $2`, cardID, id)
}

// collect scans every row with scan, closing rows.
func collect[T any](rows *sql.Rows, op string, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, v)
	}
	return out, wrap(op, rows.Err())
}
