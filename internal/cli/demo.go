package cli

import (
	"context"
	"fmt"

	"herald/internal/demo"
)

func runDemo(ctx context.Context, env Env, args []string) error {
	fs := flags("demo", env)
	email := fs.String("email", "", "E-mail of the user who owns the demo workspace (default: the first administrator)")
	cfg, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	actor := cliActor
	if *email != "" {
		u, err := a.Accounts.UserByEmail(ctx, *email)
		if err != nil {
			return err
		}
		actor.UserID, actor.Email = u.ID, u.Email
	} else {
		users, err := a.Accounts.Users(ctx, cliActor)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.IsAdmin {
				actor.UserID, actor.Email = u.ID, u.Email
				break
			}
		}
		if actor.UserID == "" {
			return usagef("there is no user yet; create one first (open %s/setup or run `herald user create`)", cfg.BaseURL)
		}
	}
	w, chans, err := demo.Create(ctx, demo.Services{Workspaces: a.Workspaces, Channels: a.Channels, Competitors: a.Competitors}, actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created %q for %s with %d demo channels (nothing is sent to any real network)\nopen %s/w/%s\n",
		w.Name, actor.Email, len(chans), cfg.BaseURL, w.ID)
	return nil
}
