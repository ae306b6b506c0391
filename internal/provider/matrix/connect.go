package matrix

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"herald/internal/provider"
)

// Connect logs in when needed, checks the token, resolves and joins the
// room, and checks that the account may post there.
func (p *Provider) Connect(ctx context.Context, input map[string]string) (provider.Account, error) {
	hs, err := normaliseHomeserver(input["homeserver"])
	if err != nil {
		return provider.Account{}, err
	}
	hs = p.discover(ctx, hs)
	room := strings.TrimSpace(input["room"])
	if !strings.HasPrefix(room, "!") && !strings.HasPrefix(room, "#") || !strings.Contains(room, ":") {
		return provider.Account{}, permanent("connect", "the room must be a room id (!abc:server) or an alias (#room:server)")
	}
	token, device := strings.TrimSpace(input["access_token"]), ""
	if token == "" {
		if token, device, err = p.login(ctx, hs, strings.TrimSpace(input["user_id"]), input["password"]); err != nil {
			return provider.Account{}, err
		}
	}
	c := p.client(hs, token)
	me, err := c.whoami(ctx, "connect")
	if err != nil {
		return provider.Account{}, err
	}
	if device == "" {
		device = me.DeviceID
	}
	roomID, err := c.resolveRoom(ctx, room)
	if err != nil {
		return provider.Account{}, err
	}
	if err := c.ensureJoined(ctx, roomID, room, me.UserID); err != nil {
		return provider.Account{}, err
	}
	if err := c.canPost(ctx, roomID, me.UserID, "connect"); err != nil {
		return provider.Account{}, err
	}
	return provider.Account{
		RemoteID:    roomID,
		Handle:      room + " (" + me.UserID + ")",
		Credentials: map[string]string{credToken: token, credDevice: device},
		Settings:    map[string]string{settingHS: hs, settingRoomID: roomID, settingRoom: room, settingUserID: me.UserID},
		Limits:      defaultLimits,
	}, nil
}

// discover follows the homeserver's client discovery document
// (https://spec.matrix.org/latest/client-server-api/#well-known-uri), so a
// user may enter the server name rather than the client API's host. Any
// failure keeps the address as entered: most servers have no such document.
func (p *Provider) discover(ctx context.Context, hs string) string {
	var wk struct {
		Homeserver struct {
			BaseURL string `json:"base_url"`
		} `json:"m.homeserver"`
	}
	c := p.client(hs, "")
	if err := c.do(ctx, request{op: "connect", method: http.MethodGet, path: "/.well-known/matrix/client", noAuth: true}, &wk); err != nil {
		return hs
	}
	if base, err := normaliseHomeserver(wk.Homeserver.BaseURL); err == nil && wk.Homeserver.BaseURL != "" {
		return base
	}
	return hs
}

// login exchanges a password for an access token
// (https://spec.matrix.org/latest/client-server-api/#post_matrixclientv3login).
// The password is not kept.
func (p *Provider) login(ctx context.Context, hs, user, password string) (token, device string, err error) {
	if user == "" || password == "" {
		return "", "", permanent("connect", "give an access token, or a user id and password")
	}
	body := map[string]any{
		"type":                        "m.login.password",
		"identifier":                  map[string]string{"type": "m.id.user", "user": user},
		"password":                    password,
		"initial_device_display_name": "Herald",
	}
	var out struct {
		AccessToken string `json:"access_token"`
		DeviceID    string `json:"device_id"`
	}
	err = p.client(hs, "").do(ctx, request{op: "connect", method: http.MethodPost, path: "/_matrix/client/v3/login", body: body, noAuth: true}, &out)
	if e := provider.AsError(err); e != nil && e.Status == http.StatusForbidden {
		// M_FORBIDDEN here means wrong credentials: the user must fix them.
		e.Trait = provider.AuthExpired
	}
	if err != nil {
		return "", "", err
	}
	return out.AccessToken, out.DeviceID, nil
}

type whoami struct {
	UserID   string `json:"user_id"`
	DeviceID string `json:"device_id"`
}

// whoami identifies the token's owner
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3accountwhoami).
func (c *client) whoami(ctx context.Context, op string) (whoami, error) {
	var out whoami
	err := c.do(ctx, request{op: op, method: http.MethodGet, path: "/_matrix/client/v3/account/whoami"}, &out)
	return out, err
}

// resolveRoom turns an alias into a room id
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3directoryroomroomalias).
func (c *client) resolveRoom(ctx context.Context, room string) (string, error) {
	if strings.HasPrefix(room, "!") {
		return room, nil
	}
	var out struct {
		RoomID string `json:"room_id"`
	}
	err := c.do(ctx, request{op: "connect", method: http.MethodGet, path: "/_matrix/client/v3/directory/room/" + pathEscape(room)}, &out)
	return out.RoomID, err
}

