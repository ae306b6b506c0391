package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// oauthContinueData is the page that sends the browser to the network.
type oauthContinueData struct {
	Net networkView
	URL string
}

// channelOAuthBegin starts connecting (or, with channel_id, reconnecting)
// an OAuth network and sends the browser to the network's sign-in page.
//
// It answers with a page that moves on by itself (a Refresh header, plus a
// link) rather than a 303: the form that posts here is under the policy
// form-action 'self', and Chromium and Safari apply that directive to the
// redirects that follow a form submission too, so a redirect to another
// origin would be blocked.
func (h *handler) channelOAuthBegin(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	n, ok := h.network(r.PathValue("network"))
	if !ok {
		h.unknownNetwork(w, r, v, r.PathValue("network"))
		return
	}
	ctx := r.Context()
	f := newForm(r)
	var ch *channelRow
	if id := strings.TrimSpace(r.PostForm.Get("channel_id")); id != "" {
		if !ids.Valid(id) {
			h.notFound(w, r, v)
			return
		}
		c, err := h.d.Channels.Get(ctx, v.actor, m.Workspace.ID, id)
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		if c.Network != n.Network {
			h.fail(w, r, v, model.Invalid("channel_id", "%s is a %s channel and cannot be reconnected through %s", c.Name, c.Network, n.Name))
			return
		}
		row := rowFor(c, h.networks())
		ch = &row
	}
	channelID := ""
	if ch != nil {
		channelID = ch.ID
	}
	who := r.PostForm.Get("instance")
	if n.Flow {
		who = r.PostForm.Get("handle")
	}
	to, err := h.d.Channels.BeginOAuth(ctx, v.actor, m.Workspace.ID, n.Network, who, channelID)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields(n.fieldNames()...)
			h.renderConnect(w, r, v, status, m, n, ch, f)
		})
		return
	}
	w.Header().Set("Refresh", "0; url="+to)
	h.render(w, r, v, http.StatusOK, "oauth_continue", &page{Title: "Continue to " + n.Name, Section: "channels", WS: &m,
		Data: oauthContinueData{Net: n, URL: to}})
}

// oauthErrorData is the page shown when a network's callback fails: what
// went wrong, and what to do about it.
type oauthErrorData struct {
	Status      int
	Net         networkView
	Message     string
	Steps       []string
	RedirectURI string // shown to copy when the app's registration may be at fault
	Scopes      []string
	Retry       string // the connect page to start again from
	Apps        string // the network apps page, for those who may open it
}

// oauthCallback is where a network sends the browser back after its
// sign-in page: it completes the authorisation and opens the channel, or
// says exactly what went wrong and what to do.
func (h *handler) oauthCallback(w http.ResponseWriter, r *http.Request, v *visit) {
	network := r.PathValue("network")
	q := r.URL.Query()
	code, errCode, errDesc := q.Get("code"), clip(q.Get("error"), 100), clip(q.Get("error_description"), 300)
	callbackErr := errCode
	if errDesc != "" {
		if callbackErr == "" {
			callbackErr = "error"
		}
		callbackErr += " (" + errDesc + ")"
	}
	c, err := h.d.Channels.CompleteOAuth(r.Context(), v.actor, network, q.Get("state"), code, callbackErr, q)
	if err != nil {
		h.oauthFailed(w, r, v, network, errCode, err)
		return
	}
	n, _ := h.network(c.Network)
	h.rememberWorkspace(w, r, c.WorkspaceID)
	h.setFlash(w, r, "success", fmt.Sprintf("%s %s is connected. Set its time zone and defaults here, and test the connection.", n.Name, c.Handle))
	redirect(w, r, "/w/"+c.WorkspaceID+"/channels/"+c.ID)
}

