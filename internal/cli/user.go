package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"herald/internal/account"
	"herald/internal/app"
	"herald/internal/config"
	"herald/internal/model"
)

// cliActor is who the command line acts as: the machine's operator.
var cliActor = model.Actor{Via: "cli", IsAdmin: true, IP: "local", UserAgent: "herald cli"}

func runUser(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: herald user create|list|reset-link [flags]")
	}
	switch args[0] {
	case "create":
		return userCreate(ctx, env, args[1:])
	case "list":
		return userList(ctx, env, args[1:])
	case "reset-link":
		return userResetLink(ctx, env, args[1:])
	}
	return usagef("unknown user command %q; want create, list or reset-link", args[0])
}

// openApp builds the app without job workers: CLI commands only enqueue,
// and a running server's workers deliver.
func openApp(ctx context.Context, cfg config.Config) (*app.App, error) {
	cfg.Roles = []string{"web"}
	return app.New(ctx, cfg, app.NewLogger(cfg, io.Discard))
}

func userCreate(ctx context.Context, env Env, args []string) error {
	fs := flags("user create", env)
	email := fs.String("email", "", "E-mail address (required)")
	name := fs.String("name", "", "Display name (required)")
	owner := fs.Bool("owner", false, "Make the user an installation administrator (the first user always is)")
	cfg, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usagef("--email and --name are required")
	}
	pw, err := readPassword(env)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	nu := account.NewUser{Email: *email, Name: *name, Password: pw, Admin: *owner}
	var u model.User
	if first, _ := a.Accounts.SetupNeeded(ctx); first {
		u, err = a.Accounts.Setup(ctx, cliActor, nu)
	} else {
		u, err = a.Accounts.CreateUser(ctx, cliActor, nu)
	}
	if err != nil {
		return err
	}
	role := "user"
	if u.IsAdmin {
		role = "administrator"
	}
	fmt.Fprintf(env.Stdout, "created %s %s (%s); sign in at %s/login\n", role, u.Email, u.ID, cfg.BaseURL)
	return nil
}

// readPassword reads the password twice without echo when standard input
// is a terminal (env.ReadSecret), otherwise one line from standard input.
func readPassword(env Env) (string, error) {
	if env.ReadSecret != nil {
		pw, err := env.ReadSecret("Password (at least 10 characters): ")
		if err != nil {
			return "", err
		}
		again, err := env.ReadSecret("Repeat password: ")
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", usagef("the two passwords differ")
		}
		return pw, nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usagef("no password on standard input; pipe it in, e.g. printf '%%s\\n' \"$PW\" | herald user create ...")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userList(ctx context.Context, env Env, args []string) error {
	cfg, err := parse(flags("user list", env), args, env)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	users, err := a.Accounts.Users(ctx, cliActor)
	if err != nil {
		return err
	}
	for _, u := range users {
		flags := ""
		if u.IsAdmin {
			flags += " admin"
		}
		if u.TOTPEnabled {
			flags += " 2fa"
		}
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s%s\n", u.ID, u.Email, u.Name, u.CreatedAt.Format(time.DateOnly), flags)
	}
	return nil
}

func userResetLink(ctx context.Context, env Env, args []string) error {
	fs := flags("user reset-link", env)
	email := fs.String("email", "", "E-mail address of the user (required)")
	cfg, err := parse(fs, args, env)
	if err != nil {
		return err
	}
	if *email == "" {
		return usagef("--email is required")
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.UserByEmail(ctx, *email)
	if err != nil {
		return err
	}
	link, err := a.Accounts.AdminResetLink(ctx, cliActor, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s\n(valid for one hour, once)\n", link)
	return nil
}
