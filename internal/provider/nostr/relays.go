package nostr

import (
	"fmt"
	"net/url"
	"strings"

	"herald/internal/provider"
)

// ParseRelays splits a relays setting (commas or new lines), validates each
// URL as ws:// or wss:// with a host and no credentials, normalises it
// (lower-case scheme and host, no trailing slash) and drops duplicates.
func ParseRelays(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t' })
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		u, err := normaliseRelay(f)
		if err != nil {
			return nil, permanent("settings", "relay %q: %s", f, err.Error())
		}
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, permanent("settings", "at least one relay URL (wss://…) is required")
	}
	if len(out) > maxRelays {
		return nil, permanent("settings", "at most %d relays, got %d", maxRelays, len(out))
	}
	return out, nil
}

func normaliseRelay(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errText("not a URL")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return "", errText("must start with wss:// or ws://")
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", errText("has no host")
	}
	if u.User != nil {
		return "", errText("must not contain a user name or password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errText("must not have a query or fragment")
	}
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// infoURL is the relay's NIP-11 information document address: the same
// host and path over http(s).
func infoURL(relay string) string {
	if strings.HasPrefix(relay, "wss://") {
		return "https://" + strings.TrimPrefix(relay, "wss://")
	}
	return "http://" + strings.TrimPrefix(relay, "ws://")
}

// relayError names a relay in a message.
func relayError(relay, msg string) string { return fmt.Sprintf("%s: %s", relay, msg) }

// relaysOf reads the account's relays, reporting a broken setting under op.
func relaysOf(acct provider.Account, op string) ([]string, error) {
	relays, err := ParseRelays(acct.Settings[settingRelays])
	if e := provider.AsError(err); e != nil {
		e.Op = op
	}
	return relays, err
}
