package compose

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider/count"
	"herald/internal/store"
)

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Pillars lists the workspace's content pillars.
func (s *Service) Pillars(ctx context.Context, a model.Actor, workspaceID string) ([]model.Pillar, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListPillars(ctx, workspaceID)
}

// SavePillar creates (empty ID) or updates a content pillar. Target shares
// of all pillars may not add up to more than 100%.
func (s *Service) SavePillar(ctx context.Context, a model.Actor, workspaceID string, p model.Pillar) (model.Pillar, error) {
	p.Name, p.Description = strings.TrimSpace(p.Name), strings.TrimSpace(p.Description)
	switch {
	case p.Name == "" || utf8.RuneCountInString(p.Name) > 40:
		return p, model.Invalid("name", "enter a pillar name of 1 to 40 characters")
	case !colorPattern.MatchString(p.Color):
		return p, model.Invalid("color", "%q is not a colour; use #rrggbb", p.Color)
	case p.TargetShare < 0 || p.TargetShare > 100:
		return p, model.Invalid("target_share", "the target share is a percentage from 0 to 100")
	case utf8.RuneCountInString(p.Description) > 500:
		return p, model.Invalid("description", "at most 500 characters")
	}
	p.WorkspaceID = workspaceID
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActComposeSettings); err != nil {
			return err
		}
		all, err := tx.ListPillars(ctx, workspaceID)
		if err != nil {
			return err
		}
		total := p.TargetShare
		for _, o := range all {
			if o.ID != p.ID {
				total += o.TargetShare
			}
		}
		if total > 100 {
			return model.Invalid("target_share", "target shares would add up to %d%%; lower this or another pillar to stay within 100%%", total)
		}
		action := "pillar.update"
		if p.ID == "" {
			p.ID, p.CreatedAt, action = ids.New(), s.now(), "pillar.create"
			err = tx.CreatePillar(ctx, p)
		} else {
			err = tx.UpdatePillar(ctx, p)
		}
		if errors.Is(err, store.ErrConflict) {
			return model.Conflict("name", "a pillar named %q exists already", p.Name)
		} else if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no pillar with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, action, "pillar", p.ID, workspaceID, map[string]any{"name": p.Name})
	})
	return p, err
}

// DeletePillar removes a pillar; its posts keep their content without it.
func (s *Service) DeletePillar(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActComposeSettings); err != nil {
			return err
		}
		if err := tx.DeletePillar(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no pillar with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "pillar.delete", "pillar", id, workspaceID, nil)
	})
}

// Ideas lists the workspace's ideas, newest first: open ones, or all.
func (s *Service) Ideas(ctx context.Context, a model.Actor, workspaceID string, all bool) ([]model.Idea, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListIdeas(ctx, workspaceID, all)
}

// SaveIdea captures (empty ID) or edits an idea.
func (s *Service) SaveIdea(ctx context.Context, a model.Actor, workspaceID string, i model.Idea) (model.Idea, error) {
	i.Text, i.Link = strings.TrimSpace(i.Text), strings.TrimSpace(i.Link)
	if i.Text == "" && i.Link == "" && len(i.Media) == 0 {
		return i, model.Invalid("text", "an idea needs some text, a link or media")
	}
	if len(i.Text) > maxTextBytes {
		return i, model.Invalid("text", "at most %d KB", maxTextBytes>>10)
	}
	if i.Link != "" {
		if err := checkLink(i.Link); err != nil {
			return i, model.Invalid("link", "%s", err.Error())
		}
	}
	if len(i.Media) > maxMediaPerSeg {
		return i, model.Invalid("media", "at most %d media per idea", maxMediaPerSeg)
	}
	i.WorkspaceID = workspaceID
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostEdit); err != nil {
			return err
		}
		now := s.now()
		i.UpdatedAt = now
		if i.ID == "" {
			i.ID, i.AuthorID, i.CreatedAt = ids.New(), a.UserID, now
			if err := tx.CreateIdea(ctx, i); err != nil {
				return err
			}
			return audit.Record(ctx, tx, a, "idea.create", "idea", i.ID, workspaceID, nil)
		}
		old, err := tx.IdeaByID(ctx, workspaceID, i.ID)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no idea with that ID in this workspace")
		} else if err != nil {
			return err
		}
		i.AuthorID, i.CreatedAt, i.PostID = old.AuthorID, old.CreatedAt, old.PostID
		return tx.UpdateIdea(ctx, i)
	})
	return i, err
}

