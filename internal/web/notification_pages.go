package web

import (
	"net/http"
	"slices"
	"time"

	"herald/internal/model"
	"herald/internal/notify"
)

// notificationRoutes registers the notifications page and the workspace's
// notification webhook settings.
func (h *handler) notificationRoutes(_ *http.ServeMux, route routeFunc) {
	route("GET /notifications", signedIn, h.notificationList)
	route("POST /notifications/read", signedIn, h.notificationRead)
	route("GET /notifications/{id}/open", signedIn, h.notificationOpen)
	route("POST /w/{ws}/settings/webhook", signedIn, h.notifyHookUpdate)
	route("POST /w/{ws}/settings/chat", signedIn, h.notifyChatUpdate)
	route("POST /w/{ws}/settings/webhook/rotate", signedIn, h.notifyHookRotate)
	route("POST /w/{ws}/settings/webhook/test", signedIn, h.notifyHookTest)
	route("POST /w/{ws}/settings/webhook/delete", signedIn, h.notifyHookDelete)
}

// notificationView is one notification as the list shows it.
type notificationView struct {
	model.Notification
	Workspace string
}

// notificationsData is the notifications page.
type notificationsData struct {
	Items      []notificationView
	UnreadOnly bool
	NextURL    string
}

const notificationsPerPage = 50

// notificationList shows the visitor's notifications, newest first.
func (h *handler) notificationList(w http.ResponseWriter, r *http.Request, v *visit) {
	q := r.URL.Query()
	d := &notificationsData{UnreadOnly: q.Get("unread") == "1"}
	list, err := h.d.Notify.List(r.Context(), v.actor, d.UnreadOnly, q.Get("before"), notificationsPerPage)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	ms, err := h.d.Workspaces.List(r.Context(), v.actor)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	names := map[string]string{}
	for _, m := range ms {
		names[m.Workspace.ID] = m.Workspace.Name
	}
	for _, n := range list {
		d.Items = append(d.Items, notificationView{Notification: n, Workspace: names[n.WorkspaceID]})
	}
	if len(list) == notificationsPerPage {
		d.NextURL = "/notifications?before=" + list[len(list)-1].ID
		if d.UnreadOnly {
			d.NextURL += "&unread=1"
		}
	}
	h.render(w, r, v, http.StatusOK, "notifications", &page{Title: "Notifications", Section: "notifications", Memberships: ms, Data: d})
}

// notificationOpen marks a notification read and goes to what it is about.
func (h *handler) notificationOpen(w http.ResponseWriter, r *http.Request, v *visit) {
	to, err := h.d.Notify.Open(r.Context(), v.actor, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// notificationRead marks the notifications named by the id fields read,
// or all of them when the form says all=1.
func (h *handler) notificationRead(w http.ResponseWriter, r *http.Request, v *visit) {
	ids := r.PostForm["id"]
	if len(ids) == 0 && r.PostForm.Get("all") != "1" {
		h.setFlash(w, r, "error", "Choose a notification to mark read.")
		redirect(w, r, "/notifications")
		return
	}
	n, err := h.d.Notify.MarkRead(r.Context(), v.actor, ids)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if len(ids) == 0 {
		h.setFlash(w, r, "success", plural(n, "notification")+" marked read.")
	}
	redirect(w, r, "/notifications")
}

// hookSettings is the notification webhook section of the settings page.
type hookSettings struct {
	Hook   model.NotificationHook
	Secret string // shown once, right after it was made
	Events []string
	// ChatChannel is the team-chat channel notifications go to ("": none),
	// chosen from ChatOptions.
	ChatChannel string
	ChatOptions []model.Channel
}

// hookEvents are the event types a receiver may get, for the page's help.
var hookEvents = []string{"publish.failed", "publish.unconfirmed", "publish.missed", "channel.needs_reconnect", "ping"}

// settingsData loads the webhook section; it is empty for people who may
// not change settings (the page refuses them anyway).
func (h *handler) settingsData(r *http.Request, v *visit, m model.Membership, secret string) *hookSettings {
	d := &hookSettings{Secret: secret, Events: hookEvents}
	if h.d.Notify == nil {
		return d
	}
	hook, err := h.d.Notify.Hook(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.log.Warn("load notification webhook", "workspace", m.Workspace.ID, "err", err)
	}
	d.Hook = hook
	if d.ChatChannel, err = h.d.Notify.ChatChannel(r.Context(), v.actor, m.Workspace.ID); err != nil {
		h.log.Warn("load notification chat", "workspace", m.Workspace.ID, "err", err)
	}
	chans, err := h.d.Channels.List(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.log.Warn("list channels", "workspace", m.Workspace.ID, "err", err)
	}
	for _, c := range chans {
		if slices.Contains(notify.ChatNetworks, c.Network) {
			d.ChatOptions = append(d.ChatOptions, c)
		}
	}
	return d
}

// notifyChatUpdate chooses the team-chat channel for notifications.
func (h *handler) notifyChatUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	id := r.PostForm.Get("channel")
	if err := h.d.Notify.SetChatChannel(r.Context(), v.actor, m.Workspace.ID, id); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSettingsWith(w, r, v, status, m, f, "") })
		return
	}
	msg := "Notifications are no longer posted to team chat."
	if id != "" {
		msg = "Notifications are posted to the chosen channel from now on."
	}
	h.setFlash(w, r, "success", msg)
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings")
}

// notifyHookUpdate sets the webhook URL; a new hook's secret is shown once.
func (h *handler) notifyHookUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	hook, err := h.d.Notify.SetHook(r.Context(), v.actor, m.Workspace.ID, r.PostForm.Get("url"))
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderSettingsWith(w, r, v, status, m, f, "") })
		return
	}
	if hook.Secret == "" {
		h.setFlash(w, r, "success", "The notification webhook URL is saved; its signing secret is unchanged.")
		redirect(w, r, "/w/"+m.Workspace.ID+"/settings")
		return
	}
	h.renderSettingsWith(w, r, v, http.StatusOK, m, &form{}, hook.Secret)
}

// notifyHookRotate makes a new signing secret and shows it once.
func (h *handler) notifyHookRotate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	hook, err := h.d.Notify.RotateSecret(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSettingsWith(w, r, v, status, m, f, "") })
		return
	}
	h.renderSettingsWith(w, r, v, http.StatusOK, m, &form{}, hook.Secret)
}

// notifyHookTest sends a signed ping now and says how it went.
func (h *handler) notifyHookTest(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Notify.SendTest(r.Context(), v.actor, m.Workspace.ID); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) { h.renderSettingsWith(w, r, v, status, m, f, "") })
		return
	}
	h.setFlash(w, r, "success", "The endpoint accepted a signed test event ("+time.Now().UTC().Format("15:04:05 MST")+").")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings")
}

// notifyHookDelete stops sending events to the webhook.
func (h *handler) notifyHookDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if err := h.d.Notify.RemoveHook(r.Context(), v.actor, m.Workspace.ID); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.setFlash(w, r, "success", "The notification webhook is removed.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings")
}
