package api

import (
	"strings"
	"time"
	"unicode/utf8"

	"herald/internal/inbox"
	"herald/internal/model"
)

// Contacts: the people who write to the workspace, with their handles,
// history, notes, tags and VIP flag; merging two; and their export and
// erasure (GDPR). Then the team's saved replies and each member's saved
// views of the list. Routes are in inbox_routes.go.

// contactHandleView is a contact's account on one network.
type contactHandleView struct {
	Network  string `json:"network"`
	RemoteID string `json:"remote_id"`
	Handle   string `json:"handle"`
}

// contactView is a contact.
type contactView struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Notes     string              `json:"notes"`
	Tags      []string            `json:"tags"`
	VIP       bool                `json:"vip"`
	Followers *int                `json:"followers"` // null: unknown
	Handles   []contactHandleView `json:"handles"`
	CreatedAt string              `json:"created_at"`
	UpdatedAt string              `json:"updated_at"`
}

func viewContact(c model.Contact) contactView {
	v := contactView{ID: c.ID, Name: c.Name, Notes: c.Notes, Tags: orNone(c.Tags), VIP: c.VIP, Handles: []contactHandleView{},
		CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt)}
	if c.Followers >= 0 {
		n := c.Followers
		v.Followers = &n
	}
	for _, h := range c.Handles {
		v.Handles = append(v.Handles, contactHandleView{Network: h.Network, RemoteID: h.RemoteID, Handle: h.Handle})
	}
	return v
}

// contactHistoryView is a contact with every message they wrote.
type contactHistoryView struct {
	Contact  contactView   `json:"contact"`
	Messages []messageView `json:"messages"`
}

func viewHistory(h inbox.ContactHistory) contactHistoryView {
	return contactHistoryView{Contact: viewContact(h.Contact), Messages: viewMessages(h.Messages)}
}

// contactList lists the workspace's contacts by name (at most 100),
// those whose name contains ?q=.
func (s *server) contactList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	q := c.r.URL.Query().Get("q")
	if utf8.RuneCountInString(q) > 200 {
		return reply{}, invalidField("q", "search for at most 200 characters")
	}
	list, err := s.d.Inbox.Contacts(c.ctx(), c.actor, ws, q)
	if err != nil {
		return reply{}, err
	}
	out := []contactView{}
	for _, ct := range list {
		out = append(out, viewContact(ct))
	}
	return ok(map[string]any{"contacts": out}), nil
}

// contactGet answers a contact with their history.
func (s *server) contactGet(c *call) (reply, error) {
	ws, id, err := c.wsAnd("contact")
	if err != nil {
		return reply{}, err
	}
	h, err := s.d.Inbox.Contact(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewHistory(h)), nil
}

// contactUpdate changes a contact's name, notes, tags or VIP flag;
// absent fields stay.
func (s *server) contactUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("contact")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name  *string  `json:"name"`
		Notes *string  `json:"notes"`
		Tags  []string `json:"tags"`
		VIP   *bool    `json:"vip"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	h, err := s.d.Inbox.Contact(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	ct := h.Contact
	if in.Name != nil {
		ct.Name = *in.Name
	}
	if in.Notes != nil {
		ct.Notes = *in.Notes
	}
	if in.Tags != nil {
		ct.Tags = in.Tags
	}
	if in.VIP != nil {
		ct.VIP = *in.VIP
	}
	if _, err = s.d.Inbox.UpdateContact(c.ctx(), c.actor, ws, ct); err != nil {
		return reply{}, err
	}
	// Read back as stored (the update time is the service's).
	if h, err = s.d.Inbox.Contact(c.ctx(), c.actor, ws, id); err != nil {
		return reply{}, err
	}
	return ok(viewContact(h.Contact)), nil
}

// contactMerge makes one contact of two: the other's handles, messages
// and conversations move to this one, which keeps its name and notes.
func (s *server) contactMerge(c *call) (reply, error) {
	ws, id, err := c.wsAnd("contact")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		From string `json:"from"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if !validID(in.From) {
		return reply{}, invalidField("from", "is the ID of the contact to merge into this one")
	}
	if err := s.d.Inbox.MergeContacts(c.ctx(), c.actor, ws, id, in.From); err != nil {
		return reply{}, err
	}
	h, err := s.d.Inbox.Contact(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewHistory(h)), nil
}

