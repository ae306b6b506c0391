package schedule

import (
	"time"

	"herald/internal/model"
)

// Evergreen is the recycling policy of an evergreen post: how long to wait
// between two publications of it and how often it may go out at all.
type Evergreen struct {
	MinGap   time.Duration // least time from one publication to the next; at least an hour
	MaxCount int           // most publications in all, the first included; 0 means no limit
}

// Validate checks the policy. The one-hour floor is there because a shorter
// gap re-posts the same text back to back, which networks flag as spam.
func (e Evergreen) Validate() error {
	if e.MinGap < time.Hour {
		return model.Invalid("min_gap", "wait at least an hour before posting the same content again")
	}
	if e.MaxCount < 0 {
		return model.Invalid("max_count", "the number of times to publish cannot be negative; use 0 for no limit")
	}
	return nil
}

// NextRequeue returns the earliest instant a post published at the given
// times (in any order) may be queued again: the latest publication plus
// MinGap. It returns false when MaxCount publications have been reached. A
// post never published may be queued at once (the zero time).
func (e Evergreen) NextRequeue(published []time.Time) (time.Time, bool) {
	if e.MaxCount > 0 && len(published) >= e.MaxCount {
		return time.Time{}, false
	}
	var last time.Time
	for _, p := range published {
		if p.After(last) {
			last = p
		}
	}
	if last.IsZero() {
		return time.Time{}, true
	}
	return last.Add(e.MinGap), true
}

// CanRequeue reports whether the post may be queued again at now.
func (e Evergreen) CanRequeue(published []time.Time, now time.Time) bool {
	at, ok := e.NextRequeue(published)
	return ok && !now.Before(at)
}

// Missed reports whether a post due at due is too late to publish at now:
// later than window after its time. A publisher that was down should mark
// such posts missed (and tell the user) instead of posting a morning greeting
// in the evening; posts within the window go out late. A window of zero
// treats any delay as missed, so use a positive window.
func Missed(due, now time.Time, window time.Duration) bool {
	return now.Sub(due) > window
}