// clip shortens text a network sent, so a long answer cannot swamp the page.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// oauthFailed explains a failed callback. The domain checks the state first,
// so the network's own error text is only shown for an authorisation this
// visitor really started.
func (h *handler) oauthFailed(w http.ResponseWriter, r *http.Request, v *visit, network, errCode string, err error) {
	e := model.AsError(err)
	if e == nil {
		h.fail(w, r, v, err)
		return
	}
	n, known := h.network(network)
	d := oauthErrorData{Net: n, Message: sentence(e.Msg), Retry: "/workspaces"}
	if ws := lastWorkspace(r); ws != "" {
		d.Retry = "/w/" + ws + "/channels"
		if known {
			d.Retry += "/new/" + url.PathEscape(n.Network)
		}
		if m, err := h.d.Workspaces.Get(r.Context(), v.actor, ws); err == nil && model.Can(m.Role, model.ActChannelApps) {
			d.Apps = "/w/" + ws + "/channels/apps"
		}
	}
	if d.Apps == "" && v.user.IsAdmin {
		d.Apps = "/admin/apps"
	}
	if known && n.OAuth {
		d.RedirectURI = h.d.Channels.RedirectURI(n.Network)
		if setups, err := h.d.Channels.OAuthSetups(r.Context(), ""); err == nil {
			for _, s := range setups {
				if string(s.Network.Network) == n.Network {
					d.Scopes = s.Scopes
				}
			}
		}
	}
	redirectStep := fmt.Sprintf("The redirect URI registered with the %s app must be exactly %s (the network compares it character by character).", n.Name, d.RedirectURI)
	scopeStep := fmt.Sprintf("The %s app must allow the scopes Herald asks for: %s.", n.Name, strings.Join(d.Scopes, ", "))
	switch {
	case e.Kind == model.KindForbidden:
		d.Status = http.StatusForbidden
		d.Steps = []string{"Finish connecting in the same browser, signed in as the person who started it: the sign-in link belongs to them.",
			"To connect channels you need the Owner, Admin or Manager role in the workspace."}
	case e.Kind == model.KindConflict:
		d.Status = http.StatusConflict
		d.Steps = []string{"To add that account as another channel, connect it from the Channels page instead of reconnecting.",
			"To reconnect this channel, sign in at " + n.Name + " as the account the channel belongs to."}
	case e.Kind == model.KindRateLimited:
		d.Status = http.StatusTooManyRequests
		setRetryAfter(w, e.RetryAfter)
		d.Steps = []string{"Wait a minute, then start connecting again."}
	case e.Kind == model.KindNotFound:
		d.Status = http.StatusNotFound
		d.Steps = []string{"The channel being reconnected no longer exists; connect the account as a new channel."}
	case e.Field == "state":
		d.Status = http.StatusBadRequest
		d.Steps = []string{"Start connecting again from the Channels page, and finish at " + n.Name + " within 15 minutes.",
			"Each sign-in link works once, in the browser and for the Herald account that started it; a bookmarked or reloaded callback address cannot be used again."}
	case errCode != "":
		d.Status = http.StatusBadRequest
		switch errCode {
		case "access_denied":
			d.Steps = []string{"Access was declined at " + n.Name + ". Start again and choose to allow (authorize) Herald."}
		case "invalid_scope":
			d.Steps = []string{scopeStep, redirectStep}
		case "unauthorized_client", "invalid_client":
			d.Steps = []string{fmt.Sprintf("%s does not accept the app's client ID. Check the client ID saved under Network apps, and that the app at %s is active and allowed to use the authorization code flow.", n.Name, n.Name), redirectStep}
		case "server_error", "temporarily_unavailable":
			d.Steps = []string{n.Name + " had a problem of its own. Try again in a few minutes."}
		default:
			d.Steps = []string{redirectStep, scopeStep}
		}
	case e.Field == "code":
		d.Status = http.StatusBadRequest
		d.Steps = []string{redirectStep,
			"The client secret saved under Network apps must be the app's current one: making a new secret at " + n.Name + " retires the old one.",
			"Start connecting again: an authorisation code works once and expires within minutes."}
	case e.Field == "network":
		d.Status = http.StatusBadRequest
		d.Steps = []string{fmt.Sprintf("Create an app at %s with the redirect URI %s and the scopes %s.", n.Name, d.RedirectURI, strings.Join(d.Scopes, ", ")),
			"Enter its client ID and secret under Network apps (a workspace Owner or Admin, or an administrator of this Herald for every workspace), then connect again."}
	default:
		d.Status = http.StatusBadRequest
		d.Steps = []string{"Start connecting again. If it fails the same way, check the app at " + n.Name + ": " + redirectStep}
	}
	if d.RedirectURI == "" { // the network is unknown or not OAuth: no app to fix
		var keep []string
		for _, s := range d.Steps {
			if !strings.Contains(s, "redirect URI") && !strings.Contains(s, "scopes") {
				keep = append(keep, s)
			}
		}
		if len(keep) == 0 {
			keep = []string{"Start connecting again from the Channels page."}
		}
		d.Steps = keep
	}
	h.render(w, r, v, d.Status, "oauth_error", &page{Title: "Connecting " + n.Name + " did not work", Section: "channels", Data: d})
}
