package api

import "herald/internal/model"

// conversionView is a recorded conversion as the API shows it.
type conversionView struct {
	ID          string          `json:"id"`
	EventID     string          `json:"event_id"`
	Name        string          `json:"name"`
	Value       *string         `json:"value"`
	Currency    *string         `json:"currency"`
	OccurredAt  string          `json:"occurred_at"`
	ReceivedAt  string          `json:"received_at"`
	Source      string          `json:"source"`
	Duplicate   bool            `json:"duplicate"`
	Attribution attributionView `json:"attribution"`
}

// attributionView says what a conversion was credited to.
type attributionView struct {
	Status    string  `json:"status"` // attributed or unattributed
	By        string  `json:"by"`     // click, link, campaign or none
	Reason    *string `json:"reason"`
	ClickID   *string `json:"click_id"`
	ClickedAt *string `json:"clicked_at"`
	LinkID    *string `json:"link_id"`
	PostID    *string `json:"post_id"`
	ChannelID *string `json:"channel_id"`
	Campaign  *string `json:"campaign"`
	UTMSource *string `json:"utm_source"`
}

func viewConversion(c model.Conversion) conversionView {
	a := attributionView{Status: "unattributed", By: c.Attribution, Reason: optional(c.Reason), ClickID: optional(c.ClickID),
		LinkID: optional(c.LinkID), PostID: optional(c.PostID), ChannelID: optional(c.ChannelID), Campaign: optional(c.Campaign),
		UTMSource: optional(c.UTMSource)}
	if c.Attributed() {
		a.Status = "attributed"
	}
	if !c.ClickedAt.IsZero() {
		at := stamp(c.ClickedAt)
		a.ClickedAt = &at
	}
	return conversionView{ID: c.ID, EventID: c.EventID, Name: c.Name, Value: optional(c.Value), Currency: optional(c.Currency),
		OccurredAt: stamp(c.OccurredAt), ReceivedAt: stamp(c.ReceivedAt), Source: c.Source, Attribution: a}
}
