package api

import (
	"encoding/json"
	"time"

	"herald/internal/model"
)

// The JSON shapes of the API. Field names are snake_case, instants are
// RFC 3339 in UTC, absent values are null rather than missing, so every
// object of one kind has the same keys (the OpenAPI schemas say which).

// stamp formats an instant as RFC 3339 UTC with second precision.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// stampOrNull is stamp for optional instants: the zero time is null.
func stampOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t)
	return &s
}

func stringOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type userView struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	IsAdmin     bool   `json:"is_admin"`
	TOTPEnabled bool   `json:"totp_enabled"`
	CreatedAt   string `json:"created_at"`
}

func viewUser(u model.User) userView {
	return userView{ID: u.ID, Email: u.Email, Name: u.Name, IsAdmin: u.IsAdmin, TOTPEnabled: u.TOTPEnabled, CreatedAt: stamp(u.CreatedAt)}
}

type workspaceView struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Role       string  `json:"role"` // the caller's role in it
	Archived   bool    `json:"archived"`
	ArchivedAt *string `json:"archived_at"`
	CreatedBy  *string `json:"created_by"`
	CreatedAt  string  `json:"created_at"`
}

func viewWorkspace(m model.Membership) workspaceView {
	w := m.Workspace
	return workspaceView{ID: w.ID, Name: w.Name, Role: string(m.Role), Archived: w.Archived(), ArchivedAt: stampOrNull(w.ArchivedAt),
		CreatedBy: stringOrNull(w.CreatedBy), CreatedAt: stamp(w.CreatedAt)}
}