// DeleteIdea removes an idea.
func (s *Service) DeleteIdea(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostDelete); err != nil {
			return err
		}
		if err := tx.DeleteIdea(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no idea with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "idea.delete", "idea", id, workspaceID, nil)
	})
}

// IdeaToDraft turns an idea into a draft post for the given channels in one
// step: the draft and the idea's link to it are saved in one transaction,
// so a crash cannot leave a draft with its idea still open, and two people
// converting the same idea at once get one draft and a conflict.
func (s *Service) IdeaToDraft(ctx context.Context, a model.Actor, workspaceID, id string, channels []string) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostEdit); err != nil {
		return model.Post{}, err
	}
	i, err := s.Store.Read().IdeaByID(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return model.Post{}, model.NotFound("no idea with that ID in this workspace")
	} else if err != nil {
		return model.Post{}, err
	}
	d, err := s.clean(ctx, a, workspaceID, Draft{Base: model.Content{Text: i.Text, Link: i.Link, Media: i.Media}, Channels: channels})
	if err != nil {
		return model.Post{}, err
	}
	p := s.newPost(a, workspaceID, d)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// Re-read inside the transaction: the check above may be stale.
		cur, err := tx.IdeaByID(ctx, workspaceID, id)
		if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no idea with that ID in this workspace")
		} else if err != nil {
			return err
		}
		if cur.PostID != "" {
			return model.Conflict("idea", "this idea is already a draft")
		}
		// The claim is conditional (post_id still empty), so when two
		// conversions race past the check above, only one can win.
		switch err := tx.ClaimIdea(ctx, workspaceID, id, p.ID, s.now()); {
		case errors.Is(err, store.ErrConflict):
			return model.Conflict("idea", "this idea is already a draft")
		case errors.Is(err, store.ErrNotFound):
			return model.NotFound("no idea with that ID in this workspace")
		case err != nil:
			return err
		}
		return s.insertPost(ctx, tx, a, p, true)
	})
	if err != nil {
		return model.Post{}, err
	}
	return p, nil
}

// Snippets lists templates and hashtag groups; kind "" lists both.
func (s *Service) Snippets(ctx context.Context, a model.Actor, workspaceID string, kind model.SnippetKind) ([]model.Snippet, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, err
	}
	return s.Store.Read().ListSnippets(ctx, workspaceID, kind)
}

// SaveSnippet creates (empty ID) or updates a template or hashtag group.
func (s *Service) SaveSnippet(ctx context.Context, a model.Actor, workspaceID string, sn model.Snippet) (model.Snippet, error) {
	sn.Name, sn.Body = strings.TrimSpace(sn.Name), strings.TrimSpace(sn.Body)
	switch {
	case sn.Kind != model.SnippetTemplate && sn.Kind != model.SnippetHashtags:
		return sn, model.Invalid("kind", "%q is not a kind; one of template, hashtags", sn.Kind)
	case sn.Name == "" || utf8.RuneCountInString(sn.Name) > 60:
		return sn, model.Invalid("name", "enter a name of 1 to 60 characters")
	case sn.Body == "" || len(sn.Body) > maxTextBytes:
		return sn, model.Invalid("body", "enter the text, at most %d KB", maxTextBytes>>10)
	}
	if sn.Kind == model.SnippetHashtags {
		if err := checkHashtagGroup(sn.Body); err != nil {
			return sn, err
		}
	} else if _, err := parseTemplate(sn.Body); err != nil {
		return sn, err
	}
	sn.WorkspaceID = workspaceID
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActComposeSettings); err != nil {
			return err
		}
		now := s.now()
		sn.UpdatedAt = now
		var err error
		action := "snippet.update"
		if sn.ID == "" {
			sn.ID, sn.CreatedBy, sn.CreatedAt, action = ids.New(), a.UserID, now, "snippet.create"
			err = tx.CreateSnippet(ctx, sn)
		} else {
			err = tx.UpdateSnippet(ctx, sn)
		}
		if errors.Is(err, store.ErrConflict) {
			return model.Conflict("name", "a %s named %q exists already", sn.Kind, sn.Name)
		} else if errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no template or hashtag group with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, action, "snippet", sn.ID, workspaceID, map[string]any{"name": sn.Name, "kind": sn.Kind})
	})
	return sn, err
}

