package compose

import (
	"context"
	"slices"

	"herald/internal/model"
	"herald/internal/provider/count"
)

// Split cuts text into thread parts that every one of the given channels
// accepts, at word boundaries and never inside a URL, mention, hashtag or
// emoji sequence. Numbered adds " 1/3"-style counters. With no channel
// limits at all the text comes back whole.
func (s *Service) Split(ctx context.Context, a model.Actor, workspaceID string, channelIDs []string, text string, numbered bool) ([]string, error) {
	chans, err := s.Channels.List(ctx, a, workspaceID)
	if err != nil {
		return nil, err
	}
	var rules []count.Rule
	for _, id := range channelIDs {
		i := slices.IndexFunc(chans, func(c model.Channel) bool { return c.ID == id })
		if i < 0 {
			return nil, model.Invalid("channels", "%q is not a channel of this workspace", id)
		}
		_, limits, err := s.Channels.Limits(chans[i])
		if err != nil {
			return nil, err
		}
		if limits.Text.Max > 0 || limits.Text.MaxBytes > 0 {
			rules = append(rules, limits.Text)
		}
	}
	return SplitFor(text, rules, numbered), nil
}

// SplitFor splits text so that each part passes every rule. It splits by
// the strictest rule first and, when a part still fails another network's
// counting (a different unit), tightens that rule until all agree.
func SplitFor(text string, rules []count.Rule, numbered bool) []string {
	if len(rules) == 0 {
		return []string{text}
	}
	opts := count.SplitOptions{Number: numbered}
	strict := slices.MinFunc(rules, func(a, b count.Rule) int { return limitOf(a) - limitOf(b) })
	for range 20 {
		parts := count.Split(text, strict, opts)
		if passAll(parts, rules) {
			return parts
		}
		if strict.Max > 1 {
			strict.Max = strict.Max * 9 / 10
		}
		if strict.MaxBytes > 1 {
			strict.MaxBytes = strict.MaxBytes * 9 / 10
		}
	}
	return count.Split(text, strict, opts)
}

func limitOf(r count.Rule) int {
	if r.Max > 0 {
		return r.Max
	}
	return r.MaxBytes
}

func passAll(parts []string, rules []count.Rule) bool {
	for _, p := range parts {
		for _, r := range rules {
			if !count.Count(p, r).OK() {
				return false
			}
		}
	}
	return true
}
