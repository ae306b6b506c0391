package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"herald/internal/media"
	"herald/internal/model"
)

// runMedia lists a workspace's media library or uploads files to it.
// Listing acts as an installation administrator (like the other operator
// commands); uploading acts as the member named by --as, so the audit log
// shows who added the files and the workspace's roles apply.
func runMedia(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: herald media list --workspace W | herald media upload --workspace W --as EMAIL file...")
	}
	sub := args[0]
	fs := flags("media "+sub, env)
	ws := fs.String("workspace", "", "Workspace ID (required)")
	var as *string
	switch sub {
	case "list":
	case "upload":
		as = fs.String("as", "", "E-mail address of the member who uploads (required)")
	default:
		return usagef("unknown media command %q; want list or upload", sub)
	}
	cfg, err := parse(fs, args[1:], env)
	if err != nil {
		return err
	}
	if *ws == "" {
		return usagef("--workspace is required")
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "list" {
		list, err := a.Media.List(ctx, cliActor, *ws, model.MediaFilter{})
		if err != nil {
			return err
		}
		for _, m := range list {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%d\t%dx%d\t%s\n", m.ID, m.Kind, m.ContentType, m.Size, m.Width, m.Height, m.Filename)
		}
		return nil
	}
	if *as == "" || fs.NArg() == 0 {
		return usagef("--as and at least one file are required")
	}
	u, err := a.Accounts.UserByEmail(ctx, *as)
	if err != nil {
		return err
	}
	actor := cliActor
	actor.UserID, actor.Email, actor.IsAdmin = u.ID, u.Email, u.IsAdmin
	for _, path := range fs.Args() {
		if err := uploadOne(ctx, env, a.Media, actor, *ws, path); err != nil {
			return err
		}
	}
	return nil
}

func uploadOne(ctx context.Context, env Env, s *media.Service, a model.Actor, ws, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := s.Upload(ctx, a, ws, filepath.Base(path), f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(env.Stdout, "%s\t%s\t%s\n", m.ID, m.ContentType, m.Filename)
	return nil
}
