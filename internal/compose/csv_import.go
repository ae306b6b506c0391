package compose

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"herald/internal/audit"
	"herald/internal/model"
	"herald/internal/platform/csvsafe"
	"herald/internal/store"
)

// MediaImporter fetches a file by URL into the workspace's media library and
// returns the new asset's ID. The media library implements it; compose only
// needs this one call, so it does not depend on the library.
type MediaImporter interface {
	ImportURL(ctx context.Context, a model.Actor, workspaceID, url string) (string, error)
}

// Limits of one imported file. A bigger plan is split into several files,
// which keeps one import's transaction and report a reasonable size.
const (
	MaxImportRows  = 10_000
	MaxImportBytes = 10 << 20
)

// ImportColumns are the columns of the CSV import and export format, in the
// order the export writes them. An import file may order them freely and
// leave out any but text and channels.
var ImportColumns = []string{"text", "channels", "time", "zone", "media", "pillar", "labels", "link", "first_comment"}

// ImportOptions tune Import.
type ImportOptions struct {
	// DryRun checks every row and saves nothing.
	DryRun bool
	// ValidOnly imports the valid rows even when others have problems;
	// without it, one problem anywhere imports nothing.
	ValidOnly bool
	// Progress, when set, is called as rows are checked and saved, with the
	// work done and the total so far (the total grows once the rows to save
	// are known).
	Progress func(done, total int)
}

// ImportProblem is one thing wrong with an imported file: a line (1 is the
// header) and a column ("" for the row as a whole).
type ImportProblem struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportReport is what an import did or, in a dry run, would do.
type ImportReport struct {
	DryRun   bool            `json:"dry_run"`
	Rows     int             `json:"rows"`     // data rows read
	Valid    int             `json:"valid"`    // rows without problems
	Imported int             `json:"imported"` // posts saved
	PostIDs  []string        `json:"post_ids"`
	Problems []ImportProblem `json:"problems"`
}

// Import reads posts from CSV (ImportColumns) and saves them as drafts, with
// planned times on their targets. Every row is checked, against the
// networks' limits too, before anything is saved; the save is one
// transaction, so a failure leaves nothing half imported. Problems are
// reported, not returned as errors; errors are refusals (permission, file
// too large) and failures.
func (s *Service) Import(ctx context.Context, a model.Actor, workspaceID string, r io.Reader, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opts.DryRun, PostIDs: []string{}, Problems: []ImportProblem{}}
	if _, err := s.Workspaces.Authorize(ctx, a, workspaceID, model.ActPostEdit); err != nil {
		return rep, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return rep, fmt.Errorf("compose: read import: %w", err)
	}
	if len(data) > MaxImportBytes {
		return rep, model.Invalid("file", "the file is larger than %d MB; split it into smaller files", MaxImportBytes>>20)
	}
	header, records, problems, err := readCSV(data)
	if err != nil {
		return rep, err
	}
	// Rows with a syntax error are rows too; the header's problems are not.
	rep.Rows, rep.Problems = len(records), append(rep.Problems, problems...)
	if header != nil {
		rep.Rows += len(problems)
	}
	if header == nil {
		return rep, nil
	}
	im, err := s.newImporter(ctx, a, workspaceID)
	if err != nil {
		return rep, err
	}
	progress := func(done, total int) {
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	var ready []*importRow
	for i, rec := range records {
		row, err := im.row(ctx, rec)
		if err != nil {
			return rep, err
		}
		rep.Problems = append(rep.Problems, row.problems...)
		if len(row.problems) == 0 {
			ready = append(ready, row)
		}
		if (i+1)%50 == 0 {
			progress(i+1, len(records))
		}
	}
	progress(len(records), len(records))
	rep.Valid = len(ready)
	sortProblems(rep.Problems)
	if opts.DryRun || len(ready) == 0 || (len(rep.Problems) > 0 && !opts.ValidOnly) {
		return rep, nil
	}
	// Media by URL is fetched only now that the rows are known to be worth
	// saving; the fetched files are checked like library media.
	ready, err = im.fetchMedia(ctx, ready, &rep)
	if err != nil || (len(rep.Problems) > 0 && !opts.ValidOnly) || len(ready) == 0 {
		rep.Valid = len(ready)
		return rep, err
	}
	rep.Valid = len(ready)
	total := len(records) + len(ready)
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		for i, row := range ready {
			p := s.newPost(a, workspaceID, row.draft)
			for j := range p.Targets {
				p.Targets[j].ScheduledAt, p.Targets[j].TimeZone = row.plan[p.Targets[j].ChannelID].at, row.plan[p.Targets[j].ChannelID].zone
			}
			if err := s.insertPost(ctx, tx, a, p, false); err != nil {
				return fmt.Errorf("compose: import line %d: %w", row.line, err)
			}
			rep.PostIDs = append(rep.PostIDs, p.ID)
			if (i+1)%50 == 0 {
				progress(len(records)+i+1, total)
			}
		}
		return audit.Record(ctx, tx, a, "post.import", "workspace", workspaceID, workspaceID,
			map[string]any{"rows": rep.Rows, "imported": len(ready), "skipped": rep.Rows - len(ready)})
	})
	if err != nil {
		rep.PostIDs = []string{}
		return rep, err
	}
	rep.Imported = len(ready)
	progress(total, total)
	return rep, nil
}

