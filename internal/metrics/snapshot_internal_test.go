package metrics

import (
	"slices"
	"testing"
	"time"

	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/store"
)

// Garbage from a network is kept as received, flagged, and never turned
// into zeros; what the network does not report stays unknown.
func TestSnapshotFlagsBadValues(t *testing.T) {
	fields := map[string]bool{provider.MetricLikes: true, provider.MetricReposts: true, provider.MetricViews: true}
	s := snapshot(store.MetricDue{TargetID: "t"}, provider.PostMetrics{Likes: -3, Reposts: 2_000_000_000_000, Views: 10, Replies: 5}, true, fields, time.Now())
	if !slices.Contains(s.Flags, model.MetricNegative) || !slices.Contains(s.Flags, model.MetricImpossible) {
		t.Fatalf("flags %v", s.Flags)
	}
	if s.Likes.Value != -3 || !s.Likes.Known || s.Replies.Known {
		t.Fatalf("likes %+v, replies %+v (replies are not reported by this network)", s.Likes, s.Replies)
	}
	if n, ok := s.Engagements(); ok || n != 0 {
		t.Fatalf("engagements %d %v: negative and impossible values must be left out", n, ok)
	}
	unread := snapshot(store.MetricDue{TargetID: "t"}, provider.PostMetrics{}, false, fields, time.Now())
	if unread.Likes.Known || unread.Views.Known {
		t.Fatalf("a network without a reader reported %+v", unread)
	}
}
