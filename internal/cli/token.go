package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"herald/internal/account"
	"herald/internal/model"
)

func runToken(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: herald token create|list|revoke --email E [flags]")
	}
	sub := args[0]
	fs := flags("token "+sub, env)
	email := fs.String("email", "", "E-mail address of the token's owner (required)")
	var name, scopes *string
	var days *int
	var id *string
	switch sub {
	case "create":
		name = fs.String("name", "", "What the token is for (required)")
		scopes = fs.String("scopes", "", "Comma-separated scopes, or \"all\"; one of: "+scopeNames())
		days = fs.Int("expires-days", 90, "Days until the token expires (0: never)")
	case "revoke":
		id = fs.String("id", "", "ID of the token to revoke (from `herald token list`)")
	case "list":
	default:
		return usagef("unknown token command %q; want create, list or revoke", sub)
	}
	cfg, err := parse(fs, args[1:], env)
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
	actor := cliActor
	actor.UserID, actor.Email = u.ID, u.Email
	switch sub {
	case "create":
		list := strings.Split(*scopes, ",")
		if strings.TrimSpace(*scopes) == "all" {
			list = strings.Split(scopeNames(), ", ")
		}
		if *days < 0 {
			return usagef("--expires-days must be 0 (never) or more")
		}
		raw, t, err := a.Accounts.CreateToken(ctx, actor, account.NewToken{Name: *name, Scopes: list, ExpiresIn: time.Duration(*days) * 24 * time.Hour})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s\n", raw)
		fmt.Fprintf(env.Stderr, "token %s created (id %s); it is shown only this once\n", t.Name, t.ID)
	case "list":
		tokens, err := a.Accounts.Tokens(ctx, actor)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			exp := "never"
			if !t.ExpiresAt.IsZero() {
				exp = t.ExpiresAt.Format(time.DateOnly)
			}
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s…\texpires %s\t%s\n", t.ID, t.Name, t.Prefix, exp, joinScopes(t.Scopes))
		}
	case "revoke":
		if *id == "" {
			return usagef("--id is required")
		}
		if err := a.Accounts.RevokeToken(ctx, actor, *id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked %s\n", *id)
	}
	return nil
}

func scopeNames() string {
	names := make([]string, len(model.Scopes))
	for i, s := range model.Scopes {
		names[i] = string(s.Scope)
	}
	return strings.Join(names, ", ")
}

func joinScopes(s []model.Scope) string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return strings.Join(out, " ")
}
