package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/platform/ids"
)

// inboxBack redirects to, with the domain's words in a flash when the
// action was refused for a reason the visitor can fix (anything else is
// an error page), or done when it worked.
func (h *handler) inboxBack(w http.ResponseWriter, r *http.Request, v *visit, to string, err error, done string) {
	switch model.KindOf(err) {
	case model.KindInvalid, model.KindConflict, model.KindRateLimited:
		h.setFlash(w, r, "error", endSentence(sentence(model.AsError(err).Msg)))
	default:
		if err != nil {
			h.fail(w, r, v, err)
			return
		}
		if done != "" {
			h.setFlash(w, r, "success", done)
		}
	}
	redirect(w, r, to)
}

func endSentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// inboxListURL is the list with the filter the form came from.
func inboxListURL(ws string, r *http.Request) string {
	q := inboxListQuery(listParam(r))
	if len(q) == 0 {
		return "/w/" + ws + "/inbox"
	}
	return "/w/" + ws + "/inbox?" + q.Encode()
}

// conversationURL is a conversation's page keeping the list it was
// opened from.
func conversationURL(ws, id string, r *http.Request) string {
	u := "/w/" + ws + "/inbox/" + id
	if q := inboxListQuery(listParam(r)); len(q) > 0 {
		u += "?list=" + url.QueryEscape(q.Encode())
	}
	return u
}

// assigneeValue reads an assignee field: "me", "" (nobody) or a user ID.
func assigneeValue(v *visit, s string) *string {
	if s == "me" {
		s = v.actor.UserID
	}
	if s == "none" || s == "unassigned" {
		s = ""
	}
	return &s
}

// splitTags reads a comma-separated tag field.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func strPtr(s string) *string { return &s }

// inboxChange reads the change an action asks for: done, open (reopen),
// snooze (until a local time in the browser's zone, else UTC), assign,
// priority, tag, untag, or triage (assignee, priority and new tags at
// once). It returns a sentence for the flash.
func inboxChange(v *visit, f url.Values) (inbox.Change, string, error) {
	var ch inbox.Change
	switch f.Get("action") {
	case "done":
		ch.Status = strPtr(model.ConvDone)
		return ch, "Marked done.", nil
	case "open":
		ch.Status = strPtr(model.ConvOpen)
		return ch, "Reopened.", nil
	case "snooze":
		until, zone, err := snoozeUntil(f.Get("until"), f.Get("zone"))
		if err != nil {
			return ch, "", err
		}
		ch.Status, ch.Until = strPtr(model.ConvSnoozed), &until
		return ch, "Snoozed until " + until.In(zone).Format("Mon 2 Jan 2006 15:04 MST") + ".", nil
	case "assign":
		ch.AssigneeID = assigneeValue(v, f.Get("assignee"))
		if *ch.AssigneeID == "" {
			return ch, "Unassigned.", nil
		}
		return ch, "Assigned.", nil
	case "priority":
		p, err := strconv.Atoi(f.Get("priority"))
		if err != nil {
			return ch, "", model.Invalid("priority", "choose a priority: normal, high or urgent")
		}
		ch.Priority = &p
		return ch, "Priority set.", nil
	case "tag":
		ch.AddTags = splitTags(f.Get("tags"))
		if len(ch.AddTags) == 0 {
			return ch, "", model.Invalid("tags", "write the tag to add")
		}
		return ch, "Tagged.", nil
	case "untag":
		ch.RemoveTags = []string{f.Get("tag")}
		return ch, "Tag removed.", nil
	case "triage":
		ch.AssigneeID = assigneeValue(v, f.Get("assignee"))
		p, err := strconv.Atoi(f.Get("priority"))
		if err != nil {
			return ch, "", model.Invalid("priority", "choose a priority: normal, high or urgent")
		}
		ch.Priority, ch.AddTags = &p, splitTags(f.Get("tags"))
		return ch, "Saved.", nil
	}
	return ch, "", model.Invalid("action", "choose what to do")
}

// snoozeUntil reads a datetime-local value in the zone the browser sent
// (UTC without one).
func snoozeUntil(value, zoneName string) (time.Time, *time.Location, error) {
	zone := time.UTC
	if zoneName != "" {
		z, err := time.LoadLocation(zoneName)
		if err != nil {
			return time.Time{}, nil, model.Invalid("zone", "%q is not a time zone", zoneName)
		}
		zone = z
	}
	if value == "" {
		return time.Time{}, nil, model.Invalid("until", "choose when the conversation comes back")
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, value, zone); err == nil {
			return t.UTC(), zone, nil
		}
	}
	return time.Time{}, nil, model.Invalid("until", "%q is not a date and time", value)
}

