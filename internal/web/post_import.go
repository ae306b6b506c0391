package web

import (
	"bytes"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/platform/ids"
)

// importSealLimit is the largest CSV the dry-run page keeps sealed in a
// hidden field for the import step; a larger file is chosen again instead,
// so pages stay a reasonable size. Nothing is written to disk either way.
const importSealLimit = 256 << 10

// importForm is a parsed import post.
type importForm struct {
	Mode   string // "check" (dry run), "import", or "valid" (valid rows only)
	CSV    []byte
	Name   string // the uploaded file's name
	Sealed string // the CSV as carried over from the dry run, if it was
}

// importData is the import page: the upload form, or a report.
type importData struct {
	Report    *compose.ImportReport
	Bad       int // rows with at least one problem
	Sealed    string
	Name      string
	Columns   string
	MaxSize   string
	MaxRows   int
	Stream    string // the NDJSON endpoint import.js posts to
	Attempted bool   // the report is of an import that saved nothing
	Button    string // the import button's words
}

// importShow is the upload form. Only writers may import, so the page is
// refused to others like the settings page is.
func (h *handler) importShow(w http.ResponseWriter, r *http.Request, v *visit) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	if _, err := h.d.Workspaces.Authorize(r.Context(), v.actor, m.Workspace.ID, model.ActPostEdit); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.renderImport(w, r, v, http.StatusOK, m, &form{}, importData{})
}

func (h *handler) renderImport(w http.ResponseWriter, r *http.Request, v *visit, status int, m model.Membership, f *form, d importData) {
	d.Columns = strings.Join(compose.ImportColumns, ", ")
	d.MaxSize, d.MaxRows = byteSize(compose.MaxImportBytes), compose.MaxImportRows
	d.Stream = "/w/" + m.Workspace.ID + "/posts/import/run"
	if rep := d.Report; rep != nil {
		d.Bad = badRows(rep.Problems)
		// "Import" only when the whole file is valid; otherwise the button
		// says that the other rows are left out.
		d.Button = "Import " + plural(rep.Valid, "post")
		if len(rep.Problems) > 0 {
			d.Button = "Import the " + plural(rep.Valid, "valid row") + " only"
		}
	}
	h.render(w, r, v, status, "post_import", &page{Title: "Import posts · " + m.Workspace.Name, Heading: "Import posts from CSV", Section: "posts", WS: &m, Form: f, Data: d})
}

// badRows counts the lines with problems; line 1 is the header.
func badRows(ps []compose.ImportProblem) int {
	seen := map[int]bool{}
	for _, p := range ps {
		if p.Line > 1 {
			seen[p.Line] = true
		}
	}
	return len(seen)
}

// importCreate checks an uploaded file (a dry run) or imports it, without
// JavaScript: a dry run shows every problem; an import that saved posts
// goes to the posts list.
func (h *handler) importCreate(w http.ResponseWriter, r *http.Request, v *visit, in importForm) {
	m, ok := h.workspace(w, r, v)
	if !ok {
		return
	}
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	if len(in.CSV) == 0 {
		f.add("file", "choose a CSV file to import")
		h.renderImport(w, r, v, http.StatusBadRequest, m, f, importData{})
		return
	}
	// Anything but an explicit import is a dry run, so a form sent without
	// its button (Enter in the file field, a script) never saves by surprise.
	opts := compose.ImportOptions{DryRun: in.Mode != "import" && in.Mode != "valid", ValidOnly: in.Mode == "valid"}
	rep, err := h.d.Compose.Import(r.Context(), v.actor, m.Workspace.ID, bytes.NewReader(in.CSV), opts)
	if err != nil {
		h.formFail(w, r, v, err, f, func(status int) {
			f.onlyFields("file")
			h.renderImport(w, r, v, status, m, f, importData{})
		})
		return
	}
	if !opts.DryRun && rep.Imported > 0 {
		h.setFlash(w, r, "success", importedText(rep))
		redirect(w, r, "/w/"+m.Workspace.ID+"/posts")
		return
	}
	d := importData{Report: &rep, Name: in.Name, Attempted: !opts.DryRun, Sealed: in.Sealed}
	if d.Sealed == "" {
		d.Sealed = h.sealImport(m.Workspace.ID, v.user.ID, in.CSV)
	}
	h.renderImport(w, r, v, http.StatusOK, m, f, d)
}

