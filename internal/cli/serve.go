package cli

import (
	"context"
	"fmt"
	"net"

	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/system"
)

func runServe(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(flags("serve", env), args, env)
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, env.Stderr)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	var ln net.Listener
	if cfg.HasRole("web") {
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return fmt.Errorf("cannot listen on %s (HERALD_ADDR): %w", cfg.Addr, err)
		}
	}
	if setup, err := a.Accounts.SetupNeeded(ctx); err == nil && setup && cfg.HasRole("web") {
		fmt.Fprintf(env.Stderr, "\n  No users yet. Open %s/setup in your browser to create the first admin,\n  or run: herald user create --email you@example.com --name \"Your Name\" --owner\n\n", cfg.BaseURL)
	}
	return a.Serve(ctx, ln)
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	fs := flags("migrate", env)
	status := fs.Bool("status", false, "Only report whether migrations are pending")
	cfg, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if *status {
		s, err := st.Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "schema version %d of %d (%s)\n", s.Applied, s.Latest, map[bool]string{true: "current", false: "migrations pending"}[s.Current()])
		return nil
	}
	applied, err := app.Migrate(ctx, st)
	for _, n := range applied {
		fmt.Fprintf(env.Stdout, "applied %s\n", n)
	}
	if err == nil && len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "schema is current")
	}
	return err
}

func runConfig(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(flags("config", env), args, env)
	if err != nil {
		return err
	}
	config.Dump(env.Stdout, cfg)
	return nil
}

func runBackup(ctx context.Context, env Env, args []string) error {
	fs := flags("backup", env)
	out := fs.String("out", "", "Destination file for the copy (must not exist)")
	cfg, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required, e.g. herald backup --out herald-backup.db")
	}
	if err := app.Backup(ctx, cfg, *out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s\n", *out)
	return nil
}

func runVersion(ctx context.Context, env Env, args []string) error {
	fmt.Fprintf(env.Stdout, "herald %s\n", system.Version)
	return nil
}
