package besttime

import (
	"slices"
	"strings"
	"time"
)

// profile is one network's rule of thumb for when posts do well, in the
// audience's local time. A cell's weight is days[weekday] × hours[hour], on
// a 0–10 scale each. These are broad industry rules of thumb (weekday
// mornings and lunch for professional networks, evenings for chat
// communities, working hours for workplace tools), not measurements: they
// only stand in until a channel's own history says otherwise.
type profile struct {
	name  string      // display name used in notes
	days  [7]float64  // indexed by time.Weekday: Sunday first
	hours [24]float64 // local hour 0–23
}

// profiles is the table of network defaults, keyed by Herald's network id.
var profiles = map[string]profile{
	// Anything else: weekday daytime, tapering in the evening.
	"generic": {name: "social networks",
		days:  [7]float64{7, 9, 10, 10, 10, 9, 7},
		hours: [24]float64{1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 7, 5, 3, 2}},
	// Similar to X with a stronger evening; weekends stay fairly active.
	"bluesky": {name: "Bluesky",
		days:  [7]float64{8, 9, 10, 10, 10, 9, 8},
		hours: [24]float64{2, 1, 1, 0.5, 0.5, 1, 2, 5, 8, 9, 9, 9, 9, 9, 8, 8, 8, 9, 9, 9, 8, 6, 4, 3}},
	// Federated across time zones, so flatter: weekday daytime.
	"mastodon": {name: "Mastodon",
		days:  [7]float64{8, 9, 10, 10, 10, 9, 8},
		hours: [24]float64{3, 2, 2, 2, 2, 3, 4, 6, 8, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 7, 6, 5, 4}},
	// Global and hobbyist: flat, leaning to the evening, weekends alike.
	"nostr": {name: "Nostr",
		days:  [7]float64{9, 10, 10, 10, 10, 10, 9},
		hours: [24]float64{4, 3, 3, 3, 3, 3, 4, 5, 6, 7, 7, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 8, 6, 5}},
	// Community rooms: people read after work.
	"matrix": {name: "Matrix",
		days:  [7]float64{9, 9, 10, 10, 10, 9, 9},
		hours: [24]float64{2, 1, 1, 1, 1, 1, 2, 3, 5, 6, 6, 7, 7, 7, 7, 7, 8, 9, 10, 10, 9, 8, 6, 4}},
	// Channels read on phones: morning commute and evening.
	"telegram": {name: "Telegram",
		days:  [7]float64{9, 9, 10, 10, 10, 9, 9},
		hours: [24]float64{2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 7, 8, 7, 6, 6, 7, 8, 9, 10, 10, 9, 6, 4}},
	// Gaming and community servers: late afternoon into the night, weekends.
	"discord": {name: "Discord",
		days:  [7]float64{10, 8, 8, 8, 8, 9, 10},
		hours: [24]float64{5, 3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 7, 8, 9, 10, 10, 10, 9, 8, 7}},
	// Workplace: working hours on working days only.
	"slack": {name: "Slack",
		days:  [7]float64{1, 9, 10, 10, 10, 8, 1},
		hours: [24]float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 3, 8, 10, 10, 9, 7, 8, 9, 9, 8, 5, 2, 1, 1, 0.5, 0.5, 0.5}},
	// Professional: Tuesday to Thursday mornings, lunch, end of day.
	"linkedin": {name: "LinkedIn",
		days:  [7]float64{2, 7, 10, 10, 10, 6, 2},
		hours: [24]float64{0.5, 0.5, 0.5, 0.5, 0.5, 1, 3, 7, 10, 10, 9, 8, 9, 8, 7, 6, 7, 7, 5, 4, 3, 2, 1, 1}},
	// News cycle: morning, lunch, late afternoon.
	"x": {name: "X",
		days:  [7]float64{6, 8, 10, 10, 10, 8, 6},
		hours: [24]float64{1, 1, 0.5, 0.5, 0.5, 1, 3, 6, 9, 10, 9, 9, 10, 9, 8, 7, 8, 8, 7, 6, 5, 4, 3, 2}},
	// Phones at lunch and in the evening.
	"instagram": {name: "Instagram",
		days:  [7]float64{8, 9, 10, 10, 10, 9, 8},
		hours: [24]float64{2, 1, 1, 1, 1, 1, 3, 5, 6, 7, 8, 10, 10, 9, 7, 7, 7, 8, 9, 10, 9, 8, 5, 3}},
	// Morning to early afternoon on weekdays.
	"facebook": {name: "Facebook",
		days:  [7]float64{7, 9, 9, 10, 10, 9, 7},
		hours: [24]float64{1, 1, 1, 1, 1, 2, 4, 6, 9, 10, 10, 9, 10, 9, 8, 7, 7, 7, 7, 7, 6, 5, 3, 2}},
}

// aliases maps other spellings and sibling network ids onto a profile.
var aliases = map[string]string{
	"twitter":       "x",
	"bsky":          "bluesky",
	"slack_webhook": "slack",
}

// canonical returns the profile key for a network id; unknown networks
// (webhooks, feeds, anything new) use "generic".
func canonical(network string) string {
	n := strings.ToLower(strings.TrimSpace(network))
	if a, ok := aliases[n]; ok {
		n = a
	}
	if _, ok := profiles[n]; !ok {
		return "generic"
	}
	return n
}

// Networks lists the network ids that have their own default profile, in
// alphabetical order; "generic" is the fallback for all others.
func Networks() []string {
	out := make([]string, 0, len(profiles))
	for k := range profiles {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Defaults returns the default weekday × hour weights for a network, scaled
// so the best cell is 1. They are broad rules of thumb, not measurements;
// an unknown network gets the generic profile.
func Defaults(network string) [7][24]float64 {
	p := profiles[canonical(network)]
	var raw [7][24]float64
	peak := 0.0
	for d := range 7 {
		for h := range 24 {
			raw[d][h] = p.days[d] * p.hours[h]
			peak = max(peak, raw[d][h])
		}
	}
	for d := range 7 {
		for h := range 24 {
			raw[d][h] /= peak
		}
	}
	return raw
}

// Prior range: the default profile is mapped linearly onto [priorLow,
// priorHigh] in units of "an average post on this channel", a modest
// spread so the defaults nudge rather than dictate once history arrives.
const (
	priorLow  = 0.6
	priorHigh = 1.4
)

// priorMeans returns the network default as the prior mean of each slot
// (index weekday*24+hour), in the same units as a post's relative score.
func priorMeans(network string) [slots]float64 {
	w := Defaults(network)
	lo := 1.0
	for d := range 7 {
		lo = min(lo, slices.Min(w[d][:]))
	}
	var m [slots]float64
	if lo >= 1 { // a flat profile says nothing: every slot is average
		for i := range m {
			m[i] = 1
		}
		return m
	}
	for d := range 7 {
		for h := range 24 {
			m[d*24+h] = priorLow + (priorHigh-priorLow)*(w[d][h]-lo)/(1-lo)
		}
	}
	return m
}

// displayName is the network name used in notes.
func displayName(network string) string { return profiles[canonical(network)].name }

// slotIndex is the position of a weekday and hour in the week, 0–167.
func slotIndex(d time.Weekday, h int) int { return int(d)*24 + h }
