package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
)

// postSchedule is `herald post schedule ID (--at T [--zone Z] | --now |
// --queue) [--channel C]... [--confirm-paused]`. --at takes a local
// "YYYY-MM-DD HH:MM" read in --zone (default: the first channel's zone), or
// an exact RFC 3339 instant such as one the server offered.
func postSchedule(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	at := fs.String("at", "", `When: "2026-12-01 09:30" in --zone, or an RFC 3339 instant`)
	zone := fs.String("zone", "", "IANA time zone of --at (default: the post's first channel's zone)")
	now := fs.Bool("now", false, "Publish right away")
	queue := fs.Bool("queue", false, "Add to each channel's queue (its next free posting slot)")
	offset := fs.Int("offset", 0, "UTC offset in seconds, for a time that happens twice (see the options in the error)")
	confirm := fs.Bool("confirm-paused", false, "Schedule even though publishing is paused")
	var channels listFlag
	fs.Var(&channels, "channel", "Only this channel ID (repeatable)")
	id, err := onePostID(fs, args)
	if err != nil {
		return err
	}
	in := map[string]any{"confirm_paused": *confirm}
	if len(channels) > 0 {
		in["channels"] = []string(channels)
	}
	switch {
	case btoi(*at != "")+btoi(*now)+btoi(*queue) != 1:
		return usagef("choose exactly one of --at, --now or --queue")
	case *now:
		in["mode"] = "now"
	case *queue:
		in["mode"] = "queue"
	default:
		in["mode"] = "at"
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	if *at != "" {
		if _, perr := time.Parse(time.RFC3339, *at); perr == nil {
			in["at"] = *at
		} else {
			date, clock, ok := strings.Cut(strings.TrimSpace(*at), " ")
			if !ok {
				return usagef(`--at %q: write "YYYY-MM-DD HH:MM" or an RFC 3339 instant`, *at)
			}
			z := *zone
			if z == "" {
				z = firstChannelZone(ctx, c, ws, id)
			}
			in["date"], in["time"], in["zone"] = date, strings.TrimSpace(clock), z
			if isSet(fs, "offset") {
				in["offset_seconds"] = *offset
			}
		}
	}
	var p struct {
		postSummary
		Warnings []string `json:"warnings"`
	}
	if err := c.postJSON(ctx, ws+"/posts/"+url.PathEscape(id)+"/schedule", in, &p); err != nil {
		return err
	}
	// The schedule went through; the warnings say what the network will
	// refuse. They go to stderr so the table on stdout stays the same.
	for _, w := range p.Warnings {
		fmt.Fprintln(env.Stderr, "warning: "+w)
	}
	return printTargets(env, p.postSummary)
}

// postCancel is `herald post cancel ID [--channel C]...`.
func postCancel(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	var channels listFlag
	fs.Var(&channels, "channel", "Only this channel ID (repeatable)")
	id, err := onePostID(fs, args)
	if err != nil {
		return err
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	in := map[string]any{}
	if len(channels) > 0 {
		in["channels"] = []string(channels)
	}
	var p postSummary
	if err := c.postJSON(ctx, ws+"/posts/"+url.PathEscape(id)+"/cancel", in, &p); err != nil {
		return err
	}
	return printTargets(env, p)
}

// postAttempts is `herald post attempts ID`: every try, newest first.
func postAttempts(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	id, err := onePostID(fs, args)
	if err != nil {
		return err
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	var list struct {
		Data []struct {
			ChannelID  string  `json:"channel_id"`
			StartedAt  string  `json:"started_at"`
			DurationMS int64   `json:"duration_ms"`
			Outcome    string  `json:"outcome"`
			ErrorKind  *string `json:"error_kind"`
			Message    *string `json:"message"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, ws+"/posts/"+url.PathEscape(id)+"/attempts", nil, &list); err != nil {
		return err
	}
	if len(list.Data) == 0 {
		fmt.Fprintln(env.Stderr, "no attempts yet")
		return nil
	}
	names := channelNames(ctx, c, ws)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STARTED\tCHANNEL\tDURATION\tOUTCOME\tKIND\tMESSAGE")
	for _, a := range list.Data {
		fmt.Fprintf(tw, "%s\t%s\t%dms\t%s\t%s\t%s\n", a.StartedAt, nameOr(names, a.ChannelID), a.DurationMS, a.Outcome, orDash(deref(a.ErrorKind)),
			clipText(deref(a.Message), 80))
	}
	return tw.Flush()
}

// onePostID parses the flags and the one post ID argument.
func onePostID(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("give one post ID: herald %s ID --workspace W", strings.TrimPrefix(fs.Name(), "herald "))
	}
	return pos[0], nil
}

// firstChannelZone is the zone of the post's first channel, or UTC.
func firstChannelZone(ctx context.Context, c *restClient, ws, id string) string {
	var p postSummary
	if err := c.getJSON(ctx, ws+"/posts/"+url.PathEscape(id), nil, &p); err != nil || len(p.Targets) == 0 {
		return "UTC"
	}
	var ch struct {
		TimeZone string `json:"time_zone"`
	}
	if err := c.getJSON(ctx, ws+"/channels/"+url.PathEscape(p.Targets[0].ChannelID), nil, &ch); err != nil || ch.TimeZone == "" {
		return "UTC"
	}
	return ch.TimeZone
}

// printTargets shows each channel's state after a change.
func printTargets(env Env, p postSummary) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHANNEL\tSTATUS\tPLANNED")
	for _, t := range p.Targets {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.ChannelID, t.Status, orDash(deref(t.ScheduledAt)))
	}
	return tw.Flush()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// runPause is `herald pause --reason R [--channel C]`.
func runPause(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("herald pause", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	remote := addRemoteFlags(fs, env)
	reason := fs.String("reason", "", "Why publishing is paused (required; everyone in the workspace sees it)")
	channel := fs.String("channel", "", "Pause only this channel ID")
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if strings.TrimSpace(*reason) == "" {
		return usagef("--reason is required")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	var out struct{}
	if err := c.postJSON(ctx, ws+"/pauses", map[string]string{"reason": *reason, "channel_id": *channel}, &out); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "publishing paused")
	return nil
}

// runResume is `herald resume [--channel C] [--choice now|shift|review]`.
func runResume(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("herald resume", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	remote := addRemoteFlags(fs, env)
	channel := fs.String("channel", "", "Resume only this channel ID")
	choice := fs.String("choice", "shift", "What happens to held-back posts: now, shift (by the pause's length) or review")
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	switch *choice {
	case "now", "shift", "review":
	default:
		return usagef("--choice must be now, shift or review")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	q := url.Values{"choice": {*choice}}
	if *channel != "" {
		q.Set("channel_id", *channel)
	}
	resp, err := c.do(ctx, http.MethodDelete, ws+"/pauses", q, nil, "", "application/json")
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Fprintln(env.Stdout, "publishing resumed")
	return nil
}
