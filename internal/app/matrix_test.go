package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/compose"
	"herald/internal/inbox"
	"herald/internal/model"
	"herald/internal/provider"
	"herald/internal/publish"
)

// The role × action matrix: every role performs every workspace action
// through both HTTP surfaces (web UI forms and the REST API), and the outcome
// must match model.Can. A non-member must get 404 everywhere. An action that
// the API does not offer says so (noAPI) instead of naming a request.

type member struct {
	role  model.Role // "" for a non-member
	actor model.Actor
	web   *http.Client
	csrf  string
	token string
}

// target is what one attempt acts on, prepared fresh by the owner.
type target struct {
	userID, invitationID, channelID, postID, mediaID string
	conversationID, messageID                        string
}

type actionCase struct {
	action  model.Action
	variant string // tells apart several cases of one action in test names
	prepare func(t *testing.T) target
	web     func(m *member, tg target) *http.Request
	api     func(m *member, tg target) *http.Request // nil when the API does not offer the action
	noAPI   string                                   // why api is nil
	undo    func(t *testing.T)                       // restore shared state after an allowed attempt
}

func (c actionCase) name() string {
	if c.variant == "" {
		return string(c.action)
	}
	return string(c.action) + ":" + c.variant
}

// surfaces lists the HTTP surfaces a case runs on.
func (c actionCase) surfaces() []string {
	if c.api == nil {
		return []string{"web"}
	}
	return []string{"web", "api"}
}

type matrix struct {
	a     *app.App
	srv   *httptest.Server
	ws    string
	owner model.Actor
	n     int
}

func TestRoleActionMatrix(t *testing.T) {
	eachDB(t, func(t *testing.T, a *app.App) {
		srv := httptest.NewServer(a.Handler())
		defer srv.Close()
		mx := &matrix{a: a, srv: srv}
		mx.setup(t)
		members := []*member{}
		for _, r := range model.Roles {
			members = append(members, mx.join(t, r))
		}
		members = append(members, mx.outsider(t))
		for _, c := range mx.cases() {
			for _, m := range members {
				for _, surface := range c.surfaces() {
					name := fmt.Sprintf("%s/%s/%s", c.name(), roleName(m.role), surface)
					t.Run(name, func(t *testing.T) {
						tg := c.prepare(t)
						var req *http.Request
						client := m.web
						if surface == "web" {
							req = c.web(m, tg)
						} else {
							req = c.api(m, tg)
							req.Header.Set("Authorization", "Bearer "+m.token)
							client = http.DefaultClient
						}
						status, loc := do(t, client, req)
						mx.check(t, m, c, surface, status, loc)
					})
				}
			}
		}
	})
}

func roleName(r model.Role) string {
	if r == "" {
		return "non-member"
	}
	return string(r)
}

func (mx *matrix) check(t *testing.T, m *member, c actionCase, surface string, status int, loc string) {
	t.Helper()
	switch {
	case m.role == "":
		if status != http.StatusNotFound {
			t.Fatalf("non-member got %d, want 404", status)
		}
	case model.Can(m.role, c.action):
		ok := status >= 200 && status < 300 || (surface == "web" && (status == http.StatusSeeOther || status == http.StatusFound) && !strings.HasPrefix(loc, "/login"))
		if !ok {
			t.Fatalf("%s may %s but got %d (location %q)", m.role, c.action, status, loc)
		}
		if c.undo != nil {
			c.undo(t)
		}
	default:
		if status != http.StatusForbidden {
			t.Fatalf("%s may not %s but got %d (location %q)", m.role, c.action, status, loc)
		}
	}
}

