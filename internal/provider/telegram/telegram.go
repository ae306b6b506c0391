// Package telegram publishes to a Telegram channel, group or chat through a
// bot (Bot API, https://core.telegram.org/bots/api), over plain HTTP through
// Herald's hardened client. No SDK: Herald must control every request (no
// retries, multipart albums) and keep the bot token out of error text.
//
// Telegram has no idempotency key: a send whose outcome is unknown is never
// repeated; the target becomes unconfirmed (provider.IdemNone).
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/internal/platform/httpclient"
	"herald/internal/provider"
	"herald/internal/provider/count"
)

// Network is Telegram's network name.
const Network provider.Network = "telegram"

// DefaultBaseURL is the Bot API server.
const DefaultBaseURL = "https://api.telegram.org"

// Options configure the provider.
type Options struct {
	// Client is the hardened HTTP client.
	Client *http.Client
	// BaseURL is the Bot API server (default DefaultBaseURL; a local Bot API
	// server or a test fake otherwise).
	BaseURL string
}

// Provider is the Telegram connector.
type Provider struct {
	opt Options
}

// New returns a Telegram provider.
func New(o Options) *Provider {
	if o.Client == nil {
		o.Client = httpclient.New(httpclient.Options{})
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &Provider{opt: o}
}

var (
	_ provider.Provider  = (*Provider)(nil)
	_ provider.Connector = (*Provider)(nil)
	_ provider.Checker   = (*Provider)(nil)
	_ provider.Publisher = (*Provider)(nil)
	_ provider.Deleter   = (*Provider)(nil)
)

// CaptionMax is the longest media caption, in UTF-16 code units after
// entity parsing (https://core.telegram.org/bots/api#sendphoto).
const CaptionMax = 1024

// DefaultLimits: PLATFORMS.md §5.1 "Telegram" (4,096 characters, albums,
// replies); Telegram counts UTF-16 code units. Albums hold 2–10 photos and
// videos (sendMediaGroup); bots upload photos up to 10 MB and other files up
// to 50 MB (https://core.telegram.org/bots/api#sending-files). MaxThread is
// Herald's own cap: Telegram has none.
var DefaultLimits = provider.Limits{
	Text:          count.Defaults["telegram"],
	MaxMedia:      10,
	MaxImages:     10,
	MaxVideos:     10,
	MixMedia:      true,
	ImageMaxBytes: 10 << 20,
	VideoMaxBytes: 50 << 20,
	ImageTypes:    []string{"image/jpeg", "image/png", "image/webp", "image/gif"},
	VideoTypes:    []string{"video/mp4"},
	MaxThread:     50,
}

// Info describes the Telegram connector.
func (p *Provider) Info() provider.Info {
	return provider.Info{
		Network: Network, Name: "Telegram",
		Capabilities: []provider.Capability{provider.CapPublish, provider.CapThreads, provider.CapImages,
			provider.CapVideo, provider.CapDelete},
		Auth:        provider.AuthBotToken,
		Idempotency: provider.IdemNone,
		Fields: []provider.Field{
			{Name: "bot_token", Label: "Bot token", Secret: true, Required: true,
				Help: "From @BotFather, e.g. 123456:ABC-DEF..."},
			{Name: "chat", Label: "Channel or chat", Required: true,
				Help: "@channelusername or the numeric chat id; the bot must be an administrator allowed to post"},
		},
		Limits:  DefaultLimits,
		DocsURL: "https://core.telegram.org/bots/api",
	}
}

// response is every Bot API answer (https://core.telegram.org/bots/api#making-requests).
type response struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// call invokes a Bot API method. body is JSON (a value) or a prepared
// multipart body (when ctype is set). write marks sends: a failure after
// the request may have gone out is Unknown.
func (p *Provider) call(ctx context.Context, op, token, method string, body any, ctype string, write bool, out any) error {
	var rd io.Reader
	switch b := body.(type) {
	case io.Reader:
		rd = b
	default:
		js, err := json.Marshal(b)
		if err != nil {
			return provider.Errorf(provider.Permanent, Network, op, err, "cannot encode request")
		}
		rd, ctype = strings.NewReader(string(js)), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, "POST", p.opt.BaseURL+"/bot"+token+"/"+method, rd)
	if err != nil {
		return provider.Errorf(provider.Permanent, Network, op, redact(err, token), "bad bot token or server address")
	}
	req.Header.Set("Content-Type", ctype)
	resp, err := p.opt.Client.Do(req)
	if err != nil {
		if write && httpclient.SentRequest(err) {
			return provider.Errorf(provider.Unknown, Network, op, redact(err, token), "no answer from Telegram after sending; the message may exist")
		}
		return provider.Errorf(provider.Transient, Network, op, redact(err, token), "could not reach Telegram")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t := provider.Transient
		if write {
			t = provider.Unknown
		}
		return provider.Errorf(t, Network, op, redact(err, token), "the answer was cut off")
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil || (!r.OK && r.ErrorCode == 0) {
		r.ErrorCode, r.Description = resp.StatusCode, http.StatusText(resp.StatusCode)
	}
	if r.OK {
		if out != nil {
			if err := json.Unmarshal(r.Result, out); err != nil {
				return provider.Errorf(provider.Permanent, Network, op, err, "unexpected answer from Telegram")
			}
		}
		return nil
	}
	return classify(op, r, write)
}

// classify maps Bot API errors (https://core.telegram.org/bots/api#making-requests,
// https://core.telegram.org/api/errors): 429 carries parameters.retry_after;
// 401 is a revoked token and 404 a malformed one (both need a new token);
// 403 is a bot without rights in the chat; other 4xx are refusals.
func classify(op string, r response, write bool) error {
	e := &provider.Error{Network: Network, Op: op, Message: r.Description, Status: r.ErrorCode}
	switch {
	case r.ErrorCode == 429:
		e.Trait = provider.RateLimited
		e.RetryAfter = time.Duration(r.Parameters.RetryAfter) * time.Second
		if e.RetryAfter <= 0 {
			e.RetryAfter = 30 * time.Second
		}
	case r.ErrorCode == 401 || r.ErrorCode == 404:
		e.Trait = provider.AuthExpired
	case r.ErrorCode >= 500 && write:
		e.Trait = provider.Unknown
	case r.ErrorCode >= 500:
		e.Trait = provider.Transient
	default:
		e.Trait = provider.Permanent
		if r.Parameters.MigrateToChatID != 0 {
			e.Message += fmt.Sprintf(" (reconnect with chat id %d)", r.Parameters.MigrateToChatID)
		}
	}
	return e
}

// redact removes the bot token (part of every URL) from a transport error,
// so it never reaches logs or the user.
func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "<bot-token>"))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
