package telegram

import (
	"context"
	"strconv"
	"strings"

	"herald/internal/provider"
)

// user is the Bot API User (https://core.telegram.org/bots/api#user).
type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username"`
}

// chat is the part of ChatFullInfo Herald reads (https://core.telegram.org/bots/api#chatfullinfo).
type chat struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"` // private, group, supergroup, channel
	Title    string `json:"title"`
	Username string `json:"username"`
}

// member is the part of ChatMember Herald reads (https://core.telegram.org/bots/api#chatmember).
type member struct {
	Status          string `json:"status"` // creator, administrator, member, restricted, left, kicked
	CanPostMessages *bool  `json:"can_post_messages"`
	CanSendMessages *bool  `json:"can_send_messages"`
}

// Connect checks the bot token (getMe), finds the chat (getChat) and makes
// sure the bot may post there (getChatMember).
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	tok := strings.TrimSpace(input["bot_token"])
	ref := strings.TrimSpace(input["chat"])
	if tok == "" || ref == "" {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", nil, "a bot token and a channel or chat are required")
	}
	if !strings.HasPrefix(ref, "@") {
		if _, err := strconv.ParseInt(ref, 10, 64); err != nil {
			ref = "@" + strings.TrimPrefix(strings.TrimPrefix(ref, "https://t.me/"), "t.me/")
		}
	}
	bot, c, err := p.inspect(ctx, "connect", tok, ref)
	if err != nil {
		return provider.Account{}, err
	}
	handle := c.Title
	if c.Username != "" {
		handle = "@" + c.Username
	}
	return provider.Account{
		RemoteID:    itoa(c.ID),
		Handle:      handle,
		Credentials: map[string]string{"bot_token": tok},
		// The numeric id survives a renamed @username.
		Settings: map[string]string{"chat_id": itoa(c.ID), "chat_type": c.Type, "chat_username": c.Username,
			"title": c.Title, "bot_username": bot.Username},
		Limits: DefaultLimits,
	}, nil
}

// inspect reads the bot and the chat and checks the bot's rights.
// https://core.telegram.org/bots/api#getme
// https://core.telegram.org/bots/api#getchat
// https://core.telegram.org/bots/api#getchatmember
func (p *Provider) inspect(ctx context.Context, op, tok, ref string) (user, chat, error) {
	var bot user
	if err := p.call(ctx, op, tok, "getMe", struct{}{}, "", false, &bot); err != nil {
		return bot, chat{}, err
	}
	var c chat
	if err := p.call(ctx, op, tok, "getChat", map[string]any{"chat_id": ref}, "", false, &c); err != nil {
		return bot, c, err
	}
	if c.Type == "private" {
		return bot, c, nil // a person who started the bot: no membership to check
	}
	var m member
	if err := p.call(ctx, op, tok, "getChatMember", map[string]any{"chat_id": c.ID, "user_id": bot.ID}, "", false, &m); err != nil {
		return bot, c, err
	}
	if msg := rightsProblem(c, m); msg != "" {
		return bot, c, provider.Errorf(provider.Permanent, Network, op, nil, "@%s %s", bot.Username, msg)
	}
	return bot, c, nil
}

// rightsProblem says why the bot cannot post in c, or "" when it can. In a
// channel only administrators with can_post_messages (or the creator) post.
func rightsProblem(c chat, m member) string {
	switch m.Status {
	case "left", "kicked":
		return "is not a member of " + c.Title
	case "creator":
		return ""
	}
	if c.Type == "channel" {
		if m.Status != "administrator" {
			return "must be an administrator of the channel " + c.Title
		}
		if m.CanPostMessages != nil && !*m.CanPostMessages {
			return "is an administrator of " + c.Title + " but may not post messages"
		}
		return ""
	}
	if m.Status == "restricted" && m.CanSendMessages != nil && !*m.CanSendMessages {
		return "may not send messages in " + c.Title
	}
	return ""
}

// Check re-runs the connect checks with the stored token and chat id.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	_, c, err := p.inspect(ctx, "check", acct.Credentials["bot_token"], acct.Settings["chat_id"])
	if err != nil {
		msg := err.Error()
		if pe := provider.AsError(err); pe != nil {
			msg = pe.Message
		}
		return provider.Status{OK: false, Handle: acct.Handle, Message: msg}, err
	}
	name := c.Title
	if c.Username != "" {
		name = "@" + c.Username
	}
	return provider.Status{OK: true, Handle: name, Message: "the bot can post in " + name}, nil
}
