// Command herald is Herald's single binary: web server, job workers and
// operational commands.
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // the binary carries the zone database, so schedules work on hosts without one

	"golang.org/x/term"

	"herald/internal/cli"
)

func main() {
	env := cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		env.ReadSecret = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	os.Exit(cli.Main(os.Args[1:], env))
}
