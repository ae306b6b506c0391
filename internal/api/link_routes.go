package api

import (
	"net/http"

	"herald/internal/model"
)

// linkRoutes are the tracked-link and UTM preset endpoints (openapi/links.json).
func (s *server) linkRoutes() []route {
	const create = true
	return []route{
		{http.MethodGet, "/api/v1/workspaces/{ws}/links", model.ScopeLinksRead, false, s.linkList},
		{http.MethodPost, "/api/v1/workspaces/{ws}/links", model.ScopeLinksWrite, create, s.linkCreate},
		{http.MethodGet, "/api/v1/workspaces/{ws}/links/{id}", model.ScopeLinksRead, false, s.linkGet},
		{http.MethodPatch, "/api/v1/workspaces/{ws}/links/{id}", model.ScopeLinksWrite, false, s.linkUpdate},
		{http.MethodDelete, "/api/v1/workspaces/{ws}/links/{id}", model.ScopeLinksWrite, false, s.linkDelete},
		{http.MethodGet, "/api/v1/workspaces/{ws}/links/{id}/stats", model.ScopeLinksRead, false, s.linkStats},
		{http.MethodGet, "/api/v1/workspaces/{ws}/posts/{id}/link-stats", model.ScopeLinksRead, false, s.postLinkStats},
		{http.MethodGet, "/api/v1/workspaces/{ws}/channels/{id}/link-stats", model.ScopeLinksRead, false, s.channelLinkStats},
		{http.MethodGet, "/api/v1/workspaces/{ws}/utm-presets", model.ScopeLinksRead, false, s.presetGet},
		{http.MethodPut, "/api/v1/workspaces/{ws}/utm-presets", model.ScopeLinksWrite, false, s.presetPut},
		{http.MethodGet, "/api/v1/workspaces/{ws}/link-preview", model.ScopeLinksRead, false, s.linkPreview},
	}
}
