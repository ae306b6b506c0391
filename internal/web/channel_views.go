package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"herald/internal/model"
)

// The channel pages are drawn from each provider's description (its
// provider.Info, as the channel service lists it), so a newly registered
// network gets its connect form, labels and limits without UI changes. The
// UI may not import the provider contract (web sees domain services only),
// so the description is copied into the view types below.

// demoNetwork is the fake provider's network: it is listed last and
// labelled as a demo.
const demoNetwork = "fake"

// networkView is one network as the channel pages show it.
type networkView struct {
	Network      string
	Name         string
	Auth         string // the provider's auth kind, e.g. "oauth2", "app_password"
	AuthLabel    string // the connect flow in words
	OAuth        bool   // connects through the network's sign-in page
	Instance     bool   // OAuth on a federated network: the user names the server
	Flow         bool   // also signs in at the network with its own OAuth flow, from a handle
	Demo         bool
	Fields       []fieldSpec // the connect form (non-OAuth networks)
	InstanceSpec fieldSpec   // the server field of federated OAuth networks
	FlowSpec     fieldSpec   // the handle field ("handle") of networks with their own OAuth flow
	Capabilities []string    // in words
	Limits       []string    // default publishing limits, in words
	DocsURL      string
}

// fieldSpec is one input of a provider's connect form.
type fieldSpec struct {
	Name, Label, Help, Default string
	Secret, Required           bool
}

// networks lists the networks this Herald offers, by name, the demo
// network last.
func (h *handler) networks() []networkView {
	var out []networkView
	for _, info := range h.d.Channels.Networks() {
		nv := networkView{Network: string(info.Network), Name: info.Name, Auth: string(info.Auth), DocsURL: info.DocsURL,
			Demo: info.Network == demoNetwork}
		nv.OAuth = nv.Auth == "oauth2"
		nv.AuthLabel = authLabels[nv.Auth]
		if nv.AuthLabel == "" {
			nv.AuthLabel = nv.Auth
		}
		nv.Instance = nv.OAuth && h.d.Channels.NeedsInstance(nv.Network)
		nv.InstanceSpec = fieldSpec{Name: "instance", Label: "Server", Required: true, Help: "The address of your server, e.g. mastodon.social"}
		nv.Flow = !nv.OAuth && h.d.Channels.HasOAuthFlow(nv.Network)
		for _, f := range info.Fields {
			spec := fieldSpec{Name: f.Name, Label: f.Label, Help: f.Help, Default: f.Default, Secret: f.Secret, Required: f.Required}
			if spec.Label == "" {
				spec.Label = f.Name
			}
			if f.Name == "identifier" { // the same account names, in the sign-in form
				nv.FlowSpec = spec
				nv.FlowSpec.Name, nv.FlowSpec.Required = "handle", true
			}
			if f.Name == "instance" {
				nv.InstanceSpec = spec
				nv.InstanceSpec.Required = true
			}
			nv.Fields = append(nv.Fields, spec)
		}
		for _, c := range info.Capabilities {
			nv.Capabilities = append(nv.Capabilities, capabilityLabel(string(c)))
		}
		var l limits
		if b, err := json.Marshal(info.Limits); err == nil {
			_ = json.Unmarshal(b, &l) // the same fields by name: cannot fail
		}
		nv.Limits = l.summary()
		out = append(out, nv)
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Demo && out[j].Demo })
	return out
}

// network finds one network by name.
func (h *handler) network(name string) (networkView, bool) {
	return findNetwork(h.networks(), name)
}

// unknownNetwork answers a path that names a network this Herald lacks.
func (h *handler) unknownNetwork(w http.ResponseWriter, r *http.Request, v *visit, name string) {
	names := []string{}
	for _, n := range h.networks() {
		names = append(names, n.Network)
	}
	h.errorPage(w, r, v, errorData{Status: http.StatusNotFound, Heading: "Not found",
		Message: fmt.Sprintf("This Herald has no network called %q. It offers: %s.", name, strings.Join(names, ", "))})
}

var authLabels = map[string]string{
	"app_password": "App password",
	"oauth2":       "Sign in with the network (OAuth)",
	"keys":         "Keys or access token",
	"bot_token":    "Bot token",
	"webhook_url":  "Incoming webhook URL",
	"none":         "Nothing to enter",
}

var capabilityLabels = map[string]string{
	"publish":         "Publish posts",
	"threads":         "Threads",
	"images":          "Images",
	"video":           "Video",
	"link_cards":      "Link previews",
	"first_comment":   "First comment",
	"delete":          "Delete posts",
	"comments":        "Read comments",
	"mentions":        "Read mentions",
	"messages":        "Read direct messages",
	"reply":           "Reply",
	"react":           "Like and react",
	"moderate":        "Hide or delete comments",
	"post_metrics":    "Post metrics",
	"account_metrics": "Account metrics",
	"recent_posts":    "Read recent posts",
	"search":          "Search (listening)",
	"refresh_auth":    "Renews its sign-in by itself",
	"refresh_limits":  "Reads its limits from the network",
	"public_accounts": "Follow competitors' public accounts",
}

func capabilityLabel(c string) string {
	if l, ok := capabilityLabels[c]; ok {
		return l
	}
	return strings.ReplaceAll(c, "_", " ")
}

// limits mirrors the provider contract's Limits by field name: both
// json.Marshal of a provider's default limits and the account limits a
// channel stores decode into it.
type limits struct {
	Text struct {
		Method   string `json:"method"`
		Max      int    `json:"max"`
		MaxBytes int    `json:"max_bytes"`
	}
	MaxMedia       int
	MaxImages      int
	MaxVideos      int
	MixMedia       bool
	ImageMaxBytes  int64
	VideoMaxBytes  int64
	ImageMaxPixels int
	AltRequired    bool
	AltMaxChars    int
	MaxThread      int
	MediaRequired  bool
}

