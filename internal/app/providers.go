package app

import (
	"net/http"

	"herald/internal/provider"
	"herald/internal/provider/bluesky"
	"herald/internal/provider/discord"
	"herald/internal/provider/fake"
	"herald/internal/provider/feed"
	"herald/internal/provider/mastodon"
	"herald/internal/provider/matrix"
	"herald/internal/provider/nostr"
	"herald/internal/provider/slack"
	"herald/internal/provider/telegram"
	"herald/internal/provider/webhook"
)

// Providers builds the registry of every connector this binary offers, all
// sharing the hardened client.
// allowPrivate is passed to connectors that dial outside the client
// (Nostr's websockets) so the same SSRF rule holds.
func Providers(client *http.Client, allowPrivate bool) *provider.Registry {
	return provider.NewRegistry(
		fake.New(),
		bluesky.New(bluesky.Options{HTTPClient: client}),
		mastodon.New(mastodon.Options{Client: client, AppName: "Herald"}),
		telegram.New(telegram.Options{Client: client}),
		discord.New(discord.Options{Client: client}),
		slack.New(slack.Options{Client: client}),
		slack.NewWebhook(slack.Options{Client: client}),
		webhook.New(webhook.Options{Client: client}),
		feed.New(feed.Options{}),
		nostr.New(nostr.Options{HTTPClient: client, AllowPrivate: allowPrivate}),
		matrix.New(matrix.Options{HTTPClient: client}),
	)
}