// inboxBulk applies one change to the conversations ticked on the list.
func (h *handler) inboxBulk(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	back := inboxListURL(ws, r)
	var chosen []string
	for _, id := range r.PostForm["id"] {
		if ids.Valid(id) {
			chosen = append(chosen, id)
		}
	}
	if len(chosen) == 0 {
		h.setFlash(w, r, "error", "Tick the conversations to change first.")
		redirect(w, r, back)
		return
	}
	f := url.Values{"action": {r.PostForm.Get("action")}, "assignee": {r.PostForm.Get("bulk_assignee")},
		"priority": {r.PostForm.Get("bulk_priority")}, "tags": {r.PostForm.Get("bulk_tags")}}
	ch, done, err := inboxChange(v, f)
	if err == nil {
		err = h.d.Inbox.Update(r.Context(), v.actor, ws, chosen, ch)
	}
	h.inboxBack(w, r, v, back, err, plural(len(chosen), "conversation")+": "+strings.ToLower(done[:1])+done[1:])
}

// inboxUpdate changes one conversation: status, snooze, assignee,
// priority, tags. Marking it done returns to the list.
func (h *handler) inboxUpdate(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	ch, done, err := inboxChange(v, r.PostForm)
	if err == nil {
		err = h.d.Inbox.Update(r.Context(), v.actor, ws, []string{id}, ch)
	}
	back := conversationURL(ws, id, r)
	if err == nil && ch.Status != nil && *ch.Status != model.ConvOpen {
		back = inboxListURL(ws, r)
	}
	h.inboxBack(w, r, v, back, err, done)
}

// inboxNote adds an internal note.
func (h *handler) inboxNote(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Inbox.Note(r.Context(), v.actor, ws, id, r.PostForm.Get("body")); err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("body")
			h.renderConversation(w, r, v, status, f)
		})
		return
	}
	h.setFlash(w, r, "success", "Note added. Only your team sees it.")
	redirect(w, r, conversationURL(ws, id, r)+"#notes")
}

// inboxReply answers the conversation as its channel; "insert" instead
// fills the chosen saved reply into the text (the way without script).
func (h *handler) inboxReply(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, id, ok := h.pathIDs(w, r, v)
	if !ok {
		return
	}
	if r.PostForm.Get("insert") != "" {
		f := newForm(r)
		h.renderConversationInsert(w, r, v, f)
		return
	}
	parent := r.PostForm.Get("parent_id")
	if parent != "" && !ids.Valid(parent) {
		parent = ""
	}
	msg, err := h.d.Inbox.Reply(r.Context(), v.actor, ws, id, parent, r.PostForm.Get("text"))
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("text")
			h.renderConversation(w, r, v, status, f)
		})
		return
	}
	done := "Your reply is on its way to the network."
	if msg.State == "pending_approval" {
		done = "Your reply waits for approval before it is sent; an approver sees it on this conversation."
	}
	h.setFlash(w, r, "success", done)
	redirect(w, r, conversationURL(ws, id, r)+"#reply")
}

