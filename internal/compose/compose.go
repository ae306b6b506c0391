// Package compose is where posts are written: base content with one variant
// per channel, content pillars, labels, notes, version history, ideas,
// templates and hashtag groups, and the validation that tells a writer,
// while typing, what each network would refuse. The UI, the API, the
// command line and the publisher all go through it, so a post is checked
// the same way everywhere.
package compose

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Authorizer is the workspace permission check.
type Authorizer interface {
	Authorize(ctx context.Context, a model.Actor, workspaceID string, action model.Action) (model.Role, error)
}

// Channels is what compose needs of the channel service.
type Channels interface {
	List(ctx context.Context, a model.Actor, workspaceID string) ([]model.Channel, error)
	Limits(c model.Channel) (provider.Info, provider.Limits, error)
}

// MediaInfo is what validation needs to know of a library asset.
type MediaInfo struct {
	ID          string
	Kind        string // image, video
	ContentType string
	Size        int64
	Width       int
	Height      int
	Alt         string
	// Unusable says why the asset may not be published (rights expired),
	// "" when it may.
	Unusable string
}

// Media looks up library assets and the workspace's media policy.
type Media interface {
	Lookup(ctx context.Context, workspaceID string, ids []string) ([]MediaInfo, error)
	AltRequired(ctx context.Context, workspaceID string) (bool, error)
}

// Service is the compose domain service.
type Service struct {
	Store      *store.Store
	Workspaces Authorizer
	Channels   Channels
	Media      Media // nil: no media library (tests); media references then fail validation
	// MediaImporter fetches media by URL for CSV imports; nil: such rows
	// are refused with a problem.
	MediaImporter MediaImporter
	// Links makes short tracked links when a post has "track_links" on;
	// nil: the option is refused.
	Links LinkTracker
	// Approvals restarts approval when an approved or pending post is
	// edited; nil: no approvals (tests).
	Approvals EditHook
	BaseURL   string // links on it (and ShortURL) count as tracked
	ShortURL  string
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}

// EditHook is told of every saved edit inside its transaction and
// returns the post's approval state after it.
type EditHook interface {
	AfterEdit(ctx context.Context, tx *store.Tx, a model.Actor, old, p model.Post) (model.ApprovalState, error)
}

// Draft is a post as the writer submits it.
type Draft struct {
	Base     model.Content
	Channels []string                 // channel IDs, in the order picked
	Variants map[string]model.Variant // by channel ID; missing means "inherit everything"
	PillarID string
	Labels   []string
	Notes    string
}

// Limits on what a post may hold, whatever the networks allow.
const (
	maxTextBytes   = 64 << 10
	maxSegments    = 100
	maxMediaPerSeg = 20
	maxLabels      = 20
	maxLabelRunes  = 40
	maxNotesBytes  = 16 << 10
	maxOptionBytes = 1000
)

// knownOptions are the network options a post may set; each connector
// reads the ones it understands.
var knownOptions = []string{"visibility", "content_warning", "title", "board", "privacy_level", "language", "disclosure", "track_links"}

// Create saves a new post as a draft for the chosen channels.
func (s *Service) Create(ctx context.Context, a model.Actor, workspaceID string, d Draft) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostEdit); err != nil {
		return model.Post{}, err
	}
	d, err := s.clean(ctx, a, workspaceID, d)
	if err != nil {
		return model.Post{}, err
	}
	p := s.newPost(a, workspaceID, d)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error { return s.insertPost(ctx, tx, a, p, true) })
	return p, err
}

