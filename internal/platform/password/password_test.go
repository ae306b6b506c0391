package password

import (
	"errors"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(h, "correct horse battery"); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := Verify(h, "wrong horse battery"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: got %v, want ErrMismatch", err)
	}
	if err := Verify("$bcrypt$x", "x"); err == nil {
		t.Fatal("foreign hash accepted")
	}
}

func TestCheck(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "long enough pw": true, "          ": false} {
		if err := Check(pw); (err == nil) != ok {
			t.Errorf("Check(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}
