// Package discussion is the conversation around a post: comments by
// members and external reviewers, @mentions that notify, and the post's
// activity history (created, edited, sent for approval, approved,
// scheduled, published, failed) gathered from where each event is kept.
package discussion

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/notify"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Teller tells mentioned members.
type Teller interface {
	Tell(ctx context.Context, tx *store.Tx, m notify.Message) error
}

// Service is the discussion domain service.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Notify     Teller
	Now        func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Comments lists a post's comments, oldest first.
func (s *Service) Comments(ctx context.Context, a model.Actor, workspaceID, postID string) ([]model.Comment, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	if _, err := s.Store.Read().PostByID(ctx, workspaceID, postID); errors.Is(err, store.ErrNotFound) {
		return nil, model.NotFound("no post with that ID in this workspace")
	} else if err != nil {
		return nil, err
	}
	return s.Store.Read().Comments(ctx, postID)
}

// Comment adds a member's comment to a post; @mentions of members notify
// them, and a mention of anyone else is refused before anything is saved.
func (s *Service) Comment(ctx context.Context, a model.Actor, workspaceID, postID, body string) (model.Comment, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostComment); err != nil {
		return model.Comment{}, err
	}
	var c model.Comment
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, a.UserID)
		if err != nil {
			return err
		}
		c = model.Comment{UserID: a.UserID, Name: u.Name}
		return s.add(ctx, tx, a, workspaceID, postID, body, &c)
	})
	return c, err
}

// AddTx adds a comment inside tx for someone already identified (an
// external reviewer: c.ReviewerID and c.Name set).
func (s *Service) AddTx(ctx context.Context, tx *store.Tx, a model.Actor, workspaceID, postID, body string, c *model.Comment) error {
	return s.add(ctx, tx, a, workspaceID, postID, body, c)
}

func (s *Service) add(ctx context.Context, tx *store.Tx, a model.Actor, workspaceID, postID, body string, c *model.Comment) error {
	body = strings.TrimSpace(body)
	if body == "" {
		return model.Invalid("body", "write a comment")
	}
	if n := utf8.RuneCountInString(body); n > 5000 {
		return model.Invalid("body", "a comment is at most 5,000 characters (this one has %d)", n)
	}
	p, err := tx.PostByID(ctx, workspaceID, postID)
	if errors.Is(err, store.ErrNotFound) {
		return model.NotFound("no post with that ID in this workspace")
	} else if err != nil {
		return err
	}
	members, err := tx.ListMembers(ctx, workspaceID)
	if err != nil {
		return err
	}
	mentioned, err := Mentions(body, members)
	if err != nil {
		return err
	}
	c.ID, c.PostID, c.WorkspaceID, c.Body, c.CreatedAt = ids.New(), postID, workspaceID, body, s.now()
	for _, m := range mentioned {
		c.Mentions = append(c.Mentions, m.UserID)
	}
	if err := tx.AddComment(ctx, *c); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, a, "post.comment", "post", postID, workspaceID, map[string]any{"comment": c.ID, "mentions": len(mentioned)}); err != nil {
		return err
	}
	var tell []string
	for _, m := range mentioned {
		if m.UserID != c.UserID {
			tell = append(tell, m.UserID)
		}
	}
	if len(tell) == 0 {
		return nil
	}
	return s.Notify.Tell(ctx, tx, notify.Message{Kind: model.NotifyMentioned, WorkspaceID: workspaceID, UserIDs: tell,
		Subject: c.Name + " mentioned you on Herald", Text: fmt.Sprintf("%s mentioned you on “%s”: %s", c.Name, notify.Excerpt(p.Base.Text, 50), notify.Excerpt(body, 120)),
		Link: "/w/" + workspaceID + "/posts/" + postID + "/activity#comment-" + c.ID, PostID: postID})
}

// mentionRE finds @mentions: an e-mail address, or a name written without
// spaces (dots, dashes and underscores allowed), after a non-word rune.
var mentionRE = regexp.MustCompile(`(?:^|[^\w@])@([\p{L}\p{N}._+-]+(?:@[\w.-]+\.\w+)?)`)

// Mentions finds the members a text mentions: "@ada@example.com" by
// e-mail, "@ada" by the e-mail's local part, "@AdaLovelace" or
// "@ada.lovelace" by name without spaces (case ignored). A mention of
// anyone who is not a member is an error naming them.
func Mentions(text string, members []model.Member) ([]model.Member, error) {
	var out []model.Member
	seen := map[string]bool{}
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		handle := strings.TrimRight(m[1], ".-_")
		mem, ok := resolve(handle, members)
		if !ok {
			return nil, model.Invalid("body", "@%s is not a member of this workspace; only members can be mentioned", handle)
		}
		if !seen[mem.UserID] {
			seen[mem.UserID] = true
			out = append(out, mem)
		}
	}
	return out, nil
}

func resolve(handle string, members []model.Member) (model.Member, bool) {
	h := strings.ToLower(handle)
	squash := func(s string) string {
		return strings.ToLower(strings.NewReplacer(" ", "", ".", "", "-", "", "_", "").Replace(s))
	}
	for _, m := range members {
		email := strings.ToLower(m.Email)
		local, _, _ := strings.Cut(email, "@")
		if h == email || h == local || squash(h) == squash(m.Name) {
			return m, true
		}
	}
	return model.Member{}, false
}
