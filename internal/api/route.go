package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"herald/internal/model"
	"herald/internal/platform/ids"
)

// public marks the routes that need no token: the OpenAPI document.
const public model.Scope = ""

// signedCall marks routes authenticated by a Herald-Signature over the body
// (conversions from a website's server) instead of a token; the handler
// verifies it.
const signedCall model.Scope = "signed"

// route is one API endpoint: its method and path (a net/http pattern), the
// token scope it requires, and its handler.
type route struct {
	Method string
	Path   string
	Scope  model.Scope
	// Create marks a POST that creates something; it honours Idempotency-Key.
	Create bool
	Handle func(*call) (reply, error)
}

// call is one request on its way through a handler: the authenticated actor
// and token, and the body once read.
type call struct {
	s     *server
	w     http.ResponseWriter
	r     *http.Request
	actor model.Actor
	token model.APIToken
	body  []byte
}

func (c *call) ctx() context.Context { return c.r.Context() }

// decode reads the JSON body (once) and decodes it strictly into dst.
func (c *call) decode(dst any) error {
	if c.body == nil {
		b, err := readBody(c.w, c.r, c.s.maxBody)
		if err != nil {
			return err
		}
		c.body = b
	}
	return decodeStrict(c.body, dst)
}

// id returns the path parameter name, which must be a Herald ID. A malformed
// ID cannot name anything, so it is a 404 like an unknown one.
func (c *call) id(name, noun string) (string, error) {
	v := c.r.PathValue(name)
	if !validID(v) {
		return "", notFound("no %s with that ID (IDs are 26-character lower-case ULIDs)", noun)
	}
	return v, nil
}

// validID accepts the lower-case ULIDs Herald makes; IDs are compared
// byte-wise in the database, so an upper-case spelling would name nothing.
func validID(s string) bool { return ids.Valid(s) && s == strings.ToLower(s) }

// reply is what a handler answers when it succeeds.
type reply struct {
	status   int
	body     any // nil for 204
	location string
	// streamed says the handler wrote the answer itself (CSV exports,
	// NDJSON progress), so there is nothing left to send.
	streamed bool
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

// created answers 201 with the new object; its URL is the collection's path
// plus the ID, which is also how an idempotent replay rebuilds Location.
func created(c *call, id string, body any) reply {
	return reply{status: http.StatusCreated, body: body, location: c.r.URL.Path + "/" + id}
}

func noContent() reply { return reply{status: http.StatusNoContent} }

// encode renders a reply's body.
func (rep reply) encode() ([]byte, error) {
	switch b := rep.body.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return b, nil
	}
	return json.Marshal(rep.body)
}

// serve runs one route: authenticate, check the scope, then the handler
// (through the Idempotency-Key machinery for creates).
func (s *server) serve(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{s: s, w: w, r: r}
		if err := s.handle(rt, c); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *server) handle(rt *route, c *call) error {
	if rt.Scope != public && rt.Scope != signedCall {
		if err := s.authenticate(c, rt.Scope); err != nil {
			return err
		}
	}
	if _, keyed := c.r.Header["Idempotency-Key"]; rt.Create && keyed {
		return s.createIdempotent(rt, c)
	}
	rep, body, err := run(rt, c)
	if err != nil {
		return err
	}
	if rep.streamed {
		return nil
	}
	send(c.w, rep.status, rep.location, body)
	return nil
}

// run calls the route's handler and renders its reply.
func run(rt *route, c *call) (reply, []byte, error) {
	rep, err := rt.Handle(c)
	if err != nil {
		return rep, nil, err
	}
	body, err := rep.encode()
	return rep, body, err
}

// send writes a successful JSON answer.
func send(w http.ResponseWriter, status int, location string, body []byte) {
	h := w.Header()
	if location != "" {
		h.Set("Location", location)
	}
	if body != nil {
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if body != nil {
		_, _ = w.Write(body)
	}
}
