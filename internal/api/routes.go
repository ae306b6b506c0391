package api

import (
	"net/http"
	"slices"

	"herald/internal/model"
)

// routeTable is the whole API surface: one line per endpoint with the token
// scope it requires. openapi.json documents the same list, and a test keeps
// the two in step. Workspace roles and installation-admin checks are the
// domain's job; the scope only limits what a token may be used for.
func (s *server) routeTable() []route {
	const (
		get, post, patch, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
		create                = true
	)
	base := []route{
		{get, "/api/v1/openapi.json", public, false, s.openAPIGet},

		{get, "/api/v1/me", model.ScopeAccountRead, false, s.meGet},

		{get, "/api/v1/workspaces", model.ScopeWorkspacesRead, false, s.workspaceList},
		{post, "/api/v1/workspaces", model.ScopeWorkspacesWrite, create, s.workspaceCreate},
		{get, "/api/v1/workspaces/{ws}", model.ScopeWorkspacesRead, false, s.workspaceGet},
		{patch, "/api/v1/workspaces/{ws}", model.ScopeWorkspacesWrite, false, s.workspaceUpdate},

		{get, "/api/v1/workspaces/{ws}/members", model.ScopeMembersRead, false, s.memberList},
		{patch, "/api/v1/workspaces/{ws}/members/{user}", model.ScopeMembersWrite, false, s.memberUpdate},
		{del, "/api/v1/workspaces/{ws}/members/{user}", model.ScopeMembersWrite, false, s.memberRemove},

		{get, "/api/v1/workspaces/{ws}/invitations", model.ScopeMembersRead, false, s.invitationList},
		{post, "/api/v1/workspaces/{ws}/invitations", model.ScopeMembersWrite, create, s.invitationCreate},
		{del, "/api/v1/workspaces/{ws}/invitations/{id}", model.ScopeMembersWrite, false, s.invitationRevoke},

		{get, "/api/v1/workspaces/{ws}/audit", model.ScopeAuditRead, false, s.workspaceAuditList},

		{get, "/api/v1/networks", model.ScopeChannelsRead, false, s.networkList},
		{get, "/api/v1/workspaces/{ws}/channels", model.ScopeChannelsRead, false, s.channelList},
		{post, "/api/v1/workspaces/{ws}/channels", model.ScopeChannelsWrite, create, s.channelCreate},
		{post, "/api/v1/workspaces/{ws}/channels/oauth", model.ScopeChannelsWrite, false, s.channelOAuth},
		{get, "/api/v1/workspaces/{ws}/channels/{id}", model.ScopeChannelsRead, false, s.channelGet},
		{patch, "/api/v1/workspaces/{ws}/channels/{id}", model.ScopeChannelsWrite, false, s.channelUpdate},
		{del, "/api/v1/workspaces/{ws}/channels/{id}", model.ScopeChannelsWrite, false, s.channelDisconnect},
		{post, "/api/v1/workspaces/{ws}/channels/{id}/test", model.ScopeChannelsRead, false, s.channelTest},
		{post, "/api/v1/workspaces/{ws}/channels/{id}/reconnect", model.ScopeChannelsWrite, false, s.channelReconnect},

		{get, "/api/v1/tokens", model.ScopeTokensWrite, false, s.tokenList},
		{post, "/api/v1/tokens", model.ScopeTokensWrite, create, s.tokenCreate},
		{del, "/api/v1/tokens/{id}", model.ScopeTokensWrite, false, s.tokenRevoke},

		// Installation-wide views: the domain also requires an administrator.
		{get, "/api/v1/audit", model.ScopeAuditRead, false, s.auditList},
		{get, "/api/v1/system", model.ScopeAccountRead, false, s.systemGet},
	}
	// Feature areas keep their routes beside their handlers, documented in
	// openapi/<area>.json.
	return slices.Concat(base, s.postRoutes(), s.mediaRoutes(), s.linkRoutes(), s.publishRoutes(), s.notificationRoutes(), s.calendarRoutes(), s.approvalRoutes(), s.boardRoutes(), s.reportRoutes(), s.inboxRoutes(), s.conversionRoutes(), s.competitorRoutes())
}
