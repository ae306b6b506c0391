package inbox

import (
	"testing"
	"time"
)

// SetStreamPostsCheck makes open streams look for new posts every d for
// the rest of the test.
func SetStreamPostsCheck(t testing.TB, d time.Duration) {
	was := streamPostsCheck
	streamPostsCheck = d
	t.Cleanup(func() { streamPostsCheck = was })
}
