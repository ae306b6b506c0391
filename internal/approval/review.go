package approval

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// ErrNoReview answers a review link that does not work (tampered, unknown,
// expired or revoked), saying nothing more about the workspace.
var ErrNoReview = errors.New("approval: this review link does not work")

// Invitation is a new external reviewer with their link, shown once to
// whoever invited them (and e-mailed to the reviewer when mail is set up).
type Invitation struct {
	Reviewer model.Reviewer
	Link     string
	Mailed   bool
}

// Invite gives someone outside the workspace a signed link, valid for
// days (1 to 60), to review one post.
func (s *Service) Invite(ctx context.Context, a model.Actor, workspaceID, postID, name, email string, days int) (Invitation, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSubmit); err != nil {
		return Invitation{}, err
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 80 {
		return Invitation{}, model.Invalid("name", "give the reviewer's name (1 to 80 characters)")
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || addr.Name != "" {
		return Invitation{}, model.Invalid("email", "%q is not an e-mail address", email)
	}
	if days < 1 || days > 60 {
		return Invitation{}, model.Invalid("days", "a review link lasts 1 to 60 days")
	}
	now := s.now()
	r := model.Reviewer{ID: ids.New(), PostID: postID, WorkspaceID: workspaceID, Name: name, Email: addr.Address,
		ExpiresAt: now.AddDate(0, 0, days).Truncate(time.Second), CreatedBy: a.UserID, CreatedAt: now}
	inv := Invitation{Reviewer: r, Link: s.link(r)}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := lockedPost(ctx, tx, workspaceID, postID)
		if err != nil {
			return err
		}
		if err := tx.AddReviewer(ctx, r); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, "review.invite", "post", postID, workspaceID, map[string]any{"reviewer": r.ID, "name": name,
			"email": r.Email, "days": days}); err != nil {
			return err
		}
		text := fmt.Sprintf("You are invited to review a post for %s: “%s”.", workspaceName(ctx, tx, workspaceID), excerptOf(p))
		inv.Mailed, err = s.mailOne(ctx, tx, r, text)
		return err
	})
	return inv, err
}

// Revoke ends a reviewer's link now.
func (s *Service) Revoke(ctx context.Context, a model.Actor, workspaceID, postID, reviewerID string) error {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostSubmit); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.PostByID(ctx, workspaceID, postID); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no post with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if err := tx.RevokeReviewer(ctx, postID, reviewerID, s.now()); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no live reviewer link with that ID on this post")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "review.revoke", "post", postID, workspaceID, map[string]any{"reviewer": reviewerID})
	})
}

// link is the reviewer's URL: their ID and expiry, signed with the
// installation's key, so it cannot be altered or made up.
func (s *Service) link(r model.Reviewer) string {
	exp := strconv.FormatInt(r.ExpiresAt.Unix(), 10)
	return strings.TrimRight(s.BaseURL, "/") + "/review/" + r.ID + "." + exp + "." + s.Box.MAC("review-link", r.ID, exp)
}

