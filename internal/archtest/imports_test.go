// Package archtest keeps Herald's layering honest: dependencies point down
// (ARCHITECTURE.md §3). It asks `go list` for every package's imports and
// fails when a package imports across the allowed direction.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "herald/"

// layer returns the layer of an internal package path, and rules say which
// layers each layer may import.
func layer(pkg string) string {
	p := strings.TrimPrefix(pkg, mod)
	switch {
	case p == "cmd/herald":
		return "main"
	case under(p, "internal/cli"):
		return "cli"
	case under(p, "internal/app"):
		return "app"
	case under(p, "internal/web"):
		return "web"
	case under(p, "internal/api"):
		return "api"
	case under(p, "internal/model"):
		return "model"
	case p == "internal/provider/count":
		return "provider" // the one counting package: part of the contract
	case strings.HasPrefix(p, "internal/provider/"):
		return "provider-leaf"
	case under(p, "internal/provider"):
		return "provider"
	case under(p, "internal/store"):
		return "store"
	case under(p, "internal/platform"):
		return "platform"
	case under(p, "internal/config"):
		return "config"
	case under(p, "internal/testenv"), under(p, "internal/archtest"):
		return "test"
	case strings.HasPrefix(p, "bench/"):
		return "bench" // measurement commands: composition roots of their own

	default:
		return "domain"
	}
}

// under reports whether package p is dir or inside it: internal/approval
// is not under internal/app.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

var allowed = map[string][]string{
	"main":          {"cli"},
	"cli":           {"app", "config", "model", "domain", "platform"},
	"app":           {"config", "web", "api", "domain", "store", "model", "platform", "provider", "provider-leaf"},
	"web":           {"domain", "model", "platform"},
	"api":           {"domain", "model", "platform"},
	"domain":        {"domain", "store", "model", "platform", "provider"},
	"provider":      {"provider", "model", "platform"},
	"provider-leaf": {"provider", "platform", "model"},
	"store":         {"model", "platform"},
	"platform":      {"platform"},
	"model":         {},
	"config":        {},
	"test":          {"config", "app", "domain", "store", "model", "platform", "provider"},
	"bench":         {"bench", "config", "app", "domain", "store", "model", "platform", "provider", "provider-leaf"},
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, mod+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		from := fields[0]
		fl := layer(from)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			checked++
			il := layer(imp)
			if !contains(allowed[fl], il) {
				t.Errorf("%s (%s layer) imports %s (%s layer); %s may import only %v", from, fl, imp, il, fl, allowed[fl])
			}
		}
	}
	if checked == 0 {
		t.Fatal("no internal imports seen; is go list working?")
	}
}

func TestLayerRulesCatchViolations(t *testing.T) {
	// The table must reject the imports the architecture forbids.
	for _, bad := range [][2]string{
		{"herald/internal/web", "herald/internal/store"},
		{"herald/internal/api", "herald/internal/web"},
		{"herald/internal/model", "herald/internal/store"},
		{"herald/internal/store", "herald/internal/account"},
		{"herald/internal/provider/bluesky", "herald/internal/store"},
	} {
		if contains(allowed[layer(bad[0])], layer(bad[1])) {
			t.Errorf("%s -> %s should be forbidden", bad[0], bad[1])
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
