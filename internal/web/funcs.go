package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"herald/internal/approval"
	"herald/internal/model"
	"herald/internal/report"
)

// funcs are the helpers templates may call.
func (h *handler) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":         h.assets.URL,
		"when":          when,
		"iso":           func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"ago":           ago,
		"duration":      duration,
		"can":           func(r model.Role, action string) bool { return model.Can(r, model.Action(action)) },
		"grantable":     grantable,
		"initials":      initials,
		"field":         newField,
		"input":         fieldFor,
		"roles":         func() []model.Role { return model.Roles },
		"scopes":        func() any { return model.Scopes },
		"join":          strings.Join,
		"device":        device,
		"activity":      activity,
		"details":       details,
		"dict":          dict,
		"add":           func(a, b int) int { return a + b },
		"list":          func(items ...string) []string { return items },
		"mixbar":        mixBar,
		"statusLabel":   statusLabel,
		"approvalLabel": approval.StateLabel,
		"kpi":           show,
		"figure":        report.Show,
		"reportWhen":    report.Describe,
		"perPost":       engagementsPerPost,
		"cell":          kpiCell,
		"mul100":        func(f float64) float64 { return f * 100 },
		"zone":          zoneLabel,
		"hasRole":       slices.Contains[[]model.Role],
		"hasString":     slices.Contains[[]string],
		"mentionOf": func(m model.Member) string {
			local, _, _ := strings.Cut(m.Email, "@")
			return local
		},
		"copyfield": func(id, value, label string) map[string]string {
			return map[string]string{"ID": id, "Value": value, "Label": label}
		},
	}
}

// statusLabel names a post target's status for people.
func statusLabel(s model.TargetStatus) string {
	switch s {
	case model.TargetInReview:
		return "In review"
	case model.TargetExpired:
		return "Approval expired"
	case model.TargetUnconfirmed:
		return "Unconfirmed: check the channel"
	case "":
		return "Draft"
	}
	str := strings.ReplaceAll(string(s), "_", " ")
	return strings.ToUpper(str[:1]) + str[1:]
}

// dict builds a map from key, value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// when formats an instant for people; the page script rewrites it in the
// reader's own time zone, and the UTC text stays for those without script.
func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// ago says how long ago t was, roughly, as people say it.
func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d.Hours()/24), "day") + " ago"
	}
	return when(t)
}

// duration renders an uptime such as "3 days, 4 hours" or "12 minutes".
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return plural(int(d.Seconds()), "second")
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 24*time.Hour:
		return plural(int(d.Hours()), "hour") + ", " + plural(int(d.Minutes())%60, "minute")
	}
	return plural(int(d.Hours()/24), "day") + ", " + plural(int(d.Hours())%24, "hour")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// grantable lists the roles a member with role r may hand out.
func grantable(r model.Role) []model.Role {
	max := model.MaxGrantable(r)
	var out []model.Role
	for _, x := range model.Roles {
		if max.AtLeast(x) {
			out = append(out, x)
		}
	}
	return out
}

// initials makes the two letters of an avatar from a name.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, c := range w {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				out = append(out, unicode.ToUpper(c))
				break
			}
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// fieldView is everything the "field" partial needs to draw one labelled
// input with its hint and error, linked by aria-describedby.
type fieldView struct {
	ID, Name, Label, Type, Value, Hint, Error string
	Autocomplete, InputMode, Placeholder, Min string
	Max, MaxLength, Pattern, Spellcheck       string
	Required, Autofocus, Readonly             bool
}

// DescribedBy joins the ids of the hint and the error for screen readers.
func (f fieldView) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// newField builds a fieldView from a page: the value typed before (never
// for passwords) and the field's error. Options are "key=value" strings
// (autocomplete, hint, inputmode, placeholder, min, max, maxlength, value,
// id) or flags (required, autofocus, readonly).
func newField(p *page, name, label, typ string, opts ...string) fieldView {
	f := fieldView{ID: name, Name: name, Label: label, Type: typ}
	if p != nil && p.Form != nil {
		f.Error = p.Form.Err(name)
		if typ != "password" {
			f.Value = p.Form.Val(name)
		}
	}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			f.Required = true
		case "autofocus":
			f.Autofocus = true
		case "readonly":
			f.Readonly = true
		case "autocomplete":
			f.Autocomplete = val
		case "hint":
			f.Hint = val
		case "inputmode":
			f.InputMode = val
		case "placeholder":
			f.Placeholder = val
		case "min":
			f.Min = val
		case "max":
			f.Max = val
		case "maxlength":
			f.MaxLength = val
		case "pattern":
			f.Pattern = val
		case "spellcheck":
			f.Spellcheck = val
		case "id":
			f.ID = val
		case "value":
			if p == nil || p.Form == nil || !p.Form.Values.Has(name) {
				f.Value = val
			}
		}
	}
	return f
}

