package conversion

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"herald/internal/model"
	"herald/internal/platform/hooksig"
	"herald/internal/platform/ids"
	"herald/internal/store"
)

// Reasons a conversion is left unattributed.
const (
	ReasonNoClick       = "no click ID"
	ReasonUnknownClick  = "unknown click ID"
	ReasonOutsideWindow = "outside window"
	ReasonClickAfter    = "click after the conversion"
	ReasonUnknownLink   = "unknown link"
	ReasonUnknownCamp   = "unknown campaign"
)

// skew is how far the sender's clock may run behind Herald's: a click up
// to this long after the reported conversion still counts as before it.
const skew = 5 * time.Minute

// Event is one conversion as a website reports it. Value is nil when the
// conversion has no amount. Exactly one of ClickID, Link and UTMCampaign
// is normally given; ClickID wins over Link, which wins over UTMCampaign.
type Event struct {
	EventID     string
	Name        string
	Value       *float64
	Currency    string
	OccurredAt  string // RFC 3339, "" for now
	ClickID     string // the hclid the redirect added
	Link        string // a short code or short URL
	UTMCampaign string
	UTMSource   string
}

// Signed is proof that a call carried a valid signature for a workspace;
// only Verify makes one.
type Signed struct {
	workspaceID string
	window      int
}

// Verify checks a server-to-server call's Herald-Signature header against
// the raw body and the workspace's signing secret, and that the timestamp
// is within 5 minutes of Herald's clock (hmac.Equal compares in constant
// time). Every failure is Unauthorized and says what to fix; a workspace
// without conversion tracking looks like one with a different secret, so
// the answer reveals nothing to someone without it.
func (s *Service) Verify(ctx context.Context, workspaceID, header string, body []byte) (Signed, error) {
	st, err := s.Store.Read().ConversionSettings(ctx, workspaceID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Signed{}, err
	}
	if header == "" {
		return Signed{}, model.Unauthorized("send a Herald-Signature header: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with the workspace's conversion secret>")
	}
	key := ""
	if st.SealedSecret != "" {
		if key, err = s.Box.Open(st.SealedSecret); err != nil {
			return Signed{}, err
		}
	}
	if key == "" {
		// Compare anyway, so a missing set-up takes as long as a wrong secret.
		key = randomHex("", 32)
	}
	switch err := hooksig.VerifyAt(key, header, body, hooksig.DefaultTolerance, s.now()); {
	case errors.Is(err, hooksig.ErrNoSignature):
		return Signed{}, model.Unauthorized("the Herald-Signature header must read t=<unix seconds>,v1=<hex HMAC-SHA256>")
	case errors.Is(err, hooksig.ErrTooOld):
		return Signed{}, model.Unauthorized("the signature's timestamp is more than 5 minutes from Herald's clock; sign each request as you send it")
	case err != nil:
		return Signed{}, model.Unauthorized("the signature does not match: sign \"<t>.<exact body>\" with the workspace's current conversion secret")
	}
	if !st.Enabled {
		return Signed{}, model.Forbidden("conversion tracking is turned off in this workspace's settings")
	}
	return Signed{workspaceID: workspaceID, window: st.WindowDays}, nil
}

// Record stores a signed server-to-server conversion. duplicate is true
// when the workspace already had the event ID: nothing is stored and the
// first conversion is returned. A click ID, link or campaign that names
// nothing in the workspace is refused (Invalid, naming the field).
func (s *Service) Record(ctx context.Context, sig Signed, ev Event) (c model.Conversion, duplicate bool, err error) {
	if sig.workspaceID == "" {
		return c, false, model.Unauthorized("the call is not signed")
	}
	return s.record(ctx, sig.workspaceID, sig.window, ev, model.ConversionViaAPI)
}

