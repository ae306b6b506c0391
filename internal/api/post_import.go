package api

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"herald/internal/compose"
	"herald/internal/model"
)

// postImport imports posts from a CSV body (compose.ImportColumns). With
// ?dry_run=true nothing is saved; with ?valid_only=true the valid rows are
// saved although others have problems. The answer is the import report;
// a client that sends Accept: application/x-ndjson gets progress lines
// {"done":n,"total":m} while the file is worked through, then one
// {"report":...} line (or {"error":problem} when it failed part way).
func (s *server) postImport(c *call) (reply, error) {
	ws, err := c.id("ws", "workspace")
	if err != nil {
		return reply{}, err
	}
	opts, err := importOptions(c)
	if err != nil {
		return reply{}, err
	}
	if mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type")); mt != "text/csv" {
		return reply{}, newProblem(http.StatusUnsupportedMediaType, typeMediaType, "Unsupported media type",
			"send the CSV file as the body with Content-Type: text/csv").withHeader("Accept-Post", "text/csv")
	}
	// Refusals come as ordinary problems before a stream starts.
	if _, err := s.d.Workspaces.Authorize(c.ctx(), c.actor, ws, model.ActPostEdit); err != nil {
		return reply{}, err
	}
	body := http.MaxBytesReader(c.w, c.r.Body, compose.MaxImportBytes+1)
	if !acceptsNDJSON(c.r) {
		rep, err := s.d.Compose.Import(c.ctx(), c.actor, ws, body, opts)
		if err != nil {
			return reply{}, importError(err)
		}
		return ok(rep), nil
	}
	c.w.Header().Set("Content-Type", "application/x-ndjson")
	c.w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(c.w)
	flusher, _ := c.w.(http.Flusher)
	emit := func(v any) {
		_ = enc.Encode(v)
		if flusher != nil {
			flusher.Flush()
		}
	}
	opts.Progress = func(done, total int) { emit(map[string]int{"done": done, "total": total}) }
	rep, err := s.d.Compose.Import(c.ctx(), c.actor, ws, body, opts)
	if err != nil {
		p, known := fromDomain(importError(err))
		if errors.As(importError(err), &p) {
			known = true
		}
		if !known {
			s.log.Error("api import failed", "path", c.r.URL.Path, "err", err)
			p = newProblem(http.StatusInternalServerError, typeInternal, "Internal server error", "the import failed; nothing was saved")
		}
		p.Instance = c.r.URL.Path
		emit(map[string]any{"error": p})
		return reply{streamed: true}, nil
	}
	emit(map[string]any{"report": rep})
	return reply{streamed: true}, nil
}

func importOptions(c *call) (compose.ImportOptions, error) {
	var opts compose.ImportOptions
	q := c.r.URL.Query()
	for name, dst := range map[string]*bool{"dry_run": &opts.DryRun, "valid_only": &opts.ValidOnly} {
		switch q.Get(name) {
		case "", "false":
		case "true":
			*dst = true
		default:
			return opts, invalidField(name, "is true or false")
		}
	}
	return opts, nil
}

// importError turns a body over the size limit into the 413 it is.
func importError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return newProblem(http.StatusRequestEntityTooLarge, typeTooLarge, "Payload too large",
			"the file is larger than %d MB; split it into smaller files", compose.MaxImportBytes>>20)
	}
	return err
}

func acceptsNDJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part)); mt == "application/x-ndjson" {
			return true
		}
	}
	return false
}