// reviewer checks a link's token and returns its live reviewer.
func (s *Service) reviewer(ctx context.Context, q *store.Queries, token string) (model.Reviewer, error) {
	parts := strings.Split(token, ".")
	if len(token) > 200 || len(parts) != 3 || !ids.Valid(parts[0]) {
		return model.Reviewer{}, ErrNoReview
	}
	if subtle.ConstantTimeCompare([]byte(parts[2]), []byte(s.Box.MAC("review-link", parts[0], parts[1]))) != 1 {
		return model.Reviewer{}, ErrNoReview
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !time.Unix(exp, 0).After(s.now()) {
		return model.Reviewer{}, ErrNoReview
	}
	r, err := q.Reviewer(ctx, parts[0])
	if errors.Is(err, store.ErrNotFound) {
		return r, ErrNoReview
	} else if err != nil {
		return r, err
	}
	if !r.Live(s.now()) || r.ExpiresAt.Unix() != exp {
		return r, ErrNoReview
	}
	if r.ShareID != "" {
		// It lives only as long as the client calendar link it came from.
		if _, err := q.LiveCalendarShareByID(ctx, r.ShareID, s.now()); errors.Is(err, store.ErrNotFound) {
			return r, ErrNoReview
		} else if err != nil {
			return r, err
		}
	}
	return r, nil
}

// ShareReview lets the holder of a client calendar link that allows
// review act as an external reviewer of one post of its workspace: it
// finds or makes their reviewer row, tied to the link, and returns the
// path of its review page.
func (s *Service) ShareReview(ctx context.Context, share model.CalendarShare, postID string) (string, error) {
	if !share.CanReview || !ids.Valid(postID) {
		return "", ErrNoReview
	}
	var r model.Reviewer
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.PostByID(ctx, share.WorkspaceID, postID); errors.Is(err, store.ErrNotFound) {
			return ErrNoReview
		} else if err != nil {
			return err
		}
		var err error
		if r, err = tx.ShareReviewer(ctx, share.ID, postID); err == nil || !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := s.now()
		r = model.Reviewer{ID: ids.New(), PostID: postID, WorkspaceID: share.WorkspaceID, Name: share.Name, ExpiresAt: share.ExpiresAt.Truncate(time.Second),
			CreatedBy: share.CreatedBy, CreatedAt: now, ShareID: share.ID}
		if err := tx.AddReviewer(ctx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, model.Actor{Via: "calendar link"}, "review.invite", "post", postID, share.WorkspaceID,
			map[string]any{"reviewer": r.ID, "name": share.Name, "share": share.ID})
	})
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(s.link(r), strings.TrimRight(s.BaseURL, "/")), nil
}

