package testenv

import (
	"bufio"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// PeerDir is where ../shared/peers/<name>/up.sh writes each peer's env file.
const PeerDir = "/tmp/peers"

// ReadPeer reads the env file of a local peer (shell "export KEY=value"
// lines); ok is false when the peer is not up: no env file, or an address
// in it does not accept connections (an env file outlives its server).
func ReadPeer(name string) (env map[string]string, ok bool) {
	env, ok = readPeerEnv(name)
	if !ok {
		return nil, false
	}
	for _, v := range env {
		if !answers(v) {
			return nil, false
		}
	}
	return env, true
}

// answers reports whether v, when it is a URL with a host, accepts a TCP
// connection; values that are not addresses answer trivially.
func answers(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return true
	}
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "http", "ws":
			port = "80"
		case "https", "wss":
			port = "443"
		default:
			return true
		}
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(u.Hostname(), port), 2*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func readPeerEnv(name string) (env map[string]string, ok bool) {
	f, err := os.Open(PeerDir + "/" + name + "/env")
	if err != nil {
		return nil, false
	}
	defer f.Close()
	env = map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "), "="); ok {
			env[k] = strings.Trim(v, `"'`)
		}
	}
	return env, true
}

// Peer returns a local peer's env, requiring keys to be set. Without the
// peer the test skips with how to start it, unless HERALD_E2E is set (as in
// CI), which makes a missing peer a failure.
func Peer(t testing.TB, name string, keys ...string) map[string]string {
	t.Helper()
	env, ok := ReadPeer(name)
	why := "no " + PeerDir + "/" + name + "/env, or its server does not answer"
	for _, k := range keys {
		if ok && env[k] == "" {
			ok, why = false, k+" is not set in its env file"
		}
	}
	if !ok {
		Missing(t, "peer "+name+" is not up ("+why+"); start it with ../shared/peers/"+name+"/up.sh")
	}
	return env
}

// Missing skips the test with msg, or fails it when HERALD_E2E is set.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("HERALD_E2E") != "" {
		t.Fatal(msg + " (HERALD_E2E requires it)")
	}
	t.Skip(msg)
}