// DeleteSnippet removes a template or hashtag group.
func (s *Service) DeleteSnippet(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActComposeSettings); err != nil {
			return err
		}
		if err := tx.DeleteSnippet(ctx, workspaceID, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no template or hashtag group with that ID in this workspace")
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "snippet.delete", "snippet", id, workspaceID, nil)
	})
}

func checkHashtagGroup(body string) error {
	for _, f := range strings.Fields(body) {
		sp := count.Hashtags(f)
		if len(sp) != 1 || sp[0].Start != 0 || sp[0].End != len(f) {
			return model.Invalid("body", "%q is not a hashtag; a group is hashtags separated by spaces, such as #launch #spring", clip(f, 40))
		}
	}
	return nil
}

var templateVar = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)
var varName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// parseTemplate returns the variables a template uses, in order of first
// use, refusing malformed ones.
func parseTemplate(body string) ([]string, error) {
	var vars []string
	for _, m := range templateVar.FindAllStringSubmatch(body, -1) {
		name := m[1]
		if !varName.MatchString(name) {
			return nil, model.Invalid("body", "{{%s}} is not a variable; names are lower-case letters, digits and _, such as {{product}}", name)
		}
		if !slices.Contains(vars, name) {
			vars = append(vars, name)
		}
	}
	return vars, nil
}

// TemplateVariables lists the custom variables a template asks for (the
// built-in {{workspace}} and {{date}} are filled in by Herald).
func TemplateVariables(body string) []string {
	vars, _ := parseTemplate(body)
	return slices.DeleteFunc(vars, func(v string) bool { return v == "workspace" || v == "date" })
}

// Expand fills a template's variables: {{workspace}} is the workspace's
// name, {{date}} today's date (YYYY-MM-DD) in zone, and custom variables
// come from vars. A missing custom variable is an error naming it.
func (s *Service) Expand(ctx context.Context, a model.Actor, workspaceID, snippetID string, vars map[string]string, zone *time.Location) (string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return "", err
	}
	sn, err := s.Store.Read().SnippetByID(ctx, workspaceID, snippetID)
	if errors.Is(err, store.ErrNotFound) {
		return "", model.NotFound("no template with that ID in this workspace")
	} else if err != nil {
		return "", err
	}
	if sn.Kind == model.SnippetHashtags {
		return sn.Body, nil
	}
	w, err := s.Store.Read().WorkspaceByID(ctx, workspaceID)
	if err != nil {
		return "", err
	}
	if zone == nil {
		zone = time.UTC
	}
	return ExpandTemplate(sn.Body, w.Name, s.now().In(zone), vars)
}

// ExpandTemplate fills body's variables.
func ExpandTemplate(body, workspace string, now time.Time, vars map[string]string) (string, error) {
	names, err := parseTemplate(body)
	if err != nil {
		return "", err
	}
	values := map[string]string{"workspace": workspace, "date": now.Format("2006-01-02")}
	var missing []string
	for _, n := range names {
		if v, ok := vars[n]; ok && n != "workspace" && n != "date" {
			values[n] = v
		} else if _, builtin := values[n]; !builtin {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return "", model.Invalid("variables", "fill in: %s", strings.Join(missing, ", "))
	}
	return templateVar.ReplaceAllStringFunc(body, func(m string) string {
		return values[strings.TrimSpace(m[2:len(m)-2])]
	}), nil
}
