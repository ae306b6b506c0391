package mastodon

import (
	"context"
	"net/url"
	"strings"

	"herald/internal/provider"
)

// application is the Application entity returned by POST /api/v1/apps
// (https://docs.joinmastodon.org/entities/Application/).
type application struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// RegisterApp registers Herald on an instance, so no one creates an app by
// hand. https://docs.joinmastodon.org/methods/apps/#create
func (p *Provider) RegisterApp(ctx context.Context, instance, redirectURI string) (provider.App, error) {
	base, err := NormalizeInstance(instance)
	if err != nil {
		return provider.App{}, provider.Errorf(provider.Permanent, Network, "register app", err, "%v", err)
	}
	form := url.Values{
		"client_name":   {p.opt.AppName},
		"redirect_uris": {redirectURI},
		"scopes":        {strings.Join(Scopes, " ")},
	}
	if p.opt.Website != "" {
		form.Set("website", p.opt.Website)
	}
	var a application
	_, err = p.do(ctx, request{op: "register app", method: "POST", url: base + "/api/v1/apps",
		body: strings.NewReader(form.Encode()), ctype: "application/x-www-form-urlencoded"}, &a)
	if err != nil {
		return provider.App{}, err
	}
	if a.ClientID == "" || a.ClientSecret == "" {
		return provider.App{}, provider.Errorf(provider.Permanent, Network, "register app", nil, "the server returned no client credentials")
	}
	return provider.App{ClientID: a.ClientID, ClientSecret: a.ClientSecret,
		Settings: map[string]string{"instance": base, "scopes": strings.Join(Scopes, " "), "redirect_uri": redirectURI}}, nil
}

// OAuth2Config returns the instance's authorization endpoints. Mastodon
// supports PKCE with S256 since 4.3 (older servers ignore the parameters).
// https://docs.joinmastodon.org/methods/oauth/
func (p *Provider) OAuth2Config(app provider.App, settings map[string]string) (provider.OAuthConfig, error) {
	inst := settings["instance"]
	if inst == "" {
		inst = app.Settings["instance"]
	}
	base, err := NormalizeInstance(inst)
	if err != nil {
		return provider.OAuthConfig{}, provider.Errorf(provider.Permanent, Network, "oauth", err, "%v", err)
	}
	return provider.OAuthConfig{
		AuthURL:  base + "/oauth/authorize",
		TokenURL: base + "/oauth/token",
		Scopes:   append([]string(nil), Scopes...),
		PKCE:     true,
	}, nil
}

// account is the part of the Account entity Herald reads
// (https://docs.joinmastodon.org/entities/Account/).
type account struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"`
	DisplayName    string `json:"display_name"`
	URL            string `json:"url"`
	URI            string `json:"uri"`
	FollowersCount int64  `json:"followers_count"`
	FollowingCount int64  `json:"following_count"`
	StatusesCount  int64  `json:"statuses_count"`
}

// verify reads the token's own account.
// https://docs.joinmastodon.org/methods/accounts/#verify_credentials
func (p *Provider) verify(ctx context.Context, op, base, tok string) (account, error) {
	var a account
	_, err := p.do(ctx, request{op: op, method: "GET", url: base + "/api/v1/accounts/verify_credentials", token: tok}, &a)
	return a, err
}

func handleOf(base string, a account) string {
	u, _ := url.Parse(base)
	return "@" + a.Username + "@" + u.Host
}

// Connect runs after the OAuth code exchange: input has "instance" and
// "access_token". It reads the account and the instance's limits.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	base, err := NormalizeInstance(input["instance"])
	if err != nil {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", err, "%v", err)
	}
	tok := strings.TrimSpace(input["access_token"])
	if tok == "" {
		return provider.Account{}, provider.Errorf(provider.Permanent, Network, "connect", nil, "no access token")
	}
	a, err := p.verify(ctx, "connect", base, tok)
	if err != nil {
		return provider.Account{}, err
	}
	remote := a.URI
	if remote == "" {
		remote = a.URL
	}
	acct := provider.Account{
		RemoteID:    remote,
		Handle:      handleOf(base, a),
		Credentials: map[string]string{"access_token": tok},
		Settings:    map[string]string{"instance": base, "account_id": a.ID, "username": a.Username},
	}
	// Limits are a convenience at connect time: a server that hides its
	// instance document still connects, with the defaults.
	acct.Limits = DefaultLimits
	if l, err := p.RefreshLimits(ctx, acct); err == nil {
		acct.Limits = l
	}
	return acct, nil
}

