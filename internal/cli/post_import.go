package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// importReport is the API's import report (compose.ImportReport).
type importReport struct {
	DryRun   bool     `json:"dry_run"`
	Rows     int      `json:"rows"`
	Valid    int      `json:"valid"`
	Imported int      `json:"imported"`
	PostIDs  []string `json:"post_ids"`
	Problems []struct {
		Line    int    `json:"line"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"problems"`
}

// importLine is one line of the import's NDJSON stream: progress, the
// final report, or the failure that ended it.
type importLine struct {
	Done   *int          `json:"done"`
	Total  *int          `json:"total"`
	Report *importReport `json:"report"`
	Error  *apiError     `json:"error"`
}

func postImport(ctx context.Context, env Env, fs *flag.FlagSet, remote remoteFlags, args []string) error {
	dryRun := fs.Bool("dry-run", false, "Check every row and save nothing")
	validOnly := fs.Bool("valid-only", false, "Save the valid rows even when others have problems")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: herald post import --workspace W [--dry-run] [--valid-only] FILE.csv (- for standard input)")
	}
	c, ws, err := remote.client(env)
	if err != nil {
		return err
	}
	var body io.Reader = env.Stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		body = f
	}
	q := url.Values{}
	if *dryRun {
		q.Set("dry_run", "true")
	}
	if *validOnly {
		q.Set("valid_only", "true")
	}
	resp, err := c.do(ctx, http.MethodPost, ws+"/posts/import", q, body, "text/csv", "application/x-ndjson")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rep, err := readImportStream(resp.Body, newProgress(env, *dryRun))
	if err != nil {
		return err
	}
	return printImportReport(env, rep)
}

// readImportStream follows the NDJSON lines until the report or the error.
func readImportStream(r io.Reader, p progress) (*importReport, error) {
	dec := json.NewDecoder(r)
	defer p.finish()
	for {
		var line importLine
		if err := dec.Decode(&line); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("the import's answer ended early (%v); check the server's log", err)
		}
		switch {
		case line.Error != nil:
			return nil, line.Error
		case line.Report != nil:
			return line.Report, nil
		case line.Done != nil && line.Total != nil:
			p.update(*line.Done, *line.Total)
		}
	}
}

// printImportReport lists the problems as "line 12, column zone: message"
// and sums up; problems make the command fail (a non-zero exit code), so
// scripts notice rows that were left out.
func printImportReport(env Env, rep *importReport) error {
	for _, p := range rep.Problems {
		if p.Column == "" {
			fmt.Fprintf(env.Stdout, "line %d: %s\n", p.Line, p.Message)
		} else {
			fmt.Fprintf(env.Stdout, "line %d, column %s: %s\n", p.Line, p.Column, p.Message)
		}
	}
	switch {
	case rep.DryRun:
		fmt.Fprintf(env.Stdout, "dry run: %d %s read, %d valid; nothing was saved\n", rep.Rows, plural(rep.Rows, "row", "rows"), rep.Valid)
	default:
		fmt.Fprintf(env.Stdout, "imported %d of %d %s as drafts\n", rep.Imported, rep.Rows, plural(rep.Rows, "row", "rows"))
	}
	if n := len(rep.Problems); n > 0 {
		return fmt.Errorf("%d %s in the file", n, plural(n, "problem", "problems"))
	}
	return nil
}

// progress shows how far the server is: a bar on a terminal, otherwise a
// plain line at most once a second (and at the end of each phase).
type progress interface {
	update(done, total int)
	finish()
}

func newProgress(env Env, dryRun bool) progress {
	verb := "imported"
	if dryRun {
		verb = "checked"
	}
	if f, ok := env.Stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(verb),
			progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond))
		return &barProgress{bar: bar}
	}
	return &lineProgress{w: env.Stdout, verb: verb}
}

type barProgress struct {
	bar *progressbar.ProgressBar
	max int
}

func (b *barProgress) update(done, total int) {
	if total != b.max {
		b.max = total
		b.bar.ChangeMax(total)
	}
	_ = b.bar.Set(done)
}

func (b *barProgress) finish() { _ = b.bar.Finish() }

type lineProgress struct {
	w    io.Writer
	verb string
	last time.Time
}

func (l *lineProgress) update(done, total int) {
	if done < total && time.Since(l.last) < time.Second {
		return
	}
	l.last = time.Now()
	fmt.Fprintf(l.w, "%s %d of %d\n", l.verb, done, total)
}

func (l *lineProgress) finish() {}
