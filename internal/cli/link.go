package cli

import (
	"context"
	"fmt"
	"strings"

	"herald/internal/links"
)

func runLink(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: herald link list|create --workspace W [--as EMAIL] [URL]")
	}
	sub := args[0]
	fs := flags("link "+sub, env)
	ws := fs.String("workspace", "", "ID of the workspace (required)")
	as := fs.String("as", "", "E-mail address of the workspace member acting (required)")
	var campaign, channelID *string
	switch sub {
	case "list":
	case "create":
		campaign = fs.String("campaign", "", "Campaign name for utm_campaign")
		channelID = fs.String("channel", "", "ID of the channel the link is for (sets utm_source)")
	default:
		return usagef("unknown link command %q; want list or create", sub)
	}
	// The URL is the one positional argument of create; flags come first.
	rest := args[1:]
	var target string
	if sub == "create" && len(rest) > 0 {
		if last := rest[len(rest)-1]; !strings.HasPrefix(last, "-") && (len(rest) == 1 || !strings.HasPrefix(rest[len(rest)-2], "-")) {
			target, rest = last, rest[:len(rest)-1]
		} else if !strings.HasPrefix(rest[0], "-") {
			target, rest = rest[0], rest[1:]
		}
	}
	cfg, err := parse(fs, rest, env)
	if err != nil {
		return err
	}
	if *ws == "" || *as == "" {
		return usagef("--workspace and --as are required")
	}
	if sub == "create" && target == "" {
		return usagef("usage: herald link create --workspace W --as EMAIL URL")
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.UserByEmail(ctx, *as)
	if err != nil {
		return err
	}
	actor := cliActor
	actor.UserID, actor.Email, actor.IsAdmin = u.ID, u.Email, u.IsAdmin
	switch sub {
	case "list":
		after := ""
		for {
			page, err := a.Links.List(ctx, actor, *ws, after, 100)
			if err != nil {
				return err
			}
			for _, l := range page {
				fmt.Fprintf(env.Stdout, "%s\t%s\t%d clicks\t%s\n", l.ID, a.Links.ShortURL(l), l.Clicks, l.URL)
			}
			if len(page) < 100 {
				return nil
			}
			after = page[len(page)-1].ID
		}
	case "create":
		l, err := a.Links.Create(ctx, actor, *ws, links.NewLink{URL: target, Campaign: *campaign, ChannelID: *channelID})
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, a.Links.ShortURL(l))
		fmt.Fprintf(env.Stderr, "link %s points to %s\n", l.ID, l.URL)
	}
	return nil
}