// importedText says what an import did.
func importedText(rep compose.ImportReport) string {
	s := "Imported " + plural(rep.Imported, "post") + " as drafts."
	if skipped := rep.Rows - rep.Imported; skipped > 0 {
		s += " " + plural(skipped, "row") + " with problems " + map[bool]string{true: "was", false: "were"}[skipped == 1] + " skipped."
	}
	return s
}

// progressLine and resultLine are the NDJSON lines importStream writes.
type progressLine struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

type resultLine struct {
	Report  *compose.ImportReport `json:"report,omitempty"`
	Message string                `json:"message,omitempty"`
	Error   string                `json:"error,omitempty"`
	Posts   string                `json:"posts_url,omitempty"`
}

// importStream imports a file for import.js, answering NDJSON: progress
// lines ({"done":n,"total":m}) as rows are checked and saved, then one
// line with the report (or an error). Errors before the first line get a
// plain JSON answer with the usual status instead.
func (h *handler) importStream(w http.ResponseWriter, r *http.Request, v *visit, in importForm) {
	ws := r.PathValue("ws")
	if !ids.Valid(ws) {
		writeJSON(w, http.StatusNotFound, jsonError{Error: "There is no workspace at this address."})
		return
	}
	if len(in.CSV) == 0 {
		h.failJSON(w, r, v, model.Invalid("file", "choose a CSV file to import"))
		return
	}
	if in.Mode != "import" && in.Mode != "valid" {
		h.failJSON(w, r, v, model.Invalid("mode", "say how to import: mode import (a file without problems) or valid (the valid rows only)"))
		return
	}
	rc := http.NewResponseController(w)
	enc := json.NewEncoder(w)
	started := false
	line := func(x any) {
		if !started {
			started = true
			hd := w.Header()
			hd.Set("Content-Type", "application/x-ndjson; charset=utf-8")
			hd.Set("Cache-Control", "no-store")
			hd.Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusOK)
		}
		_ = enc.Encode(x)
		_ = rc.Flush() // each line reaches the browser as it happens
	}
	opts := compose.ImportOptions{ValidOnly: in.Mode == "valid", Progress: func(done, total int) { line(progressLine{done, total}) }}
	rep, err := h.d.Compose.Import(r.Context(), v.actor, ws, bytes.NewReader(in.CSV), opts)
	switch {
	case err != nil && !started:
		h.failJSON(w, r, v, err)
	case err != nil:
		msg := "Herald could not finish the import; the error was logged and nothing was saved."
		if model.KindOf(err) == model.KindInternal {
			h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "user_id", v.user.ID, "err", err)
		} else {
			msg = sentence(model.AsError(err).Msg)
		}
		line(resultLine{Error: msg})
	default:
		res := resultLine{Report: &rep, Posts: "/w/" + ws + "/posts"}
		if rep.Imported > 0 {
			res.Message = importedText(rep)
		} else {
			res.Message = "Nothing was imported: the file has " + plural(len(rep.Problems), "problem") + ". Check it again to see them."
		}
		line(res)
	}
}

