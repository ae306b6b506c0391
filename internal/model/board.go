package model

import "time"

// BoardColumn is one stage of a workspace's production board, such as
// "writing" or "review". Columns are ordered by Position; the last one
// means done, so its cards are never overdue and get no reminders.
type BoardColumn struct {
	ID          string
	WorkspaceID string
	Name        string
	Position    int
	CreatedAt   time.Time
}

// BoardCard is a piece of work on the production board: standalone, or
// following one post of the same workspace (PostID).
type BoardCard struct {
	ID          string
	WorkspaceID string
	ColumnID    string
	Position    int // order within the column, from 0
	Title       string
	Notes       string
	PostID      string    // "" for a standalone card
	AssigneeID  string    // "" for nobody
	DueAt       time.Time // zero for no due date
	RemindedAt  time.Time // when the assignee was told it is due soon; zero until then
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Checklist   []ChecklistItem

	// Filled by listings for display; never written.
	AssigneeName  string
	ColumnName    string
	WorkspaceName string
	Done          bool // the card sits in the board's last column
}

// Overdue reports whether the card's due date has passed at now while
// the card is not done.
func (c BoardCard) Overdue(now time.Time) bool {
	return !c.DueAt.IsZero() && !c.Done && c.DueAt.Before(now)
}

// ChecklistProgress counts the ticked items and all items of the card's
// checklist.
func (c BoardCard) ChecklistProgress() (done, total int) {
	for _, it := range c.Checklist {
		if it.Done {
			done++
		}
	}
	return done, len(c.Checklist)
}

// ChecklistItem is one step of a card's checklist.
type ChecklistItem struct {
	ID        string
	CardID    string
	Text      string
	Done      bool
	Position  int
	CreatedAt time.Time
}