// Check verifies the token still works and says what is wrong otherwise.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return provider.Status{Message: err.Error()}, provider.Errorf(provider.Permanent, Network, "check", err, "%v", err)
	}
	a, err := p.verify(ctx, "check", base, token(acct))
	if err != nil {
		msg := err.Error()
		if pe := provider.AsError(err); pe != nil {
			msg = pe.Message
		}
		return provider.Status{OK: false, Handle: acct.Handle, Message: msg}, err
	}
	h := handleOf(base, a)
	return provider.Status{OK: true, Handle: h, Message: "connected as " + h}, nil
}

// AccountMetrics reads followers, following and posts from the account.
func (p *Provider) AccountMetrics(ctx context.Context, acct provider.Account) (provider.AccountMetrics, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return provider.AccountMetrics{}, provider.Errorf(provider.Permanent, Network, "account metrics", err, "%v", err)
	}
	a, err := p.verify(ctx, "account metrics", base, token(acct))
	if err != nil {
		return provider.AccountMetrics{}, err
	}
	return provider.AccountMetrics{Followers: a.FollowersCount, Following: a.FollowingCount, Posts: a.StatusesCount, At: p.opt.Now().UTC()}, nil
}

// instance is the part of the Instance entity Herald reads
// (https://docs.joinmastodon.org/entities/Instance/#configuration).
type instance struct {
	Configuration struct {
		Statuses struct {
			MaxCharacters            int `json:"max_characters"`
			MaxMediaAttachments      int `json:"max_media_attachments"`
			CharactersReservedPerURL int `json:"characters_reserved_per_url"`
		} `json:"statuses"`
		MediaAttachments struct {
			SupportedMimeTypes []string `json:"supported_mime_types"`
			ImageSizeLimit     int64    `json:"image_size_limit"`
			VideoSizeLimit     int64    `json:"video_size_limit"`
			DescriptionLimit   int      `json:"description_limit"`
		} `json:"media_attachments"`
	} `json:"configuration"`
}

// RefreshLimits reads the instance's limits from GET /api/v2/instance, or
// GET /api/v1/instance on servers older than 4.0 (same configuration shape).
// https://docs.joinmastodon.org/methods/instance/#v2
func (p *Provider) RefreshLimits(ctx context.Context, acct provider.Account) (provider.Limits, error) {
	base, err := instanceOf(acct)
	if err != nil {
		return provider.Limits{}, provider.Errorf(provider.Permanent, Network, "refresh limits", err, "%v", err)
	}
	var in instance
	status, err := p.do(ctx, request{op: "refresh limits", method: "GET", url: base + "/api/v2/instance"}, &in)
	if err != nil && status == 404 {
		// https://docs.joinmastodon.org/methods/instance/#v1
		_, err = p.do(ctx, request{op: "refresh limits", method: "GET", url: base + "/api/v1/instance"}, &in)
	}
	if err != nil {
		return provider.Limits{}, err
	}
	return limitsFrom(in), nil
}

// limitsFrom fills the defaults with whatever the instance declares. The
// image matrix limit is not copied: Mastodon downsizes larger images
// instead of refusing them.
func limitsFrom(in instance) provider.Limits {
	l := DefaultLimits
	l.ImageTypes = append([]string(nil), DefaultLimits.ImageTypes...)
	l.VideoTypes = append([]string(nil), DefaultLimits.VideoTypes...)
	st, ma := in.Configuration.Statuses, in.Configuration.MediaAttachments
	if st.MaxCharacters > 0 {
		l.Text.Max = st.MaxCharacters
	}
	if st.CharactersReservedPerURL > 0 {
		l.Text.URLLength = st.CharactersReservedPerURL
	}
	if st.MaxMediaAttachments > 0 {
		l.MaxMedia, l.MaxImages = st.MaxMediaAttachments, st.MaxMediaAttachments
	}
	if ma.ImageSizeLimit > 0 {
		l.ImageMaxBytes = ma.ImageSizeLimit
	}
	if ma.VideoSizeLimit > 0 {
		l.VideoMaxBytes = ma.VideoSizeLimit
	}
	if ma.DescriptionLimit > 0 {
		l.AltMaxChars = ma.DescriptionLimit
	}
	if len(ma.SupportedMimeTypes) > 0 {
		l.ImageTypes, l.VideoTypes = nil, nil
		for _, t := range ma.SupportedMimeTypes {
			switch {
			case strings.HasPrefix(t, "image/"):
				l.ImageTypes = append(l.ImageTypes, t)
			case strings.HasPrefix(t, "video/"):
				l.VideoTypes = append(l.VideoTypes, t)
			}
		}
	}
	return l
}