func do(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func (mx *matrix) setup(t *testing.T) {
	ctx := context.Background()
	u, err := mx.a.Accounts.Setup(ctx, model.Actor{}, accountNew("owner@matrix.test"))
	if err != nil {
		t.Fatal(err)
	}
	mx.owner = actorOf(u, "127.0.0.1")
	mx.a.Providers.Register(matrixOAuth{})
	w, err := mx.a.Workspaces.Create(ctx, mx.owner, "Matrix")
	if err != nil {
		t.Fatal(err)
	}
	mx.ws = w.ID
}

func (mx *matrix) fresh(t *testing.T, role string) (userID string) {
	t.Helper()
	mx.n++
	inv, err := mx.a.Workspaces.Invite(context.Background(), mx.owner, mx.ws, fmt.Sprintf("user%d@matrix.test", mx.n), role)
	if err != nil {
		t.Fatal(err)
	}
	token := inv.Link[strings.LastIndex(inv.Link, "/")+1:]
	u, err := mx.a.Workspaces.AcceptWithNewAccount(context.Background(), mx.a.Accounts, model.Actor{IP: "127.0.0.1"}, token, "Member", "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (mx *matrix) join(t *testing.T, role model.Role) *member {
	id := mx.fresh(t, string(role))
	u, err := mx.a.Accounts.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return mx.client(t, u, role)
}

func (mx *matrix) outsider(t *testing.T) *member {
	u, err := mx.a.Accounts.CreateUser(context.Background(), model.Actor{Via: "cli"}, accountNew("outsider@matrix.test"))
	if err != nil {
		t.Fatal(err)
	}
	return mx.client(t, u, "")
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// client signs u in through the UI's own form and mints an all-scopes token.
func (mx *matrix) client(t *testing.T, u model.User, role model.Role) *member {
	ctx := context.Background()
	m := &member{role: role, actor: actorOf(u, "127.0.0.1")}
	jar, _ := cookiejar.New(nil)
	m.web = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	m.csrf = mx.csrfFrom(t, m.web, "/login")
	resp, err := m.web.PostForm(mx.srv.URL+"/login", url.Values{"email": {u.Email}, "password": {"a long enough password"}, "csrf": {m.csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: status %d", u.Email, resp.StatusCode)
	}
	m.csrf = mx.csrfFrom(t, m.web, "/account")
	all := make([]string, len(model.Scopes))
	for i, s := range model.Scopes {
		all[i] = string(s.Scope)
	}
	raw, _, err := mx.a.Accounts.CreateToken(ctx, m.actor, account.NewToken{Name: "matrix", Scopes: all})
	if err != nil {
		t.Fatal(err)
	}
	m.token = raw
	return m
}

func (mx *matrix) csrfFrom(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	resp, err := c.Get(mx.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	match := csrfField.FindSubmatch(body)
	if match == nil {
		t.Fatalf("no csrf field on %s (status %d)", path, resp.StatusCode)
	}
	return string(match[1])
}

func (mx *matrix) form(m *member, path string, v url.Values) *http.Request {
	if v == nil {
		v = url.Values{}
	}
	v.Set("csrf", m.csrf)
	req, _ := http.NewRequest(http.MethodPost, mx.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func (mx *matrix) page(path string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, mx.srv.URL+path, nil)
	return req
}

func (mx *matrix) json(method, path, body string) *http.Request {
	req, _ := http.NewRequest(method, mx.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func (mx *matrix) cases() []actionCase {
	none := func(t *testing.T) target { return target{} }
	victim := func(t *testing.T) target { return target{userID: mx.fresh(t, "viewer")} }
	invitation := func(t *testing.T) target {
		mx.n++
		inv, err := mx.a.Workspaces.Invite(context.Background(), mx.owner, mx.ws, fmt.Sprintf("pending%d@matrix.test", mx.n), "viewer")
		if err != nil {
			t.Fatal(err)
		}
		return target{invitationID: inv.Invitation.ID}
	}
	channel := func(t *testing.T) target {
		mx.n++
		c, err := mx.a.Channels.Connect(context.Background(), mx.owner, mx.ws, "fake", map[string]string{"handle": fmt.Sprintf("victim%d", mx.n)})
		if err != nil {
			t.Fatal(err)
		}
		return target{channelID: c.ID}
	}
	post := func(t *testing.T) target {
		tg := channel(t)
		p, err := mx.a.Compose.Create(context.Background(), mx.owner, mx.ws, compose.Draft{Base: model.Content{Text: "A post"}, Channels: []string{tg.channelID}})
		if err != nil {
			t.Fatal(err)
		}
		tg.postID = p.ID
		return tg
	}
	asset := func(t *testing.T) target {
		m, err := mx.a.Media.Upload(context.Background(), mx.owner, mx.ws, "dot.png", bytes.NewReader(tinyPNG(t)))
		if err != nil {
			t.Fatal(err)
		}
		return target{mediaID: m.ID}
	}
	// needsApproval makes a post by the owner that a workflow naming every
	// role in its one step must approve, sent for approval when submitted.
	needsApproval := func(submitted bool) func(t *testing.T) target {
		return func(t *testing.T) target {
			ctx := context.Background()
			_, err := mx.a.Approvals.SaveWorkflow(ctx, mx.owner, mx.ws, model.Workflow{AppliesUsers: []string{mx.owner.UserID},
				Steps: []model.ApprovalStep{{Name: "Anyone", Roles: model.Roles}}})
			if err != nil {
				t.Fatal(err)
			}
			tg := post(t)
			if submitted {
				if _, err := mx.a.Approvals.Submit(ctx, mx.owner, mx.ws, tg.postID); err != nil {
					t.Fatal(err)
				}
			}
			return tg
		}
	}
	// conversation puts a mention from someone into the inbox.
	conversation := func(t *testing.T) target {
		tg := channel(t)
		ctx := context.Background()
		chs, err := mx.a.Channels.List(ctx, mx.owner, mx.ws)
		if err != nil {
			t.Fatal(err)
		}
		mx.n++
		for _, c := range chs {
			if c.ID != tg.channelID {
				continue
			}
			id := fmt.Sprintf("mention-%d", mx.n)
			if _, err := mx.a.Inbox.Ingest(ctx, inbox.Batch{Channel: c, Items: []provider.Interaction{{Kind: "mention", ID: id,
				AuthorID: "ada", Author: "@ada", Text: "Hello there", CreatedAt: time.Now()}}}); err != nil {
				t.Fatal(err)
			}
			ms, err := mx.a.Store.Read().MessagesByRemote(ctx, c.ID, []string{id})
			if err != nil || len(ms) != 1 {
				t.Fatal(ms, err)
			}
			tg.conversationID, tg.messageID, tg.userID = ms[0].ConversationID, ms[0].ID, ms[0].ContactID
		}
		return tg
	}
	// pendingReply is the owner's reply to a conversation, waiting for
	// approval because the workspace asks it of Owners.
	pendingReply := func(t *testing.T) target {
		tg := conversation(t)
		ctx := context.Background()
		if _, err := mx.a.Inbox.SaveSettings(ctx, mx.owner, mx.ws, model.InboxSettings{ReplyApprovalRoles: []model.Role{model.RoleOwner}}); err != nil {
			t.Fatal(err)
		}
		m, err := mx.a.Inbox.Reply(ctx, mx.owner, mx.ws, tg.conversationID, "", "Thanks!")
		if err != nil || m.State != "pending_approval" {
			t.Fatal(m.State, err)
		}
		tg.messageID = m.ID
		return tg
	}
	ws := "/w/" + mx.ws
	api := "/api/v1/workspaces/" + mx.ws
	newEmail := func() string { mx.n++; return fmt.Sprintf("new%d@matrix.test", mx.n) }
	newHandle := func() string { mx.n++; return fmt.Sprintf("handle%d", mx.n) }
	cases := []actionCase{
		{action: model.ActWorkspaceView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws) },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api, "") }},
		{action: model.ActWorkspaceRename, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/settings", url.Values{"name": {"Renamed"}})
			},
			api: func(m *member, _ target) *http.Request { return mx.json("PATCH", api, `{"name":"Renamed"}`) }},
		{action: model.ActWorkspaceArchive, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.form(m, ws+"/archive", nil) },
			api: func(m *member, _ target) *http.Request { return mx.json("PATCH", api, `{"archived":true}`) },
			undo: func(t *testing.T) {
				if err := mx.a.Workspaces.SetArchived(context.Background(), mx.owner, mx.ws, false); err != nil {
					t.Fatal(err)
				}
			}},
		{action: model.ActMemberView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws + "/members") },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api+"/members", "") }},
		{action: model.ActMemberInvite, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/invitations", url.Values{"email": {newEmail()}, "role": {"viewer"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/invitations", `{"email":"`+newEmail()+`","role":"viewer"}`)
			}},
		{action: model.ActMemberRole, prepare: victim,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/members/"+tg.userID+"/role", url.Values{"role": {"contributor"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("PATCH", api+"/members/"+tg.userID, `{"role":"contributor"}`)
			}},
		{action: model.ActMemberRemove, prepare: victim,
			web: func(m *member, tg target) *http.Request { return mx.form(m, ws+"/members/"+tg.userID+"/remove", nil) },
			api: func(m *member, tg target) *http.Request { return mx.json("DELETE", api+"/members/"+tg.userID, "") }},
		{action: model.ActInvitationRevoke, prepare: invitation,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/invitations/"+tg.invitationID+"/revoke", nil)
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("DELETE", api+"/invitations/"+tg.invitationID, "")
			}},
		{action: model.ActAuditView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws + "/audit") },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api+"/audit", "") }},
		{action: model.ActChannelView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws + "/channels") },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api+"/channels", "") }},
		{action: model.ActChannelView, variant: "test", prepare: channel,
			web: func(m *member, tg target) *http.Request { return mx.form(m, ws+"/channels/"+tg.channelID+"/test", nil) },
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/channels/"+tg.channelID+"/test", "")
			}},
		{action: model.ActChannelManage, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/channels/new/fake", url.Values{"handle": {newHandle()}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/channels", `{"network":"fake","fields":{"handle":"`+newHandle()+`"}}`)
			}},
		{action: model.ActChannelManage, variant: "disconnect", prepare: channel,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/channels/"+tg.channelID+"/disconnect", nil)
			},
			api: func(m *member, tg target) *http.Request { return mx.json("DELETE", api+"/channels/"+tg.channelID, "") }},
		{action: model.ActChannelApps, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/channels/apps", url.Values{"network": {"matrixoauth"}, "client_id": {"client-" + newHandle()}, "client_secret": {"s"}})
			},
			noAPI: "network app credentials are entered in the web UI only: the API never carries client secrets"},
		{action: model.ActPostView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws + "/posts") },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api+"/posts", "") }},
		{action: model.ActPostEdit, prepare: channel,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/posts/new", url.Values{"text": {"Hello"}, "channel": {tg.channelID}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/posts", `{"base":{"text":"Hello"},"channels":["`+tg.channelID+`"]}`)
			}},
		{action: model.ActPostDelete, prepare: post,
			web: func(m *member, tg target) *http.Request { return mx.form(m, ws+"/posts/"+tg.postID+"/delete", nil) },
			api: func(m *member, tg target) *http.Request { return mx.json("DELETE", api+"/posts/"+tg.postID, "") }},
		{action: model.ActComposeSettings, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/settings/pillars", url.Values{"name": {"Pillar " + newHandle()}, "color": {"#336699"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/pillars", `{"name":"Pillar `+newHandle()+`","color":"#336699"}`)
			}},
		{action: model.ActMediaEdit, prepare: asset,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/media/"+tg.mediaID, url.Values{"alt": {"A dot"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("PATCH", api+"/media/"+tg.mediaID, `{"alt":"A dot"}`)
			}},
		{action: model.ActLinkView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws + "/links") },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api+"/links", "") }},
		{action: model.ActLinkManage, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/links", url.Values{"url": {"https://example.com/" + newHandle()}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/links", `{"url":"https://example.com/`+newHandle()+`"}`)
			}},
		{action: model.ActConversionManage, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/settings/conversions", url.Values{"enabled": {"1"}, "window_days": {"7"}, "origins": {"https://shop.example"}})
			},
			noAPI: "conversion settings and the signing secret are managed in the web UI only: the API never hands out secrets"},
		{action: model.ActConversionManage, variant: "rotate", prepare: none,
			web:   func(m *member, _ target) *http.Request { return mx.form(m, ws+"/settings/conversions/secret", nil) },
			noAPI: "the conversion signing secret is shown in the web UI only"},
		{action: model.ActMediaDelete, prepare: asset,
			web: func(m *member, tg target) *http.Request { return mx.form(m, ws+"/media/"+tg.mediaID+"/delete", nil) },
			api: func(m *member, tg target) *http.Request { return mx.json("DELETE", api+"/media/"+tg.mediaID, "") }},
		{action: model.ActPostSchedule, prepare: post,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/posts/"+tg.postID+"/schedule", url.Values{"mode": {"now"}, "confirm_paused": {"1"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/posts/"+tg.postID+"/schedule", `{"mode":"now","confirm_paused":true}`)
			}},
		{action: model.ActPublishPause, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/pause", url.Values{"reason": {"Matrix check"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/pauses", `{"reason":"Matrix check"}`)
			},
			undo: func(t *testing.T) {
				if err := mx.a.Publish.Resume(context.Background(), mx.owner, mx.ws, "", publish.ResumeReview, nil); err != nil {
					t.Fatal(err)
				}
			}},
		{action: model.ActCalendarEdit, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/calendar/entries", url.Values{"kind": {"note"}, "title": {"Matrix check"}, "starts": {"2027-01-04"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/calendar/entries", `{"kind":"event","title":"Matrix check","starts":"2027-01-04"}`)
			}},
		{action: model.ActCalendarShare, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/calendar/shares", url.Values{"share_name": {"Matrix client"}, "days": {"7"}})
			},
			noAPI: "client links are made and revoked on the calendar's sharing page; the links themselves need no API"},
		{action: model.ActBoardEdit, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/board/cards", url.Values{"title": {"Matrix check"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/board/cards", `{"title":"Matrix check"}`)
			}},
		// Each allowed attempt adds a column with a new name (names are
		// unique on a board); 3 roles × 2 surfaces stay under the limit.
		{action: model.ActBoardColumns, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/board/columns", url.Values{"name": {"Column " + newHandle()}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/board/columns", `{"name":"Column `+newHandle()+`"}`)
			}},
		{action: model.ActInboxView, prepare: none,
			web: func(m *member, _ target) *http.Request { return mx.page(ws + "/inbox") },
			api: func(m *member, _ target) *http.Request { return mx.json("GET", api+"/inbox/conversations", "") }},
		{action: model.ActInboxReply, prepare: conversation,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/inbox/conversations/"+tg.conversationID+"/reply", url.Values{"text": {"Thanks!"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/inbox/conversations/"+tg.conversationID+"/replies", `{"text":"Thanks!"}`)
			}},
		{action: model.ActInboxManage, prepare: conversation,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/inbox/conversations/"+tg.conversationID+"/note", url.Values{"body": {"Matrix note"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/inbox/conversations/"+tg.conversationID+"/notes", `{"body":"Matrix note"}`)
			}},
		{action: model.ActInboxApprove, prepare: pendingReply,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/inbox/messages/"+tg.messageID+"/approve", url.Values{"decision": {"reject"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/inbox/messages/"+tg.messageID+"/approval", `{"approve":false}`)
			}},
		{action: model.ActInboxSettings, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/inbox/admin/settings", url.Values{"zone": {"Europe/Paris"}, "first_response_mins": {"60"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("PUT", api+"/inbox/settings", `{"zone":"Europe/Paris","first_response_mins":60}`)
			}},
		{action: model.ActInboxRules, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/inbox/admin/rules", url.Values{"name": {"Matrix " + newHandle()}, "enabled": {"1"},
					"conditions.0.type": {"keywords"}, "conditions.0.words": {"matrix"}, "actions.0.type": {"tag"}, "actions.0.tags": {"matrix"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/inbox/rules", `{"name":"Matrix `+newHandle()+`","enabled":true,"conditions":[{"type":"keywords","words":["matrix"]}],"actions":[{"type":"tag","tags":["matrix"]}]}`)
			}},
		{action: model.ActCompetitorManage, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/analytics/competitors", url.Values{"network": {"fake"}, "handle": {"rival-" + newHandle()}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/competitors", `{"network":"fake","handle":"rival-`+newHandle()+`"}`)
			}},
		{action: model.ActReportView, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.page(ws + "/analytics.pdf?from=2026-11-01&to=2026-11-07")
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("GET", api+"/reports/pdf?from=2026-11-01&to=2026-11-07", "")
			}},
		{action: model.ActReportManage, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/reports/schedules", url.Values{"name": {"Matrix"}, "frequency": {"weekly"}, "weekday": {"monday"},
					"hour": {"9"}, "zone": {"UTC"}, "recipients": {"matrix@example.test"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("POST", api+"/reports/schedules", `{"name":"Matrix","frequency":"weekly","weekday":"monday","hour":9,"zone":"UTC","recipients":["matrix@example.test"]}`)
			}},
		{action: model.ActContactPrivacy, prepare: conversation,
			web: func(m *member, tg target) *http.Request { return mx.form(m, ws+"/contacts/"+tg.userID+"/export", nil) },
			api: func(m *member, tg target) *http.Request {
				return mx.json("GET", api+"/contacts/"+tg.userID+"/export", "")
			}},
		{action: model.ActSlotsManage, prepare: channel,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/channels/"+tg.channelID+"/queue/slots",
					url.Values{"slot_rows": {"1"}, "slot_day_0": {"1"}, "slot_time_0": {"09:30"}, "op": {"save"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("PUT", api+"/channels/"+tg.channelID+"/slots", `{"slots":["mon 09:30"]}`)
			}},
		{action: model.ActApprovalSetup, prepare: none,
			web: func(m *member, _ target) *http.Request {
				return mx.form(m, ws+"/approvals/setup", url.Values{"applies_role": {"contributor"}, "step1_kind": {"members"}, "step1_role": {"editor"}})
			},
			api: func(m *member, _ target) *http.Request {
				return mx.json("PUT", api+"/approval-workflows", `{"applies_roles":["contributor"],"steps":[{"name":"Team","roles":["editor"]}]}`)
			}},
		{action: model.ActPostSubmit, prepare: needsApproval(false),
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/posts/"+tg.postID+"/approval/submit", nil)
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/posts/"+tg.postID+"/approval/submit", "")
			}},
		{action: model.ActPostApprove, prepare: needsApproval(true),
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/posts/"+tg.postID+"/approval/decide", url.Values{"decision": {"approve"}, "version": {"1"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/posts/"+tg.postID+"/approval/decisions", `{"decision":"approve","version":1}`)
			}},
		{action: model.ActPostComment, prepare: post,
			web: func(m *member, tg target) *http.Request {
				return mx.form(m, ws+"/posts/"+tg.postID+"/comments", url.Values{"body": {"Matrix check"}})
			},
			api: func(m *member, tg target) *http.Request {
				return mx.json("POST", api+"/posts/"+tg.postID+"/comments", `{"body":"Matrix check"}`)
			}},
	}
	return cases
}

