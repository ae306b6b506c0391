package testenv

import (
	"testing"

	"herald/internal/model"
	"herald/internal/provider"
)

// WantTrait fails the test unless err is a provider error of network with
// the trait want, and returns it.
func WantTrait(t testing.TB, err error, network provider.Network, want provider.Trait) *provider.Error {
	t.Helper()
	pe := provider.AsError(err)
	if pe == nil || pe.Trait != want || pe.Network != network {
		t.Fatalf("got error %v, want a %s error with trait %s", err, network, want)
	}
	return pe
}

// WantKind fails the test unless err is a domain error of kind, naming
// field when field is not empty.
func WantKind(t testing.TB, err error, kind model.Kind, field string) {
	t.Helper()
	e := model.AsError(err)
	if e == nil || e.Kind != kind || (field != "" && e.Field != field) {
		t.Fatalf("got %v (%#v), want kind %d field %q", err, e, kind, field)
	}
}
