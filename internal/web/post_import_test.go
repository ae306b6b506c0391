package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"herald/internal/compose"
	"herald/internal/model"
)

// postMultipart sends an import form: the CSRF field first (as browsers
// send fields in document order), the fields, then the file if any.
func (c *client) postMultipart(path string, fields map[string]string, file string, header http.Header) page {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		_ = mw.WriteField("csrf", c.csrf())
	}
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != "" {
		fw, _ := mw.CreateFormFile("file", "plan.csv")
		_, _ = fw.Write([]byte(file))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.do(req)
}

var sealedRe = regexp.MustCompile(`name="sealed" value="([^"]+)"`)

// TestImportDryRunThenValidRows: a dry run lists every problem by line and
// column with counts and saves nothing; the checked file is carried to the
// import step sealed in the page; "valid rows only" imports the rest.
func TestImportDryRunThenValidRows(t *testing.T) {
	ce := newComposeEnv(t)
	path := "/w/" + ce.ws.ID + "/posts/import"
	p := ce.c.get(path)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "Check a file", "text, channels")

	p = ce.c.postMultipart(path, map[string]string{"mode": "check"}, "", nil)
	wantStatus(t, p, http.StatusBadRequest)
	fieldError(t, p.body, "file")

	csv := "text,channels\nFirst post," + ce.bsky.ID + "\nSecond post,@nobody\n,\nThird post," + ce.masto.ID + "\n"
	p = ce.c.postMultipart(path, map[string]string{"mode": "check"}, csv, nil)
	wantStatus(t, p, http.StatusOK)
	mustContain(t, p, "The file has problems", "3 rows", "2 valid", "1 with problems", "1 problems", "@nobody", "Import the 2 valid rows only")
	if !regexp.MustCompile(`(?s)<td class="num">3</td><td><code class="code-chip">channels</code></td>`).MatchString(p.body) {
		t.Errorf("the problem is not listed at line 3, column channels: %s", alertText(p.body))
	}
	if strings.Contains(p.body, `value="import"`) {
		t.Error("a plain Import button is offered for a file with problems")
	}
	posts, _, _ := ce.a.Compose.List(context.Background(), ce.actor("owner@example.test"), ce.ws.ID, compose.Filter{})
	if len(posts) != 0 {
		t.Fatalf("the dry run saved %d posts", len(posts))
	}
	m := sealedRe.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("the checked file is not kept for the import step")
	}
	sealed := html.UnescapeString(m[1])
	if strings.Contains(sealed, "First post") {
		t.Fatal("the kept file is readable in the page")
	}

	// Another person cannot replay the sealed file into their session.
	other := ce.memberClient(t, "editor@example.test", model.RoleEditor)
	p = other.postMultipart(path, map[string]string{"mode": "valid", "sealed": sealed}, "", nil)
	wantStatus(t, p, http.StatusBadRequest)

	p = ce.c.postMultipart(path, map[string]string{"mode": "valid", "sealed": sealed}, "", nil)
	wantStatus(t, p, http.StatusSeeOther)
	p = ce.c.open(p.location())
	mustContain(t, p, "Imported 2 posts as drafts. 1 row with problems was skipped.", "First post", "Third post")
}

// TestImportWholeFileAndRefusals: a valid file imports at once; a viewer,
// a missing CSRF field and another site are refused.
func TestImportWholeFileAndRefusals(t *testing.T) {
	ce := newComposeEnv(t)
	path := "/w/" + ce.ws.ID + "/posts/import"
	csv := "channels,text,labels\n" + ce.bsky.ID + ",Hello spring,launch\n" + ce.masto.ID + ",Hello summer,\n"
	p := ce.c.postMultipart(path, map[string]string{"mode": "check"}, csv, nil)
	mustContain(t, p, "The file is ready to import", "Import 2 posts")
	if !strings.Contains(p.body, `value="import"`) {
		t.Error("no Import button for a valid file")
	}
	p = ce.c.postMultipart(path, map[string]string{"mode": "import"}, csv, nil)
	wantStatus(t, p, http.StatusSeeOther)
	mustContain(t, ce.c.open(p.location()), "Imported 2 posts as drafts.", "Hello spring", "launch")

	viewer := ce.memberClient(t, "viewer@example.test", model.RoleViewer)
	wantStatus(t, viewer.get(path), http.StatusForbidden)
	wantStatus(t, viewer.postMultipart(path, map[string]string{"mode": "import"}, csv, nil), http.StatusForbidden)
	wantStatus(t, ce.c.postMultipart(path, map[string]string{"mode": "import", "csrf": "forged"}, csv, nil), http.StatusForbidden)
	wantStatus(t, ce.c.postMultipart(path, map[string]string{"mode": "import"}, csv, http.Header{"Sec-Fetch-Site": {"cross-site"}}), http.StatusForbidden)
}

// TestImportStreamsProgress: the script endpoint answers NDJSON progress
// lines and ends with the report.
func TestImportStreamsProgress(t *testing.T) {
	ce := newComposeEnv(t)
	var b strings.Builder
	b.WriteString("text,channels\n")
	for i := 0; i < 120; i++ {
		b.WriteString("Post number " + strings.Repeat("x", i%7) + "," + ce.bsky.ID + "\n")
	}
	p := ce.c.postMultipart("/w/"+ce.ws.ID+"/posts/import/run", map[string]string{"mode": "import"}, b.String(), http.Header{"X-Csrf-Token": {ce.c.csrf()}})
	wantStatus(t, p, http.StatusOK)
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") {
		t.Fatalf("content type %q: %s", ct, p.body)
	}
	var progress []map[string]int
	var last struct {
		Report struct {
			Imported int `json:"imported"`
		} `json:"report"`
		Message string `json:"message"`
	}
	sc := bufio.NewScanner(strings.NewReader(p.body))
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, `"done"`) {
			var m map[string]int
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatal(err)
			}
			progress = append(progress, m)
		} else if err := json.Unmarshal([]byte(line), &last); err != nil {
			t.Fatal(err)
		}
	}
	if len(progress) < 3 || progress[len(progress)-1]["done"] != progress[len(progress)-1]["total"] {
		t.Errorf("progress lines: %v", progress)
	}
	if last.Report.Imported != 120 || last.Message != "Imported 120 posts as drafts." {
		t.Errorf("last line: %+v", last)
	}

	viewer := ce.memberClient(t, "viewer@example.test", model.RoleViewer)
	p = viewer.postMultipart("/w/"+ce.ws.ID+"/posts/import/run", map[string]string{"mode": "import"}, "text,channels\nx,"+ce.bsky.ID+"\n", nil)
	wantStatus(t, p, http.StatusForbidden)
	if !strings.Contains(p.body, `"error"`) {
		t.Errorf("a refused script request gets %s", p.body)
	}
}
