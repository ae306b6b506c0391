package compose

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Problem is one thing wrong (an error) or worth a second look (a warning)
// with a post for one channel. Field points into the content the way the
// API's validation errors do: "text", "thread.2.text", "media.0.alt".
type Problem struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Counter is the count of one segment's text against a network's rule.
type Counter struct {
	Segment int `json:"segment"` // 0 for the first post, 1.. for thread parts
	count.Result
	// Unit names what is counted, for the UI ("characters", "bytes").
	Unit string `json:"unit"`
}

// Highlight is a mention, hashtag or link in a text, in UTF-16 code units
// so the browser can mark it without counting on its own.
type Highlight struct {
	Kind  string `json:"kind"` // mention, hashtag, url
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// TargetReport is the verdict for one channel.
type TargetReport struct {
	ChannelID   string        `json:"channel_id"`
	ChannelName string        `json:"channel_name"`
	Handle      string        `json:"handle"`
	Network     string        `json:"network"`
	NetworkName string        `json:"network_name"`
	Customised  bool          `json:"customised"`
	Content     model.Content `json:"content"` // what would be published, signature included
	Counters    []Counter     `json:"counters"`
	Highlights  [][]Highlight `json:"highlights"` // per segment
	Errors      []Problem     `json:"errors"`
	Warnings    []Problem     `json:"warnings"`
}

// Report is the verdict for a whole post.
type Report struct {
	OK      bool           `json:"ok"` // no errors on any channel
	Targets []TargetReport `json:"targets"`
	// BaseHighlights marks the base text's entities, for the editor.
	BaseHighlights []Highlight `json:"base_highlights"`
}

// ValidateInput is what to check.
type ValidateInput struct {
	Draft
	PostID string    // the post being edited, so it is not its own duplicate
	At     time.Time // when it would go out; zero: now
}

// Validate checks a post against every picked channel's limits, with the
// one counting package, exactly as publishing will. It never saves.
func (s *Service) Validate(ctx context.Context, a model.Actor, workspaceID string, in ValidateInput) (Report, error) {
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostView); err != nil {
		return Report{}, err
	}
	if err := checkContent("base", in.Base); err != nil {
		return Report{}, err
	}
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return Report{}, err
	}
	altPolicy, err := s.altPolicy(ctx, workspaceID)
	if err != nil {
		return Report{}, err
	}
	return s.validate(ctx, workspaceID, in, checkEnv{chans: chans, altPolicy: altPolicy})
}

// checkEnv is what validation reads once per request (or once per imported
// file) rather than once per post.
type checkEnv struct {
	chans     []model.Channel
	altPolicy bool
	// noDuplicates skips the duplicate-text look-up, which only warns and
	// would cost a query per row and channel in an import.
	noDuplicates bool
}

func (s *Service) altPolicy(ctx context.Context, workspaceID string) (bool, error) {
	if s.Media == nil {
		return false, nil
	}
	return s.Media.AltRequired(ctx, workspaceID)
}

// validate is Validate after the permission check and the content's shape
// check.
func (s *Service) validate(ctx context.Context, workspaceID string, in ValidateInput, env checkEnv) (Report, error) {
	at := in.At
	if at.IsZero() {
		at = s.now()
	}
	media, err := s.mediaFor(ctx, workspaceID, in.Draft)
	if err != nil {
		return Report{}, err
	}
	rep := Report{OK: true, BaseHighlights: Highlights(in.Base.Text)}
	for _, id := range in.Channels {
		i := slices.IndexFunc(env.chans, func(c model.Channel) bool { return c.ID == id })
		if i < 0 {
			return Report{}, model.Invalid("channels", "%q is not a channel of this workspace", id)
		}
		v := in.Variants[id]
		if err := checkVariant("variants."+id, v); err != nil {
			return Report{}, err
		}
		tr, err := s.checkTarget(ctx, env.chans[i], v, in, media, env, at)
		if err != nil {
			return Report{}, err
		}
		if len(tr.Errors) > 0 {
			rep.OK = false
		}
		rep.Targets = append(rep.Targets, tr)
	}
	return rep, nil
}

