package compose

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/store"
)

// snapshot is the editable state of a post, as kept in its history.
type snapshot struct {
	Base     model.Content            `json:"base"`
	Channels []string                 `json:"channels"`
	Variants map[string]model.Variant `json:"variants,omitempty"`
	PillarID string                   `json:"pillar_id,omitempty"`
	Labels   []string                 `json:"labels,omitempty"`
	Notes    string                   `json:"notes,omitempty"`
}

func snapshotOf(p model.Post) snapshot {
	s := snapshot{Base: p.Base, PillarID: p.PillarID, Labels: p.Labels, Notes: p.Notes, Variants: map[string]model.Variant{}}
	for _, t := range p.Targets {
		s.Channels = append(s.Channels, t.ChannelID)
		if t.Variant.Customised() {
			s.Variants[t.ChannelID] = t.Variant
		}
	}
	return s
}

func (s snapshot) draft() Draft {
	return Draft{Base: s.Base, Channels: s.Channels, Variants: s.Variants, PillarID: s.PillarID, Labels: s.Labels, Notes: s.Notes}
}

// same reports whether two states of a post have the same editable parts,
// so saving without changes does not add a version.
func same(a, b model.Post) bool {
	sa, sb := snapshotOf(a), snapshotOf(b)
	// Targets come back from the store in ID order, and IDs made in the same
	// millisecond are not ordered, so the picked order is not comparable.
	slices.Sort(sa.Channels)
	slices.Sort(sb.Channels)
	ja, _ := json.Marshal(sa)
	jb, _ := json.Marshal(sb)
	return string(ja) == string(jb)
}

func (s *Service) recordVersion(ctx context.Context, tx *store.Tx, a model.Actor, p model.Post, old *model.Post) error {
	b, err := json.Marshal(snapshotOf(p))
	if err != nil {
		return err
	}
	summary := "created"
	if old != nil {
		summary = describeChange(snapshotOf(*old), snapshotOf(p))
	}
	return tx.AddPostVersion(ctx, model.PostVersion{PostID: p.ID, Version: p.Version, AuthorID: a.UserID,
		Snapshot: string(b), Summary: summary, CreatedAt: p.UpdatedAt})
}

// describeChange says in words what changed between two states.
func describeChange(a, b snapshot) string {
	var parts []string
	if a.Base.Text != b.Base.Text {
		parts = append(parts, fmt.Sprintf("text (%+d characters)", len([]rune(b.Base.Text))-len([]rune(a.Base.Text))))
	}
	if !reflect.DeepEqual(a.Base.Thread, b.Base.Thread) {
		parts = append(parts, fmt.Sprintf("thread (%d → %d parts)", len(a.Base.Thread)+1, len(b.Base.Thread)+1))
	}
	if !reflect.DeepEqual(a.Base.Media, b.Base.Media) {
		parts = append(parts, "media")
	}
	if a.Base.Link != b.Base.Link {
		parts = append(parts, "link")
	}
	if a.Base.FirstComment != b.Base.FirstComment {
		parts = append(parts, "first comment")
	}
	if !maps.Equal(a.Base.Options, b.Base.Options) {
		parts = append(parts, "options")
	}
	if added, removed := setDiff(a.Channels, b.Channels); added+removed > 0 {
		parts = append(parts, fmt.Sprintf("channels (+%d −%d)", added, removed))
	}
	if !reflect.DeepEqual(a.Variants, b.Variants) {
		parts = append(parts, "network versions")
	}
	if a.PillarID != b.PillarID {
		parts = append(parts, "pillar")
	}
	if !slices.Equal(a.Labels, b.Labels) {
		parts = append(parts, "labels")
	}
	if a.Notes != b.Notes {
		parts = append(parts, "notes")
	}
	if len(parts) == 0 {
		return "restored"
	}
	return "changed " + strings.Join(parts, ", ")
}

func setDiff(a, b []string) (added, removed int) {
	for _, x := range b {
		if !slices.Contains(a, x) {
			added++
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			removed++
		}
	}
	return added, removed
}

// Version is one entry of a post's history with what changed from the
// version before it.
type Version struct {
	model.PostVersion
	Text string     // the base text at this version
	Diff []DiffPart // the base text's change from the previous version
}

