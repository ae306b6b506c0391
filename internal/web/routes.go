package web

import (
	"net/http"
)

// access says who may reach a route.
type access int

const (
	public   access = iota // anyone; the session is loaded when there is one
	signedIn               // a full session; others go to sign-in
	admin                  // installation administrators; others get 403
)

// routeFunc registers a UI route behind the usual guards.
type routeFunc func(pattern string, acc access, fn handlerFunc)

// handlerFunc is a UI handler: it gets the visit the middleware built.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *visit)

// routes is the one route table of the UI. Permission inside a workspace is
// checked by the domain (workspace.Service.Authorize) on every call.
func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/{hash}/{name}", h.assets)
	var route routeFunc = func(pattern string, acc access, fn handlerFunc) { mux.Handle(pattern, h.wrap(acc, fn)) }

	route("GET /{$}", public, h.homeShow)
	route("GET /setup", public, h.setupShow)
	route("POST /setup", public, h.setupCreate)
	route("GET /login", public, h.loginShow)
	route("POST /login", public, h.loginCreate)
	route("GET /login/2fa", public, h.loginTOTPShow)
	route("POST /login/2fa", public, h.loginTOTPVerify)
	route("POST /logout", public, h.logoutCreate)
	route("GET /password/forgot", public, h.passwordForgotShow)
	route("POST /password/forgot", public, h.passwordForgotCreate)
	route("GET /password/reset/{token}", public, h.passwordResetShow)
	route("POST /password/reset/{token}", public, h.passwordResetUpdate)
	route("GET /invite/{token}", public, h.inviteShow)
	route("POST /invite/{token}", public, h.inviteAccept)

	route("GET /workspaces", signedIn, h.workspaceList)
	route("POST /workspaces", signedIn, h.workspaceCreate)
	route("GET /w/{ws}", signedIn, h.workspaceShow)
	route("GET /w/{ws}/settings", signedIn, h.workspaceSettingsShow)
	route("POST /w/{ws}/settings", signedIn, h.workspaceRename)
	route("POST /w/{ws}/archive", signedIn, h.workspaceArchive)
	route("POST /w/{ws}/restore", signedIn, h.workspaceRestore)
	route("GET /w/{ws}/members", signedIn, h.memberList)
	route("POST /w/{ws}/invitations", signedIn, h.invitationCreate)
	route("POST /w/{ws}/invitations/{id}/revoke", signedIn, h.invitationRevoke)
	route("POST /w/{ws}/members/{user}/role", signedIn, h.memberRoleUpdate)
	route("POST /w/{ws}/members/{user}/remove", signedIn, h.memberRemove)
	route("GET /w/{ws}/audit", signedIn, h.workspaceAuditList)

	route("GET /w/{ws}/channels", signedIn, h.channelList)
	route("GET /w/{ws}/channels/apps", signedIn, h.networkAppList)
	route("POST /w/{ws}/channels/apps", signedIn, h.networkAppPut)
	route("POST /w/{ws}/channels/apps/{id}/delete", signedIn, h.networkAppDelete)
	route("GET /w/{ws}/channels/{id}", signedIn, h.channelSettingsShow)
	route("POST /w/{ws}/channels/{id}", signedIn, h.channelUpdate)
	// These put a word ("new", "oauth") where the others have a channel ID.
	// ServeMux refuses such overlapping patterns, so each method shares one
	// pattern and the handler is picked by the literal segment (see alts).
	alt := newAlts(mux, h, signedIn)
	alt.route("GET /w/{ws}/channels/new/{network}", h.channelConnectShow)
	alt.route("GET /w/{ws}/channels/{id}/reconnect", h.channelReconnectShow)
	alt.route("GET /w/{ws}/channels/{id}/queue", h.queueShow)
	alt.route("POST /w/{ws}/channels/new/{network}", h.channelConnect)
	alt.route("POST /w/{ws}/channels/oauth/{network}", h.channelOAuthBegin)
	alt.route("POST /w/{ws}/channels/{id}/test", h.channelTest)
	alt.route("POST /w/{ws}/channels/{id}/reconnect", h.channelReconnect)
	alt.route("POST /w/{ws}/channels/{id}/disconnect", h.channelDisconnect)
	alt.register()
	route("GET /oauth/callback/{network}", signedIn, h.oauthCallback)
	route("GET /feeds/{id}/{format}", public, h.feedShow)
	route("GET /oauth/client-metadata/{network}", public, h.oauthClientMetadata)

	route("GET /account", signedIn, h.accountShow)
	route("POST /account/profile", signedIn, h.profileUpdate)
	route("POST /account/password", signedIn, h.passwordUpdate)
	route("POST /account/notifications", signedIn, h.notificationPrefsUpdate)
	route("GET /account/security", signedIn, h.securityShow)
	route("POST /account/2fa/begin", signedIn, h.totpBegin)
	route("POST /account/2fa/confirm", signedIn, h.totpConfirm)
	route("POST /account/2fa/disable", signedIn, h.totpDisable)
	route("POST /account/2fa/recovery", signedIn, h.recoveryRegenerate)
	route("POST /account/sessions/{id}/revoke", signedIn, h.sessionRevoke)
	route("GET /account/tokens", signedIn, h.tokenList)
	route("POST /account/tokens", signedIn, h.tokenCreate)
	route("POST /account/tokens/{id}/revoke", signedIn, h.tokenRevoke)

	route("GET /admin", admin, h.adminStatusShow)
	route("GET /admin/jobs", admin, h.adminJobsShow)
	route("GET /admin/audit", admin, h.adminAuditList)
	route("GET /admin/users", admin, h.adminUserList)
	route("POST /admin/users/{id}/reset-link", admin, h.adminResetLinkCreate)
	route("GET /admin/mail", admin, h.adminMailShow)
	route("POST /admin/mail", admin, h.adminMailUpdate)
	route("POST /admin/mail/test", admin, h.adminMailTest)
	route("GET /admin/apps", admin, h.adminNetworkAppList)
	route("POST /admin/apps", admin, h.adminNetworkAppPut)
	route("POST /admin/apps/{id}/delete", admin, h.adminNetworkAppDelete)

	// Feature areas keep their routes beside their handlers.
	h.composeRoutes(mux, route)
	h.mediaRoutes(mux, route)
	h.linkRoutes(mux, route)
	h.conversionRoutes(route)
	h.publishRoutes(mux, route)
	h.calendarRoutes(mux, route)
	h.approvalRoutes(route)
	h.analyticsRoutes(route)
	h.reportRoutes(route)
	h.competitorRoutes(route)
	h.inboxRoutes(route)
	h.inboxAdminRoutes(route)
	h.reviewRoutes(route)
	h.activityRoutes(route)
	h.boardRoutes(mux, route)
	h.icalRoutes(mux, route)
	h.notificationRoutes(mux, route)

	mux.Handle("/", h.wrap(public, h.notFound))
	return mux
}

// wrap runs the guards every UI request passes, in order: load the visit,
// check posts (body size, cross-origin, CSRF), then check access.
func (h *handler) wrap(acc access, fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.begin(w, r)
		if !ok {
			return
		}
		if r.Method == http.MethodPost {
			if err := h.checkPost(w, r); err != nil {
				h.postFailed(w, r, v, err)
				return
			}
		}
		if acc != public && !v.signedIn {
			to := loginURL(r)
			if v.pending { // only the second-factor step is open to it
				to = "/login/2fa" + to[len("/login"):]
			}
			redirect(w, r, to)
			return
		}
		if acc == admin && !v.user.IsAdmin {
			h.errorPage(w, r, v, errorData{Status: http.StatusForbidden, Heading: "Not allowed",
				Message: "Only administrators of this Herald can open the administration pages."})
			return
		}
		fn(w, r, v)
	})
}
