package provider

import (
	"fmt"
	"sort"
	"sync"
)

// Registry holds the providers this installation offers.
type Registry struct {
	mu        sync.RWMutex
	providers map[Network]Provider
}

// NewRegistry returns a registry with the given providers.
func NewRegistry(ps ...Provider) *Registry {
	r := &Registry{providers: map[Network]Provider{}}
	for _, p := range ps {
		r.Register(p)
	}
	return r
}

// Register adds p, replacing a provider of the same network.
func (r *Registry) Register(p Provider) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.providers[p.Info().Network] = p
}

// Get returns the provider for network.
func (r *Registry) Get(network Network) (Provider, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.providers[network]
	if !ok {
		return nil, fmt.Errorf("provider: no provider for network %q", network)
	}
	return p, nil
}

// All returns every provider ordered by display name.
func (r *Registry) All() []Provider {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Provider, 0, len(r.providers))
	for _, p := range r.providers {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Info().Name < out[j].Info().Name })
	return out
}