// DiffPart is a run of text that was kept, inserted or deleted.
type DiffPart struct {
	Op   string // "=", "+", "-"
	Text string
}

// History returns a post's versions, newest first, with text diffs.
func (s *Service) History(ctx context.Context, a model.Actor, workspaceID, id string) ([]Version, error) {
	if _, err := s.Get(ctx, a, workspaceID, id); err != nil {
		return nil, err
	}
	vs, err := s.Store.Read().PostVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]Version, len(vs))
	texts := make([]string, len(vs))
	for i, v := range vs {
		var snap snapshot
		if err := json.Unmarshal([]byte(v.Snapshot), &snap); err != nil {
			return nil, fmt.Errorf("compose: version %d of %s: %w", v.Version, id, err)
		}
		texts[i] = snap.Base.Text
		out[i] = Version{PostVersion: v, Text: snap.Base.Text}
	}
	for i := range out {
		prev := ""
		if i+1 < len(out) {
			prev = texts[i+1]
		}
		out[i].Diff = TextDiff(prev, texts[i])
	}
	return out, nil
}

// TextDiff returns a readable diff of two texts, cleaned up to whole words
// where possible.
func TextDiff(a, b string) []DiffPart {
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(a, b, false))
	out := make([]DiffPart, 0, len(diffs))
	for _, d := range diffs {
		op := "="
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = "+"
		case diffmatchpatch.DiffDelete:
			op = "-"
		}
		out = append(out, DiffPart{Op: op, Text: d.Text})
	}
	return out
}

// Restore saves an earlier version's content as the newest version. Channels
// that no longer exist are left out.
func (s *Service) Restore(ctx context.Context, a model.Actor, workspaceID, id string, version int) (model.Post, error) {
	cur, err := s.Get(ctx, a, workspaceID, id)
	if err != nil {
		return cur, err
	}
	vs, err := s.Store.Read().PostVersions(ctx, id)
	if err != nil {
		return cur, err
	}
	i := slices.IndexFunc(vs, func(v model.PostVersion) bool { return v.Version == version })
	if i < 0 {
		return cur, model.NotFound("this post has no version %d", version)
	}
	var snap snapshot
	if err := json.Unmarshal([]byte(vs[i].Snapshot), &snap); err != nil {
		return cur, fmt.Errorf("compose: version %d of %s: %w", version, id, err)
	}
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return cur, err
	}
	d := snap.draft()
	d.Channels = slices.DeleteFunc(d.Channels, func(id string) bool {
		return !slices.ContainsFunc(chans, func(c model.Channel) bool { return c.ID == id })
	})
	if len(d.Channels) == 0 {
		return cur, model.Invalid("version", "none of the channels of version %d is still connected", version)
	}
	for ch := range d.Variants {
		if !slices.Contains(d.Channels, ch) {
			delete(d.Variants, ch)
		}
	}
	p, err := s.Update(ctx, a, workspaceID, id, cur.Version, d)
	if err != nil {
		return p, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, a, "post.restore", "post", id, workspaceID, map[string]any{"version": version})
	})
	return p, err
}

// ResetVariant sets a channel's version of a post back to the base, for
// every field or one of: text, media, thread, link, first_comment, options.
func (s *Service) ResetVariant(ctx context.Context, a model.Actor, workspaceID, id, channelID, field string) (model.Post, error) {
	p, err := s.Get(ctx, a, workspaceID, id)
	if err != nil {
		return p, err
	}
	d := snapshotOf(p).draft()
	if !slices.Contains(d.Channels, channelID) {
		return p, model.Invalid("channel", "this post is not for channel %q", channelID)
	}
	v := d.Variants[channelID]
	switch field {
	case "":
		v = model.Variant{}
	case "text":
		v.Text = nil
	case "media":
		v.Media, v.MediaSet = nil, false
	case "thread":
		v.Thread, v.ThreadSet = nil, false
	case "link":
		v.Link = nil
	case "first_comment":
		v.FirstComment = nil
	case "options":
		v.Options = nil
	default:
		return p, model.Invalid("field", "%q cannot be reset; one of text, media, thread, link, first_comment, options (or none for all)", field)
	}
	d.Variants[channelID] = v
	return s.Update(ctx, a, workspaceID, id, p.Version, d)
}

func itoa(i int) string { return strconv.Itoa(i) }
