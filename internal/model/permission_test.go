package model

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/PERMISSIONS.md's table from the code")

const docPath = "../../docs/PERMISSIONS.md"

func TestPermissionDocMatchesCode(t *testing.T) {
	checkDocSection(t, "permissions", PermissionMarkdown())
	checkDocSection(t, "scopes", ScopeMarkdown())
}

func checkDocSection(t *testing.T, name, want string) {
	t.Helper()
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", docPath, begin, end)
	}
	if got := doc[i+len(begin) : j]; got != want {
		if *update {
			os.WriteFile(docPath, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644)
			return
		}
		t.Fatalf("docs/PERMISSIONS.md is out of date; run: go test ./internal/model -run PermissionDoc -update\nwant:\n%s", want)
	}
}

func TestCanAndGrants(t *testing.T) {
	if !Can(RoleOwner, ActWorkspaceArchive) || Can(RoleAdmin, ActWorkspaceArchive) || Can(RoleViewer, ActMemberInvite) {
		t.Fatal("permission table broken")
	}
	if Can(RoleOwner, Action("no.such")) {
		t.Fatal("unknown action allowed")
	}
	if MaxGrantable(RoleManager) != RoleEditor || MaxGrantable(RoleAdmin) != RoleAdmin {
		t.Fatal("grant ceiling")
	}
	if !RoleAdmin.AtLeast(RoleEditor) || RoleViewer.AtLeast(RoleAnalyst) {
		t.Fatal("role order")
	}
	if _, err := ParseRole("boss"); err == nil || !strings.Contains(err.Error(), "owner, admin") {
		t.Fatalf("ParseRole: %v", err)
	}
	for _, p := range Permissions {
		if !Can(RoleOwner, p.Action) {
			t.Errorf("owner lacks %s", p.Action)
		}
	}
}
