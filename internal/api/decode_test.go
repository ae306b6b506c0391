package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// decodeInput has the field shapes the API's request bodies use.
type decodeInput struct {
	Name     string   `json:"name"`
	Scopes   []string `json:"scopes"`
	Days     *int     `json:"expires_in_days"`
	Archived *bool    `json:"archived"`
}

// decodeRequest runs the strict decoder the way a handler does.
func decodeRequest(contentType string, body []byte, max int64) (decodeInput, error) {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/tokens", bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	c := &call{s: &server{maxBody: max}, w: httptest.NewRecorder(), r: r}
	var in decodeInput
	err := c.decode(&in)
	return in, err
}

func TestDecodeProblems(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		typ               string
		field             string // errors[0].field, when the problem names one
		detail            string // a substring of detail
		offset            int64  // -1: no offset
	}{
		{"no content type", "", `{}`, 415, typeMediaType, "", "no Content-Type", -1},
		{"text", "text/plain", `{}`, 415, typeMediaType, "", `"text/plain"`, -1},
		{"latin1", "application/json; charset=latin1", `{}`, 415, typeMediaType, "", "UTF-8", -1},
		{"too large", "application/json", `{"name":"` + strings.Repeat("x", 300) + `"}`, 413, typeTooLarge, "", "256 bytes", -1},
		{"empty", "application/json", "", 400, typeMalformedBody, "", "empty", -1},
		{"blank", "application/json", " \n ", 400, typeMalformedBody, "", "empty", -1},
		{"null", "application/json", "null", 400, typeMalformedBody, "", "JSON object, not null", -1},
		{"array", "application/json", "[1]", 400, typeMalformedBody, "", "JSON object, not array", -1},
		{"string", "application/json", `"x"`, 400, typeMalformedBody, "", "JSON object, not string", -1},
		{"unknown field", "application/json", `{"nmae":"x"}`, 400, typeValidation, "nmae", "accepts: archived, expires_in_days, name, scopes", -1},
		{"wrong type", "application/json", `{"name":5}`, 400, typeValidation, "name", "must be a string, not number", -1},
		{"wrong int", "application/json", `{"expires_in_days":"9"}`, 400, typeValidation, "expires_in_days", "must be an integer, not string", -1},
		{"fraction", "application/json", `{"expires_in_days":1.5}`, 400, typeValidation, "expires_in_days", "must be an integer", -1},
		{"wrong element", "application/json", `{"scopes":[1]}`, 400, typeValidation, "scopes", "must be an array of strings", -1},
		{"wrong bool", "application/json", `{"archived":"yes"}`, 400, typeValidation, "archived", "must be a boolean", -1},
		{"syntax", "application/json", `{"name" "x"}`, 400, typeMalformedBody, "", "offset 8", 8},
		{"truncated", "application/json", `{"name":"x"`, 400, typeMalformedBody, "", "ends before", 11},
		{"trailing object", "application/json", `{"name":"x"} {}`, 400, typeMalformedBody, "", "offset 13", 13},
		{"trailing junk", "application/json", `{"name":"x"}  x`, 400, typeMalformedBody, "", "offset 14", 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeRequest(tc.ctype, []byte(tc.body), 256)
			p, ok := err.(*problem)
			if !ok {
				t.Fatalf("got %v, want a problem", err)
			}
			if p.Status != tc.status || p.Type != tc.typ || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("got %d %s %q, want %d %s containing %q", p.Status, p.Type, p.Detail, tc.status, tc.typ, tc.detail)
			}
			if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
				t.Errorf("errors %+v, want field %s", p.Errors, tc.field)
			}
			if (tc.offset < 0) != (p.Offset == nil) || (p.Offset != nil && *p.Offset != tc.offset) {
				t.Errorf("offset %s, want %d", offsetText(p.Offset), tc.offset)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	for _, ctype := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"} {
		in, err := decodeRequest(ctype, []byte(" {\"name\":\"x\",\"scopes\":[\"a\"],\"expires_in_days\":3,\"archived\":null}\n"), 256)
		if err != nil || in.Name != "x" || len(in.Scopes) != 1 || in.Days == nil || *in.Days != 3 || in.Archived != nil {
			t.Errorf("%s: %+v %v", ctype, in, err)
		}
	}
}

// FuzzDecodeJSON feeds random bodies and content types to the decoder: it
// must never panic, and must give either a value or a 4xx problem that
// renders as problem+json.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{`{"name":"x","scopes":["a"],"expires_in_days":3}`, `{}`, `null`, `[]`, `{"name":1}`,
		`{"x":1}`, `{"name":"a"} {}`, ``, `{"name":"\ud800"}`, strings.Repeat(`[`, 300), `{"scopes":[null,1,{}]}`,
		`{"expires_in_days":1e400}`, "{\"name\":\"\xff\"}", `{"archived":tru}`} {
		f.Add([]byte(seed), "application/json")
	}
	f.Add([]byte(`{}`), "text/plain; charset=")
	s := &server{log: discardLogger()}
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		in, err := decodeRequest(ctype, body, 256)
		if err == nil {
			if _, merr := json.Marshal(in); merr != nil {
				t.Fatalf("decoded value does not re-encode: %v", merr)
			}
			return
		}
		p, ok := err.(*problem)
		if !ok {
			t.Fatalf("non-problem error %T: %v", err, err)
		}
		if p.Status < 400 || p.Status > 499 || !strings.HasPrefix(p.Type, problemBase) || p.Detail == "" {
			t.Fatalf("bad problem %+v", p)
		}
		rec := httptest.NewRecorder()
		s.writeProblem(rec, httptest.NewRequest(http.MethodPost, "/api/v1/tokens", nil), p)
		var out map[string]any
		if rec.Code != p.Status || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			t.Fatalf("problem renders as %d %q", rec.Code, rec.Body)
		}
	})
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func offsetText(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10)
}
