package ids

import "testing"

// IDs made in a burst sort in the order they were made, even within one
// millisecond.
func TestNewSortsInOrderOfCreation(t *testing.T) {
	prev := New()
	for range 10000 {
		id := New()
		if id <= prev || !Valid(id) {
			t.Fatalf("%s after %s", id, prev)
		}
		prev = id
	}
}
