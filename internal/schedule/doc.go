// Package schedule holds the pure time logic of scheduling: turning a local
// date and time in an IANA zone into an instant (refusing times that daylight
// saving time skips or repeats), weekly posting slots and queue planning,
// RFC 5545 recurrence rules, evergreen recycling and the catch-up window.
//
// Nothing here touches the database, the clock or the network: callers pass
// "now" and a "taken" test in, so the publisher, the UI, the API and the CLI
// get the same answers and every rule can be tested with fixed dates.
//
// Errors about user input are *model.Error values of kind invalid (or
// conflict for a full queue), with messages written for a social media
// manager. Time resolution errors are *TimeError, which wraps a *model.Error
// and adds the choices a form can offer.
//
// Example:
//
//	at, err := schedule.Resolve("2026-03-08", "02:30", "America/New_York")
//	var te *schedule.TimeError
//	if errors.As(err, &te) && te.Kind == schedule.KindGap {
//		// te.Options holds 1:59 AM EST and 3:00 AM EDT; offer both.
//	}
//
//	zone, _ := schedule.LoadZone("Asia/Kolkata")
//	slots := []schedule.Slot{{Weekday: time.Monday, Minute: 9*60 + 30}}
//	next, err := schedule.NextFree(slots, zone, time.Now(), isTaken, 0)
package schedule
