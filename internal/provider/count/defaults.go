package count

// Defaults holds each network's documented text limit, keyed by network
// name. They are starting points, not constants: limits belong to the
// account (X paid tiers allow 25,000; a Mastodon instance publishes its own
// max_characters and characters_reserved_per_url), so callers copy a Rule,
// override it per account, and pass the result to Count. Sources are the
// rows of shared/docs/PLATFORMS.md §5.1 and the rules of §5.2; entries marked (3p)
// there are third-party figures to verify.
var Defaults = map[string]Rule{
	// §5.1 Bluesky: text maxGraphemes 300 and maxLength 3000 (UTF-8 bytes)
	// [BS-lex]; §5.2 rule 2.
	"bluesky": {Method: Graphemes, Max: 300, MaxBytes: 3000},

	// §5.1 X: 280 weighted characters, every URL 23 (t.co) [X-count],
	// twitter-text v3; §5.2 rule 1. Paid tiers: 25,000 (override per account).
	"x": {Method: TwitterWeighted, Max: 280, URLLength: 23},

	// §5.1 Mastodon: configuration.statuses.max_characters, default 500, URLs
	// count characters_reserved_per_url (23) [MA-inst]; §5.2 rule 5. Read
	// /api/v2/instance per account (GoToSocial defaults to 5,000).
	"mastodon": {Method: MastodonChars, Max: 500, URLLength: 23},

	// §5.1 Threads: 500 characters, emoji counted as their UTF-8 bytes
	// [TH-ov][TH-posts]; §5.2 rule 3.
	"threads": {Method: ThreadsChars, Max: 500},

	// §5.1 Instagram: caption 2,200 characters [IG-pub]; §5.2 rule 4
	// (UTF-16 code units as the safe default).
	"instagram": {Method: UTF16Units, Max: 2200},

	// §5.1 Facebook Page: 63,206 characters (postiz facebook.provider.ts);
	// §5.2 rule 4.
	"facebook": {Method: UTF16Units, Max: 63206},

	// §5.1 LinkedIn: commentary 3,000 characters in little text format with
	// reserved characters escaped [LI-little]; §5.2 rules 4 and 6.
	"linkedin": {Method: LinkedInLittle, Max: 3000},

	// §5.1 TikTok: video caption 2,200 UTF-16 code units [TT-dp]; §5.2 rule 4.
	"tiktok": {Method: UTF16Units, Max: 2200},

	// §5.1 YouTube: title at most 100 characters [YT-insert]. YouTube does
	// not say how it counts; UTF-16 units never count less than code points.
	"youtube_title": {Method: UTF16Units, Max: 100},

	// §5.1 YouTube: description at most 5,000 bytes [YT-insert].
	"youtube_description": {Method: UTF8Bytes, Max: 5000},

	// §5.1 Pinterest: description at most 500 (postiz pinterest.provider.ts);
	// counting unspecified, UTF-16 as the safe default.
	"pinterest": {Method: UTF16Units, Max: 500},

	// §5.1 Google Business Profile: summary 1,500 characters (postiz
	// gmb.provider.ts).
	"google_business": {Method: UTF16Units, Max: 1500},

	// §5.1 Reddit: body 10,000 (postiz reddit.provider.ts).
	"reddit": {Method: UTF16Units, Max: 10000},

	// §5.1 Telegram: message 4,096 characters (postiz telegram.provider.ts);
	// the Bot API measures text in UTF-16 code units.
	"telegram": {Method: UTF16Units, Max: 4096},

	// §5.1 Discord: 2,000 characters (postiz discord.provider.ts uses 1,980).
	"discord": {Method: CodePoints, Max: 2000},

	// Not in PLATFORMS.md: Slack's chat.postMessage truncates text over
	// 40,000 characters (api.slack.com changelog 2018-04 "truncating really
	// long messages"). Verify before relying on it.
	"slack": {Method: CodePoints, Max: 40000},

	// Not in PLATFORMS.md: Nostr (NIP-01) sets no length on a note; relays
	// may publish max_content_length in their NIP-11 document, which is the
	// per-account override.
	"nostr": {Method: CodePoints},

	// Not in PLATFORMS.md: Matrix limits a whole event to 65,536 bytes
	// (client-server spec, "Size limits"). The text travels in body and
	// usually again in formatted_body, so Herald budgets half of that minus
	// the envelope; there is no character limit.
	"matrix": {Method: CodePoints, MaxBytes: 30000},
}
