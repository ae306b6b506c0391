// Package idempotency remembers the responses to API creates sent with an
// Idempotency-Key header, so a client that retries after a timeout gets the
// first answer instead of a second object.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"herald/internal/model"
	"herald/internal/platform/secret"
	"herald/internal/store"
)

// TTL is how long a key is remembered (pruned by the maintenance job).
const TTL = 24 * time.Hour

// Response is a remembered answer.
type Response struct {
	Status int
	Body   []byte
}

// Service stores remembered answers.
type Service struct {
	Store *store.Store
	// Box seals remembered bodies at rest: the answer to a create may carry
	// a secret shown only once (a new API token, an invitation link), which
	// must not sit in the database in clear for a day.
	Box *secret.Box
}

var errNoBox = errors.New("idempotency: no secret box configured")

// Fingerprint hashes what identifies a request (method, path, body) so a key
// reused for a different request is caught.
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Lookup returns the remembered response for (user, key). found is false when
// the key is new; a key reused with a different request is a KindConflict error.
func (s *Service) Lookup(ctx context.Context, userID, key, fingerprint string) (resp Response, found bool, err error) {
	if len(key) == 0 || len(key) > 255 {
		return resp, false, model.Invalid("Idempotency-Key", "the Idempotency-Key header must be 1 to 255 characters")
	}
	r, err := s.Store.Read().IdempotencyRecord(ctx, userID, key)
	if errors.Is(err, store.ErrNotFound) {
		return resp, false, nil
	}
	if err != nil {
		return resp, false, err
	}
	if r.RequestHash != fingerprint {
		return resp, false, model.Conflict("Idempotency-Key", "this Idempotency-Key was already used for a different request")
	}
	if s.Box == nil {
		return resp, false, errNoBox
	}
	body, err := s.Box.Open(r.Body)
	if err != nil {
		return resp, false, fmt.Errorf("idempotency: open remembered response: %w", err)
	}
	return Response{Status: r.Status, Body: []byte(body)}, true, nil
}

// Save remembers a response. A concurrent request that saved first wins; the
// loser's object exists too, which is why clients should not race one key.
func (s *Service) Save(ctx context.Context, userID, key, fingerprint string, resp Response) error {
	if s.Box == nil {
		return errNoBox
	}
	sealed, err := s.Box.Seal(string(resp.Body))
	if err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		return tx.SaveIdempotencyRecord(ctx, userID, key, store.IdempotentResponse{RequestHash: fingerprint, Status: resp.Status, Body: sealed}, time.Now())
	})
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}
