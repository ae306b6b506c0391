package api

import (
	"net/http"

	"herald/internal/model"
)

// publishRoutes are scheduling, attempts, channel queues and slots, and
// pauses (openapi/publishing.json). Scheduling is a create route, so a
// repeated request with the same Idempotency-Key gets the first answer
// instead of planning the post twice.
func (s *server) publishRoutes() []route {
	const (
		get, post, put, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
		create              = true
		read, write         = model.ScopePostsRead, model.ScopePostsWrite
		ws                  = "/api/v1/workspaces/{ws}"
	)
	return []route{
		{post, ws + "/posts/{id}/schedule", write, create, s.postSchedule},
		{post, ws + "/posts/{id}/cancel", write, false, s.postCancel},
		{put, ws + "/posts/{id}/series", write, false, s.seriesPut},
		{get, ws + "/posts/{id}/attempts", read, false, s.postAttempts},

		{get, ws + "/channels/{id}/slots", read, false, s.slotsGet},
		{put, ws + "/channels/{id}/slots", write, false, s.slotsPut},
		{get, ws + "/channels/{id}/queue", read, false, s.queueGet},
		{post, ws + "/channels/{id}/queue/order", write, false, s.queueOrder},

		{get, ws + "/pauses", read, false, s.pauseList},
		{post, ws + "/pauses", write, false, s.pauseCreate},
		{del, ws + "/pauses", write, false, s.pauseDelete},
	}
}