// importGuard stands in for wrap on the import posts: they are multipart
// bodies up to the import limit, whose CSRF field ParseForm does not read.
// It reads the parts into memory (never to a temporary file), then checks
// the session, the origin and the CSRF token from the field or the
// X-CSRF-Token header. Script requests (script true) get JSON errors.
func (h *handler) importGuard(script bool, fn func(http.ResponseWriter, *http.Request, *visit, importForm)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.begin(w, r)
		if !ok {
			return
		}
		refuse := func(status int, err error, msg string) {
			if script {
				writeJSON(w, status, jsonError{Error: msg})
			} else {
				h.postFailed(w, r, v, err)
			}
		}
		switch {
		case !v.signedIn && script:
			writeJSON(w, http.StatusUnauthorized, jsonError{Error: "Your session has ended; sign in again and retry."})
			return
		case !v.signedIn:
			redirect(w, r, loginURL(r))
			return
		case h.cop.Check(r) != nil:
			refuse(http.StatusForbidden, errCrossOrigin, "Cross-origin request refused.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, compose.MaxImportBytes+1<<20)
		in, csrf, err := readImportForm(r)
		if err != nil {
			refuse(http.StatusBadRequest, err, importFormMessage(err))
			return
		}
		if csrf == "" {
			csrf = strings.TrimSpace(r.Header.Get("X-CSRF-Token"))
		}
		c, cerr := r.Cookie(csrfCookie)
		if cerr != nil || !validCSRFCookie(c.Value) || csrf == "" || !hmac.Equal([]byte(csrf), []byte(h.d.Box.MAC("csrf", c.Value))) {
			refuse(http.StatusForbidden, errCSRF, "The security token is missing or old; reload the page and try again.")
			return
		}
		if len(in.CSV) == 0 && in.Sealed != "" {
			if in.CSV, ok = h.openImport(r.PathValue("ws"), v.user.ID, in.Sealed); !ok {
				in.Sealed = "" // altered or from another session: choose the file again
			}
		}
		fn(w, r, v, in)
	})
}

// readImportForm reads the parts of an import post: csrf, mode, sealed and
// file. The file is capped one byte over the import limit so the domain
// reports an oversized file in its own words.
func readImportForm(r *http.Request) (importForm, string, error) {
	var in importForm
	var csrf string
	mr, err := r.MultipartReader()
	if err != nil {
		return in, "", errBadForm
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, "", asTooLarge(err)
		}
		limit := int64(1 << 10)
		switch part.FormName() {
		case "file":
			limit, in.Name = compose.MaxImportBytes+1, part.FileName()
		case "sealed":
			limit = importSealLimit*2 + 1<<10
		}
		b, err := io.ReadAll(io.LimitReader(part, limit))
		if err != nil {
			return in, "", asTooLarge(err)
		}
		switch part.FormName() {
		case "csrf":
			csrf = string(b)
		case "mode":
			in.Mode = string(b)
		case "sealed":
			in.Sealed = string(b)
		case "file":
			in.CSV = b
		}
	}
	return in, csrf, nil
}

func asTooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return errBadForm
}

func importFormMessage(err error) string {
	if errors.Is(err, errTooLarge) {
		return "The file is larger than " + byteSize(compose.MaxImportBytes) + "; split it into smaller files."
	}
	return "The upload could not be read; choose the file again."
}

// sealImport keeps a checked CSV for the import step in the page itself,
// encrypted and bound to the workspace and the person, so it can neither be
// read nor replayed elsewhere. It returns "" for files over the limit.
func (h *handler) sealImport(ws, userID string, csv []byte) string {
	if len(csv) > importSealLimit {
		return ""
	}
	s, err := h.d.Box.Seal(importSealPrefix(ws, userID) + string(csv))
	if err != nil {
		h.log.Error("seal import", "err", err)
		return ""
	}
	return s
}

func (h *handler) openImport(ws, userID, sealed string) ([]byte, bool) {
	plain, err := h.d.Box.Open(sealed)
	prefix := importSealPrefix(ws, userID)
	if err != nil || !strings.HasPrefix(plain, prefix) {
		return nil, false
	}
	return []byte(plain[len(prefix):]), true
}

func importSealPrefix(ws, userID string) string {
	return "csv-import\x00" + ws + "\x00" + userID + "\x00"
}
