package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// defaultMaxBody applies when Deps.MaxBody is not set (tests, tools).
const defaultMaxBody = 1 << 20

// readBody returns the request body after checking that it is JSON, no larger
// than limit bytes, and not empty. Every failure is a 4xx problem.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if err := checkJSONType(r); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, newProblem(http.StatusRequestEntityTooLarge, typeTooLarge, "Payload too large",
				"the request body is larger than the limit of %d bytes", limit)
		}
		// The client went away or sent less than it announced: its fault, and
		// the transport's wording is no business of the client's.
		return nil, malformedBody("the request body could not be read completely")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, malformedBody("the request body is empty; send a JSON object")
	}
	return data, nil
}

// checkJSONType accepts application/json, optionally with charset=utf-8.
func checkJSONType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if cs, ok := params["charset"]; err == nil && mt == "application/json" && (!ok || strings.EqualFold(cs, "utf-8")) {
		return nil
	}
	var p *problem
	if ct == "" {
		p = newProblem(http.StatusUnsupportedMediaType, typeMediaType, "Unsupported media type",
			"the request has a body but no Content-Type; send JSON with Content-Type: application/json")
	} else {
		if len(ct) > 100 {
			ct = ct[:100] + "…"
		}
		p = newProblem(http.StatusUnsupportedMediaType, typeMediaType, "Unsupported media type",
			"Content-Type %q is not accepted; send UTF-8 JSON with Content-Type: application/json", ct)
	}
	// RFC 5789 and the Accept-Post convention tell the client what would work.
	if r.Method == http.MethodPatch {
		p.withHeader("Accept-Patch", "application/json")
	} else {
		p.withHeader("Accept-Post", "application/json")
	}
	return p
}

// decodeStrict decodes data, which must hold exactly one JSON object, into
// the struct dst. Unknown fields, wrong types, syntax errors and trailing
// data are 400 problems that name the field or the byte offset.
func decodeStrict(data []byte, dst any) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return malformedBody("the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, data, dst)
	}
	if trimmed[0] != '{' { // null decodes into a struct without complaint
		return malformedBody("the request body must be a JSON object, not %s", jsonKind(trimmed[0]))
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		off := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		p := malformedBody("unexpected data after the JSON object at byte offset %d; send exactly one object", off)
		p.Offset = &off
		return p
	}
	return nil
}

func decodeError(err error, data []byte, dst any) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var invalid *json.InvalidUnmarshalError
	switch {
	case errors.As(err, &syntax):
		// The decoder counts the bad byte as read; report its own position,
		// 0-based like the other offsets.
		off := max(syntax.Offset-1, 0)
		p := malformedBody("the request body is not valid JSON: %s (at byte offset %d)", syntax.Error(), off)
		p.Offset = &off
		return p
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		off := int64(len(data))
		p := malformedBody("the request body ends before the JSON object is complete (at byte offset %d)", off)
		p.Offset = &off
		return p
	case errors.As(err, &typ):
		if typ.Field == "" {
			return malformedBody("the request body must be a JSON object, not %s", firstWord(typ.Value))
		}
		want := typ.Type
		if ft := fieldType(reflect.TypeOf(dst), typ.Field); ft != nil {
			want = ft
		}
		return invalidField(typ.Field, "must be %s, not %s", describeType(want), firstWord(typ.Value))
	case errors.As(err, &invalid):
		return err // a handler passed a non-pointer: a bug, answered as a 500
	}
	// The decoder reports unknown fields only as text; its format is stable.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, uerr := strconv.Unquote(name); uerr == nil {
			name = n
		}
		return invalidField(name, "unknown field; this request accepts: %s", strings.Join(fieldNames(dst), ", "))
	}
	return malformedBody("the request body could not be decoded as JSON")
}

// jsonKind names the JSON value that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}

// describeType says what JSON a Go type expects, for error messages.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return describeType(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		elem := strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "an "), "a ")
		return fmt.Sprintf("an array of %ss", elem)
	}
	return "an object"
}

// fieldType resolves a dotted JSON field path (as the decoder reports it) to
// the Go type declared for it in the struct t, or nil.
func fieldType(t reflect.Type, path string) reflect.Type {
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := structField(t, name)
		if !ok {
			return nil
		}
		t = f.Type
	}
	return t
}

func structField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldNames lists the JSON names a request struct accepts.
func fieldNames(dst any) []string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); tag != "" && tag != "-" {
			names = append(names, tag)
		}
	}
	sort.Strings(names)
	return names
}