// renderConversationInsert renders the conversation with the chosen
// saved reply added to the reply text (filled in server-side).
func (h *handler) renderConversationInsert(w http.ResponseWriter, r *http.Request, v *visit, f *form) {
	m, id, ok := h.workspaceItem(w, r, v, "id")
	if !ok {
		return
	}
	ctx := r.Context()
	replies, err := h.d.Inbox.SavedReplies(ctx, v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	th, err := h.d.Inbox.Get(ctx, v.actor, m.Workspace.ID, id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	name := th.Contact.Name
	for _, msg := range th.Messages {
		if name == "" && msg.Direction == "in" {
			name = msg.Author
		}
	}
	channel := ""
	if ch, err := h.d.Channels.Get(ctx, v.actor, m.Workspace.ID, th.Conversation.ChannelID); err == nil {
		channel = ch.Name
	}
	chosen := r.PostForm.Get("saved")
	for _, sr := range replies {
		if sr.ID != chosen {
			continue
		}
		body := inbox.Expand(sr.Body, map[string]string{"name": name, "channel": channel, "workspace": m.Workspace.Name, "agent": v.user.Name})
		text := strings.TrimRight(f.Val("text"), " \n")
		if text != "" {
			text += "\n\n"
		}
		f.Values.Set("text", text+body)
		h.renderConversation(w, r, v, http.StatusOK, f)
		return
	}
	f.add("saved", "choose a saved reply to insert")
	h.renderConversation(w, r, v, http.StatusBadRequest, f)
}

// inboxApprove sends or rejects a reply that waited for approval.
func (h *handler) inboxApprove(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	mid, ok := h.pathID(w, r, v, "mid")
	if !ok {
		return
	}
	approve := r.PostForm.Get("decision") == "approve"
	err := h.d.Inbox.ApproveReply(r.Context(), v.actor, ws, mid, approve)
	done := "The reply is approved and on its way."
	if !approve {
		done = "The reply is rejected; it will not be sent."
	}
	h.inboxBack(w, r, v, h.messageBack(ws, r), err, done)
}

// inboxReact likes (or reacts to) a message as the channel.
func (h *handler) inboxReact(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	mid, ok := h.pathID(w, r, v, "mid")
	if !ok {
		return
	}
	err := h.d.Inbox.React(r.Context(), v.actor, ws, mid, r.PostForm.Get("reaction"))
	h.inboxBack(w, r, v, h.messageBack(ws, r), err, "Liked as the channel.")
}

// inboxHide hides or deletes a message (on the network where it can).
func (h *handler) inboxHide(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	mid, ok := h.pathID(w, r, v, "mid")
	if !ok {
		return
	}
	op := r.PostForm.Get("op")
	err := h.d.Inbox.HideMessage(r.Context(), v.actor, ws, mid, op)
	done := "Hidden in Herald; hiding it on the network."
	if op == "delete" {
		done = "Hidden in Herald; deleting it on the network where the channel may."
	}
	h.inboxBack(w, r, v, h.messageBack(ws, r), err, done)
}

// messageBack is the conversation a message action came from.
func (h *handler) messageBack(ws string, r *http.Request) string {
	if c := r.PostForm.Get("conversation"); ids.Valid(c) {
		return conversationURL(ws, c, r) + "#messages"
	}
	return inboxListURL(ws, r)
}

// Saved views.

// inboxViewSave keeps the list's current filter by name.
func (h *handler) inboxViewSave(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	query := inboxListQuery(listParam(r)).Encode()
	view, err := h.d.Inbox.SaveView(r.Context(), v.actor, ws, r.PostForm.Get("name"), query)
	h.inboxBack(w, r, v, inboxListURL(ws, r), err, "Saved the view “"+view.Name+"”.")
}

// inboxViewDelete removes a saved view.
func (h *handler) inboxViewDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	vid, ok := h.pathID(w, r, v, "vid")
	if !ok {
		return
	}
	err := h.d.Inbox.DeleteView(r.Context(), v.actor, ws, vid)
	h.inboxBack(w, r, v, inboxListURL(ws, r), err, "The view is removed.")
}

// Saved replies.

// savedRepliesData is the saved replies page.
type savedRepliesData struct {
	Replies   []model.SavedReply
	CanManage bool
	Editing   string // the reply whose form failed, "" for the new one
}

// savedRepliesShow lists the workspace's saved replies.
func (h *handler) savedRepliesShow(w http.ResponseWriter, r *http.Request, v *visit) {
	h.renderSavedReplies(w, r, v, http.StatusOK, &form{})
}

func (h *handler) renderSavedReplies(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	replies, err := h.d.Inbox.SavedReplies(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	d := &savedRepliesData{Replies: replies, CanManage: model.Can(m.Role, model.ActInboxManage), Editing: f.Val("id")}
	h.render(w, r, v, status, "saved_replies", &page{Title: "Saved replies · " + m.Workspace.Name, Heading: "Saved replies", Section: "inbox",
		WS: &m, Form: f, Data: d})
}

// savedReplySave creates a saved reply, or changes one (with "id").
func (h *handler) savedReplySave(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	sr := model.SavedReply{ID: r.PostForm.Get("id"), Name: r.PostForm.Get("name"), Body: r.PostForm.Get("body")}
	if sr.ID != "" && !ids.Valid(sr.ID) {
		h.notFound(w, r, v)
		return
	}
	saved, err := h.d.Inbox.SaveReply(r.Context(), v.actor, ws, sr)
	if err != nil {
		f := newForm(r)
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("name", "body")
			h.renderSavedReplies(w, r, v, status, f)
		})
		return
	}
	h.setFlash(w, r, "success", "Saved the reply “"+saved.Name+"”.")
	redirect(w, r, "/w/"+ws+"/inbox/replies")
}

// savedReplyDelete removes a saved reply.
func (h *handler) savedReplyDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	ws, ok := h.pathID(w, r, v, "ws")
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, v, "rid")
	if !ok {
		return
	}
	err := h.d.Inbox.DeleteReply(r.Context(), v.actor, ws, rid)
	h.inboxBack(w, r, v, "/w/"+ws+"/inbox/replies", err, "The saved reply is removed.")
}