// newPost builds the first version of a post from a cleaned draft.
func (s *Service) newPost(a model.Actor, workspaceID string, d Draft) model.Post {
	now := s.now()
	p := model.Post{ID: ids.New(), WorkspaceID: workspaceID, Base: d.Base, PillarID: d.PillarID, Labels: d.Labels,
		Notes: d.Notes, AuthorID: a.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
	p.Targets = targetsFor(d, nil, now)
	return p
}

// insertPost saves a new post with its first version inside tx, so Create,
// IdeaToDraft and Import share one way of writing a post. An import audits
// the whole file once instead of each post (audited false).
func (s *Service) insertPost(ctx context.Context, tx *store.Tx, a model.Actor, p model.Post, audited bool) error {
	if err := tx.CreatePost(ctx, p); err != nil {
		return err
	}
	if err := s.recordVersion(ctx, tx, a, p, nil); err != nil {
		return err
	}
	if err := tx.SetPostMedia(ctx, p.ID, mediaIDs(p)); err != nil {
		return err
	}
	if !audited {
		return nil
	}
	return audit.Record(ctx, tx, a, "post.create", "post", p.ID, p.WorkspaceID, map[string]any{"channels": len(p.Targets)})
}

// Update saves a new state of a post written on top of version prev; if
// someone else saved in between, it fails with a conflict naming them.
func (s *Service) Update(ctx context.Context, a model.Actor, workspaceID, id string, prev int, d Draft) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostEdit); err != nil {
		return model.Post{}, err
	}
	d, err := s.clean(ctx, a, workspaceID, d)
	if err != nil {
		return model.Post{}, err
	}
	var p model.Post
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		// The lock orders this edit with a publishing claim on the same
		// post: either the claim sees the new version, or the edit sees the
		// claim and waits for it.
		if err := tx.LockPost(ctx, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no post with that ID in this workspace")
		} else if err != nil {
			return err
		}
		old, err := s.load(ctx, &tx.Queries, workspaceID, id)
		if err != nil {
			return err
		}
		if publishing(old) {
			return model.Conflict("status", "this post is being published right now; edit it again in a moment")
		}
		if allOut(old) {
			return model.Conflict("status", "this post is already out on every channel it was for; edit it on the network, or write a new post")
		}
		if old.Version != prev {
			return model.Conflict("version", "this post was saved by someone else (version %d) after you opened version %d; reload to see their changes", old.Version, prev)
		}
		if err := editable(old, d); err != nil {
			return err
		}
		now := s.now()
		p = old
		p.Base, p.PillarID, p.Labels, p.Notes = d.Base, d.PillarID, d.Labels, d.Notes
		p.Version, p.UpdatedAt = old.Version+1, now
		p.Targets = targetsFor(d, old.Targets, now)
		if same(old, p) {
			p = old
			return nil
		}
		if err := tx.UpdatePost(ctx, p, prev); errors.Is(err, store.ErrStale) {
			return model.Conflict("version", "this post was saved by someone else just now; reload to see their changes")
		} else if err != nil {
			return err
		}
		if err := s.recordVersion(ctx, tx, a, p, &old); err != nil {
			return err
		}
		if err := tx.SetPostMedia(ctx, p.ID, mediaIDs(p)); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, a, "post.update", "post", p.ID, workspaceID, map[string]any{"version": p.Version}); err != nil {
			return err
		}
		if s.Approvals == nil {
			return nil
		}
		p.Approval, err = s.Approvals.AfterEdit(ctx, tx, a, old, p)
		return err
	})
	return p, err
}

// publishing reports whether a worker holds one of the post's targets.
func publishing(p model.Post) bool {
	return slices.ContainsFunc(p.Targets, func(t model.Target) bool { return t.Status == model.TargetPublishing })
}

// allOut reports whether every target of the post has gone out (or may
// have): its record then stays what was published.
func allOut(p model.Post) bool {
	return len(p.Targets) > 0 && !slices.ContainsFunc(p.Targets, func(t model.Target) bool {
		return t.Status != model.TargetPublished && t.Status != model.TargetUnconfirmed
	})
}

// editable refuses to drop channels whose target already left the draft
// stages: a published or publishing post is not silently forgotten.
func editable(old model.Post, d Draft) error {
	for _, t := range old.Targets {
		if slices.Contains(d.Channels, t.ChannelID) {
			continue
		}
		switch t.Status {
		case model.TargetPublishing, model.TargetPublished, model.TargetUnconfirmed:
			return model.Invalid("channels", "a channel whose post is %s cannot be removed from it", strings.ReplaceAll(string(t.Status), "_", " "))
		}
	}
	return nil
}

// targetsFor builds the targets of d, keeping the state of existing ones.
func targetsFor(d Draft, old []model.Target, now time.Time) []model.Target {
	byChannel := map[string]model.Target{}
	for _, t := range old {
		byChannel[t.ChannelID] = t
	}
	out := make([]model.Target, 0, len(d.Channels))
	for _, ch := range d.Channels {
		t, ok := byChannel[ch]
		if !ok {
			t = model.Target{ID: ids.New(), ChannelID: ch, Status: model.TargetDraft}
		}
		t.Variant = d.Variants[ch]
		t.UpdatedAt = now
		out = append(out, t)
	}
	return out
}

