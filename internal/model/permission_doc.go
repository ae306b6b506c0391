package model

import "strings"

// PermissionMarkdown renders Permissions as the Markdown table kept in
// docs/PERMISSIONS.md, so the document cannot drift from the code.
func PermissionMarkdown() string {
	var b strings.Builder
	b.WriteString("| Action | What it allows |")
	for _, r := range Roles {
		b.WriteString(" " + r.Label() + " |")
	}
	b.WriteString("\n|---|---|")
	for range Roles {
		b.WriteString(":-:|")
	}
	b.WriteString("\n")
	for _, p := range Permissions {
		b.WriteString("| `" + string(p.Action) + "` | " + p.Description + " |")
		for _, r := range Roles {
			if Can(r, p.Action) {
				b.WriteString(" ✓ |")
			} else {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ScopeMarkdown renders Scopes as the Markdown table in docs/PERMISSIONS.md.
func ScopeMarkdown() string {
	var b strings.Builder
	b.WriteString("| Scope | Allows |\n|---|---|\n")
	for _, s := range Scopes {
		b.WriteString("| `" + string(s.Scope) + "` | " + s.Description + " |\n")
	}
	return b.String()
}
