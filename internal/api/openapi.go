package api

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// openAPISource is the hand-maintained OpenAPI 3.1 document of this API.
// It is written, not generated from the route table, so that the test that
// compares the two can catch an endpoint added to one and not the other.
//
//go:embed openapi.json
var openAPISource []byte

// openAPIParts holds one file per feature area (posts, media, links...),
// each with its own tags, paths and component schemas; they are merged into
// the main document so areas can grow without editing one huge file.
//
//go:embed openapi
var openAPIParts embed.FS

// openAPIPart is the shape of a file under openapi/.
type openAPIPart struct {
	Tags       []json.RawMessage          `json:"tags"`
	Paths      map[string]json.RawMessage `json:"paths"`
	Schemas    map[string]json.RawMessage `json:"schemas"`
	Parameters map[string]json.RawMessage `json:"parameters,omitempty"` // path parameters such as a post's {id}
}

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
	if err := mergeOpenAPIParts(&doc); err != nil {
		panic("api: " + err.Error())
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

// mergeOpenAPIParts adds the files under openapi/ to doc; a path or schema
// defined twice is an error.
func mergeOpenAPIParts(doc *openAPIDoc) error {
	var tags []json.RawMessage
	var paths, schemas, params map[string]json.RawMessage
	var components map[string]json.RawMessage
	if err := json.Unmarshal(doc.Tags, &tags); err != nil {
		return fmt.Errorf("openapi.json tags: %w", err)
	}
	if err := json.Unmarshal(doc.Paths, &paths); err != nil {
		return fmt.Errorf("openapi.json paths: %w", err)
	}
	if err := json.Unmarshal(doc.Components, &components); err != nil {
		return fmt.Errorf("openapi.json components: %w", err)
	}
	if err := json.Unmarshal(components["schemas"], &schemas); err != nil {
		return fmt.Errorf("openapi.json schemas: %w", err)
	}
	if err := json.Unmarshal(components["parameters"], &params); err != nil {
		return fmt.Errorf("openapi.json parameters: %w", err)
	}
	names, err := fs.Glob(openAPIParts, "openapi/*.json")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := openAPIParts.ReadFile(name)
		if err != nil {
			return err
		}
		var part openAPIPart
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&part); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		tags = append(tags, part.Tags...)
		for k, v := range part.Paths {
			if _, dup := paths[k]; dup {
				return fmt.Errorf("%s: path %s is defined twice", name, k)
			}
			paths[k] = v
		}
		for k, v := range part.Schemas {
			if _, dup := schemas[k]; dup {
				return fmt.Errorf("%s: schema %s is defined twice", name, k)
			}
			schemas[k] = v
		}
		for k, v := range part.Parameters {
			if _, dup := params[k]; dup {
				return fmt.Errorf("%s: parameter %s is defined twice", name, k)
			}
			params[k] = v
		}
	}
	var err2 error
	if doc.Tags, err2 = json.Marshal(tags); err2 != nil {
		return err2
	}
	if doc.Paths, err2 = json.Marshal(paths); err2 != nil {
		return err2
	}
	if components["schemas"], err2 = json.Marshal(schemas); err2 != nil {
		return err2
	}
	if components["parameters"], err2 = json.Marshal(params); err2 != nil {
		return err2
	}
	doc.Components, err2 = json.Marshal(components)
	return err2
}

// openAPIGet serves the OpenAPI document; it needs no token.
func (s *server) openAPIGet(c *call) (reply, error) {
	return ok(json.RawMessage(s.openapi)), nil
}
