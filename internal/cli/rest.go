package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"herald/internal/system"
)

// restClient calls a running Herald's REST API with an API token. Client
// commands (herald post …) use it instead of opening the database, so they
// work from any machine and go through the same permission checks as
// every other API client.
type restClient struct {
	base  string // e.g. http://127.0.0.1:8080, without a trailing slash
	token string
	http  *http.Client
}

// remoteFlags are the flags every client command shares.
type remoteFlags struct {
	url, token, workspace *string
}

// addRemoteFlags registers --url, --token and --workspace on fs.
func addRemoteFlags(fs *flag.FlagSet, env Env) remoteFlags {
	def := env.Getenv("HERALD_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	return remoteFlags{
		url:       fs.String("url", def, "Address of the Herald server (env HERALD_URL)"),
		token:     fs.String("token", "", "API token, from `herald token create` (env HERALD_TOKEN; required)"),
		workspace: fs.String("workspace", "", "Workspace ID (required)"),
	}
}

// client checks the shared flags and returns the client and the
// workspace's API path.
func (r remoteFlags) client(env Env) (*restClient, string, error) {
	token := *r.token
	if token == "" {
		token = env.Getenv("HERALD_TOKEN")
	}
	if token == "" {
		return nil, "", usagef("an API token is required: pass --token or set HERALD_TOKEN (create one with `herald token create`)")
	}
	if *r.workspace == "" {
		return nil, "", usagef("--workspace is required")
	}
	u, err := url.Parse(*r.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", usagef("--url %q is not an http or https address", *r.url)
	}
	c := &restClient{base: strings.TrimRight(u.String(), "/"), token: token, http: &http.Client{}}
	return c, "/api/v1/workspaces/" + url.PathEscape(*r.workspace), nil
}

// do sends a request and returns the response when it succeeded (2xx);
// any other answer becomes an *apiError. The caller closes the body.
func (c *restClient) do(ctx context.Context, method, path string, q url.Values, body io.Reader, contentType, accept string) (*http.Response, error) {
	target := c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, fmt.Errorf("bad request address %s: %w", target, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("User-Agent", "herald-cli/"+system.Version)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot reach Herald at %s (set --url or HERALD_URL): %v", c.base, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, readProblem(resp)
}

// getJSON GETs path and decodes the JSON answer into out.
func (c *restClient) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	resp, err := c.do(ctx, http.MethodGet, path, q, nil, "", "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeAnswer(resp.Body, out)
}

// postJSON POSTs in as JSON and decodes the JSON answer into out.
func (c *restClient) postJSON(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodPost, path, nil, bytes.NewReader(body), "application/json", "application/json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeAnswer(resp.Body, out)
}

func decodeAnswer(r io.Reader, out any) error {
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("the server's answer is not the JSON expected: %v", err)
	}
	return nil
}

// apiError is an RFC 9457 problem the API answered with, or the status of
// an answer that was not one (a proxy's error page, say).
type apiError struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
	// Options are the instants offered for a time a clock change skips or
	// repeats (herald post schedule).
	Options []struct {
		At            string `json:"at"`
		OffsetSeconds int    `json:"offset_seconds"`
		Label         string `json:"label"`
	} `json:"options"`
}

// Error is the problem's detail, followed by the field errors it does not
// already spell out. It never includes the raw body.
func (e *apiError) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = e.Title
	}
	if msg == "" {
		msg = fmt.Sprintf("the server answered %d %s", e.Status, http.StatusText(e.Status))
	}
	var extra []string
	for _, f := range e.Errors {
		if s := f.Field + ": " + f.Detail; !strings.Contains(msg, s) {
			extra = append(extra, s)
		}
	}
	if len(extra) > 0 {
		msg += " (" + strings.Join(extra, "; ") + ")"
	}
	for _, o := range e.Options {
		msg += "\n  option: --at " + o.At + "  (" + o.Label + ")"
	}
	return msg
}

func readProblem(resp *http.Response) error {
	e := &apiError{}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(data, e) != nil || (e.Detail == "" && e.Title == "") {
		e = &apiError{}
	}
	e.Status = resp.StatusCode
	return e
}