func (s *Service) mediaFor(ctx context.Context, workspaceID string, d Draft) (map[string]MediaInfo, error) {
	contents := []model.Content{d.Base}
	for _, v := range d.Variants {
		contents = append(contents, v.Apply(d.Base))
	}
	idList := assetIDs(contents...)
	out := map[string]MediaInfo{}
	if len(idList) == 0 || s.Media == nil {
		return out, nil
	}
	found, err := s.Media.Lookup(ctx, workspaceID, idList)
	if err != nil {
		return nil, err
	}
	for _, m := range found {
		out[m.ID] = m
	}
	return out, nil
}

// ForChannel is what a channel publishes of content: the channel's default
// options fill in the ones the post leaves unset, and its signature is
// appended (WithSignature).
func ForChannel(c model.Content, ch model.Channel) model.Content {
	var opts map[string]string
	for k, v := range ch.Defaults {
		if _, set := c.Options[k]; !set && v != "" && slices.Contains(knownOptions, k) {
			if opts == nil {
				opts = maps.Clone(c.Options)
				if opts == nil {
					opts = map[string]string{}
				}
			}
			opts[k] = v
		}
	}
	if opts != nil {
		c.Options = opts
	}
	return WithSignature(c, ch)
}

// WithSignature appends a channel's signature (its "signature" default) to
// the last segment of c, as publishing does.
func WithSignature(c model.Content, ch model.Channel) model.Content {
	sig := strings.TrimSpace(ch.Defaults["signature"])
	if sig == "" {
		return c
	}
	if len(c.Thread) == 0 {
		if !strings.HasSuffix(c.Text, sig) {
			c.Text = strings.TrimRight(c.Text, " \n") + "\n\n" + sig
		}
		return c
	}
	thread := slices.Clone(c.Thread)
	last := &thread[len(thread)-1]
	if !strings.HasSuffix(last.Text, sig) {
		last.Text = strings.TrimRight(last.Text, " \n") + "\n\n" + sig
	}
	c.Thread = thread
	return c
}

func (s *Service) checkTarget(ctx context.Context, ch model.Channel, v model.Variant, in ValidateInput,
	media map[string]MediaInfo, env checkEnv, at time.Time) (TargetReport, error) {
	info, limits, err := s.Channels.Limits(ch)
	if err != nil {
		return TargetReport{}, err
	}
	c := s.withStandIns(ForChannel(v.Apply(in.Base), ch))
	tr := TargetReport{ChannelID: ch.ID, ChannelName: ch.Name, Handle: ch.Handle, Network: ch.Network, NetworkName: info.Name,
		Customised: v.Customised(), Content: c, Counters: []Counter{}, Errors: []Problem{}, Warnings: []Problem{}}
	errf := func(code, field, format string, args ...any) {
		tr.Errors = append(tr.Errors, Problem{code, field, fmt.Sprintf(format, args...)})
	}
	warnf := func(code, field, format string, args ...any) {
		tr.Warnings = append(tr.Warnings, Problem{code, field, fmt.Sprintf(format, args...)})
	}
	segs := c.Segments()
	if len(segs) > 1 && limits.MaxThread == 0 {
		errf("thread_unsupported", "thread", "%s does not take threads; make it one post", info.Name)
	} else if limits.MaxThread > 0 && len(segs) > limits.MaxThread {
		errf("thread_too_long", "thread", "%s takes threads of up to %d posts; this one has %d", info.Name, limits.MaxThread, len(segs))
	}
	for i, seg := range segs {
		field := segField(i)
		res := count.Count(seg.Text, limits.Text)
		tr.Counters = append(tr.Counters, Counter{Segment: i, Result: res, Unit: unit(limits.Text.Method)})
		tr.Highlights = append(tr.Highlights, Highlights(seg.Text))
		switch {
		case strings.TrimSpace(seg.Text) == "" && len(seg.Media) == 0:
			errf("empty", field+"text", "%s is empty: write something or add media", partName(i))
		case limits.MediaRequired && len(seg.Media) == 0:
			errf("media_required", field+"media", "%s needs an image or video in every post", info.Name)
		}
		if res.Over {
			errf("too_long", field+"text", "%s", overMessage(info.Name, partName(i), res, limits.Text))
		}
		if res.InvalidAt >= 0 {
			r, _ := utf8.DecodeRuneInString(seg.Text[res.InvalidAt:])
			errf("invalid_character", field+"text", "%s refuses the character U+%04X in %s", info.Name, r, strings.ToLower(partName(i)))
		}
		s.checkMedia(&tr, info, limits, seg.Media, media, field, env.altPolicy, at)
		if n := len(count.Hashtags(seg.Text)); n > 5 {
			warnf("many_hashtags", field+"text", "%d hashtags in %s; more than 5 tends to read as spam", n, strings.ToLower(partName(i)))
		}
		for _, sp := range count.URLs(seg.Text) {
			if u := seg.Text[sp.Start:sp.End]; !s.tracked(u) {
				warnf("untracked_link", field+"text", "%s is not a tracked link; turn on “Track links” to count its clicks", clip(u, 60))
			}
		}
	}
	if c.FirstComment != "" && !info.Has(provider.CapFirstComment) && !info.Has(provider.CapThreads) {
		errf("first_comment_unsupported", "first_comment", "%s cannot post a first comment; remove it for this channel", info.Name)
	}
	if c.Link != "" && !info.Has(provider.CapLinkCards) {
		warnf("no_link_card", "link", "%s shows no preview card; readers see only the address in the text", info.Name)
	}
	if env.noDuplicates {
		return tr, nil
	}
	if dup, err := s.duplicate(ctx, ch, c.Text, in.PostID); err != nil {
		return tr, err
	} else if dup != "" {
		warnf("duplicate", "text", "the same text went to %s on %s; networks may refuse or bury repeats", ch.Name, dup)
	}
	return tr, nil
}