type memberView struct {
	UserID   string `json:"user_id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	JoinedAt string `json:"joined_at"`
}

func viewMember(m model.Member) memberView {
	return memberView{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: string(m.Role), JoinedAt: stamp(m.CreatedAt)}
}

type invitationView struct {
	ID          string  `json:"id"`
	WorkspaceID string  `json:"workspace_id"`
	Email       string  `json:"email"`
	Role        string  `json:"role"`
	InvitedBy   *string `json:"invited_by"`
	CreatedAt   string  `json:"created_at"`
	ExpiresAt   string  `json:"expires_at"`
}

func viewInvitation(i model.Invitation) invitationView {
	return invitationView{ID: i.ID, WorkspaceID: i.WorkspaceID, Email: i.Email, Role: string(i.Role), InvitedBy: stringOrNull(i.InvitedBy),
		CreatedAt: stamp(i.CreatedAt), ExpiresAt: stamp(i.ExpiresAt)}
}

type tokenView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Prefix     string   `json:"prefix"`
	Scopes     []string `json:"scopes"`
	CreatedAt  string   `json:"created_at"`
	ExpiresAt  *string  `json:"expires_at"`
	LastUsedAt *string  `json:"last_used_at"`
}

func viewToken(t model.APIToken) tokenView {
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	return tokenView{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scopes: scopes, CreatedAt: stamp(t.CreatedAt),
		ExpiresAt: stampOrNull(t.ExpiresAt), LastUsedAt: stampOrNull(t.LastUsedAt)}
}

type auditView struct {
	ID          string          `json:"id"`
	At          string          `json:"at"`
	ActorID     *string         `json:"actor_id"`
	ActorLabel  string          `json:"actor_label"`
	Action      string          `json:"action"`
	ObjectType  *string         `json:"object_type"`
	ObjectID    *string         `json:"object_id"`
	WorkspaceID *string         `json:"workspace_id"`
	IP          *string         `json:"ip"`
	UserAgent   *string         `json:"user_agent"`
	Details     json.RawMessage `json:"details"`
}

func viewAudit(e model.AuditEntry) auditView {
	// Details were written as JSON by the audit package; anything else
	// (an empty column, a hand-edited row) is shown as null.
	details := json.RawMessage("null")
	if e.Details != "" && json.Valid([]byte(e.Details)) {
		details = json.RawMessage(e.Details)
	}
	return auditView{ID: e.ID, At: stamp(e.At), ActorID: stringOrNull(e.ActorID), ActorLabel: e.ActorLabel, Action: e.Action,
		ObjectType: stringOrNull(e.ObjectType), ObjectID: stringOrNull(e.ObjectID), WorkspaceID: stringOrNull(e.WorkspaceID),
		IP: stringOrNull(e.IP), UserAgent: stringOrNull(e.UserAgent), Details: details}
}

type channelView struct {
	ID            string            `json:"id"`
	WorkspaceID   string            `json:"workspace_id"`
	Network       string            `json:"network"`
	Name          string            `json:"name"`
	Handle        string            `json:"handle"`
	RemoteID      string            `json:"remote_id"`
	Status        string            `json:"status"`
	StatusMessage *string           `json:"status_message"`
	CheckedAt     *string           `json:"checked_at"`
	TimeZone      string            `json:"time_zone"`
	Defaults      map[string]string `json:"defaults"`
	Settings      map[string]string `json:"settings"`
	CreatedBy     *string           `json:"created_by"`
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
	Reveal        map[string]string `json:"reveal,omitempty"`
}

// viewChannel shows a channel without its credentials, which the domain
// keeps sealed and never hands to the edges; settings hold only the
// provider's non-secret options (server address, relays, room).
func viewChannel(c model.Channel) channelView {
	return channelView{ID: c.ID, WorkspaceID: c.WorkspaceID, Network: c.Network, Name: c.Name, Handle: c.Handle, RemoteID: c.RemoteID,
		Status: string(c.Status), StatusMessage: stringOrNull(c.StatusMessage), CheckedAt: stampOrNull(c.CheckedAt), TimeZone: c.TimeZone,
		Defaults: orEmpty(c.Defaults), Settings: orEmpty(c.Settings), CreatedBy: stringOrNull(c.CreatedBy),
		CreatedAt: stamp(c.CreatedAt), UpdatedAt: stamp(c.UpdatedAt), Reveal: c.Reveal}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// networkView describes a network a channel can be connected from. It is
// built from the provider's description, field by field (the API does not
// import the provider contract), in networkViews.
type networkView struct {
	Network      string             `json:"network"`
	Name         string             `json:"name"`
	Auth         string             `json:"auth"`
	Idempotency  string             `json:"idempotency"`
	Capabilities []string           `json:"capabilities"`
	Fields       []networkFieldView `json:"fields"`
	Limits       limitsView         `json:"limits"`
	DocsURL      *string            `json:"docs_url"`
	OAuth        *oauthSetupView    `json:"oauth"`
}

type networkFieldView struct {
	Name     string  `json:"name"`
	Label    string  `json:"label"`
	Help     *string `json:"help"`
	Secret   bool    `json:"secret"`
	Required bool    `json:"required"`
	Default  *string `json:"default"`
}

type oauthSetupView struct {
	RedirectURI   string   `json:"redirect_uri"`
	Scopes        []string `json:"scopes"`
	NeedsInstance bool     `json:"needs_instance"`
	Configured    bool     `json:"configured"`
}

type textLimitView struct {
	Method   string `json:"method"`
	Max      int    `json:"max"`
	MaxBytes int    `json:"max_bytes"`
}

type limitsView struct {
	Text          textLimitView `json:"text"`
	MaxMedia      int           `json:"max_media"`
	MaxImages     int           `json:"max_images"`
	MaxVideos     int           `json:"max_videos"`
	MixMedia      bool          `json:"mix_media"`
	ImageMaxBytes int64         `json:"image_max_bytes"`
	VideoMaxBytes int64         `json:"video_max_bytes"`
	AltRequired   bool          `json:"alt_required"`
	MaxThread     int           `json:"max_thread"`
	MediaRequired bool          `json:"media_required"`
}

type channelTestView struct {
	OK      bool    `json:"ok"`
	Message string  `json:"message"`
	Handle  *string `json:"handle"`
}

type authorizeView struct {
	AuthorizeURL string `json:"authorize_url"`
}
