package compose

import (
	"bytes"
	"slices"
	"testing"

	"herald/internal/model"
)

// FuzzImport feeds arbitrary bytes to the import's CSV reader: it must
// never panic, and every row and problem it reports must point at a line
// of the file.
func FuzzImport(f *testing.F) {
	for _, seed := range []string{
		"text,channels,time,zone,media,pillar,labels,link,first_comment\nHi,@acme,2026-12-01 09:30,Europe/Berlin,img1;https://x.example/a.png,Tips,a;b,https://acme.example,First\n",
		"channels,text\n@acme,\"multi\nline\"\n",
		"text,channels\nsay \"hi\",@acme\n",
		"text,channels\n\"unterminated,@acme\n",
		"\ufefftext,channels\r\nHi,@acme\r\n",
		"text,colour\nHi,red\n",
		"",
		"\n\n,\n",
		"text,channels\n\"a\"\"b\",x;y;;z\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		header, recs, problems, err := readCSV(data)
		if err != nil {
			if e := model.AsError(err); e == nil || e.Field != "file" {
				t.Fatalf("error %v", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, p := range problems {
			if p.Line < 1 || p.Line > lines || p.Message == "" {
				t.Fatalf("problem %+v outside the file's %d lines", p, lines)
			}
			if p.Column != "" && header != nil && !slices.Contains(header, p.Column) {
				t.Fatalf("problem names column %q not in the header %v", p.Column, header)
			}
		}
		prev := 1
		for _, r := range recs {
			if r.line <= prev || r.line > lines || len(r.cells) != len(header) {
				t.Fatalf("record at line %d after %d, %d cells for %d columns", r.line, prev, len(r.cells), len(header))
			}
			prev = r.line
			for col, v := range r.cells {
				if !slices.Contains(ImportColumns, col) {
					t.Fatalf("unknown column %q accepted", col)
				}
				_ = splitList(v)
				_ = parsesAsWallClock(v)
			}
		}
	})
}
