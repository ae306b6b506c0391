// Package ids makes the sortable text identifiers Herald uses for every row,
// identical on SQLite and PostgreSQL.
package ids

import (
	"crypto/rand"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// New returns a new lower-case ULID: 26 characters that sort by creation time.
func New() string {
	return strings.ToLower(ulid.MustNew(ulid.Timestamp(time.Now()), rand.Reader).String())
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
