package compose_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"herald/internal/compose"
	"herald/internal/config"
	"herald/internal/model"
	"herald/internal/testenv"
)

// problemAt reports whether rep has a problem on line and column whose
// message contains want.
func problemAt(rep compose.ImportReport, line int, column, want string) bool {
	for _, p := range rep.Problems {
		if p.Line == line && p.Column == column && strings.Contains(p.Message, want) {
			return true
		}
	}
	return false
}

func (e *env) importCSV(t *testing.T, data string, opts compose.ImportOptions) compose.ImportReport {
	t.Helper()
	rep, err := e.s.Import(context.Background(), e.owner, e.ws, strings.NewReader(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// exported returns the workspace's posts as CSV records, header first.
func (e *env) exported(t *testing.T) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := e.s.Export(context.Background(), e.owner, e.ws, &buf, "csv", compose.Filter{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestImportLargeFileWithMixedErrors: 10,000 rows, 6 in 10 with a
// problem. The dry run names each by line and column, nothing is saved
// without ValidOnly, and ValidOnly saves exactly the valid rows, which
// export and import again unchanged.
func TestImportLargeFileWithMixedErrors(t *testing.T) {
	testenv.Each(t, func(t *testing.T, cfg config.Config) {
		e := setup(t, cfg)
		ctx := context.Background()
		if _, err := e.s.SavePillar(ctx, e.owner, e.ws, model.Pillar{Name: "Tips", Color: "#112233"}); err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("a", 290) + strings.Repeat(family, 11)
		var b strings.Builder
		b.WriteString("channels,text,time,zone,pillar,labels\n")
		for i := 0; i < compose.MaxImportRows; i++ {
			switch i % 10 {
			case 0:
				fmt.Fprintf(&b, "@acme,Row %d,2026-12-01 09:30,Mars/Olympus,,\n", i)
			case 1:
				fmt.Fprintf(&b, "@acme;@nobody,Row %d,,,,\n", i)
			case 2:
				fmt.Fprintf(&b, "@acmeplain,Row %d,2026-01-01 09:30,,,\n", i)
			case 3:
				fmt.Fprintf(&b, "@acme,%s,,,,\n", long)
			case 4:
				fmt.Fprintf(&b, "@acme,Row %d,,,Gossip,\n", i)
			case 5:
				fmt.Fprintf(&b, "@acme,Row %d says \"hi\",,,,\n", i)
			case 6:
				fmt.Fprintf(&b, "@acme;@acmeplain,\"Row %d, with a comma\",2026-12-01 09:30,America/New_York,Tips,spring;menu\n", i)
			case 7:
				fmt.Fprintf(&b, "@acmeplain,Row %d,next slot,,tips,\n", i)
			case 8:
				fmt.Fprintf(&b, "%s,Row %d,2026-07-01T08:00:00Z,,,\n", e.bsky.ID, i)
			default:
				fmt.Fprintf(&b, "@ACME,Row %d,,,,launch\n", i)
			}
		}
		data := b.String()
		var calls, last int
		rep := e.importCSV(t, data, compose.ImportOptions{DryRun: true, Progress: func(done, total int) { calls, last = calls+1, done }})
		if rep.Rows != 10_000 || rep.Valid != 4000 || rep.Imported != 0 || calls < 10 || last != 9000 {
			t.Fatalf("dry run: rows %d valid %d imported %d; %d progress calls, last %d", rep.Rows, rep.Valid, rep.Imported, calls, last)
		}
		for _, c := range []struct {
			line         int
			column, want string
		}{
			{2, "zone", `"Mars/Olympus" is not a time zone`},
			{3, "channels", `"@nobody" is not a channel`},
			{4, "time", "2026-01-01 09:30 UTC is in the past"},
			{5, "text", "Bluesky (@acme): The post is 301 characters; Bluesky allows 300"},
			{6, "pillar", `"Gossip" is not a content pillar`},
			{7, "text", "malformed CSV"},
			{9992, "zone", "Mars/Olympus"},
			{9997, "text", "malformed CSV"},
		} {
			if !problemAt(rep, c.line, c.column, c.want) {
				t.Errorf("no problem at line %d, column %s, containing %q", c.line, c.column, c.want)
			}
		}
		if len(rep.Problems) != 6000 {
			t.Errorf("%d problems, want one for each of 6,000 bad rows", len(rep.Problems))
		}
		if rep = e.importCSV(t, data, compose.ImportOptions{}); rep.Imported != 0 || len(rep.Problems) != 6000 {
			t.Fatalf("without valid_only: imported %d, %d problems", rep.Imported, len(rep.Problems))
		}
		if recs := e.exported(t); len(recs) != 1 {
			t.Fatalf("%d posts saved from a file with problems", len(recs)-1)
		}

		rep = e.importCSV(t, data, compose.ImportOptions{ValidOnly: true})
		if rep.Imported != 4000 || len(rep.PostIDs) != 4000 {
			t.Fatalf("valid_only: imported %d", rep.Imported)
		}
		recs := e.exported(t)
		if len(recs) != 4001 {
			t.Fatalf("%d posts exported, want 4000", len(recs)-1)
		}
		p, err := e.s.Get(ctx, e.owner, e.ws, rep.PostIDs[0]) // line 9: both channels, New York time
		if err != nil {
			t.Fatal(err)
		}
		ny, _ := time.LoadLocation("America/New_York")
		want := time.Date(2026, 12, 1, 9, 30, 0, 0, ny)
		if p.Base.Text != "Row 6, with a comma" || len(p.Targets) != 2 || p.PillarID == "" || strings.Join(p.Labels, ",") != "spring,menu" {
			t.Fatalf("imported post %+v", p)
		}
		for _, tg := range p.Targets {
			if !tg.ScheduledAt.Equal(want) || tg.TimeZone != "America/New_York" || tg.Status != model.TargetDraft {
				t.Errorf("target %s planned %v in %q, status %s", tg.ChannelID, tg.ScheduledAt, tg.TimeZone, tg.Status)
			}
		}

		// The export reads back as the same 4,000 valid rows.
		var out bytes.Buffer
		w := csv.NewWriter(&out)
		_ = w.WriteAll(recs)
		again := e.importCSV(t, out.String(), compose.ImportOptions{DryRun: true})
		if again.Rows != 4000 || again.Valid != 4000 {
			t.Fatalf("export re-imported: rows %d valid %d problems %v", again.Rows, again.Valid, again.Problems[:min(3, len(again.Problems))])
		}
	})
}

func TestImportNextSlot(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	// Now is 12:00 in Berlin (the Bluesky channel's zone): today's 12:00 is
	// not after now, 17:00 is taken by an earlier import, so the next slots
	// are tomorrow's 09:00 and 12:00, then 17:00 (taken by a row in this file).
	e.importCSV(t, "text,channels,time\nFirst,@acme,2026-06-01 17:00\n", compose.ImportOptions{})
	rep := e.importCSV(t, "text,channels,time,zone\nA,@acme,next slot,\nB,@acme,Next Slot,\nC,@acme,2026-06-02 17:00,\nD,@acme,next slot,\nE,@acmeplain,next slot,\nF,@acme,next slot,Asia/Tokyo\n", compose.ImportOptions{})
	if rep.Imported != 6 {
		t.Fatalf("report %+v", rep)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	want := []time.Time{
		time.Date(2026, 6, 2, 9, 0, 0, 0, berlin), time.Date(2026, 6, 2, 12, 0, 0, 0, berlin),
		time.Date(2026, 6, 2, 17, 0, 0, 0, berlin), time.Date(2026, 6, 3, 9, 0, 0, 0, berlin),
		time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), time.Date(2026, 6, 2, 9, 0, 0, 0, tokyo), // 17:00 has passed in Tokyo
	}
	for i, id := range rep.PostIDs {
		p, err := e.s.Get(context.Background(), e.owner, e.ws, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Targets[0].ScheduledAt; !got.Equal(want[i]) {
			t.Errorf("row %c: planned %v, want %v", 'A'+i, got.In(berlin), want[i])
		}
	}
}

type fakeImporter struct{ fetched []string }

func (f *fakeImporter) ImportURL(_ context.Context, _ model.Actor, _, url string) (string, error) {
	if strings.Contains(url, "missing") {
		return "", model.Invalid("url", "the server answered 404")
	}
	f.fetched = append(f.fetched, url)
	return "img1", nil
}

func TestImportMedia(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	e.s.MediaImporter = nil // the app wires the media library's; start without one
	data := "text,channels,media\nPhoto,@acme,https://cdn.example/a.png\nLibrary,@acme,img2;img3\n"
	rep := e.importCSV(t, data, compose.ImportOptions{DryRun: true})
	if !problemAt(rep, 2, "media", "importing media by URL is not available") || rep.Valid != 1 {
		t.Fatalf("without an importer: %+v", rep)
	}
	fi := &fakeImporter{}
	e.s.MediaImporter = fi
	if rep = e.importCSV(t, data, compose.ImportOptions{DryRun: true}); len(rep.Problems) != 0 || len(fi.fetched) != 0 {
		t.Fatalf("dry run fetched %v or found %+v", fi.fetched, rep.Problems)
	}
	rep = e.importCSV(t, data+"Gone,@acme,https://cdn.example/missing.png\n", compose.ImportOptions{})
	if rep.Imported != 0 || !problemAt(rep, 4, "media", "the server answered 404") {
		t.Fatalf("failed download: %+v", rep)
	}
	rep = e.importCSV(t, data+"Unknown,@acme,nosuchid\n", compose.ImportOptions{ValidOnly: true})
	if rep.Imported != 2 || !problemAt(rep, 4, "media", `media "nosuchid" is not in this workspace's library`) {
		t.Fatalf("valid only: %+v", rep)
	}
	p, _ := e.s.Get(context.Background(), e.owner, e.ws, rep.PostIDs[0])
	if len(p.Base.Media) != 1 || p.Base.Media[0].ID != "img1" {
		t.Fatalf("media of the URL row: %+v", p.Base.Media)
	}
}

func TestImportFileProblems(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	for _, c := range []struct {
		data         string
		line         int
		column, want string
	}{
		{"", 1, "", "the file is empty"},
		{"text,channels,colour\nHi,@acme,red\n", 1, "colour", `unknown column "colour"`},
		{"text\nHi\n", 1, "channels", "no channels column"},
		{"text,channels,text\nHi,@acme,Hi\n", 1, "text", "appears twice"},
		{"text,channels\nHi,@acme,extra\n", 2, "", "the row has 3 fields; the header has 2"},
		{"text,channels\nHi,\n", 2, "channels", "name at least one channel"},
		{"text,channels,time\nHi,@acme,tomorrow\n", 2, "time", `"tomorrow" is not a time`},
		{"text,channels,labels\nHi,@acme,\"a,b\"\n", 2, "labels", "no commas"},
		{"text,channels,link\nHi,@acme,ftp://x\n", 2, "link", "full http"},
		{"text,channels\n\"unterminated,@acme\nmore\n", 2, "", "malformed CSV"},
		{"text,channels\nHi,@acme;@acme\n,\n", 0, "", ""},
	} {
		rep := e.importCSV(t, c.data, compose.ImportOptions{DryRun: true})
		if c.want == "" {
			if len(rep.Problems) != 0 || rep.Rows != 1 {
				t.Errorf("%q: %+v", c.data, rep)
			}
		} else if !problemAt(rep, c.line, c.column, c.want) {
			t.Errorf("%q: no problem at %d/%s containing %q: %+v", c.data, c.line, c.column, c.want, rep.Problems)
		}
	}
	big := "text,channels\n" + strings.Repeat("Hi,@acme\n", compose.MaxImportRows+1)
	_, err := e.s.Import(context.Background(), e.owner, e.ws, strings.NewReader(big), compose.ImportOptions{DryRun: true})
	testenv.WantKind(t, err, model.KindInvalid, "file")
	huge := "text,channels\n" + strings.Repeat("x", compose.MaxImportBytes)
	_, err = e.s.Import(context.Background(), e.owner, e.ws, strings.NewReader(huge), compose.ImportOptions{DryRun: true})
	testenv.WantKind(t, err, model.KindInvalid, "file")
}

// TestImportIsAllOrNothing: a failure in the middle of saving (here the
// request is cancelled) leaves no post behind.
func TestImportIsAllOrNothing(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	var b strings.Builder
	b.WriteString("text,channels\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "Row %d,@acme\n", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := e.s.Import(ctx, e.owner, e.ws, strings.NewReader(b.String()), compose.ImportOptions{Progress: func(done, total int) {
		if done > 400 { // past the 300 checks, 100 posts into the save
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import: %v", err)
	}
	if recs := e.exported(t); len(recs) != 1 {
		t.Fatalf("%d posts left by a failed import", len(recs)-1)
	}
}

func TestExportJSON(t *testing.T) {
	e := setup(t, testenv.SQLite(t))
	ctx := context.Background()
	_, err := e.s.Create(ctx, e.owner, e.ws, compose.Draft{Base: model.Content{Text: "Hello", Thread: []model.Segment{{Text: "again"}}},
		Channels: []string{e.bsky.ID, e.plain.ID}, Variants: map[string]model.Variant{e.plain.ID: {Text: ptr("Hello plain")}}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.s.Export(ctx, e.owner, e.ws, &buf, "json", compose.Filter{}); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Posts []compose.ExportPost }
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	if len(doc.Posts) != 1 || len(doc.Posts[0].Targets) != 2 || len(doc.Posts[0].Base.Thread) != 1 {
		t.Fatalf("export %s", buf.Bytes())
	}
	for _, tg := range doc.Posts[0].Targets {
		if tg.ChannelID == e.plain.ID && (tg.Variant.Text == nil || *tg.Variant.Text != "Hello plain" || tg.Network != "plain") {
			t.Errorf("plain target %+v", tg)
		}
	}
	err = e.s.Export(ctx, e.owner, e.ws, &buf, "xml", compose.Filter{})
	testenv.WantKind(t, err, model.KindInvalid, "format")
}