// membership reads the user's m.room.member state in the room
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3roomsroomidstateeventtypestatekey).
func (c *client) membership(ctx context.Context, roomID, userID, op string) (string, error) {
	var out struct {
		Membership string `json:"membership"`
	}
	err := c.do(ctx, request{op: op, method: http.MethodGet,
		path: "/_matrix/client/v3/rooms/" + pathEscape(roomID) + "/state/m.room.member/" + pathEscape(userID)}, &out)
	if code := errcode(err); code == "M_NOT_FOUND" || code == "M_FORBIDDEN" {
		// Never a member: no state event, or no right to read the room.
		return "", nil
	}
	return out.Membership, err
}

// ensureJoined joins the room unless the user is in it already
// (https://spec.matrix.org/latest/client-server-api/#post_matrixclientv3joinroomidoralias).
// Joining by alias lets the server route the join over federation.
func (c *client) ensureJoined(ctx context.Context, roomID, asEntered, userID string) error {
	m, err := c.membership(ctx, roomID, userID, "connect")
	if err != nil || m == "join" {
		return err
	}
	if m == "ban" {
		return permanent("connect", "%s is banned from %s", userID, asEntered)
	}
	return c.do(ctx, request{op: "connect", method: http.MethodPost, path: "/_matrix/client/v3/join/" + pathEscape(asEntered), write: true}, nil)
}

// powerLevels is the m.room.power_levels content
// (https://spec.matrix.org/latest/client-server-api/#mroompower_levels).
type powerLevels struct {
	Users         map[string]int `json:"users"`
	UsersDefault  int            `json:"users_default"`
	Events        map[string]int `json:"events"`
	EventsDefault int            `json:"events_default"`
	Redact        *int           `json:"redact"`
}

// canPost checks the user's power level against what m.room.message needs,
// reading the room's m.room.power_levels state
// (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv3roomsroomidstateeventtypestatekey).
func (c *client) canPost(ctx context.Context, roomID, userID, op string) error {
	var pl powerLevels
	err := c.do(ctx, request{op: op, method: http.MethodGet, path: "/_matrix/client/v3/rooms/" + pathEscape(roomID) + "/state/m.room.power_levels/"}, &pl)
	if errcode(err) == "M_NOT_FOUND" {
		return nil // no power levels event: everyone may post
	}
	if err != nil {
		return err
	}
	have, ok := pl.Users[userID]
	if !ok {
		have = pl.UsersDefault
	}
	need, ok := pl.Events["m.room.message"]
	if !ok {
		need = pl.EventsDefault
	}
	if have < need {
		return permanent(op, "%s has power level %d in this room and posting needs %d; ask a room admin", userID, have, need)
	}
	return nil
}

// Check verifies the token, the membership and the right to post.
func (p *Provider) Check(ctx context.Context, acct provider.Account) (provider.Status, error) {
	c, roomID, err := p.accountClient(acct, "check")
	if err != nil {
		return provider.Status{Message: provider.AsError(err).Message}, err
	}
	me, err := c.whoami(ctx, "check")
	if err != nil {
		return provider.Status{Message: message(err)}, err
	}
	room := acct.Settings[settingRoom]
	m, err := c.membership(ctx, roomID, me.UserID, "check")
	if err != nil {
		return provider.Status{Handle: me.UserID, Message: message(err)}, err
	}
	if m != "join" {
		err := permanent("check", "%s is not in %s (membership: %s); reconnect to join it", me.UserID, room, orNone(m))
		return provider.Status{Handle: me.UserID, Message: err.Message}, err
	}
	if err := c.canPost(ctx, roomID, me.UserID, "check"); err != nil {
		return provider.Status{Handle: me.UserID, Message: message(err)}, err
	}
	return provider.Status{OK: true, Handle: me.UserID, Message: fmt.Sprintf("%s can post in %s", me.UserID, room)}, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func message(err error) string {
	if e := provider.AsError(err); e != nil {
		return e.Message
	}
	return err.Error()
}

// RefreshLimits reads the homeserver's upload limit from the authenticated
// media config (https://spec.matrix.org/latest/client-server-api/#get_matrixclientv1mediaconfig),
// falling back to the older /_matrix/media/v3/config on servers before v1.11.
func (p *Provider) RefreshLimits(ctx context.Context, acct provider.Account) (provider.Limits, error) {
	c, _, err := p.accountClient(acct, "refresh limits")
	if err != nil {
		return provider.Limits{}, err
	}
	var cfg struct {
		UploadSize int64 `json:"m.upload.size"`
	}
	err = c.do(ctx, request{op: "refresh limits", method: http.MethodGet, path: "/_matrix/client/v1/media/config"}, &cfg)
	if code := errcode(err); code == "M_UNRECOGNIZED" || code == "M_NOT_FOUND" {
		err = c.do(ctx, request{op: "refresh limits", method: http.MethodGet, path: "/_matrix/media/v3/config"}, &cfg)
	}
	if err != nil {
		return provider.Limits{}, err
	}
	lim := defaultLimits
	if cfg.UploadSize > 0 {
		lim.ImageMaxBytes, lim.VideoMaxBytes = cfg.UploadSize, cfg.UploadSize
	}
	return lim, nil
}
