package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"herald/internal/model"
)

// failWith answers err through server.fail and returns the recorder and
// what was logged.
func failWith(err error) (*httptest.ResponseRecorder, string) {
	var logs bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	rec := httptest.NewRecorder()
	s.fail(rec, httptest.NewRequest(http.MethodGet, "/api/v1/me", nil), err)
	return rec, logs.String()
}

func TestDomainKindsMapToStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		typ    string
		header string
	}{
		{model.Invalid("name", "too long"), 400, typeValidation, ""},
		{model.NotFound("gone"), 404, typeNotFound, ""},
		{model.Forbidden("no"), 403, typeForbidden, ""},
		{model.Unauthorized("who?"), 401, typeUnauthorized, "WWW-Authenticate"},
		{model.Conflict("email", "taken"), 409, typeConflict, ""},
		{model.RateLimited(2500*time.Millisecond, "slow down"), 429, typeRateLimited, "Retry-After"},
	} {
		rec, logs := failWith(tc.err)
		var p problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != tc.status || p.Type != tc.typ || p.Status != tc.status {
			t.Errorf("%v: %d %s", tc.err, rec.Code, rec.Body)
		}
		if tc.header != "" && rec.Header().Get(tc.header) == "" {
			t.Errorf("%v: no %s header", tc.err, tc.header)
		}
		if e := model.AsError(tc.err); e.Field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != e.Field || p.Errors[0].Detail != e.Msg) {
			t.Errorf("%v: errors %+v", tc.err, p.Errors)
		}
		if logs != "" {
			t.Errorf("%v: a client error was logged: %s", tc.err, logs)
		}
	}
	if rec, _ := failWith(model.RateLimited(2500*time.Millisecond, "x")); rec.Header().Get("Retry-After") != "3" {
		t.Errorf("Retry-After %q, want whole seconds rounded up", rec.Header().Get("Retry-After"))
	}
}

func TestInternalErrorIsLoggedOnceAndHidden(t *testing.T) {
	rec, logs := failWith(errors.New("store: list audit: pq: relation \"audit_log\" does not exist"))
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 500 || p.Type != typeInternal {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "audit_log") || strings.Contains(rec.Body.String(), "store:") {
		t.Errorf("internal text leaked: %s", rec.Body)
	}
	if strings.Count(logs, "api request failed") != 1 || !strings.Contains(logs, "audit_log") {
		t.Errorf("log: %s", logs)
	}
	// The reference in the answer is the one in the log line.
	ref := p.Detail[strings.LastIndex(p.Detail, " ")+1 : len(p.Detail)-1]
	if len(ref) != 26 || !strings.Contains(logs, ref) {
		t.Errorf("reference %q not in log %s", ref, logs)
	}
}

func TestPanicBecomesProblem(t *testing.T) {
	var logs bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	rec := httptest.NewRecorder()
	func() {
		defer s.recoverPanic(rec, httptest.NewRequest(http.MethodGet, "/api/v1/me", nil))
		panic("secret internals")
	}()
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "application/problem+json" || strings.Contains(rec.Body.String(), "secret") {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "secret internals") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}
