package links

import (
	"net/url"
	"strings"

	"herald/internal/model"
)

// UTMParams are the parameter names a preset may set, without "utm_".
var UTMParams = []string{"source", "medium", "campaign", "term", "content"}

// UTM maps parameter names without "utm_" (source, medium, campaign, term,
// content) to values; an empty value sets nothing.
type UTM map[string]string

// ApplyUTM returns rawURL with UTM parameters added. defaults fill only
// parameters the URL does not carry yet, so a link someone tagged by hand
// keeps its tags; overrides (the merged presets) replace whatever is there.
// Other query parameters, their order and the fragment are kept.
func ApplyUTM(rawURL string, defaults, overrides UTM) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	changed := false
	for _, name := range UTMParams {
		key := "utm_" + name
		if v := overrides[name]; v != "" {
			if q.Get(key) != v {
				q.Set(key, v)
				changed = true
			}
		} else if v := defaults[name]; v != "" && q.Get(key) == "" {
			q.Set(key, v)
			changed = true
		}
	}
	if !changed {
		// Untouched URLs stay byte for byte as given: re-encoding could
		// reorder or re-escape parameters a site depends on.
		return rawURL, nil
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// MergePresets folds the presets that apply to a link into one set of
// overrides: the workspace's, then the channel's, then the campaign's, each
// more specific one winning parameter by parameter.
func MergePresets(presets []model.UTMPreset, channelID, campaign string) UTM {
	out := UTM{}
	for _, scope := range []string{model.UTMScopeWorkspace, model.UTMScopeChannel, model.UTMScopeCampaign} {
		for _, p := range presets {
			if p.Scope != scope {
				continue
			}
			if (scope == model.UTMScopeChannel && (channelID == "" || p.Key != channelID)) ||
				(scope == model.UTMScopeCampaign && (campaign == "" || !strings.EqualFold(p.Key, campaign))) {
				continue
			}
			for k, v := range p.Params {
				if v != "" {
					out[k] = v
				}
			}
		}
	}
	return out
}

// DefaultUTM is what links get when no preset says otherwise: the
// channel's network as source, "social" as medium, and the post's campaign
// or else its pillar as campaign.
func DefaultUTM(network, campaign, pillar string) UTM {
	out := UTM{}
	if network != "" {
		out["source"], out["medium"] = network, "social"
	}
	if campaign == "" {
		campaign = pillar
	}
	if campaign != "" {
		out["campaign"] = campaign
	}
	return out
}