// Get returns one post.
func (s *Service) Get(ctx context.Context, a model.Actor, workspaceID, id string) (model.Post, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return model.Post{}, err
	}
	return s.load(ctx, s.Store.Read(), workspaceID, id)
}

func (s *Service) load(ctx context.Context, q *store.Queries, workspaceID, id string) (model.Post, error) {
	p, err := q.PostByID(ctx, workspaceID, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, model.NotFound("no post with that ID in this workspace")
	}
	return p, err
}

// Filter narrows List.
type Filter = store.PostFilter

// List returns posts, newest first, and the cursor of the next page ("" at
// the end).
func (s *Service) List(ctx context.Context, a model.Actor, workspaceID string, f Filter) ([]model.Post, string, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return nil, "", err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	want := f.Limit
	f.Limit++
	posts, err := s.Store.Read().ListPosts(ctx, workspaceID, f)
	if err != nil || len(posts) <= want {
		return posts, "", err
	}
	return posts[:want], posts[want-1].ID, nil
}

// Delete removes a post that has not gone out; published posts stay as the
// record of what was said.
func (s *Service) Delete(ctx context.Context, a model.Actor, workspaceID, id string) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostDelete); err != nil {
			return err
		}
		if err := tx.LockPost(ctx, id); errors.Is(err, store.ErrNotFound) {
			return model.NotFound("no post with that ID in this workspace")
		} else if err != nil {
			return err
		}
		p, err := s.load(ctx, &tx.Queries, workspaceID, id)
		if err != nil {
			return err
		}
		if publishing(p) {
			return model.Conflict("status", "this post is being published right now; wait for it to finish")
		}
		if err := tx.DeletePost(ctx, workspaceID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, a, "post.delete", "post", id, workspaceID, map[string]any{"text": clip(p.Base.Text, 80)})
	})
}

// clean validates the shape of a draft (not the networks' limits: a draft
// may be over them) and normalises it.
func (s *Service) clean(ctx context.Context, a model.Actor, workspaceID string, d Draft) (Draft, error) {
	if err := checkContent("base", d.Base); err != nil {
		return d, err
	}
	if len(d.Channels) == 0 {
		return d, model.Invalid("channels", "pick at least one channel")
	}
	if trackingOn(d.Base) && s.Links == nil {
		return d, model.Invalid("base.options.track_links", "link tracking is not available on this Herald")
	}
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return d, err
	}
	known := map[string]bool{}
	for _, c := range chans {
		known[c.ID] = true
	}
	seen := map[string]bool{}
	var picked []string
	for _, id := range d.Channels {
		if !known[id] {
			return d, model.Invalid("channels", "%q is not a channel of this workspace", id)
		}
		if !seen[id] {
			seen[id] = true
			picked = append(picked, id)
		}
	}
	d.Channels = picked
	variants := map[string]model.Variant{}
	for id, v := range d.Variants {
		if !seen[id] {
			return d, model.Invalid("variants", "a variant for %q, which is not among the picked channels", id)
		}
		if err := checkVariant("variants."+id, v); err != nil {
			return d, err
		}
		if v.Customised() {
			variants[id] = v
		}
	}
	d.Variants = variants
	if d.Labels, err = cleanLabels(d.Labels); err != nil {
		return d, err
	}
	if len(d.Notes) > maxNotesBytes {
		return d, model.Invalid("notes", "internal notes are limited to %d KB", maxNotesBytes>>10)
	}
	if d.PillarID != "" {
		pillars, err := s.Store.Read().ListPillars(ctx, workspaceID)
		if err != nil {
			return d, err
		}
		if !slices.ContainsFunc(pillars, func(p model.Pillar) bool { return p.ID == d.PillarID }) {
			return d, model.Invalid("pillar", "%q is not a content pillar of this workspace", d.PillarID)
		}
	}
	return d, nil
}

func checkContent(field string, c model.Content) error {
	if !utf8.ValidString(c.Text) || !utf8.ValidString(c.FirstComment) {
		return model.Invalid(field+".text", "the text is not valid UTF-8")
	}
	if len(c.Text) > maxTextBytes || len(c.FirstComment) > maxTextBytes {
		return model.Invalid(field+".text", "text is limited to %d KB", maxTextBytes>>10)
	}
	if len(c.Thread)+1 > maxSegments {
		return model.Invalid(field+".thread", "a thread is limited to %d parts", maxSegments)
	}
	if len(c.Media) > maxMediaPerSeg {
		return model.Invalid(field+".media", "at most %d media per post", maxMediaPerSeg)
	}
	for i, seg := range c.Thread {
		if !utf8.ValidString(seg.Text) || len(seg.Text) > maxTextBytes {
			return model.Invalid(field+".thread."+itoa(i+1)+".text", "each part is valid UTF-8 of at most %d KB", maxTextBytes>>10)
		}
		if len(seg.Media) > maxMediaPerSeg {
			return model.Invalid(field+".thread."+itoa(i+1)+".media", "at most %d media per part", maxMediaPerSeg)
		}
	}
	if c.Link != "" {
		if err := checkLink(c.Link); err != nil {
			return model.Invalid(field+".link", "%s", err.Error())
		}
	}
	return checkOptions(field+".options", c.Options)
}

