package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/internal/conversion"
	"herald/internal/model"
	"herald/internal/platform/hooksig"
)

// conversionRoutes are the workspace's conversion settings and latest
// conversions.
func (h *handler) conversionRoutes(route routeFunc) {
	route("GET /w/{ws}/settings/conversions", signedIn, h.conversionShow)
	route("POST /w/{ws}/settings/conversions", signedIn, h.conversionSave)
	route("POST /w/{ws}/settings/conversions/secret", signedIn, h.conversionRotate)
	route("GET /w/{ws}/conversions.csv", signedIn, h.conversionCSV)
}

// conversionData is the conversion settings page.
type conversionData struct {
	Settings    model.ConversionSettings
	CanManage   bool
	Secret      string // shown once, after it was made
	Snippet     string
	ServerCall  string
	Endpoint    string
	Conversions []conversionRow
}

// conversionRow is one line of the latest conversions.
type conversionRow struct {
	model.Conversion
	Credit string // what it was credited to, in words
}

// conversionShow shows the settings and the latest conversions.
func (h *handler) conversionShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	h.renderConversions(w, r, v, http.StatusOK, m, nil, "")
}

// renderConversions draws the page; f is the submitted form (nil to fill
// it from the settings) and secret a signing secret to show once.
func (h *handler) renderConversions(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, secret string) {
	ctx, ws := r.Context(), m.Workspace.ID
	st, err := h.d.Conversions.Settings(ctx, v.actor, ws)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	list, err := h.d.Conversions.List(ctx, v.actor, ws, "", 50)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	base := strings.TrimRight(h.d.BaseURL, "/")
	d := &conversionData{Settings: st, CanManage: model.Can(m.Role, model.ActConversionManage), Secret: secret,
		Endpoint: base + "/api/v1/workspaces/" + ws + "/conversions"}
	if st.SiteKey != "" {
		d.Snippet = fmt.Sprintf(`<script async src="%s/c.js?v=%s" data-site="%s" data-window="%d"></script>
<script>window.herald=window.herald||function(){var a=arguments;return new Promise(function(y,n){(herald.q=herald.q||[]).push([a,y,n])})};</script>
<!-- on the thank-you page: -->
<script>herald('conversion', {id: 'ORDER-ID', name: 'purchase', value: 49.90, currency: 'EUR'});</script>`,
			base, conversion.SnippetVersion(), st.SiteKey, st.WindowDays)
	}
	d.ServerCall = serverCallExample(d.Endpoint, secret)
	codes, err := h.linkCodes(r, v, ws, list)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	for _, c := range list {
		d.Conversions = append(d.Conversions, conversionRow{Conversion: c, Credit: creditOf(c, codes)})
	}
	if f == nil {
		f = &form{Values: url.Values{"window_days": {strconv.Itoa(st.WindowDays)}, "origins": {strings.Join(st.Origins, "\n")}},
			Errors: map[string]string{}}
		if st.Enabled {
			f.Values.Set("enabled", "1")
		}
	}
	h.render(w, r, v, status, "conversions", &page{Title: "Conversions · " + m.Workspace.Name, Heading: "Conversions",
		Section: "links", WS: &m, Form: f, Data: d})
}

// conversionCSV downloads every conversion that occurred in a period
// (from and to as on the analytics page, by default the last 28 days),
// oldest first, with its attribution as the page words it and as data.
func (h *handler) conversionCSV(w http.ResponseWriter, r *http.Request, v *visit) {
	m, from, to, ok := h.workspacePeriod(w, r, v)
	if !ok {
		return
	}
	ws := m.Workspace.ID
	list, err := h.d.Conversions.InPeriod(r.Context(), v.actor, ws, from, to)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	codes, err := h.linkCodes(r, v, ws, list)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	out := newCSVDownload(w, "conversions-"+from.Format(time.DateOnly)+"-"+to.AddDate(0, 0, -1).Format(time.DateOnly)+".csv")
	out.row("occurred_at", "received_at", "event_id", "name", "value", "currency", "via", "credited_to", "attribution", "reason",
		"link", "campaign", "utm_source", "clicked_at")
	for _, c := range list {
		out.row(csvTime(c.OccurredAt), csvTime(c.ReceivedAt), c.EventID, c.Name, c.Value, c.Currency, conversionVia(c.Source), creditOf(c, codes),
			c.Attribution, c.Reason, codes[c.LinkID], c.Campaign, c.UTMSource, csvTime(c.ClickedAt))
	}
	out.flush()
}

