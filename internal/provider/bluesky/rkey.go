package bluesky

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"herald/internal/platform/ids"
)

// crockford is the ULID alphabet (Crockford base32, lower case as Herald
// writes its ids).
const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

// maxSegments is how many segments one key can name: the segment index is
// added to the key's time as microseconds.
const maxSegments = 1000

// recordKey derives the record key of segment i of the post Herald knows as
// key (a lower-case ULID, the target id) and publishes at at (the instant
// the publisher fixed when it first claimed the target, kept across
// retries). Record keys of app.bsky.feed.post must be TIDs
// (https://atproto.com/specs/record-key, .../specs/tid): 64 bits written as
// 13 characters of base32-sortable, microseconds since the Unix epoch
// shifted left 10 bits, OR a 10-bit clock id. Herald uses at's microseconds
// plus the segment index, and 10 bits of a hash of the whole key as the
// clock id, so
//   - the same target and segment always name the same record (idempotency:
//     a second createRecord cannot make a second post), and
//   - two targets only share a key when they were claimed within the same
//     few microseconds and their hashes agree (about 1 in 1024 of such rare
//     pairs). Deriving the time from the ULID's millisecond instead made
//     every two posts created in one millisecond (a CSV import, a burst of
//     drafts) collide 1 time in 1024, and one of them was then refused.
//
// A zero at falls back to the key's own millisecond.
func recordKey(key string, at time.Time, segment int) (string, error) {
	key = strings.ToLower(key)
	ms, err := ulidMillis(key)
	if err != nil {
		return "", err
	}
	if segment < 0 || segment >= maxSegments {
		return "", fmt.Errorf("bluesky: segment %d out of range 0..%d", segment, maxSegments-1)
	}
	micros := ms * 1000
	if !at.IsZero() {
		micros = uint64(at.UnixMicro())
	}
	micros += uint64(segment)
	if micros >= 1<<53 {
		return "", fmt.Errorf("bluesky: key %q is too far in the future for a TID", key)
	}
	sum := sha256.Sum256([]byte(key))
	clock := uint(binary.BigEndian.Uint16(sum[:2]) & 0x3ff)
	return syntax.NewTID(int64(micros), clock).String(), nil
}

// ulidMillis returns the 48-bit millisecond timestamp of a ULID: its first
// 10 characters (https://github.com/ulid/spec#encoding).
func ulidMillis(key string) (uint64, error) {
	k := key
	if !ids.Valid(k) {
		return 0, fmt.Errorf("bluesky: post key %q is not a ULID, so no record key can be derived from it", key)
	}
	var v uint64
	for i := 0; i < 10; i++ {
		v = v<<5 | uint64(strings.IndexByte(crockford, k[i]))
	}
	return v, nil
}
