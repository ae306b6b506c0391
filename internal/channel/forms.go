package channel

import (
	"regexp"
	"sort"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/provider"
)

// NeedsInstance reports whether network is a federated OAuth network whose
// users name their own server (the provider registers Herald with each
// server), so connect forms ask for the server's address.
func (s *Service) NeedsInstance(network string) bool {
	p, err := s.Registry.Get(provider.Network(network))
	if err != nil {
		return false
	}
	_, ok := p.(provider.AppRegistrar)
	return ok
}

var optionName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

// CheckDefaults validates a channel's default post options, the same for
// every surface: names of 1 to 64 letters, digits, '_', '.', ':' or '-',
// values of at most 1000 characters.
func CheckDefaults(defaults map[string]string) error {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !optionName.MatchString(k) {
			return model.Invalid("defaults", "%q is not an option name: use 1 to 64 letters, digits, '_', '.', ':' or '-'", k)
		}
		if utf8.RuneCountInString(defaults[k]) > 1000 {
			return model.Invalid("defaults", "the value of %s is longer than 1000 characters", k)
		}
	}
	return nil
}