func checkVariant(field string, v model.Variant) error {
	c := v.Apply(model.Content{})
	if err := checkContent(field, c); err != nil {
		return err
	}
	return nil
}

func checkLink(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("the link must be a full http:// or https:// address")
	}
	return nil
}

func checkOptions(field string, opts map[string]string) error {
	for k, v := range opts {
		if !slices.Contains(knownOptions, k) {
			return model.Invalid(field, "unknown option %q; known options: %s", k, strings.Join(knownOptions, ", "))
		}
		if len(v) > maxOptionBytes {
			return model.Invalid(field+"."+k, "at most %d bytes", maxOptionBytes)
		}
	}
	if v := opts["visibility"]; v != "" && !slices.Contains([]string{"public", "unlisted", "private", "direct"}, v) {
		return model.Invalid(field+".visibility", "%q is not a visibility; one of public, unlisted, private, direct", v)
	}
	if v := opts["track_links"]; v != "" && v != "on" {
		return model.Invalid(field+".track_links", "track_links is \"on\" or absent")
	}
	if v := opts["disclosure"]; v != "" && !slices.Contains([]string{"paid_partnership", "branded_content", "ad"}, v) {
		return model.Invalid(field+".disclosure", "%q is not a disclosure; one of paid_partnership, branded_content, ad", v)
	}
	return nil
}

func cleanLabels(in []string) ([]string, error) {
	var out []string
	for _, l := range in {
		l = strings.TrimSpace(l)
		if l == "" || slices.Contains(out, l) {
			continue
		}
		if utf8.RuneCountInString(l) > maxLabelRunes || strings.ContainsAny(l, ",\n\r\t") {
			return nil, model.Invalid("labels", "label %q: at most %d characters, no commas or line breaks", clip(l, 50), maxLabelRunes)
		}
		out = append(out, l)
	}
	if len(out) > maxLabels {
		return nil, model.Invalid("labels", "at most %d labels per post", maxLabels)
	}
	return out, nil
}

// mediaIDs lists the library assets a post uses anywhere.
func mediaIDs(p model.Post) []string {
	contents := []model.Content{p.Base}
	for _, t := range p.Targets {
		contents = append(contents, t.Effective(p.Base))
	}
	return assetIDs(contents...)
}

// assetIDs lists the library assets the contents use, each once, in order.
func assetIDs(contents ...model.Content) []string {
	var out []string
	for _, c := range contents {
		for _, seg := range c.Segments() {
			for _, m := range seg.Media {
				if !slices.Contains(out, m.ID) {
					out = append(out, m.ID)
				}
			}
		}
	}
	return out
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Continue makes the next post of a series inside tx: a copy of p's
// content, variants, pillar, labels and notes, with p's series settings,
// as a draft for the same channels. The publisher schedules it.
func (s *Service) Continue(ctx context.Context, tx *store.Tx, p model.Post) (model.Post, error) {
	d := snapshotOf(p).draft()
	n := s.newPost(model.Actor{UserID: p.AuthorID, Via: "system"}, p.WorkspaceID, d)
	n.AuthorID = p.AuthorID
	n.Series = p.Series
	n.Series.ContinuedBy = ""
	// The copy says the same: an approval carries over; a post that needed
	// approval and lacks it still needs it.
	if p.Approval == model.ApprovalApproved && p.ApprovedVersion == p.Version {
		n.Approval, n.ApprovedVersion = model.ApprovalApproved, n.Version
	} else if p.Approval != model.ApprovalNone {
		n.Approval = model.ApprovalPending
	}
	if n.Series.SeriesID == "" {
		n.Series.SeriesID = p.ID
	}
	return n, s.insertPost(ctx, tx, model.Actor{UserID: p.AuthorID, Via: "system"}, n, false)
}
