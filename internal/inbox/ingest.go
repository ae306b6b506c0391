package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/platform/ids"
	"herald/internal/provider"
	"herald/internal/store"
)

// Limits on what one message keeps: the text shown and worked with, and
// the original kept beside it when the text had to be cut.
const (
	maxText     = 10_000  // runes
	maxOriginal = 1 << 20 // bytes
)

// OwnPost is one of the channel's published posts, the root of the
// threads under it.
type OwnPost struct {
	PostID string // the Herald post
	Text   string
	URL    string
}

// Batch is what one poll read from a channel.
type Batch struct {
	Channel model.Channel
	Items   []provider.Interaction
	// Own maps the remote IDs of the channel's published posts (every
	// thread segment) to the Herald post they belong to.
	Own map[string]OwnPost
}

// Result says what a batch added.
type Result struct {
	New, Duplicates, Edited, Deleted int
	Conversations                    []string // IDs of conversations that got new messages
}

// Ingest stores a batch in one transaction: new conversations and
// contacts as needed, each message once, conversation counters and
// clocks, and the workspace's rules on what is new.
func (s *Service) Ingest(ctx context.Context, b Batch) (Result, error) {
	now := s.now()
	pr := s.prepare(b, now)
	msgs, roots := pr.msgs, pr.roots
	var res Result
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		res = Result{}
		if err := tx.CustomPlans(ctx); err != nil {
			return err
		}
		var st batchState
		var err error
		if st.contacts, err = s.contacts(ctx, tx, b.Channel, msgs, now); err != nil {
			return err
		}
		if st.convs, err = s.threads(ctx, tx, b, msgs, roots, now); err != nil {
			return err
		}
		for i := range msgs {
			msgs[i].ConversationID = st.convs.byRoot[roots[i]].ID
		}
		fresh, err := tx.InsertMessages(ctx, msgs)
		if err != nil {
			return err
		}
		added := make([]model.InboxMessage, 0, len(msgs))
		for _, m := range msgs {
			if fresh[m.RemoteID] {
				added = append(added, m)
			}
		}
		res.New, res.Duplicates = len(added), len(msgs)-len(added)
		if res.Edited, res.Deleted, err = s.changes(ctx, tx, b, pr, fresh, now); err != nil {
			return err
		}
		res.Conversations, err = s.bump(ctx, tx, added, now, st.convs)
		if err != nil {
			return err
		}
		return s.afterIngest(ctx, tx, b.Channel, added, st)
	})
	return res, err
}

// prepared is a batch sorted for storing: messages with the root of each
// one's thread (from which threads() finds its conversation), and news
// about stored messages: deletions (gone) and edits without a kind.
type prepared struct {
	msgs        []model.InboxMessage
	roots, gone []string
	edits       []model.InboxMessage
}

// prepare cleans a batch's items into messages (text, kinds, signals,
// de-duplicated within the batch). A deletion or a bare edit is news
// about a stored message, never a message of its own.
func (s *Service) prepare(b Batch, now time.Time) prepared {
	var pr prepared
	seen := map[string]bool{}
	repeats := map[string]int{}
	norms := make([]string, len(b.Items))
	for i, it := range b.Items {
		norms[i] = normal(it.Text)
		repeats[norms[i]]++
	}
	pr.msgs = make([]model.InboxMessage, 0, len(b.Items))
	var reps []int // per message: how often its text came in the batch
	for i, it := range b.Items {
		switch {
		case it.Deleted && it.ID != "":
			pr.gone = append(pr.gone, clip(it.ID, 512))
			continue
		case it.Kind == "" && !it.EditedAt.IsZero() && it.ID != "":
			pr.edits = append(pr.edits, s.message(b, it, now))
			continue
		}
		m := s.message(b, it, now)
		if seen[m.RemoteID] {
			continue
		}
		pr.roots = append(pr.roots, rootOf(it, m.RemoteID))
		seen[m.RemoteID] = true
		pr.msgs = append(pr.msgs, m)
		reps = append(reps, repeats[norms[i]])
	}
	s.analyze(pr.msgs, reps)
	return pr
}