var countUnits = map[string]string{
	"graphemes":        "characters",
	"utf8_bytes":       "bytes",
	"utf16_units":      "characters (UTF-16 units)",
	"code_points":      "characters (code points)",
	"twitter_weighted": "characters (X counting: links 23, emoji 2)",
	"mastodon_chars":   "characters (links count 23)",
	"threads_chars":    "characters (emoji by their bytes)",
	"linkedin_little":  "characters",
}

// summary says the limits in a few short lines.
func (l limits) summary() []string {
	var out []string
	switch {
	case l.Text.Max > 0:
		unit := countUnits[l.Text.Method]
		if unit == "" {
			unit = "characters"
		}
		line := fmt.Sprintf("Text: up to %d %s", l.Text.Max, unit)
		if l.Text.MaxBytes > 0 {
			line += fmt.Sprintf(" and %d bytes", l.Text.MaxBytes)
		}
		out = append(out, line)
	case l.Text.MaxBytes > 0:
		out = append(out, fmt.Sprintf("Text: up to %d bytes", l.Text.MaxBytes))
	default:
		out = append(out, "Text: no length limit known")
	}
	if l.MaxMedia > 0 {
		line := fmt.Sprintf("Media: up to %d per post", l.MaxMedia)
		var parts []string
		if l.MaxImages > 0 {
			parts = append(parts, plural(l.MaxImages, "image"))
		}
		if l.MaxVideos > 0 {
			parts = append(parts, plural(l.MaxVideos, "video"))
		}
		if len(parts) > 0 {
			line += " (" + strings.Join(parts, ", ") + ")"
		}
		if l.MaxVideos > 0 && l.MaxImages > 0 && !l.MixMedia {
			line += "; images and video not mixed"
		}
		out = append(out, line)
	} else {
		out = append(out, "Media: text only")
	}
	if l.ImageMaxBytes > 0 {
		out = append(out, "Largest image: "+byteSize(l.ImageMaxBytes))
	}
	if l.VideoMaxBytes > 0 {
		out = append(out, "Largest video: "+byteSize(l.VideoMaxBytes))
	}
	if l.AltRequired {
		out = append(out, "Alt text required on images")
	} else if l.AltMaxChars > 0 {
		out = append(out, fmt.Sprintf("Alt text: up to %d characters", l.AltMaxChars))
	}
	if l.MaxThread > 0 {
		out = append(out, fmt.Sprintf("Threads: up to %d posts", l.MaxThread))
	}
	if l.MediaRequired {
		out = append(out, "Every post needs media")
	}
	return out
}

// channelLimits are a channel's own limits when the network reported them,
// else its network's defaults.
func channelLimits(c model.Channel, n networkView) []string {
	if c.LimitsJSON == "" {
		return n.Limits
	}
	var l limits
	if err := json.Unmarshal([]byte(c.LimitsJSON), &l); err != nil {
		return n.Limits
	}
	return l.summary()
}

// channelRow is one connected channel with what the pages need about its
// network.
type channelRow struct {
	model.Channel
	Net   networkView
	Known bool // its network is still offered by this Herald
}

// channelGroup is the channels of one network.
type channelGroup struct {
	Net      networkView
	Channels []channelRow
}

// testResult is the outcome of "Test connection", shown where it was pressed.
type testResult struct {
	ChannelID string
	Name      string // the channel's display name
	OK        bool
	Message   string
	Handle    string
}

// rowFor joins a channel with its network's description.
func rowFor(c model.Channel, nets []networkView) channelRow {
	n, known := findNetwork(nets, c.Network)
	return channelRow{Channel: c, Net: n, Known: known}
}

// findNetwork picks a network from nets; one this Herald no longer offers
// is described by its key alone.
func findNetwork(nets []networkView, name string) (networkView, bool) {
	for _, n := range nets {
		if n.Network == name {
			return n, true
		}
	}
	return networkView{Network: name, Name: name}, false
}

// timeZones are suggestions for the time zone field; any IANA name is
// accepted, and the domain says when one is not.
var timeZones = []string{
	"UTC",
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago", "America/Denver",
	"America/Halifax", "America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Phoenix",
	"America/Santiago", "America/Sao_Paulo", "America/St_Johns", "America/Toronto", "America/Vancouver",
	"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Jerusalem",
	"Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila", "Asia/Seoul", "Asia/Shanghai",
	"Asia/Singapore", "Asia/Taipei", "Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Reykjavik",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Dublin", "Europe/Helsinki",
	"Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow", "Europe/Oslo",
	"Europe/Paris", "Europe/Prague", "Europe/Rome", "Europe/Stockholm", "Europe/Vienna", "Europe/Warsaw",
	"Europe/Zurich",
	"Pacific/Auckland", "Pacific/Honolulu",
}

// fieldFor builds the input of a provider's connect-form field: secrets
// are password inputs that never show a value back, the provider's help is
// the hint, and its default fills an empty form.
func fieldFor(p *page, s fieldSpec) fieldView {
	typ := "text"
	opts := []string{"spellcheck=false", "autocomplete=off"}
	if s.Secret {
		typ = "password"
		opts = []string{"autocomplete=new-password"}
	}
	if s.Required {
		opts = append(opts, "required")
	}
	if s.Help != "" {
		opts = append(opts, "hint="+s.Help)
	}
	if s.Default != "" && !s.Secret {
		opts = append(opts, "value="+s.Default)
	}
	return newField(p, s.Name, s.Label, typ, opts...)
}
