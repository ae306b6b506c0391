package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"herald/internal/links"
	"herald/internal/model"
)

// linkEnv is a Herald with an owner signed in and a workspace with one
// channel of the built-in demo network.
type linkEnv struct {
	*env
	c    *client
	ws   model.Workspace
	ch   model.Channel
	base string // /w/{ws}/links
}

func newLinkEnv(t *testing.T) *linkEnv {
	t.Helper()
	e := newEnv(t)
	le := &linkEnv{env: e, c: e.owner()}
	le.ws = e.workspace("owner@example.test", "Acme")
	le.base = "/w/" + le.ws.ID + "/links"
	ch, err := e.a.Channels.Connect(context.Background(), e.actor("owner@example.test"), le.ws.ID, "fake", map[string]string{"handle": "acme"})
	if err != nil {
		t.Fatal(err)
	}
	le.ch = ch
	return le
}

// click visits a short link as a browser (or a crawler) would.
func (le *linkEnv) click(code, userAgent string) *http.Response {
	le.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, le.srv.URL+"/l/"+code, nil)
	req.Header.Set("User-Agent", userAgent)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		le.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var linkPathRe = regexp.MustCompile(`^/w/[0-9a-z]{26}/links/([0-9a-z]{26})$`)

func TestLinkCreateStatsEditDelete(t *testing.T) {
	le := newLinkEnv(t)
	c := le.c

	p := c.open(le.base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "No tracked links yet", "New link", "Clicks by channel", "@acme")
	if !strings.Contains(p.body, `href="`+le.base+`" aria-current="page"`) {
		t.Error("the navigation does not mark Links as the current page")
	}

	// A bad address is named next to the field, and what was typed stays.
	p = c.post(le.base, url.Values{"url": {"ftp://example.com/x"}, "campaign": {"Spring"}, "channel_id": {le.ch.ID}})
	wantStatus(t, p, http.StatusBadRequest)
	if msg := fieldError(t, p.body, "url"); !strings.Contains(msg, "Enter a full web address") {
		t.Errorf("url error %q", msg)
	}
	if !strings.Contains(p.body, `value="Spring"`) || !strings.Contains(p.body, `value="`+le.ch.ID+`" selected`) {
		t.Error("the form lost the campaign or the channel")
	}

	p = c.post(le.base, url.Values{"url": {"https://example.com/spring"}, "campaign": {"Spring"}, "channel_id": {le.ch.ID}})
	wantStatus(t, p, http.StatusSeeOther)
	m := linkPathRe.FindStringSubmatch(p.location())
	if m == nil {
		t.Fatalf("create went to %q, want the link's page", p.location())
	}
	id := m[1]
	l, err := le.a.Links.Get(context.Background(), le.actor("owner@example.test"), le.ws.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l.URL, "utm_source=fake") || !strings.Contains(l.URL, "utm_campaign=Spring") {
		t.Errorf("the target has no UTM tags: %s", l.URL)
	}
	short := le.srv.URL + "/l/" + l.Code
	p = c.open(p.location())
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The short link "+short+" is ready", "Human clicks", "No human clicks yet", "Save target", "Delete")

	// Two people and a crawler follow the link.
	for _, ua := range []string{"Mozilla/5.0 Firefox/128.0", "Mozilla/5.0 Chrome/126.0", "Googlebot/2.1 (+http://www.google.com/bot.html)"} {
		if resp := le.click(l.Code, ua); resp.StatusCode != http.StatusFound {
			t.Fatalf("redirect: %d", resp.StatusCode)
		}
	}
	if err := le.a.Links.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	p = c.open(le.base + "/" + id)
	if !strings.Contains(p.body, `data-human>2<`) || !strings.Contains(p.body, `data-bots>1<`) {
		t.Errorf("the totals are wrong: %s", text(p.body))
	}
	if n := strings.Count(p.body, `<rect class="chart-bar"`); n != 1 {
		t.Errorf("%d bars, want 1 for the one day with clicks", n)
	}
	if strings.Contains(p.body, `style=`) {
		t.Error("the page uses inline styles, which the CSP refuses")
	}
	mustContain(t, p, "Direct or unknown", "100%", "Tallest bar: 2 clicks")

	p = c.open(le.base)
	mustContain(t, p, l.URL, "Spring", "@acme")
	if !strings.Contains(p.body, `value="`+short+`"`) || !strings.Contains(p.body, `data-copy="short-`+id+`"`) {
		t.Error("the list has no short URL with a copy button")
	}
	row := regexp.MustCompile(`(?s)<tr id="link-` + id + `".*?</tr>`).FindString(p.body)
	if !regexp.MustCompile(`<td class="num"><a [^>]*>2<`).MatchString(row) || !strings.Contains(row, `<td class="num muted">1</td>`) {
		t.Errorf("the row's counts are wrong: %s", text(row))
	}
	byChannel := regexp.MustCompile(`(?s)<tr data-channel="` + le.ch.ID + `">.*?</tr>`).FindString(p.body)
	if text(byChannel) != "@acme 2 1" {
		t.Errorf("clicks by channel: %q", text(byChannel))
	}

	// Editing the target: a bad address is refused at the field.
	p = c.post(le.base+"/"+id, url.Values{"url": {"not a url"}})
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "url")
	p = c.submit(le.base+"/"+id, url.Values{"url": {"https://example.org/new"}})
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "now points at the new address", "https://example.org/new")
	if resp := le.click(l.Code, "Mozilla/5.0 Firefox/128.0"); resp.Header.Get("Location") != "https://example.org/new" {
		t.Errorf("after the edit the link goes to %q", resp.Header.Get("Location"))
	}

	// Deleting sits behind a confirmation panel.
	confirm := regexp.MustCompile(`(?s)<details class="menu confirm" data-menu>.*?Delete <strong>` + regexp.QuoteMeta(short) + `</strong>\?.*?action="` + le.base + "/" + id + `/delete".*?</details>`)
	if !confirm.MatchString(p.body) {
		t.Fatal("no confirmation step before deleting")
	}
	p = c.submit(le.base+"/"+id+"/delete", nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The link and its clicks are deleted", "No tracked links yet")
	wantStatus(t, c.open(le.base+"/"+id), http.StatusNotFound)
	wantStatus(t, c.post(le.base+"/"+id+"/delete", nil), http.StatusNotFound)
	wantStatus(t, c.open(le.base+"/not-an-id"), http.StatusNotFound)
	if resp := le.click(l.Code, "Mozilla/5.0 Firefox/128.0"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted link still redirects: %d", resp.StatusCode)
	}
	mustContain(t, c.open("/w/"+le.ws.ID+"/audit"), "link.create", "link.update", "link.delete")
}