// csvRecord is one data row with the line it starts on.
type csvRecord struct {
	line  int
	cells map[string]string
}

// readCSV parses the file: the header (nil when it is unusable), the data
// rows, and problems with the file's shape. Rows with a quoting error are
// reported and skipped so the rest of the file is still checked.
func readCSV(data []byte) ([]string, []csvRecord, []ImportProblem, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // spreadsheet programs write a BOM
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // a wrong field count is a row problem, not the end of the file
	var problems []ImportProblem
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, []ImportProblem{{Line: 1, Message: "the file is empty; the first line must name the columns: " + strings.Join(ImportColumns, ", ")}}, nil
	} else if err != nil {
		return nil, nil, []ImportProblem{parseProblem(err, nil, data)}, nil
	}
	header, problems = checkHeader(header)
	if len(problems) > 0 {
		return nil, nil, problems, nil
	}
	var records []csvRecord
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if len(records)+len(problems) >= MaxImportRows {
			return nil, nil, nil, model.Invalid("file", "the file has more than %d rows; split it into smaller files", MaxImportRows)
		}
		if err != nil {
			problems = append(problems, parseProblem(err, header, data))
			continue
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			problems = append(problems, ImportProblem{Line: line, Message: fmt.Sprintf("the row has %d fields; the header has %d", len(rec), len(header))})
			continue
		}
		cells := make(map[string]string, len(header))
		for i, name := range header {
			// Trimmed first: a guarded cell keeps its tab or carriage
			// return behind the apostrophe.
			cells[name] = csvsafe.Unguard(strings.TrimSpace(rec[i]))
		}
		records = append(records, csvRecord{line: line, cells: cells})
	}
	return header, records, problems, nil
}

// checkHeader normalises the column names and refuses unknown, repeated or
// missing required ones.
func checkHeader(header []string) ([]string, []ImportProblem) {
	var problems []ImportProblem
	seen := map[string]bool{}
	out := make([]string, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		out[i] = name
		switch {
		case !contains(ImportColumns, name):
			problems = append(problems, ImportProblem{Line: 1, Column: clip(h, 40),
				Message: fmt.Sprintf("unknown column %q; the columns are %s", clip(h, 40), strings.Join(ImportColumns, ", "))})
		case seen[name]:
			problems = append(problems, ImportProblem{Line: 1, Column: name, Message: "the column " + name + " appears twice"})
		}
		seen[name] = true
	}
	for _, req := range []string{"text", "channels"} {
		if !seen[req] {
			problems = append(problems, ImportProblem{Line: 1, Column: req, Message: "the header has no " + req + " column; the first line must name the columns"})
		}
	}
	return out, problems
}

// parseProblem words a CSV syntax error with its line and, when the header
// is known, the column it is in.
func parseProblem(err error, header []string, data []byte) ImportProblem {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return ImportProblem{Line: 1, Message: "the file is not CSV: " + err.Error()}
	}
	p := ImportProblem{Line: pe.StartLine, Message: "malformed CSV: " + pe.Err.Error()}
	if pe.Line != pe.StartLine {
		p.Message += fmt.Sprintf(" (noticed on line %d)", pe.Line)
	}
	if pe.StartLine == pe.Line && header != nil {
		if i := fieldAt(lineOf(data, pe.Line), pe.Column-1); i < len(header) {
			p.Column = header[i]
		}
	}
	return p
}

// lineOf returns line n (1-based) of data.
func lineOf(data []byte, n int) []byte {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return nil
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return data
}

// fieldAt counts the field separators before byte col of a line, outside
// quotes, to tell which field a syntax error is in.
func fieldAt(line []byte, col int) int {
	field, quoted := 0, false
	for i := 0; i < col && i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				field++
			}
		}
	}
	return field
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortProblems orders problems by line, keeping each row's own order.
func sortProblems(ps []ImportProblem) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Line < ps[j-1].Line; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// fetchMedia imports the URL media of the rows to save and checks those
// rows again with the fetched files. Rows that fail drop out with problems.
func (im *importer) fetchMedia(ctx context.Context, rows []*importRow, rep *ImportReport) ([]*importRow, error) {
	var out []*importRow
	for _, row := range rows {
		if len(row.urls) == 0 {
			out = append(out, row)
			continue
		}
		for _, u := range row.urls {
			id, err := im.s.MediaImporter.ImportURL(ctx, im.a, im.ws, u)
			if err != nil {
				if model.AsError(err) == nil && ctx.Err() != nil {
					return nil, err
				}
				row.problem("media", "could not import %s: %s", clip(u, 80), errorText(err))
				continue
			}
			row.draft.Base.Media = append(row.draft.Base.Media, model.MediaRef{ID: id})
		}
		if len(row.problems) == 0 {
			if err := im.check(ctx, row); err != nil {
				return nil, err
			}
		}
		rep.Problems = append(rep.Problems, row.problems...)
		if len(row.problems) == 0 {
			out = append(out, row)
		}
	}
	sortProblems(rep.Problems)
	return out, nil
}

// errorText is a domain error's words, or a generic phrase for anything
// else (which may carry internal detail).
func errorText(err error) string {
	if e := model.AsError(err); e != nil {
		return e.Msg
	}
	return "the download failed"
}