// conversionVia names how a conversion arrived, as the page does.
func conversionVia(source string) string {
	if source == model.ConversionViaSnippet {
		return "Snippet"
	}
	return "Server"
}

// csvTime is an instant in a CSV cell, in UTC; empty when there is none.
func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// linkCodes reads the short codes of the links these conversions are
// credited to, in one read.
func (h *handler) linkCodes(r *http.Request, v *visit, ws string, list []model.Conversion) (map[string]string, error) {
	var ids []string
	seen := map[string]bool{}
	for _, c := range list {
		if c.LinkID != "" && !seen[c.LinkID] {
			seen[c.LinkID] = true
			ids = append(ids, c.LinkID)
		}
	}
	return h.d.Links.Codes(r.Context(), v.actor, ws, ids)
}

// creditOf words what a conversion was credited to; links are named by
// their short code (codes by link ID; a deleted link is absent).
func creditOf(c model.Conversion, codes map[string]string) string {
	if !c.Attributed() {
		return "Unattributed: " + c.Reason
	}
	link := ""
	if c.LinkID != "" {
		link = "link " + codes[c.LinkID]
		if codes[c.LinkID] == "" {
			link = "a deleted link"
		}
	}
	switch c.Attribution {
	case model.AttributedToClick:
		return "A click on " + link
	case model.AttributedToLink:
		return "Named " + link
	}
	if link != "" {
		return "Campaign " + c.Campaign + ", last click on " + link
	}
	return "Campaign " + c.Campaign + " (no click in the window)"
}

// serverCallExample is a shell script that signs and sends a conversion;
// with the secret just shown it is filled in, else read from a variable.
func serverCallExample(endpoint, secret string) string {
	key := `"$HERALD_CONVERSION_SECRET"`
	if secret != "" {
		key = "'" + secret + "'"
	}
	body := `{"event_id":"order-1042","name":"purchase","value":49.90,"currency":"EUR","click_id":"HCLID-FROM-THE-LANDING-URL"}`
	example := ""
	if secret != "" {
		// A signature computed now, to compare with your own code's.
		example = fmt.Sprintf("\n# For this body at t=%d the header would be:\n#   Herald-Signature: %s\n",
			time.Now().Unix(), hooksig.Sign(secret, time.Now(), []byte(body)))
	}
	return fmt.Sprintf(`body='%s'
t=$(date +%%s)
sig=$(printf '%%s.%%s' "$t" "$body" | openssl dgst -sha256 -hmac %s | sed 's/^.* //')
curl -sS -X POST '%s' \
  -H 'Content-Type: application/json' \
  -H "Herald-Signature: t=$t,v1=$sig" \
  --data "$body"%s`, body, key, endpoint, example)
}

// conversionSave saves the settings; the first save shows the secret.
func (h *handler) conversionSave(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := newForm(r)
	days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("window_days")))
	if err != nil {
		f.add("window_days", "enter a whole number of days from 1 to 90")
		h.renderConversions(w, r, v, http.StatusBadRequest, m, f, "")
		return
	}
	in := conversion.SettingsInput{Enabled: r.PostForm.Get("enabled") != "", WindowDays: days,
		Origins: strings.FieldsFunc(r.PostForm.Get("origins"), func(c rune) bool { return c == '\n' || c == '\r' || c == ' ' || c == ',' })}
	_, secret, err := h.d.Conversions.Save(r.Context(), v.actor, m.Workspace.ID, in)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) { h.renderConversions(w, r, v, status, m, f, "") })
		return
	}
	if secret != "" {
		h.renderConversions(w, r, v, http.StatusOK, m, nil, secret)
		return
	}
	h.setFlash(w, r, "success", "The conversion settings are saved.")
	redirect(w, r, "/w/"+m.Workspace.ID+"/settings/conversions")
}

// conversionRotate makes a new signing secret and shows it once.
func (h *handler) conversionRotate(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	secret, err := h.d.Conversions.RotateSecret(r.Context(), v.actor, m.Workspace.ID)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderConversions(w, r, v, http.StatusOK, m, nil, secret)
}