// device names a browser and system from a User-Agent string, roughly, so
// people recognise their sessions; the full string is shown beside it.
func device(ua string) string {
	browser := "Unknown browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "Go program"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	if system == "" {
		return browser
	}
	return browser + " on " + system
}

// activities says in words what an audit action means; unknown actions
// (added by later features) fall back to their code.
var activities = map[string]string{
	"user.setup":                  "set up Herald",
	"user.create":                 "created an account",
	"user.signin":                 "signed in",
	"user.signout":                "signed out",
	"user.signin_failed":          "failed to sign in",
	"user.profile":                "changed their profile",
	"user.password_change":        "changed their password",
	"user.password_reset_request": "asked for a password reset",
	"user.password_reset":         "reset their password",
	"user.2fa_enable":             "turned on two-factor sign-in",
	"user.2fa_disable":            "turned off two-factor sign-in",
	"user.2fa_recovery_codes":     "made new recovery codes",
	"user.session_revoke":         "signed out a session",
	"token.create":                "created an API token",
	"token.revoke":                "revoked an API token",
	"workspace.create":            "created the workspace",
	"workspace.rename":            "renamed the workspace",
	"workspace.archive":           "archived the workspace",
	"workspace.restore":           "restored the workspace",
	"member.invite":               "invited someone",
	"member.join":                 "joined the workspace",
	"member.role":                 "changed a member's role",
	"member.remove":               "removed a member",
	"invitation.revoke":           "revoked an invitation",
	"settings.mail.update":        "changed the mail settings",
	"channel.connect":             "connected a channel",
	"channel.reconnect":           "reconnected a channel",
	"channel.update":              "changed a channel's settings",
	"channel.disconnect":          "disconnected a channel",
	"channel.needs_reconnect":     "found that a channel needs reconnecting",
	"network_app.update":          "saved a network app",
	"network_app.register":        "registered Herald with a server",
	"network_app.delete":          "deleted a network app",
	"post.create":                 "created a post",
	"post.update":                 "edited a post",
	"post.delete":                 "deleted a post",
	"post.restore":                "restored an earlier version of a post",
	"post.import":                 "imported posts from CSV",
	"idea.create":                 "captured an idea",
	"idea.delete":                 "deleted an idea",
	"pillar.create":               "created a content pillar",
	"pillar.update":               "changed a content pillar",
	"pillar.delete":               "deleted a content pillar",
	"snippet.create":              "created a template or hashtag group",
	"snippet.update":              "changed a template or hashtag group",
	"snippet.delete":              "deleted a template or hashtag group",
	"media.upload":                "uploaded media",
	"media.update":                "edited media details",
	"media.delete":                "deleted media",
	"media.policy":                "changed the alt-text policy",
	"link.create":                 "created a tracked link",
	"link.update":                 "changed a tracked link",
	"link.delete":                 "deleted a tracked link",
	"link.presets":                "changed UTM presets",
}

func activity(action string) string {
	if s, ok := activities[action]; ok {
		return s
	}
	return action
}

// detail is one key and value of an audit entry's details.
type detail struct {
	Key, Value string
}

// details turns an audit entry's JSON details into readable pairs, sorted
// by key; anything that is not a JSON object is shown as it is.
func details(raw string) []detail {
	if raw == "" {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(raw), &obj); err != nil {
		return []detail{{Value: raw}}
	}
	out := make([]detail, 0, len(obj))
	for k, v := range obj {
		out = append(out, detail{Key: strings.ReplaceAll(k, "_", " "), Value: detailValue(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func detailValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = detailValue(e)
		}
		return strings.Join(parts, ", ")
	case float64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
