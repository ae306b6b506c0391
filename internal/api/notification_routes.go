package api

import (
	"net/http"

	"herald/internal/model"
)

// notificationRoutes are the caller's own notifications
// (openapi/notifications.json). Reading needs only account:read, like the
// caller's profile; marking read changes state, so it has its own scope.
func (s *server) notificationRoutes() []route {
	return []route{
		{http.MethodGet, "/api/v1/notifications", model.ScopeAccountRead, false, s.notificationList},
		{http.MethodPost, "/api/v1/notifications/read", model.ScopeNotificationsWrite, false, s.notificationRead},
		{http.MethodGet, "/api/v1/notifications/preferences", model.ScopeAccountRead, false, s.notificationPrefs},
		{http.MethodPut, "/api/v1/notifications/preferences", model.ScopeNotificationsWrite, false, s.notificationPrefsSet},
		{http.MethodGet, "/api/v1/workspaces/{ws}/notification-chat", model.ScopeWorkspacesRead, false, s.notificationChat},
		{http.MethodPut, "/api/v1/workspaces/{ws}/notification-chat", model.ScopeWorkspacesWrite, false, s.notificationChatSet},
	}
}

// notificationView is a notification as the API shows it.
type notificationView struct {
	ID          string  `json:"id"`
	Kind        string  `json:"kind"`
	WorkspaceID string  `json:"workspace_id"`
	Text        string  `json:"text"`
	Link        string  `json:"link"`
	PostID      *string `json:"post_id"`
	ChannelID   *string `json:"channel_id"`
	TargetID    *string `json:"target_id"`
	CreatedAt   string  `json:"created_at"`
	ReadAt      *string `json:"read_at"`
}

func viewNotification(n model.Notification) notificationView {
	return notificationView{ID: n.ID, Kind: string(n.Kind), WorkspaceID: n.WorkspaceID, Text: n.Text, Link: n.Link,
		PostID: stringOrNull(n.PostID), ChannelID: stringOrNull(n.ChannelID), TargetID: stringOrNull(n.TargetID),
		CreatedAt: stamp(n.CreatedAt), ReadAt: stampOrNull(n.ReadAt)}
}

// notificationList answers the caller's notifications newest first (the
// one list besides audit logs that runs newest first: people read the
// latest), optionally only unread ones (?unread=true).
func (s *server) notificationList(c *call) (reply, error) {
	p, err := c.pageParams()
	if err != nil {
		return reply{}, err
	}
	unread := false
	switch v := c.r.URL.Query().Get("unread"); v {
	case "", "false":
	case "true":
		unread = true
	default:
		return reply{}, invalidField("unread", "must be true or false")
	}
	list, err := s.d.Notify.List(c.ctx(), c.actor, unread, p.after, p.limit+1)
	if err != nil {
		return reply{}, err
	}
	out := page[notificationView]{Data: []notificationView{}}
	for i, n := range list {
		if i == p.limit {
			out.NextCursor = encodeCursor(list[i-1].ID)
			break
		}
		out.Data = append(out.Data, viewNotification(n))
	}
	return ok(out), nil
}

// notificationRead marks the notifications named in ids read, or all of
// the caller's notifications with {"all": true}, and answers how many
// changed and how many are left unread.
func (s *server) notificationRead(c *call) (reply, error) {
	var in struct {
		IDs []string `json:"ids"`
		All bool     `json:"all"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if len(in.IDs) == 0 && !in.All {
		return reply{}, invalidField("ids", "name the notifications to mark read, or send \"all\": true")
	}
	if len(in.IDs) > 0 && in.All {
		return reply{}, invalidField("all", "send either ids or \"all\": true, not both")
	}
	n, err := s.d.Notify.MarkRead(c.ctx(), c.actor, in.IDs)
	if err != nil {
		return reply{}, err
	}
	left, err := s.d.Notify.Unread(c.ctx(), c.actor)
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]int{"marked": n, "unread": left}), nil
}

// notificationPrefs answers how each kind of notification is e-mailed to
// the caller.
func (s *server) notificationPrefs(c *call) (reply, error) {
	modes, err := s.d.Notify.Prefs(c.ctx(), c.actor)
	if err != nil {
		return reply{}, err
	}
	return ok(modes), nil
}

// notificationPrefsSet changes the e-mail choice of the kinds given.
func (s *server) notificationPrefsSet(c *call) (reply, error) {
	var in map[model.NotificationKind]string
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if err := s.d.Notify.SetPrefs(c.ctx(), c.actor, in); err != nil {
		return reply{}, err
	}
	return s.notificationPrefs(c)
}

// notificationChat answers which team-chat channel the workspace's
// notifications are posted to (null for none).
func (s *server) notificationChat(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	id, err := s.d.Notify.ChatChannel(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	return ok(map[string]*string{"channel_id": stringOrNull(id)}), nil
}

// notificationChatSet chooses the team-chat channel ({"channel_id": null}
// stops posting there).
func (s *server) notificationChatSet(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		ChannelID *string `json:"channel_id"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	id := ""
	if in.ChannelID != nil {
		id = *in.ChannelID
	}
	if err := s.d.Notify.SetChatChannel(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return s.notificationChat(c)
}