// TestMatrixCoversEveryAction fails when an action is added to the
// permission table without a row in the matrix above, or a row lacks a
// surface: every case acts through the web UI, and through the API unless
// it says why the API does not offer the action.
func TestMatrixCoversEveryAction(t *testing.T) {
	covered := map[model.Action]bool{}
	for _, c := range (&matrix{}).cases() {
		covered[c.action] = true
		switch {
		case c.web == nil:
			t.Errorf("a %s case has no web request", c.action)
		case c.api == nil && c.noAPI == "":
			t.Errorf("a %s case has no API request and does not say why", c.action)
		case c.api != nil && c.noAPI != "":
			t.Errorf("a %s case has an API request yet says the API lacks it", c.action)
		}
	}
	for _, p := range model.Permissions {
		if !covered[p.Action] {
			t.Errorf("action %s has no case in the role × action matrix", p.Action)
		}
	}
}

// matrixOAuth is an OAuth network, so that saving a network app (which only
// OAuth networks have) has something to save.
type matrixOAuth struct{}

func (matrixOAuth) Info() provider.Info {
	return provider.Info{Network: "matrixoauth", Name: "Matrix OAuth", Auth: provider.AuthOAuth2}
}

func (matrixOAuth) OAuth2Config(provider.App, map[string]string) (provider.OAuthConfig, error) {
	return provider.OAuthConfig{AuthURL: "https://auth.example.test/authorize", TokenURL: "https://auth.example.test/token", Scopes: []string{"write"}}, nil
}

// tinyPNG is a valid 2×2 image for the media cases.
func tinyPNG(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
