package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"strings"
)

// openAPISource is the hand-maintained OpenAPI 3.1 document of this API.
// It is written, not generated from the route table, so that the test that
// compares the two can catch an endpoint added to one and not the other.
//
//go:embed openapi.json
var openAPISource []byte

// openAPIDoc fixes the top-level order of the served document; the inner
// parts pass through untouched.
type openAPIDoc struct {
	OpenAPI    json.RawMessage `json:"openapi"`
	Info       json.RawMessage `json:"info"`
	Servers    json.RawMessage `json:"servers"`
	Security   json.RawMessage `json:"security"`
	Tags       json.RawMessage `json:"tags"`
	Paths      json.RawMessage `json:"paths"`
	Components json.RawMessage `json:"components"`
}

// openAPIDocument returns the embedded document with this installation's
// public URL as its server. The document is part of the binary, and a test
// parses it, so failing to parse it is a build defect worth a panic.
func openAPIDocument(baseURL string) []byte {
	var doc openAPIDoc
	dec := json.NewDecoder(bytes.NewReader(openAPISource))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		panic("api: embedded openapi.json: " + err.Error())
	}
	if baseURL != "" {
		servers, err := json.Marshal([]map[string]string{{"url": strings.TrimRight(baseURL, "/"), "description": "This Herald"}})
		if err != nil {
			panic("api: openapi servers: " + err.Error())
		}
		doc.Servers = servers
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic("api: openapi.json: " + err.Error())
	}
	return out
}

// openAPIGet serves the OpenAPI document; it needs no token.
func (s *server) openAPIGet(c *call) (reply, error) {
	return ok(json.RawMessage(s.openapi)), nil
}