func (s *Service) checkMedia(tr *TargetReport, info provider.Info, limits provider.Limits, refs []model.MediaRef,
	media map[string]MediaInfo, field string, altPolicy bool, at time.Time) {
	errf := func(code, f, format string, args ...any) {
		tr.Errors = append(tr.Errors, Problem{code, field + f, fmt.Sprintf(format, args...)})
	}
	warnf := func(code, f, format string, args ...any) {
		tr.Warnings = append(tr.Warnings, Problem{code, field + f, fmt.Sprintf(format, args...)})
	}
	if len(refs) == 0 {
		return
	}
	if limits.MaxMedia == 0 {
		errf("media_unsupported", "media", "%s does not take media in posts", info.Name)
		return
	}
	if len(refs) > limits.MaxMedia {
		errf("too_many_media", "media", "%s takes up to %d attachments per post; this has %d", info.Name, limits.MaxMedia, len(refs))
	}
	images, videos := 0, 0
	for j, ref := range refs {
		f := fmt.Sprintf("media.%d.", j)
		m, ok := media[ref.ID]
		if !ok {
			errf("media_missing", f+"id", "media %q is not in this workspace's library", ref.ID)
			continue
		}
		if m.Unusable != "" {
			errf("media_unusable", f+"id", "%s", m.Unusable)
		}
		alt := ref.Alt
		if alt == "" {
			alt = m.Alt
		}
		switch m.Kind {
		case "video":
			videos++
			if !info.Has(provider.CapVideo) {
				errf("video_unsupported", f+"id", "%s does not take video", info.Name)
			} else if len(limits.VideoTypes) > 0 && !slices.Contains(limits.VideoTypes, m.ContentType) {
				errf("unsupported_type", f+"id", "%s takes video as %s, not %s", info.Name, strings.Join(limits.VideoTypes, ", "), m.ContentType)
			}
			if limits.VideoMaxBytes > 0 && m.Size > limits.VideoMaxBytes {
				errf("video_too_large", f+"id", "%s takes videos up to %s; this one is %s", info.Name, bytesText(limits.VideoMaxBytes), bytesText(m.Size))
			}
		default:
			images++
			if !info.Has(provider.CapImages) {
				errf("images_unsupported", f+"id", "%s does not take images", info.Name)
			} else if len(limits.ImageTypes) > 0 && !slices.Contains(limits.ImageTypes, m.ContentType) {
				warnf("converted", f+"id", "%s does not take %s; Herald converts it to JPEG when publishing", info.Name, m.ContentType)
			}
			if (limits.ImageMaxBytes > 0 && m.Size > limits.ImageMaxBytes) ||
				(limits.ImageMaxPixels > 0 && max(m.Width, m.Height) > limits.ImageMaxPixels) {
				warnf("resized", f+"id", "larger than %s takes; Herald resizes it when publishing", info.Name)
			}
			if strings.TrimSpace(alt) == "" && (limits.AltRequired || altPolicy) {
				who := info.Name
				if altPolicy && !limits.AltRequired {
					who = "This workspace"
				}
				errf("alt_missing", f+"alt", "%s requires alt text on every image; describe image %d", who, j+1)
			}
		}
		if limits.AltMaxChars > 0 && utf8.RuneCountInString(alt) > limits.AltMaxChars {
			errf("alt_too_long", f+"alt", "%s takes alt text of up to %d characters; this has %d", info.Name, limits.AltMaxChars, utf8.RuneCountInString(alt))
		}
	}
	if limits.MaxImages > 0 && images > limits.MaxImages {
		errf("too_many_images", "media", "%s takes up to %d images per post; this has %d", info.Name, limits.MaxImages, images)
	}
	if limits.MaxVideos > 0 && videos > limits.MaxVideos {
		errf("too_many_videos", "media", "%s takes up to %d video per post; this has %d", info.Name, limits.MaxVideos, videos)
	}
	if images > 0 && videos > 0 && !limits.MixMedia {
		errf("mixed_media", "media", "%s does not mix images and video in one post; use one or the other", info.Name)
	}
}

