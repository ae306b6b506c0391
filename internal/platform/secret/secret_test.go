package secret

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	b, err := NewBox([]byte("0123456789abcdef0123"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Seal("app-password")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(s); err != nil || got != "app-password" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	other, _ := NewBox([]byte("another key of enough length"))
	if _, err := other.Open(s); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("open with other key: %v", err)
	}
	if _, err := NewBox([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k", "secret.key")
	k1, err := LoadOrCreateKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := LoadOrCreateKeyFile(p)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("reload differs: %v", err)
	}
}
