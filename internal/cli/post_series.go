package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// seriesSummary is the API's series object on a post.
type seriesSummary struct {
	Recurrence          *string `json:"recurrence"`
	Zone                *string `json:"zone"`
	Description         *string `json:"description"`
	EvergreenGapSeconds *int64  `json:"evergreen_gap_seconds"`
	EvergreenMax        *int    `json:"evergreen_max"`
	SeriesID            *string `json:"series_id"`
	ContinuedBy         *string `json:"continued_by"`
}

// postRepeat is `herald post repeat ID (--rule RRULE | --daily | --weekly
// mon,wed | --monthly 15|last | --off) [--every N] [--count N | --until
// DATE] [--zone Z]`. The simple choices are sent as the API's preset, so the
// server builds the RRULE exactly as the web form does.
func postRepeat(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	rule := fs.String("rule", "", "An RFC 5545 RRULE, such as FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10")
	daily := fs.Bool("daily", false, "Every day at the post's time")
	weekly := fs.String("weekly", "", "Every week on these days: mon,tue,wed,thu,fri,sat,sun")
	monthly := fs.String("monthly", "", "Every month on this day: 1–31, or last")
	every := fs.Int("every", 0, "Every this many days, weeks or months (default 1)")
	count := fs.Int("count", 0, "End after this many posts")
	until := fs.String("until", "", "End after this date, YYYY-MM-DD in --zone")
	zone := fs.String("zone", "", "IANA time zone of the rule (default: the zone the post's first channel is scheduled in)")
	off := fs.Bool("off", false, "Stop repeating")
	id, err := onePostID(fs, args)
	if err != nil {
		return err
	}
	if btoi(*rule != "")+btoi(*daily)+btoi(*weekly != "")+btoi(*monthly != "")+btoi(*off) != 1 {
		return usagef("choose exactly one of --rule, --daily, --weekly, --monthly or --off")
	}
	if *off && (*count != 0 || *until != "" || *every != 0 || *zone != "") {
		return usagef("--off takes no other repeat flags")
	}
	if *rule != "" && (*count != 0 || *until != "" || *every != 0) {
		return usagef("write the end and interval into --rule (COUNT=, UNTIL=, INTERVAL=) rather than as flags")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	in := map[string]any{}
	switch {
	case *off:
		// Turning the repeat off must not turn off an evergreen policy,
		// which the same request sets: send it back unchanged.
		cur, err := currentSeries(ctx, c, ws, id)
		if err != nil {
			return err
		}
		if cur.EvergreenGapSeconds != nil {
			in["evergreen_gap_seconds"], in["evergreen_max"] = *cur.EvergreenGapSeconds, deref0(cur.EvergreenMax)
		}
	case *rule != "":
		in["recurrence"] = *rule
	default:
		preset := map[string]any{"interval": *every, "count": *count, "until": *until}
		switch {
		case *daily:
			preset["repeat"] = "daily"
		case *weekly != "":
			preset["repeat"], preset["weekdays"] = "weekly", splitList(*weekly)
		default:
			day, err := monthDay(*monthly)
			if err != nil {
				return err
			}
			preset["repeat"], preset["month_day"] = "monthly", day
		}
		in["preset"] = preset
	}
	if *zone != "" {
		in["zone"] = *zone
	}
	return putSeries(ctx, env, c, ws, id, in)
}

// postEvergreen is `herald post evergreen ID --gap 72h [--max N]` or
// `herald post evergreen ID --off`.
func postEvergreen(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	gap := fs.Duration("gap", 0, "Least time between publications, at least 1h (such as 72h)")
	most := fs.Int("max", 0, "Most publications in all, the first included (default: no limit)")
	off := fs.Bool("off", false, "Stop recycling the post")
	id, err := onePostID(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *off && (*gap != 0 || *most != 0):
		return usagef("--off takes neither --gap nor --max")
	case !*off && *gap <= 0:
		return usagef("give --gap (such as 72h), or --off")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	in := map[string]any{}
	if *off {
		cur, err := currentSeries(ctx, c, ws, id)
		if err != nil {
			return err
		}
		if cur.Recurrence != nil { // keep a repeat, as repeat --off keeps evergreen
			in["recurrence"], in["zone"] = *cur.Recurrence, deref(cur.Zone)
		}
	} else {
		in["evergreen_gap_seconds"], in["evergreen_max"] = int64(*gap/time.Second), *most
	}
	return putSeries(ctx, env, c, ws, id, in)
}

func monthDay(s string) (int, error) {
	if strings.EqualFold(s, "last") {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 31 {
		return 0, usagef("--monthly %q: give a day from 1 to 31, or last", s)
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func deref0(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func currentSeries(ctx context.Context, c *restClient, ws, id string) (seriesSummary, error) {
	var p struct {
		Series seriesSummary `json:"series"`
	}
	err := c.getJSON(ctx, ws+"/posts/"+url.PathEscape(id), nil, &p)
	return p.Series, err
}

// putSeries saves the series and prints the post's state.
func putSeries(ctx context.Context, env Env, c *restClient, ws, id string, in map[string]any) error {
	var p struct {
		Series seriesSummary `json:"series"`
	}
	if err := c.putJSON(ctx, ws+"/posts/"+url.PathEscape(id)+"/series", in, &p); err != nil {
		return err
	}
	printSeries(env, p.Series)
	return nil
}

func printSeries(env Env, s seriesSummary) {
	switch {
	case s.Recurrence != nil:
		fmt.Fprintf(env.Stdout, "repeats %s (%s)\n  rule: %s\n", deref(s.Description), deref(s.Zone), *s.Recurrence)
	case s.EvergreenGapSeconds != nil:
		fmt.Fprintf(env.Stdout, "evergreen: %s\n", deref(s.Description))
	default:
		fmt.Fprintln(env.Stdout, "does not repeat")
	}
	if s.SeriesID != nil {
		fmt.Fprintf(env.Stdout, "  series started with post %s\n", *s.SeriesID)
	}
	if s.ContinuedBy != nil {
		fmt.Fprintf(env.Stdout, "  continued by post %s\n", *s.ContinuedBy)
	}
}

// putJSON PUTs in as JSON and decodes the JSON answer into out.
func (c *restClient) putJSON(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodPut, path, nil, bytes.NewReader(body), "application/json", "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeAnswer(resp.Body, out)
}
