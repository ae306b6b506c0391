package conversion

import (
	"context"
	"errors"
	"strings"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// attribute credits c by last click within the workspace's window: the
// click whose ID came with it; else the link named, with its last click in
// the window; else the campaign named, with the last click in the window
// on any of its links. lenient (the snippet, which cannot be asked to fix
// its call) records what names nothing as unattributed with the reason;
// otherwise it is refused, naming the field.
func (s *Service) attribute(ctx context.Context, c *model.Conversion, ev Event, windowDays int, lenient bool) error {
	window := time.Duration(windowDays) * 24 * time.Hour
	from, to := c.OccurredAt.Add(-window), c.OccurredAt.Add(skew)
	link := strings.TrimSpace(ev.Link)
	switch {
	case c.ClickID != "":
		return s.byClick(ctx, c, window, lenient)
	case link != "":
		l, err := s.linkByCode(ctx, c.WorkspaceID, link)
		if errors.Is(err, store.ErrNotFound) {
			if lenient {
				return none(c, ReasonUnknownLink)
			}
			return model.Invalid("link", "no tracked link in this workspace has the short code %q", clip(codeOf(link), 40))
		} else if err != nil {
			return err
		}
		credit(c, model.AttributedToLink, l)
		return s.lastClick(c, func(q *store.Queries) (store.ClickRef, error) {
			return q.LastClickOnLink(ctx, c.WorkspaceID, l.ID, from, to)
		})
	case c.Campaign != "":
		ok, err := s.Store.Read().CampaignHasLinks(ctx, c.WorkspaceID, c.Campaign)
		if err != nil {
			return err
		}
		if !ok {
			if lenient {
				return none(c, ReasonUnknownCamp)
			}
			return model.Invalid("utm_campaign", "no tracked link in this workspace belongs to the campaign %q", clip(c.Campaign, 80))
		}
		c.Attribution = model.AttributedToCampaign
		cl, err := s.Store.Read().LastClickInCampaign(ctx, c.WorkspaceID, c.Campaign, from, to)
		if errors.Is(err, store.ErrNotFound) {
			return nil // the campaign, with no click in the window to name a link
		} else if err != nil {
			return err
		}
		l, err := s.Store.Read().LinkByID(ctx, c.WorkspaceID, cl.LinkID)
		if err != nil {
			return err
		}
		campaign := c.Campaign
		credit(c, model.AttributedToCampaign, l)
		c.Campaign, c.ClickedAt = campaign, cl.At
		return nil
	case c.UTMSource != "" && !lenient:
		return model.Invalid("utm_campaign", "name the campaign too: utm_source alone does not say which links to credit")
	}
	return none(c, ReasonNoClick)
}

// byClick credits the click whose ID came with the conversion when it is
// inside the window before it.
func (s *Service) byClick(ctx context.Context, c *model.Conversion, window time.Duration, lenient bool) error {
	q := s.Store.Read()
	cl, err := q.ClickInWorkspace(ctx, c.WorkspaceID, c.ClickID)
	if errors.Is(err, store.ErrNotFound) && s.Clicks != nil {
		// The click may still wait in this process's journal.
		if err := s.Clicks.Flush(ctx); err != nil {
			s.logger().Warn("flush clicks before attribution", "err", err)
		}
		cl, err = q.ClickInWorkspace(ctx, c.WorkspaceID, c.ClickID)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		if lenient {
			return none(c, ReasonUnknownClick)
		}
		return model.Invalid("click_id", "no click in this workspace has that ID; pass on the hclid value of the visit unchanged")
	case err != nil:
		return err
	case cl.At.After(c.OccurredAt.Add(skew)):
		return none(c, ReasonClickAfter)
	case c.OccurredAt.Sub(cl.At) > window:
		return none(c, ReasonOutsideWindow)
	}
	l, err := q.LinkByID(ctx, c.WorkspaceID, cl.LinkID)
	if err != nil {
		return err
	}
	credit(c, model.AttributedToClick, l)
	c.ClickedAt = cl.At
	return nil
}

// lastClick notes the time of the last click found by find, if any.
func (s *Service) lastClick(c *model.Conversion, find func(*store.Queries) (store.ClickRef, error)) error {
	cl, err := find(s.Store.Read())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	c.ClickedAt = cl.At
	return nil
}

// linkByCode finds a workspace's link by short code or short URL.
func (s *Service) linkByCode(ctx context.Context, workspaceID, raw string) (model.Link, error) {
	l, err := s.Store.Read().LinkByCode(ctx, codeOf(raw))
	if err == nil && l.WorkspaceID != workspaceID {
		return model.Link{}, store.ErrNotFound
	}
	return l, err
}

// codeOf is the last path segment of a short URL, or raw itself.
func codeOf(raw string) string {
	raw = strings.TrimRight(raw, "/")
	if i := strings.LastIndexByte(raw, '/'); i >= 0 {
		return raw[i+1:]
	}
	return raw
}

// credit copies what a link says about where it was published.
func credit(c *model.Conversion, how string, l model.Link) {
	c.Attribution, c.LinkID, c.PostID, c.ChannelID, c.Campaign = how, l.ID, l.PostID, l.ChannelID, l.Campaign
}

func none(c *model.Conversion, reason string) error {
	c.Attribution, c.Reason = model.Unattributed, reason
	return nil
}
