package model

import (
	"fmt"
	"sort"
	"strings"
)

// Scope limits what an API token may do.
type Scope string

// API token scopes.
const (
	ScopeAccountRead     Scope = "account:read"
	ScopeWorkspacesRead  Scope = "workspaces:read"
	ScopeWorkspacesWrite Scope = "workspaces:write"
	ScopeMembersRead     Scope = "members:read"
	ScopeMembersWrite    Scope = "members:write"
	ScopeTokensWrite     Scope = "tokens:write"
	ScopeAuditRead       Scope = "audit:read"
	ScopeChannelsRead    Scope = "channels:read"
	ScopeChannelsWrite   Scope = "channels:write"
	ScopePostsRead       Scope = "posts:read"
	ScopePostsWrite      Scope = "posts:write"
	ScopeMediaRead       Scope = "media:read"
	ScopeMediaWrite      Scope = "media:write"
	ScopeLinksRead       Scope = "links:read"
	ScopeLinksWrite      Scope = "links:write"
	// ScopeNotificationsWrite marks the caller's own notifications read;
	// reading them needs only account:read.
	ScopeNotificationsWrite Scope = "notifications:write"
	ScopeInboxRead          Scope = "inbox:read"
	ScopeInboxWrite         Scope = "inbox:write"
)

// Scopes lists every scope with what it allows.
var Scopes = []struct {
	Scope       Scope
	Description string
}{
	{ScopeAccountRead, "Read your own profile"},
	{ScopeWorkspacesRead, "List and read workspaces you belong to"},
	{ScopeWorkspacesWrite, "Create, rename and archive workspaces"},
	{ScopeMembersRead, "List members and invitations"},
	{ScopeMembersWrite, "Invite, change roles, remove members, revoke invitations"},
	{ScopeTokensWrite, "List, create and revoke your API tokens"},
	{ScopeAuditRead, "Read audit logs"},
	{ScopeChannelsRead, "List channels, their health, and test connections"},
	{ScopeChannelsWrite, "Connect, reconnect, update and disconnect channels"},
	{ScopePostsRead, "Read posts, drafts, ideas, pillars, templates, followed competitors and the comparison with them; validate and export"},
	{ScopePostsWrite, "Create, edit, delete and import posts, ideas, pillars and templates; follow, unfollow and refresh competitors"},
	{ScopeMediaRead, "List and download media library assets"},
	{ScopeMediaWrite, "Upload, edit and delete media"},
	{ScopeLinksRead, "Read tracked links and click statistics"},
	{ScopeLinksWrite, "Create, edit and delete tracked links and UTM presets"},
	{ScopeNotificationsWrite, "Mark your notifications read"},
	{ScopeInboxRead, "Read the inbox, contacts, saved replies, rules, settings and the team report; export a contact; dry-run rules"},
	{ScopeInboxWrite, "Reply, react, assign, tag, snooze, close, note; edit contacts, saved replies, views, rules and settings; erase contacts"},
}

// ParseScopes validates a list of scope names.
func ParseScopes(in []string) ([]Scope, error) {
	known := map[Scope]bool{}
	for _, s := range Scopes {
		known[s.Scope] = true
	}
	seen := map[Scope]bool{}
	var out []Scope
	for _, raw := range in {
		s := Scope(strings.TrimSpace(raw))
		if s == "" {
			continue
		}
		if !known[s] {
			names := make([]string, 0, len(Scopes))
			for _, k := range Scopes {
				names = append(names, string(k.Scope))
			}
			return nil, fmt.Errorf("scope %q is not one of: %s", raw, strings.Join(names, ", "))
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("at least one scope is required")
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// HasScope reports whether scopes include s.
func HasScope(scopes []Scope, s Scope) bool {
	for _, x := range scopes {
		if x == s {
			return true
		}
	}
	return false
}
