package besttime_test

import (
	"fmt"
	"time"

	"herald/internal/besttime"
)

// A new LinkedIn channel has no history yet, so the heatmap is the
// network's rule of thumb, and "use best times" proposes its hours.
func ExampleSlotsFor() {
	res := besttime.Compute(nil, time.UTC, "linkedin", besttime.Options{})
	fmt.Println(res.Note)
	for _, s := range besttime.SlotsFor(res, 3) {
		fmt.Println(s, s.Minute())
	}
	// Output:
	// No posts yet: using typical times for LinkedIn
	// Tue 08:00 480
	// Wed 08:00 480
	// Thu 08:00 480
}
