// Package ids makes the sortable text identifiers Herald uses for every row,
// identical on SQLite and PostgreSQL.
package ids

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// entropy is monotonic within a millisecond: IDs made in the same
// millisecond by this process still sort in the order they were made, so
// "newest first" lists are right even for rows created in one burst.
var (
	mu      sync.Mutex
	entropy = ulid.Monotonic(rand.Reader, 0)
)

// New returns a new lower-case ULID: 26 characters that sort by creation time.
func New() string {
	mu.Lock()
	id, err := ulid.New(ulid.Timestamp(time.Now()), entropy)
	mu.Unlock()
	if err != nil {
		// The monotonic counter overflowed within one millisecond (2^80
		// IDs): fall back to fresh randomness rather than fail.
		id = ulid.MustNew(ulid.Timestamp(time.Now()), rand.Reader)
	}
	return strings.ToLower(id.String())
}

// Valid reports whether s has the shape of an identifier made by New, so
// handlers can reject malformed IDs with a clear 400 before any query.
func Valid(s string) bool {
	if len(s) != 26 {
		return false
	}
	_, err := ulid.ParseStrict(strings.ToUpper(s))
	return err == nil
}
