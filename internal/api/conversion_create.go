package api

import (
	"net/http"

	"herald/internal/conversion"
	"herald/internal/platform/hooksig"
)

// conversionRoutes are the conversion endpoints (openapi/conversions.json).
// The website's server signs its calls with the workspace's conversion
// secret instead of sending an API token.
func (s *server) conversionRoutes() []route {
	return []route{
		{http.MethodPost, "/api/v1/workspaces/{ws}/conversions", signedCall, false, s.conversionCreate},
	}
}

// conversionInput is a conversion as the website's server sends it.
type conversionInput struct {
	EventID     string   `json:"event_id"`
	Name        string   `json:"name"`
	Value       *float64 `json:"value"`
	Currency    string   `json:"currency"`
	OccurredAt  string   `json:"occurred_at"`
	ClickID     string   `json:"click_id"`
	Link        string   `json:"link"`
	UTMCampaign string   `json:"utm_campaign"`
	UTMSource   string   `json:"utm_source"`
}

// conversionCreate records a signed conversion: 201 with its attribution,
// or 200 with the first one when the event ID was seen before. The
// signature is checked over the raw body before anything is decoded.
func (s *server) conversionCreate(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	header := c.r.Header.Get(hooksig.Header)
	if header == "" {
		return reply{}, newProblem(http.StatusUnauthorized, typeUnauthorized, "Unauthorized",
			"this request needs a Herald-Signature header: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with the workspace's conversion secret>")
	}
	if c.body, err = readBody(c.w, c.r, s.maxBody); err != nil {
		return reply{}, err
	}
	sig, err := s.d.Conversions.Verify(c.ctx(), ws, header, c.body)
	if err != nil {
		return reply{}, err
	}
	var in conversionInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	conv, dup, err := s.d.Conversions.Record(c.ctx(), sig, conversion.Event{EventID: in.EventID, Name: in.Name, Value: in.Value,
		Currency: in.Currency, OccurredAt: in.OccurredAt, ClickID: in.ClickID, Link: in.Link, UTMCampaign: in.UTMCampaign, UTMSource: in.UTMSource})
	if err != nil {
		return reply{}, err
	}
	v := viewConversion(conv)
	if dup {
		v.Duplicate = true
		return ok(v), nil
	}
	return reply{status: http.StatusCreated, body: v}, nil
}
