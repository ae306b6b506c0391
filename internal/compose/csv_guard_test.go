package compose_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"maps"
	"testing"

	"herald/internal/compose"
	"herald/internal/model"
	"herald/internal/testenv"
)

// TestExportGuardsFormulas: cells a spreadsheet would run as formulas are
// exported behind an apostrophe, and importing the export gives back the
// exact texts, apostrophes that were there before included.
func TestExportGuardsFormulas(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	ctx := context.Background()
	texts := map[string]string{ // text → its exported cell
		"=HYPERLINK(\"http://evil.example\")": "'=HYPERLINK(\"http://evil.example\")",
		"+1 for this":                         "'+1 for this",
		"-20% today":                          "'-20% today",
		"@acme says hi":                       "'@acme says hi",
		"\tindented":                          "'\tindented",
		"\rreturn":                            "'\rreturn",
		"'=already guarded":                   "''=already guarded",
		"''+twice":                            "'''+twice",
		"'just a quote":                       "'just a quote",
		"plain = text":                        "plain = text",
	}
	for text := range texts {
		if _, err := e.s.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: text}, Channels: []string{e.plain.ID}}); err != nil {
			t.Fatalf("create %q: %v", text, err)
		}
	}
	stored := map[string]bool{}
	posts, _, err := e.s.List(ctx, e.owner, e.ws, compose.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		stored[p.Base.Text] = true
	}
	recs := e.exported(t)
	cells := map[string]bool{}
	for _, r := range recs[1:] {
		cells[r[0]] = true
	}
	for text, cell := range texts {
		if stored[text] && !cells[cell] {
			t.Errorf("text %q: no exported cell %q in %q", text, cell, recs[1:])
		}
	}

	var data bytes.Buffer
	_ = csv.NewWriter(&data).WriteAll(recs)
	rep := e.importCSV(t, data.String(), compose.ImportOptions{})
	if rep.Imported != len(posts) {
		t.Fatalf("re-import: %+v", rep)
	}
	again := map[string]bool{}
	for _, id := range rep.PostIDs {
		p, err := e.s.Get(ctx, e.owner, e.ws, id)
		if err != nil {
			t.Fatal(err)
		}
		again[p.Base.Text] = true
	}
	if !maps.Equal(stored, again) {
		t.Errorf("round trip changed the texts:\n got %v\nwant %v", again, stored)
	}
}