func TestLinkListPages(t *testing.T) {
	le := newLinkEnv(t)
	ctx, a := context.Background(), le.actor("owner@example.test")
	made := map[string]bool{}
	for i := range 26 {
		l, err := le.a.Links.Create(ctx, a, le.ws.ID, links.NewLink{URL: "https://example.com/" + string(rune('a'+i))})
		if err != nil {
			t.Fatal(err)
		}
		made[l.ID] = true
	}
	rowRe := regexp.MustCompile(`<tr id="link-([0-9a-z]{26})"`)
	seen := func(p page) []string {
		var out []string
		for _, m := range rowRe.FindAllStringSubmatch(p.body, -1) {
			if !made[m[1]] {
				t.Errorf("row %s is not a link of this test, or is shown twice", m[1])
			}
			delete(made, m[1])
			out = append(out, m[1])
		}
		return out
	}
	p := le.c.open(le.base)
	if n := len(seen(p)); n != 25 {
		t.Fatalf("%d rows on the first page, want 25", n)
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(p.body)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	p = le.c.open(strings.ReplaceAll(next[1], "&amp;", "&"))
	wantStatus(t, p, http.StatusOK)
	if n := len(seen(p)); n != 1 || len(made) != 0 {
		t.Errorf("the second page has %d rows; %d links shown on no page", n, len(made))
	}
	mustContain(t, p, "First page")
	if strings.Contains(p.body, `rel="next"`) {
		t.Error("the last page links to a next one")
	}
}

func TestLinkPresetsPage(t *testing.T) {
	le := newLinkEnv(t)
	c := le.c
	p := c.open(le.base + "/presets")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "UTM presets", "Every link", "Channel @acme", "Save presets")
	if n := strings.Count(p.body, `name="scope" value="campaign"`); n != 2 {
		t.Errorf("%d blank campaign rows, want 2", n)
	}

	// Rows: the workspace, the channel, two campaigns. Each sends all five
	// parameters, in order.
	row := func(scope, key string, vals ...string) url.Values {
		v := url.Values{"scope": {scope}, "key": {key}}
		for i, name := range links.UTMParams {
			val := ""
			if i < len(vals) {
				val = vals[i]
			}
			v.Set("utm_"+name, val)
		}
		return v
	}
	form := func(rows ...url.Values) url.Values {
		out := url.Values{}
		for _, r := range rows {
			for k, vs := range r {
				out[k] = append(out[k], vs...)
			}
		}
		return out
	}
	// A campaign row with values but no name is refused above the editor,
	// and the rows come back as typed.
	bad := form(row("workspace", "", "", "newsletter"), row("channel", le.ch.ID), row("campaign", "", "", "", "", "x"))
	p = c.post(le.base+"/presets", bad)
	wantStatus(t, p, http.StatusBadRequest)
	mustContain(t, p, "Name the campaign")
	if !strings.Contains(p.body, `value="newsletter"`) {
		t.Error("the editor lost what was typed")
	}

	good := form(row("workspace", "", "", "newsletter"), row("channel", le.ch.ID, "acme-feed"),
		row("campaign", "Spring", "", "", "spring-2026"), row("campaign", ""))
	p = c.submit(le.base+"/presets", good)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The UTM presets are saved")
	for _, v := range []string{`value="newsletter"`, `value="acme-feed"`, `value="Spring"`, `value="spring-2026"`} {
		if !strings.Contains(p.body, v) {
			t.Errorf("the saved presets do not show %s", v)
		}
	}
	l, err := le.a.Links.Create(context.Background(), le.actor("owner@example.test"), le.ws.ID,
		links.NewLink{URL: "https://example.com/", ChannelID: le.ch.ID, Campaign: "spring"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"utm_medium=newsletter", "utm_source=acme-feed", "utm_campaign=spring-2026"} {
		if !strings.Contains(l.URL, want) {
			t.Errorf("a new link's target %s lacks %s", l.URL, want)
		}
	}
	mustContain(t, c.open("/w/"+le.ws.ID+"/audit"), "link.presets")
}

func TestLinkPagesForAViewer(t *testing.T) {
	le := newLinkEnv(t)
	ctx := context.Background()
	l, err := le.a.Links.Create(ctx, le.actor("owner@example.test"), le.ws.ID, links.NewLink{URL: "https://example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := le.a.Links.PutPresets(ctx, le.actor("owner@example.test"), le.ws.ID,
		[]model.UTMPreset{{Scope: model.UTMScopeWorkspace, Params: map[string]string{"medium": "social-post"}}}); err != nil {
		t.Fatal(err)
	}
	le.member("owner@example.test", le.ws.ID, "viewer@example.test", model.RoleViewer)
	v := le.client()
	v.signIn("viewer@example.test", testPassword)

	p := v.open(le.base)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "https://example.com/", "can see links and their clicks but not make or change them")
	if strings.Contains(p.body, `action="`+le.base+`"`) || strings.Contains(p.body, "Make short link") {
		t.Error("a viewer is offered the create form")
	}
	p = v.open(le.base + "/" + l.ID)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "cannot change links")
	if strings.Contains(p.body, `method="post" action="`+le.base+"/"+l.ID) || strings.Contains(p.body, "/delete") {
		t.Error("a viewer is offered the edit or delete form")
	}
	p = v.open(le.base + "/presets")
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "social-post", "can see the presets but not change them")
	if strings.Contains(p.body, "Save presets") {
		t.Error("a viewer is offered the presets editor")
	}

	refused := []struct {
		path   string
		vals   url.Values
		action string
	}{
		{le.base, url.Values{"url": {"https://example.com/mine"}}, "link.manage"},
		{le.base, url.Values{"url": {"not a url"}}, "link.manage"}, // a refusal comes before a complaint
		{le.base + "/" + l.ID, url.Values{"url": {"https://example.org/"}}, "link.manage"},
		{le.base + "/" + l.ID + "/delete", nil, "link.manage"},
		{le.base + "/presets", url.Values{"scope": {"workspace"}, "key": {""}, "utm_source": {"x"}}, "compose.settings"},
	}
	for _, r := range refused {
		p := v.post(r.path, r.vals)
		wantStatus(t, p, http.StatusForbidden)
		mustContain(t, p, "Your role (Viewer) does not allow "+r.action+" in this workspace")
	}
	if got, err := le.a.Links.Get(ctx, le.actor("owner@example.test"), le.ws.ID, l.ID); err != nil || got.URL != l.URL {
		t.Errorf("the link changed: %v %v", got.URL, err)
	}

	// Other people's workspaces stay hidden.
	le.user("stranger@example.test")
	s := le.client()
	s.signIn("stranger@example.test", testPassword)
	wantStatus(t, s.open(le.base), http.StatusNotFound)
	wantStatus(t, s.open(le.base+"/"+l.ID), http.StatusNotFound)
}
