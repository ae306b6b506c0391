package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// runPost is the client side of the posts API: it talks to a running
// server with an API token (see rest.go) rather than opening the database,
// so it works against any installation the token belongs to.
func runPost(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usagef("usage: herald post list|export|import|validate|schedule|cancel|attempts|repeat|evergreen --workspace W [flags]; run `herald post list -h` for the flags")
	}
	sub := args[0]
	fs := flag.NewFlagSet("herald post "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	remote := addRemoteFlags(fs, env)
	switch sub {
	case "list":
		return postList(ctx, env, fs, remote, args[1:])
	case "export":
		return postExport(ctx, env, fs, remote, args[1:])
	case "import":
		return postImport(ctx, env, fs, remote, args[1:])
	case "validate":
		return postValidate(ctx, env, fs, remote, args[1:])
	case "schedule":
		return postSchedule(ctx, env, fs, remote, args[1:])
	case "cancel":
		return postCancel(ctx, env, fs, remote, args[1:])
	case "attempts":
		return postAttempts(ctx, env, fs, remote, args[1:])
	case "repeat":
		return postRepeat(ctx, env, fs, remote, args[1:])
	case "evergreen":
		return postEvergreen(ctx, env, fs, remote, args[1:])
	}
	return usagef("unknown post command %q; want list, export, import, validate, schedule, cancel, attempts, repeat or evergreen", sub)
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (herald post import plan.csv --dry-run), which the
// flag package alone stops at, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// postSummary is the part of a post the list shows (the API's post view).
type postSummary struct {
	ID   string `json:"id"`
	Base struct {
		Text string `json:"text"`
	} `json:"base"`
	Labels  []string `json:"labels"`
	Targets []struct {
		ChannelID   string  `json:"channel_id"`
		Status      string  `json:"status"`
		ScheduledAt *string `json:"scheduled_at"`
	} `json:"targets"`
}

func postList(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	status := fs.String("status", "", "Only posts with a target in this status (draft, scheduled, published, failed…)")
	channel := fs.String("channel", "", "Only posts for this channel ID")
	label := fs.String("label", "", "Only posts with this label")
	query := fs.String("q", "", "Only posts whose text or notes contain this")
	limit := fs.Int("limit", 50, "Show at most this many posts")
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *limit < 1 {
		return usagef("--limit must be 1 or more")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]string{"status": *status, "channel": *channel, "label": *label, "q": *query} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var posts []postSummary
	for len(posts) < *limit {
		q.Set("limit", strconv.Itoa(min(*limit-len(posts), 100)))
		var page struct {
			Data       []postSummary `json:"data"`
			NextCursor *string       `json:"next_cursor"`
		}
		if err := c.getJSON(ctx, ws+"/posts", q, &page); err != nil {
			return err
		}
		posts = append(posts, page.Data...)
		if page.NextCursor == nil || len(page.Data) == 0 {
			break
		}
		q.Set("cursor", *page.NextCursor)
	}
	names := channelNames(ctx, c, ws)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tCHANNELS\tPLANNED\tTEXT")
	for _, p := range posts {
		var statuses, chans []string
		planned := ""
		for _, t := range p.Targets {
			if !slices.Contains(statuses, t.Status) {
				statuses = append(statuses, t.Status)
			}
			name := t.ChannelID
			if n, ok := names[t.ChannelID]; ok {
				name = n
			}
			chans = append(chans, name)
			if planned == "" && t.ScheduledAt != nil {
				planned = *t.ScheduledAt
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, strings.Join(statuses, ","), strings.Join(chans, ","), orDash(planned), clipText(p.Base.Text, 50))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(posts) == 0 {
		fmt.Fprintln(env.Stderr, "no posts match")
	}
	return nil
}

// channelNames maps the workspace's channel IDs to their names for the
// table; a token without channels:read just gets IDs.
func channelNames(ctx context.Context, c *restClient, ws string) map[string]string {
	var page struct {
		Data []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"data"`
	}
	names := map[string]string{}
	if err := c.getJSON(ctx, ws+"/channels", url.Values{"limit": {"100"}}, &page); err != nil {
		return names
	}
	for _, ch := range page.Data {
		names[ch.ID] = ch.Name
	}
	return names
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clipText shows the start of a text on one line.
func clipText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func postExport(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	format := fs.String("format", "csv", "csv (the import format) or json (with variants and targets)")
	out := fs.String("o", "", "Write to this file instead of standard output")
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if *format != "csv" && *format != "json" {
		return usagef("--format is csv or json")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodGet, ws+"/posts/export", url.Values{"format": {*format}}, nil, "", "")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if *out == "" {
		_, err = io.Copy(env.Stdout, resp.Body)
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out) // never leave half an export behind
		return fmt.Errorf("export to %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stderr, "wrote %d bytes to %s\n", n, *out)
	return nil
}

// listFlag collects a repeated flag (--channel A --channel B).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// validateReport is the part of the API's validation report shown.
type validateReport struct {
	OK      bool `json:"ok"`
	Targets []struct {
		ChannelID   string `json:"channel_id"`
		ChannelName string `json:"channel_name"`
		Handle      string `json:"handle"`
		NetworkName string `json:"network_name"`
		Counters    []struct {
			Segment int    `json:"segment"`
			Used    int    `json:"used"`
			Max     int    `json:"max"`
			Over    bool   `json:"over"`
			Unit    string `json:"unit"`
		} `json:"counters"`
		Errors   []validateProblem `json:"errors"`
		Warnings []validateProblem `json:"warnings"`
	} `json:"targets"`
}

type validateProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func postValidate(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	var channels listFlag
	fs.Var(&channels, "channel", "ID of a channel to check against (repeat for several; required)")
	text := fs.String("text", "", "The post's text (required)")
	if pos, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if len(channels) == 0 || *text == "" {
		return usagef("--channel (at least one) and --text are required")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	in := map[string]any{"base": map[string]string{"text": *text}, "channels": []string(channels)}
	var rep validateReport
	if err := c.postJSON(ctx, ws+"/posts/validate", in, &rep); err != nil {
		return err
	}
	errs := 0
	for _, t := range rep.Targets {
		fmt.Fprintf(env.Stdout, "%s (%s, %s):\n", t.ChannelName, t.NetworkName, t.Handle)
		for _, ct := range t.Counters {
			limit, over := "no limit", ""
			if ct.Max > 0 {
				limit = strconv.Itoa(ct.Max)
			}
			if ct.Over {
				over = " (over)"
			}
			fmt.Fprintf(env.Stdout, "  %s: %d of %s %s%s\n", segmentName(ct.Segment), ct.Used, limit, ct.Unit, over)
		}
		for _, p := range t.Errors {
			fmt.Fprintf(env.Stdout, "  error: %s\n", problemText(p))
		}
		for _, p := range t.Warnings {
			fmt.Fprintf(env.Stdout, "  warning: %s\n", problemText(p))
		}
		errs += len(t.Errors)
	}
	if !rep.OK {
		return fmt.Errorf("the post does not fit: %d %s", errs, plural(errs, "error", "errors"))
	}
	return nil
}

func segmentName(n int) string {
	if n == 0 {
		return "text"
	}
	return fmt.Sprintf("thread part %d", n)
}

func problemText(p validateProblem) string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