// analyze reads every message's signals, spread over the machine's
// cores: it is pure computation on each message alone.
func (s *Service) analyze(msgs []model.InboxMessage, reps []int) {
	if s.Analyzer == nil {
		return
	}
	workers := min(runtime.GOMAXPROCS(0), max(len(msgs)/64, 1))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(msgs); i += workers {
				m := &msgs[i]
				if m.Text == "" {
					continue
				}
				sig := s.Analyzer.Analyze(m.Text, reps[i])
				m.Sentiment, m.SentimentScore, m.Spam, m.Abuse, m.Reasons, m.Language, m.Question =
					sig.Sentiment, sig.Score, sig.Spam, sig.Abuse, sig.Reasons, sig.Language, sig.Question
			}
		}()
	}
	wg.Wait()
}

func normal(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// message maps one interaction, storing bad payloads safely and flagged.
func (s *Service) message(b Batch, it provider.Interaction, now time.Time) model.InboxMessage {
	m := model.InboxMessage{ID: ids.New(), WorkspaceID: b.Channel.WorkspaceID, ChannelID: b.Channel.ID, RemoteID: it.ID,
		Direction: "in", AuthorRemoteID: it.AuthorID, Author: it.Author, Reaction: clip(it.Reaction, 64), URL: clip(it.URL, 2048),
		CreatedAt: it.CreatedAt.UTC(), ReceivedAt: now, EditedAt: it.EditedAt}
	m.Text, m.Original, m.Flags = cleanText(it.Text)
	m.Author, _, _ = cleanText(clip(m.Author, 200))
	if m.CreatedAt.IsZero() || m.CreatedAt.After(now.Add(time.Hour)) {
		m.CreatedAt = now // a missing or impossible time: when Herald saw it
	}
	if m.AuthorRemoteID == "" {
		m.Flags = append(m.Flags, model.FlagNoAuthor)
		if m.Author == "" {
			m.Author = "unknown author"
		}
	} else if m.Author == "" {
		m.Author = m.AuthorRemoteID
	}
	if m.RemoteID == "" {
		// Without the network's ID, one made from the content still
		// stores the message once however often it is read.
		sum := sha256.Sum256([]byte(it.Kind + "\x00" + it.AuthorID + "\x00" + it.ParentID + "\x00" + it.CreatedAt.UTC().String() + "\x00" + it.Text))
		m.RemoteID = "herald:" + hex.EncodeToString(sum[:12])
	}
	m.RemoteID = clip(m.RemoteID, 512)
	m.Kind = kindOf(it, b.Own)
	if m.Kind == "" {
		m.Kind, m.Flags = model.MsgReply, append(m.Flags, model.FlagUnknownKind)
	}
	m.ParentRemoteID = clip(it.ParentID, 512)
	return m
}

// kindOf files an interaction: a reply to one of our posts is a comment.
func kindOf(it provider.Interaction, own map[string]OwnPost) string {
	switch it.Kind {
	case "reply":
		if _, ok := own[it.ParentID]; ok {
			return model.MsgComment
		}
		return model.MsgReply
	case "comment":
		return model.MsgComment
	case "mention", "message", "review", "like", "repost", "reaction":
		return it.Kind
	}
	return ""
}

// rootOf is the thread an interaction belongs to: its root, else what
// it answers, else itself (a mention or message that starts a thread).
func rootOf(it provider.Interaction, self string) string {
	switch {
	case it.RootID != "":
		return clip(it.RootID, 512)
	case it.ParentID != "":
		return clip(it.ParentID, 512)
	}
	return self
}

// cleanText makes text safe to store and show: valid UTF-8 without NUL
// bytes, at most maxText runes. original keeps the received text when it
// was changed (quoted when its bytes were not UTF-8), flags say how.
func cleanText(raw string) (text, original string, flags []string) {
	text = raw
	if !utf8.ValidString(text) {
		flags = append(flags, model.FlagInvalidUTF8)
		original = strconv.QuoteToASCII(clip(raw, maxOriginal))
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\x00", "")
	if utf8.RuneCountInString(text) > maxText {
		flags = append(flags, model.FlagTruncated)
		if original == "" {
			original = clipRunes(text, maxOriginal)
		}
		text = clipRunes(text, maxText)
	}
	return text, original, flags
}

// clip cuts s to at most n bytes (used on values the networks bound
// themselves: IDs, URLs, reactions).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// clipRunes cuts valid UTF-8 text to at most n runes (or n bytes for the
// original, whichever the caller asks by its n).
func clipRunes(s string, n int) string {
	i := 0
	for at := range s {
		if i == n {
			return s[:at]
		}
		i++
	}
	return s
}

// batchState is what a batch read of its conversations and authors, for
// storing its messages and for the rules: conversations with the state
// rules change (as the batch leaves them), contacts with what rules test.
type batchState struct {
	convs    convStates
	contacts map[string]store.RuleContact // by contact ID
}

// convStates are a batch's conversations, by root and by ID (the same
// values).
type convStates struct {
	byRoot map[string]*model.Conversation
	byID   map[string]*model.Conversation
}

func (c convStates) add(conv model.Conversation) {
	p := &conv
	c.byRoot[conv.RootRemoteID], c.byID[conv.ID] = p, p
}

// threads finds or makes the conversation of each root (one per message
// in msgs).
func (s *Service) threads(ctx context.Context, tx *store.Tx, b Batch, msgs []model.InboxMessage, msgRoots []string, now time.Time) (convStates, error) {
	var roots []string
	first := make(map[string]int, len(msgs)) // root → its first message
	for i := range msgs {
		if _, ok := first[msgRoots[i]]; !ok {
			first[msgRoots[i]] = i
			roots = append(roots, msgRoots[i])
		}
	}
	// In one order, so that two batches of a channel at once (a stream
	// and a poll) lock their common conversations without a deadlock.
	slices.Sort(roots)
	out := convStates{byRoot: make(map[string]*model.Conversation, len(roots)), byID: make(map[string]*model.Conversation, len(roots))}
	known, err := tx.ConversationStates(ctx, b.Channel.ID, roots)
	if err != nil {
		return out, err
	}
	var added []model.Conversation
	for _, root := range roots {
		if c, ok := known[root]; ok {
			out.add(c)
			continue
		}
		m := &msgs[first[root]]
		c := model.Conversation{ID: ids.New(), WorkspaceID: b.Channel.WorkspaceID, ChannelID: b.Channel.ID, RootRemoteID: root,
			Status: model.ConvOpen, LastMessageAt: m.CreatedAt, CreatedAt: now, UpdatedAt: now, Kind: model.ConvMention, Tags: []string{}}
		if own, ok := b.Own[root]; ok {
			c.Kind, c.PostID, c.RootText, c.RootURL = model.ConvComments, own.PostID, own.Text, own.URL
		} else {
			// A mention or a direct message is the conversation of whoever
			// started it.
			c.ContactID = m.ContactID
			if m.Kind == model.MsgMessage {
				c.Kind = model.ConvMessage
			}
		}
		if root == m.RemoteID {
			c.RootText, c.RootURL = m.Text, m.URL
		}
		added = append(added, c)
	}
	made, err := tx.InsertConversations(ctx, added)
	if err != nil {
		return out, err
	}
	var others []string // made by another poller meanwhile: read back
	for _, c := range added {
		if made[c.RootRemoteID] {
			out.add(c)
		} else {
			others = append(others, c.RootRemoteID)
		}
	}
	if len(others) > 0 {
		theirs, err := tx.ConversationStates(ctx, b.Channel.ID, others)
		if err != nil {
			return out, err
		}
		for _, c := range theirs {
			out.add(c)
		}
	}
	return out, nil
}

// contacts ties each inbound author to a contact, making new ones, and
// returns the batch's contacts by ID.
func (s *Service) contacts(ctx context.Context, tx *store.Tx, ch model.Channel, msgs []model.InboxMessage, now time.Time) (map[string]store.RuleContact, error) {
	var authors []string
	names := map[string]string{}
	for _, m := range msgs {
		if m.AuthorRemoteID != "" && names[m.AuthorRemoteID] == "" {
			names[m.AuthorRemoteID] = m.Author
			authors = append(authors, m.AuthorRemoteID)
		}
	}
	known, err := tx.AuthorContacts(ctx, ch.WorkspaceID, ch.Network, authors)
	if err != nil {
		return nil, err
	}
	var added []model.Contact
	for _, a := range authors {
		if _, ok := known[a]; ok {
			continue
		}
		c := model.Contact{ID: ids.New(), WorkspaceID: ch.WorkspaceID, Name: names[a], CreatedAt: now, UpdatedAt: now,
			Handles: []model.ContactHandle{{Network: ch.Network, RemoteID: a, Handle: names[a]}}}
		added = append(added, c)
		known[a] = store.RuleContact{ID: c.ID, Name: c.Name, Followers: -1}
	}
	taken, err := tx.InsertContacts(ctx, added)
	if err != nil {
		return nil, err
	}
	if len(taken) > 0 { // another poller made them meanwhile
		theirs, err := tx.AuthorContacts(ctx, ch.WorkspaceID, ch.Network, taken)
		if err != nil {
			return nil, err
		}
		for a, c := range theirs {
			known[a] = c
		}
	}
	byID := make(map[string]store.RuleContact, len(known))
	for _, c := range known {
		byID[c.ID] = c
	}
	for i := range msgs {
		msgs[i].ContactID = known[msgs[i].AuthorRemoteID].ID
	}
	return byID, nil
}

// bump moves each conversation with new messages on, in the database
// and in convs, and returns them.
func (s *Service) bump(ctx context.Context, tx *store.Tx, added []model.InboxMessage, now time.Time, convs convStates) ([]string, error) {
	byConv := map[string]*store.ConversationBump{}
	var order []string
	for _, m := range added {
		b, ok := byConv[m.ConversationID]
		if !ok {
			b = &store.ConversationBump{ID: m.ConversationID}
			byConv[m.ConversationID] = b
			order = append(order, m.ConversationID)
		}
		if m.CreatedAt.After(b.LastMessageAt) {
			b.LastMessageAt = m.CreatedAt
		}
		if countsAsInbound(m) {
			b.Unread++
			if b.InboundAt.IsZero() || m.CreatedAt.Before(b.InboundAt) {
				b.InboundAt = m.CreatedAt
			}
		}
	}
	bumps := make([]store.ConversationBump, 0, len(order))
	for _, id := range order {
		b := byConv[id]
		bumps = append(bumps, *b)
		if c := convs.byID[id]; c != nil && !b.InboundAt.IsZero() {
			// As the update does: someone wrote, so it is open again.
			c.Status, c.SnoozedUntil, c.ResolvedAt = model.ConvOpen, time.Time{}, time.Time{}
		}
	}
	slices.Sort(order)
	return order, tx.BumpConversations(ctx, bumps, now)
}

// countsAsInbound says whether a message waits for an answer: words
// from someone, not a like or repost, and not already deleted.
func countsAsInbound(m model.InboxMessage) bool {
	if m.Direction != "in" || !m.DeletedAt.IsZero() {
		return false
	}
	switch m.Kind {
	case model.MsgLike, model.MsgRepost, model.MsgReaction:
		return false
	}
	return true
}

// changes reflects edits and deletions the network reported for
// messages Herald already had.
func (s *Service) changes(ctx context.Context, tx *store.Tx, b Batch, pr prepared, fresh map[string]bool, now time.Time) (edited, deleted int, err error) {
	edits := pr.edits
	for _, m := range pr.msgs {
		if !fresh[m.RemoteID] && !m.EditedAt.IsZero() {
			edits = append(edits, m)
		}
	}
	if edited, err = tx.EditMessages(ctx, edits); err != nil {
		return 0, 0, err
	}
	deleted, err = tx.MarkMessagesDeleted(ctx, b.Channel.ID, pr.gone, now)
	return edited, deleted, err
}

// afterIngest runs the workspace's rules on the new inbound messages
// (added is filtered in place).
func (s *Service) afterIngest(ctx context.Context, tx *store.Tx, ch model.Channel, added []model.InboxMessage, st batchState) error {
	inbound := slices.DeleteFunc(added, func(m model.InboxMessage) bool { return m.Direction != "in" })
	if len(inbound) == 0 {
		return nil
	}
	return s.applyRules(ctx, tx, ch, inbound, st)
}
