package links

import (
	"net/http"
	"net/url"
	"strings"

	"herald/internal/model"
)

// referrerHosts maps a referring host (and its subdomains) to the network
// the visitor came from. Names match provider network names where Herald
// has a connector, so per-channel statistics line up with channels.
var referrerHosts = map[string]string{
	"t.co": "x", "x.com": "x", "twitter.com": "x",
	"bsky.app": "bluesky", "bsky.social": "bluesky",
	"facebook.com": "facebook", "fb.com": "facebook", "fb.me": "facebook", "messenger.com": "facebook",
	"instagram.com": "instagram",
	"linkedin.com":  "linkedin", "lnkd.in": "linkedin",
	"threads.net": "threads", "threads.com": "threads",
	"reddit.com": "reddit", "redd.it": "reddit",
	"mastodon.social": "mastodon", "mastodon.online": "mastodon", "mstdn.social": "mastodon", "fosstodon.org": "mastodon",
	"pinterest.com": "pinterest", "pin.it": "pinterest",
	"tiktok.com":  "tiktok",
	"youtube.com": "youtube", "youtu.be": "youtube",
	"t.me": "telegram", "telegram.org": "telegram",
	"discord.com": "discord", "discordapp.com": "discord",
	"slack.com":    "slack",
	"whatsapp.com": "whatsapp", "wa.me": "whatsapp",
	"tumblr.com":           "tumblr",
	"news.ycombinator.com": "hackernews",
	"search.yahoo.com":     model.ReferrerSearch, "search.brave.com": model.ReferrerSearch,
}

// searchLabels are search engines recognised by a label anywhere in the
// host, since they serve many country domains (google.de, yandex.ru).
var searchLabels = map[string]bool{
	"google": true, "bing": true, "duckduckgo": true, "yandex": true, "baidu": true,
	"ecosia": true, "qwant": true, "startpage": true, "kagi": true,
}

// ReferrerClass names where a click came from, from its Referer header: a
// network, model.ReferrerSearch, model.ReferrerDirect when there is none,
// or model.ReferrerOther.
func ReferrerClass(referer string) string {
	if referer == "" {
		return model.ReferrerDirect
	}
	u, err := url.Parse(referer)
	if err != nil || u.Hostname() == "" {
		return model.ReferrerOther
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	// Try the host and each parent domain: l.facebook.com, m.facebook.com.
	for h := host; h != ""; {
		if c, ok := referrerHosts[h]; ok {
			return c
		}
		_, rest, ok := strings.Cut(h, ".")
		if !ok {
			break
		}
		h = rest
	}
	for _, label := range strings.Split(host, ".") {
		if searchLabels[label] {
			return model.ReferrerSearch
		}
	}
	return model.ReferrerOther
}

// botAgents are lower-case fragments of the User-Agent of crawlers and of
// the link-preview fetchers networks run when a post with a link is made:
// counting those would credit every post with clicks nobody made.
var botAgents = []string{
	"twitterbot", "facebookexternalhit", "facebookcatalog", "meta-externalagent", "slackbot", "slack-imgproxy",
	"discordbot", "telegrambot", "whatsapp", "cardyb", "bluesky", "mastodon/", "pleroma", "akkoma", "misskey",
	"googlebot", "bingbot", "applebot", "linkedinbot", "pinterestbot", "redditbot", "embedly", "iframely",
	"skypeuripreview", "yandexbot", "duckduckbot", "baiduspider", "petalbot", "ahrefsbot", "semrushbot",
	"gptbot", "claudebot", "bytespider", "headlesschrome", "python-requests", "go-http-client",
	"crawler", "spider", "bot/", "bot;", "+http",
}

// cliAgents are command-line clients: bots unless the installation counts them.
var cliAgents = []string{"curl/", "wget/", "httpie/"}

// IsBot reports whether a request comes from a crawler or a link-preview
// fetcher rather than a person: a known agent, no agent at all, or a HEAD
// request (browsers follow links with GET). countCLI counts curl and wget
// as people.
func IsBot(r *http.Request, countCLI bool) bool {
	if r.Method == http.MethodHead {
		return true
	}
	ua := strings.ToLower(r.UserAgent())
	if ua == "" {
		return true
	}
	for _, b := range botAgents {
		if strings.Contains(ua, b) {
			return true
		}
	}
	if !countCLI {
		for _, c := range cliAgents {
			if strings.HasPrefix(ua, c) {
				return true
			}
		}
	}
	return false
}