// contactExport answers everything Herald holds about a contact, as a
// JSON file (GDPR access).
func (s *server) contactExport(c *call) (reply, error) {
	ws, id, err := c.wsAnd("contact")
	if err != nil {
		return reply{}, err
	}
	x, err := s.d.Inbox.ExportContact(c.ctx(), c.actor, ws, id)
	if err != nil {
		return reply{}, err
	}
	c.w.Header().Set("Content-Disposition", `attachment; filename="contact-`+id+`.json"`)
	return ok(map[string]any{"contact": viewContact(x.Contact), "messages": viewMessages(x.Messages), "exported_at": stamp(time.Now())}), nil
}

// contactErase deletes a contact and everything they wrote (GDPR
// erasure).
func (s *server) contactErase(c *call) (reply, error) {
	ws, id, err := c.wsAnd("contact")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Inbox.EraseContact(c.ctx(), c.actor, ws, id)
}

// savedReplyView is a reusable answer.
type savedReplyView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Body      string `json:"body"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func viewSavedReply(r model.SavedReply) savedReplyView {
	return savedReplyView{ID: r.ID, Name: r.Name, Body: r.Body, CreatedBy: r.CreatedBy, CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt)}
}

func (s *server) savedReplyList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Inbox.SavedReplies(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := []savedReplyView{}
	for _, r := range list {
		out = append(out, viewSavedReply(r))
	}
	return ok(map[string]any{"saved_replies": out}), nil
}

func (s *server) saveReply(c *call, ws, id string) (model.SavedReply, error) {
	var in struct {
		Name string `json:"name"`
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return model.SavedReply{}, err
	}
	return s.d.Inbox.SaveReply(c.ctx(), c.actor, ws, model.SavedReply{ID: id, Name: in.Name, Body: in.Body})
}

func (s *server) savedReplyCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	r, err := s.saveReply(c, ws, "")
	if err != nil {
		return reply{}, err
	}
	return created(c, r.ID, viewSavedReply(r)), nil
}

func (s *server) savedReplyUpdate(c *call) (reply, error) {
	ws, id, err := c.wsAnd("saved reply")
	if err != nil {
		return reply{}, err
	}
	r, err := s.saveReply(c, ws, id)
	if err != nil {
		return reply{}, err
	}
	return ok(viewSavedReply(r)), nil
}

func (s *server) savedReplyDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("saved reply")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Inbox.DeleteReply(c.ctx(), c.actor, ws, id)
}

// inboxViewView is one of the caller's saved views of the list.
type inboxViewView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Query     string `json:"query"`
	CreatedAt string `json:"created_at"`
}

func viewInboxView(v model.InboxView) inboxViewView {
	return inboxViewView{ID: v.ID, Name: v.Name, Query: v.Query, CreatedAt: stamp(v.CreatedAt)}
}

func (s *server) inboxViewList(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	list, err := s.d.Inbox.Views(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	out := []inboxViewView{}
	for _, v := range list {
		out = append(out, viewInboxView(v))
	}
	return ok(map[string]any{"views": out}), nil
}

// inboxViewCreate saves a view; one of the same name is replaced (200
// with its ID, which stays).
func (s *server) inboxViewCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name  string `json:"name"`
		Query string `json:"query"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	// A view of the same name is replaced (200) and keeps its ID.
	list, err := s.d.Inbox.Views(c.ctx(), c.actor, ws)
	if err != nil {
		return reply{}, err
	}
	v, err := s.d.Inbox.SaveView(c.ctx(), c.actor, ws, in.Name, strings.TrimPrefix(in.Query, "?"))
	if err != nil {
		return reply{}, err
	}
	for _, got := range list {
		if got.ID == v.ID {
			return ok(viewInboxView(v)), nil
		}
	}
	return created(c, v.ID, viewInboxView(v)), nil
}

func (s *server) inboxViewDelete(c *call) (reply, error) {
	ws, id, err := c.wsAnd("view")
	if err != nil {
		return reply{}, err
	}
	return noContent(), s.d.Inbox.DeleteView(c.ctx(), c.actor, ws, id)
}