// mailReviewers e-mails the post's live external reviewers their links.
func (s *Service) mailReviewers(ctx context.Context, tx *store.Tx, p model.Post, text string) error {
	rs, err := tx.Reviewers(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if !r.Live(s.now()) {
			continue
		}
		if _, err := s.mailOne(ctx, tx, r, text); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) mailOne(ctx context.Context, tx *store.Tx, r model.Reviewer, text string) (bool, error) {
	if r.Email == "" || s.Mail == nil || !s.Mail.Configured(ctx) {
		return false, nil
	}
	body := fmt.Sprintf("Hello %s,\n\n%s\n\nSee how it will look on each network, comment, approve or reject it here (no account needed; the link works until %s):\n\n%s\n",
		r.Name, text, r.ExpiresAt.UTC().Format("2 January 2006 15:04 MST"), s.link(r))
	job, err := s.Mail.Job(r.Email, "A post to review", body)
	if err != nil {
		s.log().Warn("reviewer e-mail", "reviewer", r.ID, "err", err)
		return false, nil
	}
	return true, s.Queue.InsertTx(ctx, tx, job, nil)
}

func workspaceName(ctx context.Context, tx *store.Tx, id string) string {
	w, err := tx.WorkspaceByID(ctx, id)
	if err != nil {
		return "a workspace"
	}
	return w.Name
}

// ReviewPage is what an external reviewer sees.
type ReviewPage struct {
	Reviewer  model.Reviewer
	Workspace string
	Post      model.Post
	Previews  compose.Report
	Comments  []model.Comment
	Decisions []model.ApprovalDecision
	Round     model.ApprovalRound
	State     model.ApprovalState
	// YourTurn says the reviewer may decide now; otherwise Waiting says why not.
	YourTurn bool
	Waiting  string
}

// Review loads the page for a reviewer's link.
func (s *Service) Review(ctx context.Context, token string) (ReviewPage, error) {
	q := s.Store.Read()
	r, err := s.reviewer(ctx, q, token)
	if err != nil {
		return ReviewPage{}, err
	}
	p, err := q.PostByID(ctx, r.WorkspaceID, r.PostID)
	if errors.Is(err, store.ErrNotFound) {
		return ReviewPage{}, ErrNoReview
	} else if err != nil {
		return ReviewPage{}, err
	}
	pg := ReviewPage{Reviewer: r, Post: p, State: p.Approval}
	if w, err := q.WorkspaceByID(ctx, r.WorkspaceID); err == nil {
		pg.Workspace = w.Name
	}
	if pg.Previews, err = s.Previews.Preview(ctx, p); err != nil {
		return pg, err
	}
	if pg.Comments, err = q.Comments(ctx, p.ID); err != nil {
		return pg, err
	}
	if pg.Decisions, err = q.Decisions(ctx, p.ID); err != nil {
		return pg, err
	}
	if pg.Round, err = q.LatestRound(ctx, p.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return pg, err
	}
	pg.YourTurn, pg.Waiting = turn(pg.Round, pg.Decisions, r)
	return pg, nil
}

// turn says whether reviewer r may decide the round now, and if not why.
func turn(round model.ApprovalRound, ds []model.ApprovalDecision, r model.Reviewer) (bool, string) {
	switch {
	case round.ID == "":
		return false, "This post has not been sent for approval yet. You can comment on it."
	case round.State != model.ApprovalPending:
		return false, "This version is " + stateLabel(round.State) + "; nothing waits for your decision."
	case !round.Steps[round.Step].External:
		return false, fmt.Sprintf("Step %d (%s) comes first; you will get an e-mail when it is your turn. You can comment meanwhile.", round.Step+1, round.Steps[round.Step].Name)
	case slices.ContainsFunc(ds, func(d model.ApprovalDecision) bool {
		return d.RoundID == round.ID && d.Step == round.Step && d.ReviewerID == r.ID
	}):
		return false, "You have already decided this step."
	}
	return true, ""
}

// reviewerActor is how an external reviewer appears in the audit log.
func reviewerActor(r model.Reviewer, ip, userAgent string) model.Actor {
	label := r.Email
	if label == "" {
		label = r.Name + " (client calendar link)"
	}
	return model.Actor{Email: label, IP: ip, UserAgent: userAgent, Via: "review link"}
}

// ReviewDecide records an external reviewer's verdict.
func (s *Service) ReviewDecide(ctx context.Context, token, ip, userAgent string, d Decision) error {
	if err := checkDecision(&d); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.reviewer(ctx, &tx.Queries, token)
		if err != nil {
			return err
		}
		p, round, err := s.openRound(ctx, tx, r.WorkspaceID, r.PostID, d.Version)
		if err != nil {
			return err
		}
		ds, err := tx.Decisions(ctx, p.ID)
		if err != nil {
			return err
		}
		if ok, why := turn(round, ds, r); !ok {
			return model.Conflict("decision", "%s", why)
		}
		rs, err := tx.Reviewers(ctx, p.ID)
		if err != nil {
			return err
		}
		live := 0
		for _, x := range rs {
			if x.Live(s.now()) {
				live++
			}
		}
		dec := model.ApprovalDecision{ReviewerID: r.ID, Name: r.Name + " (external)"}
		_, err = s.apply(ctx, tx, reviewerActor(r, ip, userAgent), p, round, dec, d, live)
		return err
	})
}

// Commenter adds comments inside a transaction (package discussion).
type Commenter interface {
	AddTx(ctx context.Context, tx *store.Tx, a model.Actor, workspaceID, postID, body string, c *model.Comment) error
}

// ReviewComment adds an external reviewer's comment.
func (s *Service) ReviewComment(ctx context.Context, c Commenter, token, ip, userAgent, body string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.reviewer(ctx, &tx.Queries, token)
		if err != nil {
			return err
		}
		cm := model.Comment{ReviewerID: r.ID, Name: r.Name + " (external)"}
		return c.AddTx(ctx, tx, reviewerActor(r, ip, userAgent), r.WorkspaceID, r.PostID, body, &cm)
	})
}

func excerptOf(p model.Post) string {
	t := strings.Join(strings.Fields(p.Base.Text), " ")
	if utf8.RuneCountInString(t) > 80 {
		t = string([]rune(t)[:79]) + "…"
	}
	return t
}
