package api

import (
	"context"
	"sort"
)

// networkList lists the networks this Herald can connect channels from,
// with what each can do, how it connects (the fields of its connect
// request; secrets are marked, and their defaults never shown) and its
// default limits. It is one short list, so it is never paged.
func (s *server) networkList(c *call) (reply, error) {
	views, err := s.networkViews(c.ctx())
	if err != nil {
		return reply{}, err
	}
	return ok(page[networkView]{Data: views}), nil
}

// networkViews describes every network, ordered by its key.
func (s *server) networkViews(ctx context.Context) ([]networkView, error) {
	setups, err := s.d.Channels.OAuthSetups(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []networkView{}
	for _, info := range s.d.Channels.Networks() {
		v := networkView{Network: string(info.Network), Name: info.Name, Auth: string(info.Auth), Idempotency: string(info.Idempotency),
			Capabilities: []string{}, Fields: []networkFieldView{}, DocsURL: stringOrNull(info.DocsURL)}
		for _, cp := range info.Capabilities {
			v.Capabilities = append(v.Capabilities, string(cp))
		}
		for _, f := range info.Fields {
			fv := networkFieldView{Name: f.Name, Label: f.Label, Help: stringOrNull(f.Help), Secret: f.Secret, Required: f.Required}
			if !f.Secret {
				fv.Default = stringOrNull(f.Default)
			}
			v.Fields = append(v.Fields, fv)
		}
		l := info.Limits
		v.Limits = limitsView{Text: textLimitView{Method: string(l.Text.Method), Max: l.Text.Max, MaxBytes: l.Text.MaxBytes},
			MaxMedia: l.MaxMedia, MaxImages: l.MaxImages, MaxVideos: l.MaxVideos, MixMedia: l.MixMedia, ImageMaxBytes: l.ImageMaxBytes,
			VideoMaxBytes: l.VideoMaxBytes, AltRequired: l.AltRequired, MaxThread: l.MaxThread, MediaRequired: l.MediaRequired}
		for _, st := range setups {
			if st.Network.Network == info.Network {
				scopes := append([]string{}, st.Scopes...)
				v.OAuth = &oauthSetupView{RedirectURI: st.RedirectURI, Scopes: scopes, NeedsInstance: s.d.Channels.NeedsInstance(v.Network),
					Configured: st.Configured}
			}
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Network < out[j].Network })
	return out, nil
}

// isOAuth reports whether network connects through OAuth.
func (s *server) isOAuth(network string) bool {
	for _, info := range s.d.Channels.Networks() {
		if string(info.Network) == network {
			return info.Auth == "oauth2"
		}
	}
	return false
}

// knownNetwork reports whether this Herald offers network.
func (s *server) knownNetwork(network string) bool {
	for _, info := range s.d.Channels.Networks() {
		if string(info.Network) == network {
			return true
		}
	}
	return false
}