func (s *Service) record(ctx context.Context, workspaceID string, window int, ev Event, source string) (model.Conversion, bool, error) {
	now := s.now().UTC()
	c, err := checkEvent(ev, now)
	if err != nil {
		return c, false, err
	}
	c.ID, c.WorkspaceID, c.ReceivedAt, c.Source = ids.New(), workspaceID, now, source
	q := s.Store.Read()
	if first, err := q.ConversionByEvent(ctx, workspaceID, c.EventID); err == nil {
		return first, true, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return c, false, err
	}
	if err := s.attribute(ctx, &c, ev, window, source == model.ConversionViaSnippet); err != nil {
		return c, false, err
	}
	var stored bool
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		stored, err = tx.InsertConversion(ctx, c)
		return err
	})
	if err != nil {
		return c, false, err
	}
	if !stored { // the same event arrived concurrently and won
		first, err := s.Store.Read().ConversionByEvent(ctx, workspaceID, c.EventID)
		return first, true, err
	}
	return c, false, nil
}

// checkEvent validates an event and returns the conversion without its
// attribution. Field names are the JSON names both surfaces use.
func checkEvent(ev Event, now time.Time) (model.Conversion, error) {
	var c model.Conversion
	c.EventID = strings.TrimSpace(ev.EventID)
	if c.EventID == "" || utf8.RuneCountInString(c.EventID) > 200 || !printable(c.EventID) {
		return c, model.Invalid("event_id", "give the event's own ID (1 to 200 printable characters), the same each time the event is sent, so it is counted once")
	}
	c.Name = strings.TrimSpace(ev.Name)
	if c.Name == "" {
		c.Name = "conversion"
	}
	if utf8.RuneCountInString(c.Name) > 100 || !printable(c.Name) {
		return c, model.Invalid("name", "name the conversion in at most 100 printable characters, such as purchase or signup")
	}
	cur := strings.TrimSpace(ev.Currency)
	if ev.Value != nil {
		v := *ev.Value
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e12 {
			return c, model.Invalid("value", "the value must be a number from 0 to 1,000,000,000,000")
		}
		if cur == "" {
			return c, model.Invalid("currency", "give the value's currency as an ISO 4217 code, such as EUR or USD")
		}
		c.Value = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if cur != "" {
		if !IsCurrency(cur) {
			return c, model.Invalid("currency", "%q is not an ISO 4217 currency code; use three capital letters such as EUR, USD or JPY", clip(cur, 20))
		}
		if ev.Value == nil {
			return c, model.Invalid("value", "a currency needs a value; send both or neither")
		}
		c.Currency = cur
	}
	c.OccurredAt = now
	if raw := strings.TrimSpace(ev.OccurredAt); raw != "" {
		t, err := time.Parse(time.RFC3339, raw)
		switch {
		case err != nil:
			return c, model.Invalid("occurred_at", "give the time as RFC 3339, such as 2026-03-01T12:00:00Z")
		case t.After(now.Add(skew)):
			return c, model.Invalid("occurred_at", "the conversion cannot have happened in the future")
		case t.Before(now.AddDate(-1, 0, 0)):
			return c, model.Invalid("occurred_at", "conversions older than a year are not accepted")
		}
		c.OccurredAt = t.UTC()
	}
	if v := strings.TrimSpace(ev.ClickID); v != "" && !validClickID(v) {
		return c, model.Invalid("click_id", "a click ID is the hclid value Herald added to the link's destination (letters, digits and -)")
	}
	c.ClickID = strings.TrimSpace(ev.ClickID)
	c.Campaign, c.UTMSource = strings.TrimSpace(ev.UTMCampaign), strings.TrimSpace(ev.UTMSource)
	for field, v := range map[string]string{"utm_campaign": c.Campaign, "utm_source": c.UTMSource, "link": ev.Link} {
		if utf8.RuneCountInString(v) > 200 || !printable(v) {
			return c, model.Invalid(field, "use at most 200 printable characters")
		}
	}
	return c, nil
}

// validClickID accepts what the click journal makes: lower-case hex, "-",
// base-36 digits.
func validClickID(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
