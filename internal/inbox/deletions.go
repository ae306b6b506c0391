package inbox

import (
	"context"
	"time"

	"herald/internal/provider"
	"herald/internal/store"
)

// Deletion checks: networks whose reads do not report deletions (Nostr,
// Bluesky) are asked now and then which of the channel's recent messages
// are gone. The answers join the poll's batch as deletions, so they are
// stored the way a Matrix redaction is.
const (
	deletionCheckEvery = 10 * time.Minute
	deletionWindow     = 7 * 24 * time.Hour
	deletionBatch      = 100
)

// deletions asks the network about the channel's recent messages when a
// check is due. A failed check is logged and tried again at the next
// due time: it must not hold up reading new messages.
func (s *Service) deletions(ctx context.Context, c store.PollCursor, p provider.Provider, acct provider.Account) []provider.Interaction {
	checker, ok := p.(provider.DeletionChecker)
	if !ok {
		return nil
	}
	now := s.now()
	q := s.Store.Read()
	last, err := q.DeletionsCheckedAt(ctx, c.ChannelID)
	if err != nil || now.Sub(last) < deletionCheckEvery {
		return nil
	}
	cands, err := q.DeletionCandidates(ctx, c.WorkspaceID, c.ChannelID, now.Add(-deletionWindow), deletionBatch)
	if err != nil {
		s.log().Warn("inbox: deletion candidates", "channel", c.ChannelID, "err", err)
		return nil
	}
	if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.MarkDeletionsChecked(ctx, c.ChannelID, now) }); err != nil {
		s.log().Warn("inbox: mark deletions checked", "channel", c.ChannelID, "err", err)
		return nil
	}
	if len(cands) == 0 {
		return nil
	}
	items := make([]provider.Interaction, len(cands))
	for i, cd := range cands {
		items[i] = provider.Interaction{ID: cd.RemoteID, AuthorID: cd.AuthorRemoteID}
	}
	gone, err := checker.Deleted(ctx, acct, items)
	if err != nil {
		s.log().Warn("inbox: deletion check", "channel", c.ChannelID, "err", err)
	}
	out := make([]provider.Interaction, len(gone))
	for i, id := range gone {
		out[i] = provider.Interaction{ID: id, Deleted: true}
	}
	return out
}