// duplicate returns the date of a recent post to ch with the same text, or
// "" when there is none.
func (s *Service) duplicate(ctx context.Context, ch model.Channel, text, postID string) (string, error) {
	norm := normalise(text)
	if norm == "" {
		return "", nil
	}
	recent, err := s.Store.Read().RecentTargetContent(ctx, ch.ID, s.now().AddDate(0, 0, -30))
	if err != nil {
		return "", err
	}
	for _, r := range recent {
		if r.PostID != postID && normalise(ForChannel(r.Variant.Apply(r.Base), ch).Text) == norm {
			return "a recent post", nil
		}
	}
	return "", nil
}

func normalise(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// tracked reports whether a link in a text is already one of Herald's.
func (s *Service) tracked(raw string) bool {
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	for _, base := range []string{s.BaseURL, s.ShortURL} {
		if b, err := url.Parse(base); err == nil && b.Host != "" && strings.EqualFold(b.Host, u.Host) {
			return true
		}
	}
	return false
}

// Highlights finds the mentions, hashtags and links of a text with the
// counting package's extractors, in UTF-16 offsets.
func Highlights(text string) []Highlight {
	out := []Highlight{}
	add := func(kind string, spans []count.Span) {
		for _, sp := range spans {
			out = append(out, Highlight{Kind: kind, Start: utf16Len(text[:sp.Start]), End: utf16Len(text[:sp.End])})
		}
	}
	add("url", count.URLs(text))
	add("hashtag", count.Hashtags(text))
	add("mention", count.Mentions(text))
	slices.SortFunc(out, func(a, b Highlight) int { return a.Start - b.Start })
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.AppendRune(nil, r))
	}
	return n
}

func segField(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprintf("thread.%d.", i)
}

func partName(i int) string {
	if i == 0 {
		return "The post"
	}
	return fmt.Sprintf("Part %d of the thread", i+1)
}

func unit(m count.Method) string {
	switch m {
	case count.UTF8Bytes:
		return "bytes"
	default:
		return "characters"
	}
}

func overMessage(network, part string, r count.Result, rule count.Rule) string {
	if rule.MaxBytes > 0 && r.Bytes > rule.MaxBytes && (rule.Max == 0 || r.Used <= rule.Max) {
		return fmt.Sprintf("%s is %d bytes; %s allows %d", part, r.Bytes, network, rule.MaxBytes)
	}
	return fmt.Sprintf("%s is %d %s; %s allows %d", part, r.Used, unit(rule.Method), network, rule.Max)
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
}
