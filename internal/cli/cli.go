// Package cli is Herald's command line: every operational task is a
// subcommand that shares the same configuration code.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"herald/internal/config"
	"herald/internal/model"
)

// Env is what a command may touch, so commands are testable.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// ReadSecret prompts and reads a line without echo; nil when standard
	// input is not a terminal (then secrets are read from Stdin).
	ReadSecret func(prompt string) (string, error)
}

type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"serve":   {"Run the web server and job workers", runServe},
		"migrate": {"Apply pending database migrations", runMigrate},
		"user":    {"Manage users: create, list, reset-link", runUser},
		"token":   {"Manage API tokens: create, list, revoke", runToken},
		"link":    {"Manage tracked links: list, create", runLink},
		"media":   {"Manage the media library: list, upload", runMedia},
		"post":    {"Posts on a running server, through the API: list, export, import, validate, schedule, cancel, attempts, repeat, evergreen", runPost},
		"pause":   {"Pause publishing for a workspace or a channel, through the API", runPause},
		"resume":  {"Resume publishing for a workspace or a channel, through the API", runResume},
		"config":  {"Print the effective configuration (secrets redacted)", runConfig},
		"backup":  {"Write a consistent copy of the SQLite database", runBackup},
		"version": {"Print the version", runVersion},
		"demo":    {"Create a demo workspace with sample channels (fake network)", runDemo},
	}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, env Env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "herald: unknown command %q; run `herald help` for the list\n", args[0])
		return 2
	}
	if err := cmd.run(ctx, env, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(env.Stderr, "herald %s: %s\n", args[0], userMessage(err))
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Herald: self-hosted social media management.\n\nUsage: herald <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `herald <command> -h` for a command's flags. Every command accepts the configuration flags of `herald serve -h`.")
}

// usageError marks mistakes in how a command was called (exit code 2).
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// userMessage shows domain errors as they are and wraps the rest in one line.
func userMessage(err error) string {
	if e := model.AsError(err); e != nil {
		return e.Error()
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		return ce.Error()
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// flags makes a flag set with the configuration flags registered.
func flags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet("herald "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	config.RegisterFlags(fs)
	return fs
}

// parse parses args and loads the configuration.
func parse(fs *flag.FlagSet, args []string, env Env) (config.Config, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config.Config{}, err
		}
		return config.Config{}, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return config.Config{}, usagef("unexpected argument %q", fs.Arg(0))
	}
	return config.Load(fs, env.Getenv)
}
