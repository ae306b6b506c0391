package model

import (
	"fmt"
	"strings"
)

// Role is a member's role in one workspace.
type Role string

// The workspace roles, from most to least powerful.
const (
	RoleOwner       Role = "owner"
	RoleAdmin       Role = "admin"
	RoleManager     Role = "manager"
	RoleEditor      Role = "editor"
	RoleContributor Role = "contributor"
	RoleAnalyst     Role = "analyst"
	RoleViewer      Role = "viewer"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleOwner, RoleAdmin, RoleManager, RoleEditor, RoleContributor, RoleAnalyst, RoleViewer}

// rank orders roles for "may not grant more than you have" checks.
func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return len(Roles) - i
		}
	}
	return 0
}

// AtLeast reports whether r is as powerful as other or more.
func (r Role) AtLeast(other Role) bool { return r.rank() >= other.rank() }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Label is the role's display name.
func (r Role) Label() string {
	if r == "" {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// ParseRole turns user input into a Role with an error naming the allowed values.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		names := make([]string, len(Roles))
		for i, x := range Roles {
			names[i] = string(x)
		}
		return "", fmt.Errorf("role %q is not one of: %s", s, strings.Join(names, ", "))
	}
	return r, nil
}
