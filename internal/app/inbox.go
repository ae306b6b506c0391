package app

import (
	"context"

	"herald/internal/channel"
	"herald/internal/inbox"
	"herald/internal/provider"
	"herald/internal/sense"
)

// inboxSender replies and reacts through a channel's connector.
type inboxSender struct{ channels *channel.Service }

func (s inboxSender) connector(workspaceID, channelID string) (provider.Provider, error) {
	_, ch, err := s.channels.Account(context.Background(), workspaceID, channelID)
	if err != nil {
		return nil, err
	}
	return s.channels.Provider(ch.Network)
}

func (s inboxSender) Reply(ctx context.Context, workspaceID, channelID string, parent provider.Interaction, text string) (provider.RemotePost, error) {
	p, err := s.connector(workspaceID, channelID)
	if err != nil {
		return provider.RemotePost{}, err
	}
	r, ok := p.(provider.Replier)
	if !ok {
		return provider.RemotePost{}, &provider.Error{Trait: provider.Permanent, Network: p.Info().Network, Op: "reply",
			Message: p.Info().Name + " channels cannot reply from Herald"}
	}
	var out provider.RemotePost
	err = s.channels.WithAuth(ctx, workspaceID, channelID, func(acct provider.Account) error {
		var err error
		out, err = r.Reply(ctx, acct, parent, text)
		return err
	})
	return out, err
}

func (s inboxSender) React(ctx context.Context, workspaceID, channelID string, target provider.Interaction, reaction string) error {
	p, err := s.connector(workspaceID, channelID)
	if err != nil {
		return err
	}
	r, ok := p.(provider.Reactor)
	if !ok {
		return &provider.Error{Trait: provider.Permanent, Network: p.Info().Network, Op: "react", Message: p.Info().Name + " channels cannot react from Herald"}
	}
	return s.channels.WithAuth(ctx, workspaceID, channelID, func(acct provider.Account) error { return r.React(ctx, acct, target, reaction) })
}

// inboxModeration hides, shows again and deletes messages through a
// channel's connector.
type inboxModeration struct{ inboxSender }

func (m inboxModeration) Hide(ctx context.Context, workspaceID, channelID string, it provider.Interaction) error {
	p, err := m.connector(workspaceID, channelID)
	if err != nil {
		return err
	}
	h, ok := p.(provider.Moderator)
	if !ok {
		return inbox.ErrNotSupported
	}
	return m.channels.WithAuth(ctx, workspaceID, channelID, func(acct provider.Account) error { return h.Hide(ctx, acct, it) })
}

// Unhide shows a hidden message again where the network can; none of the
// connectors can yet (a Matrix redaction is final).
func (m inboxModeration) Unhide(ctx context.Context, workspaceID, channelID string, it provider.Interaction) error {
	return inbox.ErrNotSupported
}

// Delete deletes a message on the network where the channel may (a
// moderator's redaction on Matrix); elsewhere only its author can.
func (m inboxModeration) Delete(ctx context.Context, workspaceID, channelID string, it provider.Interaction) error {
	p, err := m.connector(workspaceID, channelID)
	if err != nil {
		return err
	}
	h, ok := p.(provider.Moderator)
	if !ok || p.Info().Network != "matrix" {
		return inbox.ErrNotSupported
	}
	return m.channels.WithAuth(ctx, workspaceID, channelID, func(acct provider.Account) error { return h.Hide(ctx, acct, it) })
}

// senseAnalyzer reads a message's signals with package sense.
type senseAnalyzer struct{}

func (senseAnalyzer) Analyze(text string, repeats int) inbox.Signals {
	sig := sense.Read(sense.Message{Text: text, OtherAuthorRepeats: max(repeats-1, 0)})
	reasons := append(append([]string{}, sig.Spam.Reasons...), sig.Abuse.Reasons...)
	return inbox.Signals{Sentiment: string(sig.Sentiment.Label), Score: sig.Sentiment.Score, Spam: sig.Spam.Score, Abuse: sig.Abuse.Score,
		Reasons: reasons, Language: sig.Language, Question: sig.Question}
}
